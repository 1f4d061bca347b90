using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Manifests;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// logging.format json: Spark 4's structured logging, Spark 3.5's log4j2 JsonTemplateLayout from a ConfigMap, the
/// metastore's log4j2 JSON layout, MinIO's --json and PostgreSQL's jsonlog; text changes nothing.
/// </summary>
public class LoggingChartTests
{
    private const string Json = "logging.format=json";
    private const string ConfigFile = "-Dlog4j2.configurationFile=/opt/spark-k8s/logging/spark-log4j2.properties";

    private static Task<Rendered> StandaloneAsync(string version, params string[] sets) =>
        ChartRender.RenderAsync(version, ["standalone.enabled=true", "connect.backend=standalone", .. sets]);

    private static string? Env(JsonObject container, string name) =>
        container.Env().Where(e => (string?)e["name"] == name).Select(e => (string?)e["value"]).SingleOrDefault();

    [Fact]
    public async Task Spark_4_turns_on_its_structured_logging_in_every_spark_process()
    {
        var k8s = await ChartRender.RenderAsync("4.1", Json);
        var standalone = await StandaloneAsync("4.1", Json);

        using var _ = new AssertionScope();
        foreach (var (rendered, component) in new[] { (k8s, "connect"), (k8s, "history-server"), (standalone, "standalone-master"), (standalone, "standalone-worker") })
        {
            rendered.SparkDefaults(component)["spark.log.structuredLogging.enabled"].Should().Be("true", component);
        }

        // The daemons read the system property before their first line (Utils.resetStructuredLogging()).
        Env(k8s.Single("Deployment", "history-server").Container("history-server"), "SPARK_DAEMON_JAVA_OPTS").Should().Be("-Dspark.log.structuredLogging.enabled=true");
        Env(standalone.Single("StatefulSet", "standalone-master").Container("spark-master"), "SPARK_DAEMON_JAVA_OPTS").Should().Be("-Dspark.log.structuredLogging.enabled=true");
        // Spark 4 ships its own JSON template: no log4j2 file, so Spark's switch keeps working.
        k8s.SparkDefaults("connect").Should().NotContainKey("spark.driver.extraJavaOptions");
        k8s.PodWorkloads.SelectMany(w => w.AllContainers()).SelectMany(c => PodSpecs.Items(c, "volumeMounts"))
            .Should().NotContain(m => (string?)m["mountPath"] == "/opt/spark-k8s/logging");
        ((string?)k8s.Single("ConfigMap", "logging").Body["data"]!["spark-log4j2.properties"]).Should().BeNull();
    }

    [Fact]
    public async Task Spark_3_5_logs_through_a_json_template_layout_mounted_in_every_spark_pod()
    {
        var k8s = await ChartRender.RenderAsync("3.5", Json);
        var standalone = await StandaloneAsync("3.5", Json);
        var data = k8s.Single("ConfigMap", "logging").Body["data"]!;
        var properties = (string)data["spark-log4j2.properties"]!;

        using var _ = new AssertionScope();
        properties.Should().Contain("appender.console.layout.type = JsonTemplateLayout")
            .And.Contain("appender.console.layout.eventTemplateUri = file:/opt/spark-k8s/logging/spark-layout.json");
        var layout = JsonNode.Parse((string)data["spark-layout.json"]!)!.AsObject();
        layout.Select(p => p.Key).Should().Contain(["ts", "level", "msg", "logger", "trace_id", "span_id", "context"]);
        ((string?)layout["trace_id"]!["key"]).Should().Be("trace_id");

        var conf = k8s.SparkDefaults("connect");
        conf["spark.driver.extraJavaOptions"].Should().Be(ConfigFile);
        conf["spark.executor.extraJavaOptions"].Should().Be(ConfigFile);
        conf.Should().NotContainKey("spark.log.structuredLogging.enabled");
        Env(k8s.Single("Deployment", "history-server").Container("history-server"), "SPARK_DAEMON_JAVA_OPTS").Should().Be(ConfigFile);
        Env(standalone.Single("Deployment", "standalone-worker").Container("spark-worker"), "SPARK_DAEMON_JAVA_OPTS").Should().Be(ConfigFile);

        var mounted = new (KubeObject Workload, string Container)[]
        {
            (k8s.Single("Deployment", "connect"), "spark-connect"), (k8s.ExecutorPodTemplate, "spark-executor"),
            (k8s.Single("Deployment", "history-server"), "history-server"),
            (standalone.Single("StatefulSet", "standalone-master"), "spark-master"), (standalone.Single("Deployment", "standalone-worker"), "spark-worker"),
        };
        foreach (var (workload, container) in mounted)
        {
            var mount = PodSpecs.Items(workload.Container(container), "volumeMounts").Single(m => (string?)m["name"] == "logging");
            ((string?)mount["mountPath"]).Should().Be("/opt/spark-k8s/logging", workload.DisplayName);
            ((bool?)mount["readOnly"]).Should().BeTrue(workload.DisplayName);
            PodSpecs.Items(workload.PodSpec, "volumes").Single(v => (string?)v["name"] == "logging")["configMap"]!["name"]!
                .GetValue<string>().Should().Be(k8s.Single("ConfigMap", "logging").Name);
        }
    }

