using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Chart.Tests.Network;
using SparkK8s.Core.Manifests;
using Xunit;

namespace SparkK8s.Chart.Tests.Monitoring;

/// <summary>
/// Issue 12 for `jobs:`: the drivers and executors of submit Jobs and operator applications (both flavours) get the
/// same Prometheus endpoints, tracing agent and JSON logs as Connect, and a PodMonitor scrapes the drivers as Spark
/// creates them (the spark-role=driver label and the spark-ui container port Spark adds).
/// </summary>
public sealed class JobObservabilityTests
{
    private const string Agent = "/opt/otel/opentelemetry-javaagent.jar";
    private const string ConfigFile = "-Dlog4j2.configurationFile=/opt/spark-k8s/logging/spark-log4j2.properties";

    private const string Jobs = """
        jobs:
          load:
            pythonSource: |
              print("load")
            sparkConf:
              spark.driver.extraJavaOptions: "-Duser.flag=1"
        """;

    /// <summary>Submit on both lines, the kubeflow operator on both lines, the Apache operator on 4.1 (it runs no 3.5).</summary>
    public static TheoryData<string, string> Backends() => JobsChartTests.Backends();

    private static Task<Rendered> RenderAsync(string version, string backend, params string[] sets)
    {
        var all = new List<string> { $"spark.version={version}", $"jobDefaults.type={(backend == "submit" ? "submit" : "operator")}" };
        if (backend != "submit")
        {
            all.Add($"operator.flavor={backend}");
        }

        all.AddRange(sets);
        return ChartRender.RenderAsync(new RenderInput(Sets: all, ValuesYaml: Jobs));
    }

