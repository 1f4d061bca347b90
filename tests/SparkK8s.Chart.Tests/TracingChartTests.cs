using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Manifests;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// tracing.*: the OpenTelemetry agent in every JVM component (agent mode), or an Instrumentation and the inject
/// annotation (operator mode), the OTLP settings per component, the egress to the collector, and nothing when off.
/// </summary>
public class TracingChartTests
{
    private const string Agent = "/opt/otel/opentelemetry-javaagent.jar";

    public static TheoryData<string> Versions() => ChartRender.Versions();

    /// <summary>Every traced component: Connect on k8s (with its executors), the standalone daemons, the History Server, the metastore.</summary>
    private static async Task<(Rendered K8s, Rendered Standalone)> RenderAsync(string version, params string[] sets)
    {
        string[] common = ["tracing.enabled=true", "jars.bundled=true", "historyServer.enabled=true", "metastore.enabled=true", .. sets];
        var k8s = await ChartRender.RenderAsync(version, common);
        var standalone = await ChartRender.RenderAsync(version, ["standalone.enabled=true", "connect.backend=standalone", .. common]);
        return (k8s, standalone);
    }

    private static string Env(JsonObject container, string name) =>
        container.Env().Where(e => (string?)e["name"] == name).Select(e => (string?)e["value"]).SingleOrDefault()
        ?? throw new InvalidOperationException($"container {(string?)container["name"]} has no env {name}");

