using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Chart.Tests.Network;
using SparkK8s.Core.Manifests;
using Xunit;

namespace SparkK8s.Chart.Tests.Monitoring;

/// <summary>
/// Issue 12 §1 and §6: the scrape objects target ports that exist on exactly the objects they select, only this
/// release's; they pass the strict CRD schemas; Spark's metric properties are set on both lines; Prometheus reaches
/// exactly the metrics ports.
/// </summary>
public sealed class MonitoringRenderTests
{
    /// <summary>The components that export metrics and their metrics port, written here independently of the component table.</summary>
    private static readonly Dictionary<string, string> MetricsPorts = new()
    {
        ["connect"] = "ui",
        ["standalone-master"] = "ui",
        ["standalone-worker"] = "ui",
        ["metastore"] = "metrics",
        ["postgresql"] = "metrics",
        ["minio"] = "s3",
        ["cost-exporter"] = "metrics",
        ["airflow-statsd"] = "metrics",
        // mlflow server --expose-prometheus serves /metrics on the app's own port.
        ["mlflow"] = "http",
        ["celeborn-master"] = "http",
        ["celeborn-worker"] = "http",
    };

    public static TheoryData<string, string> Renders()
    {
        var data = new TheoryData<string, string>();
        foreach (var version in ChartRender.SparkVersions)
        {
            data.Add(version, "k8s");
            data.Add(version, "standalone");
        }

        return data;
    }

    private static Task<Rendered> RenderAsync(string version, string backend, params string[] sets) =>
        ChartRender.RenderAsync(backend == "k8s" ? MonitoringRenders.Full(version, sets) : MonitoringRenders.Standalone(version, sets));

    private static IEnumerable<KubeObject> Monitors(Rendered rendered) =>
        rendered.Objects.Where(o => o.Kind is "ServiceMonitor" or "PodMonitor");