    /// <summary>The job's Spark properties: spark-defaults.conf of a submit job, spec.sparkConf of an application.</summary>
    private static IReadOnlyDictionary<string, string> JobConf(Rendered rendered)
    {
        if (rendered.OfKind("ConfigMap").SingleOrDefault(o => o.Labels.GetValueOrDefault(Rendered.ComponentLabel) == "job-submitter") is { } map)
        {
            return SparkDefaultsFile.Parse((string)map.Body["data"]!["spark-defaults.conf"]!);
        }

        var app = rendered.OfKind("SparkApplication").Single();
        return app.Body["spec"]!["sparkConf"]!.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!);
    }

    private static KubeObject Template(Rendered rendered, string component) =>
        rendered.SparkPodTemplates.Single(t => t.Labels.GetValueOrDefault(Rendered.ComponentLabel) == component);

    private static string? Env(KubeObject template, string name) =>
        template.Containers().Single().Env().Where(e => (string?)e["name"] == name).Select(e => (string?)e["value"]).SingleOrDefault();

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Job_drivers_serve_the_prometheus_servlet_and_the_executors_summary(string version, string backend)
    {
        var rendered = await RenderAsync(version, backend, "monitoring.enabled=true");
        var conf = JobConf(rendered);

        using var scope = new AssertionScope();
        conf.Should().Contain(new Dictionary<string, string>
        {
            ["spark.metrics.namespace"] = "spark",
            ["spark.metrics.conf.*.sink.prometheusServlet.class"] = "org.apache.spark.metrics.sink.PrometheusServlet",
            ["spark.metrics.conf.*.sink.prometheusServlet.path"] = "/metrics/prometheus",
            ["spark.metrics.conf.*.source.jvm.class"] = "org.apache.spark.metrics.source.JvmSource",
            ["spark.metrics.appStatusSource.enabled"] = "true",
            ["spark.ui.prometheus.enabled"] = "true",
            ["spark.ui.port"] = "4040",
        });
        var without = JobConf(await RenderAsync(version, backend));
        without.Keys.Should().NotContain(k => k.StartsWith("spark.metrics.", StringComparison.Ordinal) || k == "spark.ui.prometheus.enabled");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task The_pod_monitor_selects_the_job_drivers_as_spark_creates_them_on_the_port_spark_names(string version, string backend)
    {
        var rendered = await RenderAsync(version, backend, "monitoring.enabled=true");
        var monitor = rendered.OfKind("PodMonitor").Single(m => m.Labels[Rendered.ComponentLabel] == "job-driver");
        var selector = monitor.Body["spec"]!["selector"]!["matchLabels"]!.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!);
        var endpoints = monitor.Body["spec"]!["podMetricsEndpoints"]!.AsArray().Select(e => e!.AsObject()).ToList();
        // Spark adds spark-role (Constants.SPARK_ROLE_LABEL) to the pods it builds from the templates.
        var driver = Template(rendered, "job-driver").PodLabels().Append(new("spark-role", "driver")).ToDictionary();
        var executor = Template(rendered, "job-executor").PodLabels().Append(new("spark-role", "executor")).ToDictionary();

        using var scope = new AssertionScope();
        selector.Should().Contain("spark-role", "driver").And.Contain(Rendered.InstanceLabel, "spark");
        selector.Should().OnlyContain(kv => driver.ContainsKey(kv.Key) && driver[kv.Key] == kv.Value, "the driver pods carry every selected label");
        selector.Should().Contain(kv => !executor.ContainsKey(kv.Key) || executor[kv.Key] != kv.Value, "executor pods are not scraped");
        // BasicDriverFeatureStep names the UI container port "spark-ui" (Constants.UI_PORT_NAME); the template lists none.
        endpoints.Select(e => (string?)e["port"]).Should().AllBe("spark-ui");
        endpoints.Select(e => (string?)e["path"]).Should().Equal("/metrics/prometheus", "/metrics/executors/prometheus");
        // Every series names its job: Prometheus copies the pods' job label (spark_k8s_io_job).
        monitor.Body["spec"]!["podTargetLabels"]!.AsArray().Select(l => (string?)l).Should().Equal("spark-k8s.io/job");
        driver.Should().ContainKey("spark-k8s.io/job");
        KubeSchema.Validate(monitor).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task Prometheus_reaches_the_job_driver_ui_port_and_no_other_job_port(string version)
    {
        var rendered = await RenderAsync(version, "submit", "monitoring.enabled=true");
        var evaluator = new NetworkPolicyEvaluator(rendered.Objects);
        var prometheus = new NetworkPod("prometheus-0", "monitoring", new Dictionary<string, string> { ["app.kubernetes.io/name"] = "prometheus" }, []);
        var pods = ReleaseNetwork.Pods(rendered).Where(p => ReleaseNetwork.Component(p) is "job-driver" or "job-executor").ToList();

        using var scope = new AssertionScope();
        pods.Select(ReleaseNetwork.Component).Should().Contain(["job-driver", "job-executor"]);
        foreach (var pod in pods)
        {
            foreach (var port in pod.Ports)
            {
                var expected = ReleaseNetwork.Component(pod) == "job-driver" && port.Name == "ui";
                evaluator.Allows(prometheus, pod, port.Number).Should().Be(expected, $"prometheus -> {pod.Name}:{port.Name}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Tracing_attaches_the_agent_to_job_drivers_and_executors_and_opens_the_collector_port(string version, string backend)
    {
        var rendered = await RenderAsync(version, backend, "tracing.enabled=true", "jars.bundled=true", "tracing.otlp.cidrs[0]=10.40.0.0/16");
        var conf = JobConf(rendered);
        var driver = Template(rendered, "job-driver");
        var executor = Template(rendered, "job-executor");
        var evaluator = new NetworkPolicyEvaluator(rendered.Objects);
        var pods = ReleaseNetwork.Pods(rendered);

        using var scope = new AssertionScope();
        conf["spark.driver.extraJavaOptions"].Should().StartWith($"-javaagent:{Agent}").And.EndWith("-Duser.flag=1", "the job's own options stay, after the chart's");
        conf["spark.executor.extraJavaOptions"].Should().StartWith($"-javaagent:{Agent}").And.Contain("-Dotel.service.name=spark-spark-k8s-job-executor");
        Env(driver, "OTEL_SERVICE_NAME").Should().Be("spark-spark-k8s-job-driver");
        Env(executor, "OTEL_SERVICE_NAME").Should().Be("spark-spark-k8s-job-executor");
        Env(driver, "OTEL_EXPORTER_OTLP_ENDPOINT").Should().Be("http://otel-collector.observability.svc:4317");
        foreach (var component in new[] { "job-driver", "job-executor" })
        {
            var pod = pods.First(p => ReleaseNetwork.Component(p) == component);
            evaluator.Allows(pod, Destination.To("10.40.0.7"), 4317).Should().BeTrue($"{component} -> collector");
            evaluator.Allows(pod, Destination.To("10.41.0.7"), 4317).Should().BeFalse($"{component} -> outside tracing.otlp.cidrs");
        }

        var off = await RenderAsync(version, backend);
        JobConf(off).Keys.Should().NotContain("spark.executor.extraJavaOptions");
        Env(Template(off, "job-driver"), "OTEL_SERVICE_NAME").Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Operator_mode_annotates_the_job_pods_for_injection(string version, string backend)
    {
        var rendered = await RenderAsync(version, backend, "tracing.enabled=true", "tracing.mode=operator");

        using var scope = new AssertionScope();
        foreach (var component in new[] { "job-driver", "job-executor" })
        {
            var annotations = Template(rendered, component).Body["metadata"]!["annotations"] as JsonObject;
            ((string?)annotations?["instrumentation.opentelemetry.io/inject-java"]).Should().Be("spark-spark-k8s-tracing", component);
        }

        JobConf(rendered).Keys.Should().NotContain("spark.executor.extraJavaOptions", "the operator injects its own agent");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Json_logs_reach_job_drivers_and_executors_on_each_line(string version, string backend)
    {
        var rendered = await RenderAsync(version, backend, "logging.format=json");
        var conf = JobConf(rendered);

        using var scope = new AssertionScope();
        if (version == "3.5")
        {
            conf["spark.driver.extraJavaOptions"].Should().Be($"{ConfigFile} -Duser.flag=1");
            conf["spark.executor.extraJavaOptions"].Should().Be(ConfigFile);
            conf.Should().NotContainKey("spark.log.structuredLogging.enabled");
            foreach (var component in new[] { "job-driver", "job-executor" })
            {
                var template = Template(rendered, component);
                template.Containers().Single().Items("volumeMounts").Should().Contain(m => (string?)m["mountPath"] == "/opt/spark-k8s/logging", component);
                PodSpecs.Items(template.PodSpec, "volumes").Select(v => (string?)v["configMap"]?["name"]).Should().Contain("spark-spark-k8s-logging", component);
            }

            ((string?)rendered.Single("ConfigMap", "logging").Body["data"]!["spark-log4j2.properties"]).Should().Contain("JsonTemplateLayout");
        }
        else
        {
            // Spark 4's own JsonTemplateLayout (spark.log.structuredLogging.enabled): no file, no option.
            conf["spark.log.structuredLogging.enabled"].Should().Be("true");
            conf["spark.driver.extraJavaOptions"].Should().Be("-Duser.flag=1");
            conf.Should().NotContainKey("spark.executor.extraJavaOptions");
        }

        JobConf(await RenderAsync(version, backend)).Should().NotContainKey("spark.log.structuredLogging.enabled");
    }
}

/// <summary>Access to a container's list fields.</summary>
internal static class ContainerItems
{
    public static IEnumerable<JsonObject> Items(this JsonObject container, string property) => PodSpecs.Items(container, property);
}