    private static bool HasEnv(JsonObject container, string name) => container.Env().Any(e => (string?)e["name"] == name);

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Agent_mode_attaches_the_agent_to_every_jvm_component(string version)
    {
        var (k8s, standalone) = await RenderAsync(version);
        var conf = k8s.SparkDefaults("connect");

        using var _ = new AssertionScope();
        conf["spark.driver.extraJavaOptions"].Should().StartWith($"-javaagent:{Agent}");
        conf["spark.executor.extraJavaOptions"].Should().StartWith($"-javaagent:{Agent}")
            .And.Contain("-Dotel.service.name=spark-spark-k8s-executor");
        standalone.SparkDefaults("connect")["spark.executor.extraJavaOptions"].Should().Contain($"-javaagent:{Agent}");
        Env(k8s.Single("Deployment", "history-server").Container("history-server"), "SPARK_DAEMON_JAVA_OPTS").Should().Contain($"-javaagent:{Agent}");
        Env(standalone.Single("StatefulSet", "standalone-master").Container("spark-master"), "SPARK_DAEMON_JAVA_OPTS").Should().Contain($"-javaagent:{Agent}");
        Env(standalone.Single("Deployment", "standalone-worker").Container("spark-worker"), "SPARK_DAEMON_JAVA_OPTS").Should().Contain($"-javaagent:{Agent}");
        var metastore = k8s.Single("Deployment", "metastore");
        Env(metastore.Container("metastore"), "JAVA_TOOL_OPTIONS").Should().Be($"-javaagent:{Agent}");
        // Only the server: the schema check and the schema Job stay without the agent.
        metastore.InitContainers().Should().NotContain(c => HasEnv(c, "JAVA_TOOL_OPTIONS"));
        k8s.OfKind("Job").SelectMany(j => j.AllContainers()).Should().NotContain(c => HasEnv(c, "OTEL_SERVICE_NAME"));
        k8s.OfKind("Instrumentation").Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Each_traced_container_exports_to_the_endpoint_with_its_service_name_and_the_release_attributes(string version)
    {
        var (k8s, standalone) = await RenderAsync(version, "tracing.resourceAttributes.team=analytics");
        var sparkVersion = version == "3.5" ? "3.5.8" : "4.1.2";
        var traced = new (KubeObject Workload, string Container, string Component)[]
        {
            (k8s.Single("Deployment", "connect"), "spark-connect", "connect"),
            (k8s.ExecutorPodTemplate, "spark-executor", "executor"),
            (k8s.Single("Deployment", "history-server"), "history-server", "history-server"),
            (k8s.Single("Deployment", "metastore"), "metastore", "metastore"),
            (standalone.Single("StatefulSet", "standalone-master"), "spark-master", "standalone-master"),
            (standalone.Single("Deployment", "standalone-worker"), "spark-worker", "standalone-worker"),
        };

        using var _ = new AssertionScope();
        foreach (var (workload, name, component) in traced)
        {
            var container = workload.Container(name);
            Env(container, "OTEL_SERVICE_NAME").Should().Be($"spark-spark-k8s-{component}", component);
            Env(container, "OTEL_EXPORTER_OTLP_ENDPOINT").Should().Be("http://otel-collector.observability.svc:4317", component);
            Env(container, "OTEL_EXPORTER_OTLP_PROTOCOL").Should().Be("grpc", component);
            Env(container, "OTEL_RESOURCE_ATTRIBUTES").Should().Be(
                $"service.namespace=spark-spark-k8s,k8s.namespace.name=spark,spark.version={sparkVersion},team=analytics", component);
        }

        k8s.Single("Deployment", "jupyter").Containers().Should().NotContain(c => HasEnv(c, "OTEL_SERVICE_NAME"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Operator_mode_renders_a_strictly_valid_instrumentation_and_annotates_the_traced_pods(string version)
    {
        var (k8s, standalone) = await RenderAsync(version, "tracing.mode=operator", "jars.bundled=false");
        var instrumentation = k8s.OfKind("Instrumentation").Should().ContainSingle().Subject;

        using var _ = new AssertionScope();
        instrumentation.ApiVersion.Should().Be("opentelemetry.io/v1alpha1");
        KubeSchema.Validate(instrumentation).Should().BeEmpty();
        ((string?)instrumentation.Body["spec"]!["exporter"]!["endpoint"]).Should().Be("http://otel-collector.observability.svc:4317");
        ((string?)instrumentation.Body["spec"]!["resource"]!["resourceAttributes"]!["spark.version"]).Should().Be(version == "3.5" ? "3.5.8" : "4.1.2");
        var pods = new[]
        {
            k8s.Single("Deployment", "connect"), k8s.ExecutorPodTemplate, k8s.Single("Deployment", "history-server"),
            k8s.Single("Deployment", "metastore"), standalone.Single("StatefulSet", "standalone-master"), standalone.Single("Deployment", "standalone-worker"),
        };
        foreach (var pod in pods)
        {
            var metadata = pod.Kind == "Pod" ? pod.Body["metadata"] : pod.Body["spec"]!["template"]!["metadata"];
            ((string?)metadata!["annotations"]?["instrumentation.opentelemetry.io/inject-java"]).Should().Be(instrumentation.Name, pod.DisplayName);
        }

        // The operator injects its own agent: no -javaagent of the chart's.
        k8s.SparkDefaults("connect").Should().NotContainKey("spark.driver.extraJavaOptions");
        pods.SelectMany(p => p.AllContainers()).SelectMany(c => c.Env()).Select(e => (string?)e["value"] ?? "").Should().NotContain(v => v.Contains("-javaagent"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Off_renders_no_agent_no_otel_env_no_instrumentation_and_no_collector_egress(string version)
    {
        var rendered = await ChartRender.RenderAsync(version, "historyServer.enabled=true", "metastore.enabled=true");

        using var _ = new AssertionScope();
        rendered.OfKind("Instrumentation").Should().BeEmpty();
        rendered.PodWorkloads.SelectMany(w => w.AllContainers()).SelectMany(c => c.Env())
            .Select(e => (string?)e["name"] ?? "").Should().NotContain(n => n.StartsWith("OTEL_", StringComparison.Ordinal) || n == "JAVA_TOOL_OPTIONS");
        rendered.SparkDefaults("connect").Keys.Should().NotContain(k => k.EndsWith("extraJavaOptions", StringComparison.Ordinal));
        EgressPorts(rendered, "connect").Should().NotContain(4317);
    }

    [Fact]
    public async Task The_collector_port_is_opened_only_for_the_traced_components_to_the_configured_cidrs()
    {
        var (k8s, _) = await RenderAsync("4.1", "tracing.otlp.endpoint=https://tempo.example.com:4318", "tracing.otlp.cidrs[0]=10.40.0.0/16");

        using var _ = new AssertionScope();
        foreach (var component in new[] { "connect", "executor", "history-server", "metastore" })
        {
            EgressRules(k8s, component).Should().Contain(r => Ports(r).Contains(4318) && Cidrs(r).SequenceEqual(new[] { "10.40.0.0/16" }), component);
        }

        foreach (var component in new[] { "jupyter", "minio", "postgresql", "metastore-schema" })
        {
            EgressPorts(k8s, component).Should().NotContain(4318, component);
        }
    }

    [Theory]
    [InlineData("tracing: {enabled: true}", "jars.bundled")]
    [InlineData("tracing: {enabled: true, mode: sidecar}", "mode")]
    [InlineData("tracing: {enabled: true, mode: operator, otlp: {endpoint: 'otel:4317'}}", "endpoint")]
    [InlineData("tracing: {enabled: true, mode: operator, samplerRatio: '2'}", "samplerRatio")]
    [InlineData("jars: {bundled: true}\ntracing: {enabled: true, agent: {jar: {coordinate: 'io.opentelemetry.javaagent:opentelemetry-javaagent:2.31.1', sha256: null}}}", "sha256")]
    public async Task Bad_tracing_values_fail_naming_the_key(string valuesYaml, string key)
    {
        var render = () => ChartRender.RenderUncachedAsync(new RenderInput(ValuesYaml: valuesYaml));

        (await render.Should().ThrowAsync<HelmException>()).Which.Message.Should().Contain(key);
    }

    private static IEnumerable<JsonObject> EgressRules(Rendered rendered, string component) =>
        PodSpecs.Items(rendered.Single("NetworkPolicy", component).Body["spec"], "egress");

    private static IEnumerable<long> EgressPorts(Rendered rendered, string component) => EgressRules(rendered, component).SelectMany(Ports);

    private static IEnumerable<long> Ports(JsonObject rule) => PodSpecs.Items(rule, "ports").Select(p => (long?)p["port"] ?? 0);

    private static IEnumerable<string> Cidrs(JsonObject rule) =>
        PodSpecs.Items(rule, "to").Select(t => (string?)t["ipBlock"]?["cidr"]).OfType<string>();
}