    [Fact]
    public void The_3_5_line_bakes_the_json_template_layout_at_its_log4j2_version()
    {
        var jars = ChartValues.Release("3.5")["extraJars"]!.AsArray().Select(j => (string)j!["coordinate"]!);

        jars.Should().Contain("org.apache.logging.log4j:log4j-layout-template-json:2.20.0");
        File.ReadAllText(Path.Combine(RepoPaths.Root, "images", "spark", "Dockerfile")).Should().Contain("does not match the image's log4j-core");
    }

    [Theory]
    [InlineData("3.5")]
    [InlineData("4.1")]
    public async Task The_metastore_minio_and_postgresql_log_json(string version)
    {
        var rendered = await ChartRender.RenderAsync(version, Json);
        var metastore = rendered.Single("Deployment", "metastore");

        using var _ = new AssertionScope();
        var mounts = PodSpecs.Items(metastore.Container("metastore"), "volumeMounts").Where(m => (string?)m["name"] == "logging").ToList();
        mounts.Select(m => (string?)m["mountPath"]).Should().BeEquivalentTo("/opt/hive/conf/hive-log4j2.properties", "/opt/hive/conf/metastore-log4j2.properties");
        mounts.Should().OnlyContain(m => (string?)m["subPath"] == "metastore-log4j2.properties" && (bool?)m["readOnly"] == true);
        ((string)rendered.Single("ConfigMap", "logging").Body["data"]!["metastore-log4j2.properties"]!).Should().Contain("appender.console.layout.type = JsonLayout")
            .And.Contain("appender.console.layout.properties = true");
        rendered.Single("StatefulSet", "minio").Container("minio")["args"]!.AsArray().Select(a => (string?)a).Should().StartWith(["server", "--json"]);
        var postgres = rendered.Single("StatefulSet", "postgresql").Container("postgresql")["args"]!.AsArray().Select(a => (string)a!).ToList();
        postgres.Should().ContainInOrder("-c", "logging_collector=on", "-c", "log_destination=jsonlog");
        postgres.Where((_, i) => i % 2 == 0).Should().OnlyContain(a => a == "-c");
    }

    [Theory]
    [InlineData("3.5")]
    [InlineData("4.1")]
    public async Task Text_format_changes_no_component(string version)
    {
        var rendered = await ChartRender.RenderAsync(version, "standalone.enabled=true");

        using var _ = new AssertionScope();
        rendered.WithComponent("logging").Should().BeEmpty();
        rendered.SparkDefaults("connect").Keys.Should().NotContain(k => k.StartsWith("spark.log.", StringComparison.Ordinal) || k.EndsWith("extraJavaOptions", StringComparison.Ordinal));
        rendered.Single("StatefulSet", "minio").Container("minio")["args"]!.AsArray().Select(a => (string?)a).Should().NotContain("--json");
        rendered.Single("StatefulSet", "postgresql").Container("postgresql")["args"].Should().BeNull();
        rendered.PodWorkloads.SelectMany(w => w.AllContainers()).SelectMany(c => c.Env()).Select(e => (string?)e["name"])
            .Should().NotContain("SPARK_DAEMON_JAVA_OPTS");
    }