    private static IReadOnlyDictionary<string, string> MatchLabels(KubeObject monitor) =>
        monitor.Body["spec"]!["selector"]!["matchLabels"]!.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!);

    private static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static IEnumerable<string> EndpointPorts(KubeObject monitor) =>
        (monitor.Body["spec"]![monitor.Kind == "ServiceMonitor" ? "endpoints" : "podMetricsEndpoints"]!.AsArray())
        .Select(e => (string)e!["port"]!);

    private static IEnumerable<string> ServicePortNames(KubeObject service) =>
        service.Body["spec"]!["ports"]!.AsArray().Select(p => (string)p!["name"]!);

    private static IEnumerable<string> ContainerPortNames(KubeObject workload) =>
        PodSpecs.Items(workload.PodSpec!, "containers").SelectMany(c => PodSpecs.Items(c, "ports")).Select(p => (string?)p["name"]).OfType<string>();

    [Theory]
    [MemberData(nameof(Renders))]
    public async Task Every_component_that_exports_metrics_has_one_monitor_whose_port_exists_on_every_object_it_selects(string version, string backend)
    {
        var rendered = await RenderAsync(version, backend);
        var monitors = Monitors(rendered).ToList();
        var running = rendered.PodWorkloads.Select(w => w.PodLabels().GetValueOrDefault(Rendered.ComponentLabel)).ToHashSet();

        using var scope = new AssertionScope();
        var expected = MetricsPorts.Keys.Where(running.Contains).ToList();
        monitors.Select(m => m.Labels[Rendered.ComponentLabel]).Should().BeEquivalentTo(expected, "one scrape object per component that exports metrics");
        foreach (var monitor in monitors)
        {
            var component = monitor.Labels[Rendered.ComponentLabel];
            var selector = MatchLabels(monitor);
            EndpointPorts(monitor).Should().OnlyContain(p => p == MetricsPorts[component], monitor.DisplayName);
            if (monitor.Kind == "ServiceMonitor")
            {
                var services = rendered.OfKind("Service").Where(s => Selects(selector, s.Labels)).ToList();
                services.Should().NotBeEmpty(monitor.DisplayName);
                foreach (var service in services)
                {
                    ServicePortNames(service).Should().Contain(EndpointPorts(monitor), $"{monitor.DisplayName} selects {service.DisplayName}");
                }
            }
            else
            {
                var pods = rendered.PodWorkloads.Where(w => Selects(selector, w.PodLabels())).ToList();
                pods.Should().NotBeEmpty(monitor.DisplayName);
                foreach (var pod in pods)
                {
                    ContainerPortNames(pod).Should().Contain(EndpointPorts(monitor), $"{monitor.DisplayName} selects {pod.DisplayName}");
                }
            }
        }
    }

    [Fact]
    public async Task Monitors_select_only_this_release_in_its_namespace_and_carry_the_configured_labels()
    {
        var first = await ChartRender.RenderAsync(MonitoringRenders.Full("4.1", "monitoring.serviceMonitor.labels.release=kube-prometheus-stack") with { Release = "one" });
        var second = await ChartRender.RenderAsync(MonitoringRenders.Full("4.1") with { Release = "two" });
        var targets = second.Objects.Where(o => o.Kind == "Service").Concat(second.PodWorkloads).ToList();

        using var scope = new AssertionScope();
        Monitors(first).Should().NotBeEmpty();
        foreach (var monitor in Monitors(first).Concat(first.OfKind("PrometheusRule")))
        {
            monitor.Labels.Should().Contain("release", "kube-prometheus-stack", monitor.DisplayName);
        }

        foreach (var monitor in Monitors(first))
        {
            MatchLabels(monitor).Should().Contain(Rendered.InstanceLabel, "one");
            monitor.Body["spec"]!["namespaceSelector"]!["matchNames"]!.AsArray().Select(n => (string)n!).Should().Equal(["spark"]);
            var selector = MatchLabels(monitor);
            targets.Where(t => Selects(selector, t.Kind == "Service" ? t.Labels : t.PodLabels())).Should().BeEmpty($"{monitor.DisplayName} must not select release two");
        }
    }

    [Fact]
    public async Task Without_monitoring_nothing_of_it_renders()
    {
        var rendered = await ChartRender.RenderAsync(RenderInput.Version("4.1", "backup.enabled=true"));

        rendered.Objects.Where(o => o.ApiVersion.StartsWith("monitoring.coreos.com/", StringComparison.Ordinal)).Should().BeEmpty();
        rendered.SparkDefaults("connect").Keys.Should().NotContain(k => k.StartsWith("spark.metrics.", StringComparison.Ordinal));
        rendered.PodWorkloads.SelectMany(w => PodSpecs.Items(w.PodSpec!, "containers")).Select(c => (string?)c["name"]).Should().NotContain("exporter");
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public async Task Monitoring_objects_match_the_strict_crd_schemas(string version, string backend)
    {
        var rendered = await RenderAsync(version, backend);
        var objects = rendered.Objects.Where(o => o.ApiVersion.StartsWith("monitoring.coreos.com/", StringComparison.Ordinal)).ToList();

        objects.Select(o => o.Kind).Should().Contain("PrometheusRule");
        objects.SelectMany(KubeSchema.Validate).Should().BeEmpty();
        rendered.Objects.SelectMany(KubeSchema.Validate).Should().BeEmpty("the exporters and ports the monitoring adds are valid Kubernetes too");
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task Spark_processes_get_the_prometheus_properties_on_each_line(string version)
    {
        var k8s = await ChartRender.RenderAsync(MonitoringRenders.Full(version));
        var standalone = await ChartRender.RenderAsync(MonitoringRenders.Standalone(version));
        var expected = new Dictionary<string, string>
        {
            ["spark.metrics.namespace"] = "spark",
            ["spark.metrics.conf.*.sink.prometheusServlet.class"] = "org.apache.spark.metrics.sink.PrometheusServlet",
            ["spark.metrics.conf.*.sink.prometheusServlet.path"] = "/metrics/prometheus",
            ["spark.metrics.conf.master.sink.prometheusServlet.path"] = "/metrics/master/prometheus",
            ["spark.metrics.conf.applications.sink.prometheusServlet.path"] = "/metrics/applications/prometheus",
            ["spark.metrics.conf.*.source.jvm.class"] = "org.apache.spark.metrics.source.JvmSource",
            ["spark.metrics.appStatusSource.enabled"] = "true",
            // Off by default on 3.5 (UI.scala UI_PROMETHEUS_ENABLED), so set on both lines.
            ["spark.ui.prometheus.enabled"] = "true",
        };

        using var scope = new AssertionScope();
        k8s.SparkDefaults("connect").Should().Contain(expected);
        standalone.SparkDefaults("connect").Should().Contain(expected);
        standalone.SparkDefaults("standalone-master").Should().Contain(expected);
        standalone.SparkDefaults("standalone-worker").Should().Contain(expected);
        var renamed = await ChartRender.RenderAsync(MonitoringRenders.Full(version, "monitoring.spark.namespace=platform"));
        renamed.SparkDefaults("connect")["spark.metrics.namespace"].Should().Be("platform");
        MonitoringRenders.RuleFile(renamed).Should().Contain("metrics_platform_driver_jvm_heap_used_Value").And.NotContain("metrics_spark_driver_");
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task The_metastore_runs_the_jmx_exporter_and_postgresql_the_exporter_sidecar(string version)
    {
        var rendered = await ChartRender.RenderAsync(MonitoringRenders.Full(version));
        var metastore = PodSpecs.Items(rendered.Single("Deployment", "metastore").PodSpec!, "containers").Single(c => (string?)c["name"] == "metastore");
        var opts = (string)PodSpecs.Items(metastore, "env").Single(e => (string?)e["name"] == "SERVICE_OPTS")["value"]!;
        var config = rendered.ConfigData("metastore", "hive-site.xml");
        var postgres = PodSpecs.Items(rendered.Single("StatefulSet", "postgresql").PodSpec!, "containers").ToList();
        var exporter = postgres.Single(c => (string?)c["name"] == "exporter");
        var exporterEnv = PodSpecs.Items(exporter, "env").ToDictionary(e => (string)e["name"]!, e => e);

        using var scope = new AssertionScope();
        opts.Should().Be("-Xmx1g -javaagent:/opt/hive/lib/jmx_prometheus_javaagent-1.6.0.jar=9404:/opt/jmx-exporter/jmx-exporter.yaml");
        config.Should().Contain("<name>metastore.metrics.enabled</name>").And.Contain("<name>metastore.metrics.reporters</name>");
        rendered.ConfigData("metastore", "jmx-exporter.yaml").Should().Contain("hive_metastore_api_calls");
        exporterEnv.Keys.Should().BeEquivalentTo(["DATA_SOURCE_URI", "DATA_SOURCE_USER", "DATA_SOURCE_PASS_FILE"], "the password is a mounted file, never an env value");
        ((string)exporterEnv["DATA_SOURCE_USER"]["value"]!).Should().Be("postgres_exporter");
        var script = (string)PodSpecs.Items(rendered.OfKind("Job").Single(j => j.Labels[Rendered.ComponentLabel] == "postgresql" && j.Name.Contains("roles", StringComparison.Ordinal)).PodSpec!, "containers").Single()["command"]![2]!;
        script.Should().Contain("GRANT pg_monitor TO %I").And.Contain("WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'exporter_user')");
        script.Should().NotContain("SUPERUSER PASSWORD").And.Contain("NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 3");
    }

    [Theory]
    [InlineData("generated")]
    [InlineData("external-secrets")]
    public async Task Only_the_postgresql_pod_and_the_roles_job_hold_the_exporter_password(string provider)
    {
        var rendered = await ChartRender.RenderAsync(MonitoringRenders.Full("4.1", $"secrets.provider={provider}") with
        {
            ValuesYaml = provider == "generated" ? null
                : "secrets: {externalSecrets: {store: {create: true, kind: SecretStore, name: aws, provider: {aws: {service: SecretsManager, region: eu-central-1}}}}}",
        });
        var exporter = new SecretKeyRef("spark-spark-k8s-postgresql-exporter", "password");

        using var scope = new AssertionScope();
        SecretHoldings.ByComponent(rendered).Where(kv => kv.Value.Contains(exporter)).Select(kv => kv.Key)
            .Should().BeEquivalentTo(["postgresql", "postgresql-roles"]);
        SecretHoldings.ByComponent(rendered)["postgresql"].Should().BeEquivalentTo([new SecretKeyRef("spark-spark-k8s-postgresql", "admin-password"), exporter]);
        SecretHoldings.Produced(rendered).Should().Contain(exporter, "the same Secret name and key whatever the provider");
    }

    [Fact]
    public async Task Without_bundled_jars_the_metastore_downloads_the_pinned_agent_too()
    {
        var rendered = await ChartRender.RenderAsync(MonitoringRenders.Full("4.1", "jars.bundled=false"));
        var fetch = PodSpecs.Items(rendered.Single("Deployment", "metastore").PodSpec!, "initContainers").Single(c => (string?)c["name"] == "fetch-jars");
        var jars = (string)PodSpecs.Items(fetch, "env").Single(e => (string?)e["name"] == "JARS")["value"]!;

        jars.Should().Contain("io/prometheus/jmx/jmx_prometheus_javaagent/1.6.0/jmx_prometheus_javaagent-1.6.0.jar@a95983fd96e865d2bcdf911cc500e7c82808c27ab9fd226bf96732b6c3d8c46e");
    }

    [Theory]
    [MemberData(nameof(Renders))]
    public async Task Prometheus_reaches_exactly_the_metrics_ports_and_nothing_else(string version, string backend)
    {
        var rendered = await RenderAsync(version, backend);
        var pods = ReleaseNetwork.Pods(rendered);
        var evaluator = new NetworkPolicyEvaluator(rendered.Objects);
        var prometheus = new NetworkPod("prometheus-0", "monitoring", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "prometheus" }, []);
        var grafana = prometheus with { Name = "grafana", Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "grafana" } };
        var elsewhere = prometheus with { Namespace = "other" };

        using var scope = new AssertionScope();
        foreach (var pod in pods)
        {
            var component = ReleaseNetwork.Component(pod);
            foreach (var port in pod.Ports)
            {
                var expected = MetricsPorts.GetValueOrDefault(component) == port.Name;
                evaluator.Allows(prometheus, pod, port.Number).Should().Be(expected, $"prometheus -> {pod.Name}:{port.Name}");
                evaluator.Allows(grafana, pod, port.Number).Should().BeFalse($"grafana -> {pod.Name}:{port.Name}");
                evaluator.Allows(elsewhere, pod, port.Number).Should().BeFalse($"other namespace -> {pod.Name}:{port.Name}");
            }
        }

        // Monitoring adds no flow between the release's own pods.
        var required = ReleaseNetwork.Required(pods, inChartS3: true, inChartDatabase: true);
        ReleaseNetwork.Mismatches(evaluator, pods, required).Should().BeEmpty();
    }
}
