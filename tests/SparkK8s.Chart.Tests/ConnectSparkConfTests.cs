using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>The Spark properties the Connect server gets in spark-defaults.conf, k8s backend.</summary>
public class ConnectSparkConfTests
{
    private const string Fullname = "spark-spark-k8s";

    public static TheoryData<string> Versions() => ChartRender.Versions();

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Kubernetes_master_namespace_and_executor_image(string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: [$"spark.version={version}"], Namespace: "analytics"));
        var conf = rendered.SparkDefaults("connect");
        var imageTag = version == "3.5" ? "3.5.8-scala2.12-java17-python3-ubuntu" : "4.1.2-scala2.13-java21-python3-ubuntu";

        conf.Should().Contain(new Dictionary<string, string>
        {
            ["spark.master"] = "k8s://https://kubernetes.default.svc",
            ["spark.submit.deployMode"] = "client",
            ["spark.kubernetes.namespace"] = "analytics",
            ["spark.kubernetes.container.image"] = $"apache/spark:{imageTag}",
            ["spark.kubernetes.executor.podTemplateFile"] = "/opt/spark/conf/executor-pod-template.yaml",
            ["spark.kubernetes.executor.podTemplateContainerName"] = "spark-executor",
            ["spark.kubernetes.executor.podNamePrefix"] = Fullname,
        });
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Driver_pod_name_comes_from_the_downward_api(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);
        var container = rendered.Single("Deployment", "connect").Container("spark-connect");

        container["args"]!.AsArray().Select(a => (string?)a).Should()
            .ContainInOrder("--conf", "spark.kubernetes.driver.pod.name=$(SPARK_DRIVER_POD_NAME)");
        ((string?)container.EnvVar("SPARK_DRIVER_POD_NAME")["valueFrom"]?["fieldRef"]?["fieldPath"]).Should().Be("metadata.name");
        rendered.SparkDefaults("connect").Should().NotContainKey("spark.kubernetes.driver.pod.name", "the pod name is only known at runtime");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Driver_is_reachable_on_fixed_ports_through_a_headless_service(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);
        var conf = rendered.SparkDefaults("connect");

        conf.Should().Contain(new Dictionary<string, string>
        {
            ["spark.driver.host"] = $"{Fullname}-connect-driver.spark.svc",
            ["spark.driver.bindAddress"] = "0.0.0.0",
            ["spark.driver.port"] = "7078",
            ["spark.driver.blockManager.port"] = "7079",
            ["spark.connect.grpc.binding.port"] = "15002",
            ["spark.ui.port"] = "4040",
        });

        var headless = rendered.OfKind("Service").Single(s => s.Name == $"{Fullname}-connect-driver");
        ((string?)headless.Body["spec"]?["clusterIP"]).Should().Be("None");
        ((bool?)headless.Body["spec"]?["publishNotReadyAddresses"]).Should().BeTrue();
        headless.Body["spec"]!["ports"]!.AsArray().Select(p => (long?)p!["port"]).Should().BeEquivalentTo(new long?[] { 7078, 7079 });
        ((string?)headless.Body["spec"]?["selector"]?["app.kubernetes.io/component"]).Should().Be("connect");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Dynamic_allocation_uses_shuffle_tracking_and_values(string version)
    {
        var rendered = await ChartRender.RenderAsync(
            version,
            "connect.dynamicAllocation.minExecutors=1",
            "connect.dynamicAllocation.maxExecutors=9",
            "connect.dynamicAllocation.initialExecutors=2",
            "connect.executor.cores=3",
            "connect.executor.memory=5g",
            "connect.executor.memoryOverhead=1g",
            "connect.executor.pysparkMemory=700m");

        rendered.SparkDefaults("connect").Should().Contain(new Dictionary<string, string>
        {
            ["spark.dynamicAllocation.enabled"] = "true",
            ["spark.dynamicAllocation.shuffleTracking.enabled"] = "true",
            ["spark.dynamicAllocation.shuffleTracking.timeout"] = "30min",
            ["spark.dynamicAllocation.minExecutors"] = "1",
            ["spark.dynamicAllocation.maxExecutors"] = "9",
            ["spark.dynamicAllocation.initialExecutors"] = "2",
            ["spark.dynamicAllocation.executorIdleTimeout"] = "60s",
            ["spark.executor.cores"] = "3",
            ["spark.executor.memory"] = "5g",
            ["spark.executor.memoryOverhead"] = "1724m",
            ["spark.executor.pyspark.memory"] = "700m",
        }, "the overhead holds the JVM's 1g and the Python workers' 700m: Spark adds pyspark memory only for Python apps");
    }

    [Theory]
    [InlineData("512m", "512m", "1024m")]
    [InlineData("2g", "1g", "3072m")]
    [InlineData("1024", "0", "1024m")]
    [InlineData("384m", "1G", "1408m")]
    public async Task Executor_overhead_makes_room_for_python_workers(string overhead, string pyspark, string expected)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(ValuesYaml: $$"""
            connect:
              executor: {memoryOverhead: "{{overhead}}", pysparkMemory: "{{pyspark}}"}
            """));

        rendered.SparkDefaults("connect").Should().Contain("spark.executor.memoryOverhead", expected);
        if (pyspark == "0")
        {
            rendered.SparkDefaults("connect").Keys.Should().NotContain("spark.executor.pyspark.memory", "0 means no Python workers' memory");
        }
    }

    [Fact]
    public async Task Static_executors_when_dynamic_allocation_is_off()
    {
        var conf = (await ChartRender.RenderAsync("4.1", "connect.dynamicAllocation.enabled=false", "connect.executor.instances=3"))
            .SparkDefaults("connect");

        conf.Should().Contain("spark.dynamicAllocation.enabled", "false").And.Contain("spark.executor.instances", "3");
        conf.Keys.Should().NotContain(k => k.StartsWith("spark.dynamicAllocation.shuffleTracking", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Event_log_and_s3a_point_at_the_in_chart_minio(string version)
    {
        var conf = (await ChartRender.RenderAsync(version)).SparkDefaults("connect");
        var provider = version == "3.5"
            ? "com.amazonaws.auth.EnvironmentVariableCredentialsProvider"
            : "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider";

        conf.Should().Contain(new Dictionary<string, string>
        {
            ["spark.eventLog.enabled"] = "true",
            ["spark.eventLog.dir"] = "s3a://spark-events/spark-events/spark/spark-spark-k8s",
            ["spark.hadoop.fs.s3a.endpoint"] = $"http://{Fullname}-minio.spark.svc:9000",
            ["spark.hadoop.fs.s3a.path.style.access"] = "true",
            ["spark.hadoop.fs.s3a.connection.ssl.enabled"] = "false",
            ["spark.hadoop.fs.s3a.endpoint.region"] = "us-east-1",
            ["spark.hadoop.fs.s3a.aws.credentials.provider"] = provider,
            ["spark.hadoop.fs.s3a.impl"] = "org.apache.hadoop.fs.s3a.S3AFileSystem",
        });
        conf.Keys.Should().NotContain(k => k.Contains("access.key") || k.Contains("secret.key"), "credentials come from env vars");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Event_log_compression_defaults_to_Sparks_own_default_for_the_line(string version)
    {
        // Spark compresses event logs by default since 4.0 (core-migration-guide, "Upgrading from Core 3.5 to 4.0").
        var sparkDefault = version.StartsWith('3') ? "false" : "true";
        (await ChartRender.RenderAsync(version)).SparkDefaults("connect").Should().Contain("spark.eventLog.compress", sparkDefault);
        (await ChartRender.RenderAsync(version, "connect.eventLog.compress=true")).SparkDefaults("connect")
            .Should().Contain("spark.eventLog.compress", "true");
        (await ChartRender.RenderAsync(version, "connect.eventLog.compress=false")).SparkDefaults("connect")
            .Should().Contain("spark.eventLog.compress", "false");
    }

    [Fact]
    public async Task External_s3_endpoint_is_used_with_tls()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(ValuesYaml: """
            minio: {enabled: false}
            s3:
              endpoint: https://s3.eu-central-1.amazonaws.com
              region: eu-central-1
              buckets: {events: my-events}
              credentials: {existingSecret: my-s3}
            """));
        var conf = rendered.SparkDefaults("connect");

        conf.Should().Contain(new Dictionary<string, string>
        {
            ["spark.hadoop.fs.s3a.endpoint"] = "https://s3.eu-central-1.amazonaws.com",
            ["spark.hadoop.fs.s3a.connection.ssl.enabled"] = "true",
            ["spark.hadoop.fs.s3a.endpoint.region"] = "eu-central-1",
            ["spark.eventLog.dir"] = "s3a://my-events/spark-events/spark/spark-spark-k8s",
        });
        rendered.SparkDefaults("history-server").Should().Contain("spark.history.fs.logDirectory", "s3a://my-events/spark-events/spark/spark-spark-k8s");
    }

    [Theory]
    [InlineData("3.5", "false")]
    [InlineData("4.1", "true")]
    public async Task Ansi_mode_is_the_version_default(string version, string expected) =>
        (await ChartRender.RenderAsync(version)).SparkDefaults("connect").Should().Contain("spark.sql.ansi.enabled", expected);

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Metastore_catalog_and_warehouse_when_metastore_enabled(string version)
    {
        var on = (await ChartRender.RenderAsync(version)).SparkDefaults("connect");
        on.Should().Contain(new Dictionary<string, string>
        {
            ["spark.sql.catalogImplementation"] = "hive",
            ["spark.hadoop.hive.metastore.uris"] = $"thrift://{Fullname}-metastore.spark.svc:9083",
            ["spark.sql.warehouse.dir"] = "s3a://spark-warehouse/warehouse",
        });

        var off = (await ChartRender.RenderAsync(version, "metastore.enabled=false")).SparkDefaults("connect");
        off.Keys.Should().NotContain(["spark.sql.catalogImplementation", "spark.hadoop.hive.metastore.uris"]);
    }

    [Fact]
    public async Task SparkConf_adds_and_overrides_properties()
    {
        var conf = (await ChartRender.RenderAsync(new RenderInput(ValuesYaml: """
            connect:
              sparkConf:
                spark.executor.memory: 6g
                spark.sql.shuffle.partitions: "64"
                spark.sql.ansi.enabled: "false"
            """))).SparkDefaults("connect");

        conf.Should().Contain(new Dictionary<string, string>
        {
            ["spark.executor.memory"] = "6g",
            ["spark.sql.shuffle.partitions"] = "64",
            ["spark.sql.ansi.enabled"] = "false",
        });
    }

    [Fact]
    public async Task Spark_defaults_lines_are_sorted_key_value_pairs()
    {
        var text = (await ChartRender.RenderAsync("4.1")).ConfigData("connect", "spark-defaults.conf");
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        lines.Should().OnlyContain(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^spark\.[A-Za-z0-9._-]+ \S.*$"));
        lines.Select(l => l.Split(' ')[0]).Should().BeInAscendingOrder(StringComparer.Ordinal);
    }

    [Fact]
    public async Task Config_change_rolls_the_server_pod()
    {
        string Checksum(Rendered r) =>
            (string)r.Single("Deployment", "connect").Body["spec"]!["template"]!["metadata"]!["annotations"]!["checksum/config"]!;

        var before = await ChartRender.RenderAsync("4.1");
        var after = await ChartRender.RenderAsync("4.1", "connect.executor.memory=3g");

        Checksum(before).Should().MatchRegex("^[0-9a-f]{64}$").And.NotBe(Checksum(after));
    }

    [Fact]
    public async Task Contract_config_map_has_component_label_and_both_keys()
    {
        var cm = (await ChartRender.RenderAsync("4.1")).Single("ConfigMap", "connect");

        cm.Body["data"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo("spark-defaults.conf", "executor-pod-template.yaml");
    }
}