    [Fact]
    public async Task Json_logs_need_a_postgresql_with_jsonlog()
    {
        var render = () => ChartRender.RenderUncachedAsync(new RenderInput(Sets: [Json, "postgresql.image.tag=14.12"]));

        (await render.Should().ThrowAsync<HelmException>()).Which.Message.Should().Contain("postgresql.image.tag").And.Contain("logging.format");
    }

    [Fact]
    public void Staging_and_prod_log_json_and_dev_keeps_text()
    {
        foreach (var (environment, format) in new[] { ("dev", "text"), ("staging", "json"), ("prod", "json") })
        {
            var overlay = ManifestParser.ParseYaml(File.ReadAllText(Path.Combine(RepoPaths.Chart, "environments", $"{environment}.yaml")), environment);
            ((string?)overlay?["logging"]?["format"] ?? (string?)ChartValues.All["logging"]!["format"]).Should().Be(format, environment);
        }
    }

    [Fact]
    public void The_shipped_json_layout_is_valid_json()
    {
        var act = () => JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Chart, "files", "logging", "spark-layout.json")));

        act.Should().NotThrow();
    }

    [Theory]
    [InlineData("3.5")]
    [InlineData("4.1")]
    public async Task Airflow_components_and_task_pods_log_json_with_logging_format_json(string version)
    {
        var json = await ChartRender.RenderAsync(version, Json, "airflow.enabled=true", "airflow.executor=KubernetesExecutor");
        var text = await ChartRender.RenderAsync(version, "airflow.enabled=true", "airflow.executor=KubernetesExecutor");

        static IReadOnlyDictionary<string, string> Config(Rendered rendered) =>
            ((JsonObject)rendered.OfKind("ConfigMap").Single(c => c.Name.EndsWith("-airflow-config", StringComparison.Ordinal)).Body["data"]!)
            .ToDictionary(p => p.Key, p => (string)p.Value!);

        // [logging] json_logs (Airflow 3.2+, apache/airflow PR #63365): structlog renders newline-delimited JSON.
        Config(json)["AIRFLOW__LOGGING__JSON_LOGS"].Should().Be("True");
        Config(json)["AIRFLOW__LOGGING__COLORED_CONSOLE_LOG"].Should().Be("False", "no terminal colour codes inside JSON strings");
        Config(text).Should().NotContainKey("AIRFLOW__LOGGING__JSON_LOGS");

        // Every Airflow container, the KubernetesExecutor's task pods too, reads that ConfigMap.
        var config = json.OfKind("ConfigMap").Single(c => c.Name.EndsWith("-airflow-config", StringComparison.Ordinal)).Name;
        var airflowPods = json.PodWorkloads.Concat(json.SparkPodTemplates)
            .Where(w => w.Labels.GetValueOrDefault(Rendered.ComponentLabel, "") is { } c && c.StartsWith("airflow-", StringComparison.Ordinal) && c != "airflow-statsd").ToList();
        airflowPods.Should().Contain(w => w.Labels[Rendered.ComponentLabel] == "airflow-worker");
        foreach (var container in airflowPods.SelectMany(w => w.Containers()).Where(c => (string?)c["name"] != "git-sync"))
        {
            PodSpecs.Items(container, "envFrom").Select(e => (string?)e["configMapRef"]?["name"]).Should().Contain(config);
        }
    }

    [Fact]
    public async Task Airflow_config_may_turn_json_logs_off_again()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: ["spark.version=4.1", Json, "airflow.enabled=true"], ValuesYaml: "airflow: {config: {AIRFLOW__LOGGING__JSON_LOGS: 'False'}}"));

        ((string?)rendered.OfKind("ConfigMap").Single(c => c.Name.EndsWith("-airflow-config", StringComparison.Ordinal)).Body["data"]!["AIRFLOW__LOGGING__JSON_LOGS"])
            .Should().Be("False", "airflow.config is applied after the chart's settings");
    }
}
