using FluentAssertions;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>SPK018 (metastore client/server pair), SPK019 (Java process not exec'd), SPK020 (Python worker limit).</summary>
public class RuntimeChecksTests
{
    private static IReadOnlyList<Finding> Only(string id, string yaml, string version = "4.1") =>
        SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(RenderFixtures.Parse(yaml).Documents), version, KnownSparkProperties.For(version)))
            .Where(f => f.Id == id).ToList();

    private static string Workload(string kind, string name, string component, string containers) => $"""
        ---
        apiVersion: apps/v1
        kind: {kind}
        metadata:
          name: {name}
          labels: {"{"}"app.kubernetes.io/component": {component}{"}"}
        spec:
          template:
            spec:
              containers:
        {RenderFixtures.Indent(containers, 8)}
        """;

    private static string Metastore(string tag) => Workload("Deployment", "metastore", "metastore", $"""
        - name: metastore
          image: apache/hive:{tag}
        """);

    private const string HiveCatalog = "spark.sql.catalogImplementation hive\nspark.hadoop.hive.metastore.uris thrift://metastore:9083";

    [Theory]
    [InlineData("4.1", "2.3.10", "3.1.3", false)]
    [InlineData("3.5", "2.3.9", "3.1.3", false)]
    [InlineData("4.1", "2.3.10", "4.0.1", true)]
    [InlineData("3.5", "2.3.9", "4.1.0", true)]
    public void SPK018_fires_when_a_pre_4_client_meets_a_hive_4_metastore(string spark, string client, string server, bool fires)
    {
        var yaml = RenderFixtures.ConnectConfigMap($"{HiveCatalog}\nspark.sql.hive.metastore.version {client}") + "\n" + Metastore(server);

        var findings = Only("SPK018", yaml, spark);

        if (fires)
        {
            findings.Should().ContainSingle().Which.Message.Should().Contain("get_table").And.Contain(server);
        }
        else
        {
            findings.Should().BeEmpty();
        }
    }

    [Fact]
    public void SPK018_fires_when_the_version_is_missing_unsupported_or_not_the_builtin_jars()
    {
        Only("SPK018", RenderFixtures.ConnectConfigMap(HiveCatalog) + "\n" + Metastore("3.1.3"))
            .Should().ContainSingle().Which.Severity.Should().Be(Severity.Warning);
        Only("SPK018", RenderFixtures.ConnectConfigMap($"{HiveCatalog}\nspark.sql.hive.metastore.version 1.2.2") + "\n" + Metastore("3.1.3"))
            .Should().ContainSingle().Which.Message.Should().Contain("does not support", "Spark 4 dropped clients before 2.0");
        Only("SPK018", RenderFixtures.ConnectConfigMap($"{HiveCatalog}\nspark.sql.hive.metastore.version 3.1.3") + "\n" + Metastore("3.1.3"))
            .Should().ContainSingle().Which.Message.Should().Contain("builtin");
        Only("SPK018", RenderFixtures.ConnectConfigMap($"{HiveCatalog}\nspark.sql.hive.metastore.version 4.0.1\nspark.sql.hive.metastore.jars path") + "\n" + Metastore("4.0.1"))
            .Should().BeEmpty("baked Hive 4 client jars speak Hive 4's protocol");
        Only("SPK018", RenderFixtures.ConnectConfigMap("spark.master local") + "\n" + Metastore("4.0.1"))
            .Should().BeEmpty("Connect does not use the metastore");
    }

    [Theory]
    [InlineData("command: [/opt/spark/sbin/start-connect-server.sh]", true)]
    [InlineData("command: [/usr/bin/tini, -s, --, /opt/spark/sbin/start-connect-server.sh]", true)]
    [InlineData("command: [bash, -c, \"exec /opt/spark/sbin/start-history-server.sh\"]", true)]
    [InlineData("command: [/bin/bash, -ec, \"export A=1\\n/opt/spark/bin/spark-submit --class X\"]", true)]
    [InlineData("command: [sh, -c, \"java -jar app.jar\"]", true)]
    [InlineData("command: [/usr/bin/tini, -s, --, /opt/spark/bin/spark-submit, --class, X]", false)]
    [InlineData("command: [/bin/bash, -ec, \"export A=1\\nexec /opt/spark/bin/spark-class X\"]", false)]
    [InlineData("command: [/opt/spark/bin/spark-class, org.apache.spark.deploy.history.HistoryServer]", false)]
    [InlineData("command: [sh, -c, \"echo hi; sleep 10\"]", false)]
    public void SPK019_flags_a_shell_that_does_not_exec_its_java_process(string command, bool fires)
    {
        var yaml = Workload("Deployment", "app", "connect", $"""
            - name: app
              image: apache/spark:4.1.2-scala2.13-java21-python3-ubuntu
              {command}
            """);

        Only("SPK019", yaml).Should().HaveCount(fires ? 1 : 0);
    }

    [Fact]
    public void SPK019_ignores_jobs_whose_process_ends_by_itself()
    {
        var job = $"""
            ---
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: schema
              labels: {"{"}"app.kubernetes.io/component": metastore{"}"}
            spec:
              template:
                spec:
                  containers:
                    - name: schematool
                      image: apache/hive:3.1.3
                      command: [/bin/bash, -ec, "/opt/hive/bin/schematool -dbType postgres -info"]
            """;

        Only("SPK019", job).Should().BeEmpty();
    }

    [Theory]
    [InlineData("512m", "1", false)]
    [InlineData("256m", "1", true)]
    [InlineData("1g", "4", true)]
    [InlineData("2g", "4", false)]
    [InlineData("0", "4", false)]
    public void SPK020_fires_when_pyspark_memory_per_core_is_below_512_MiB(string pyspark, string cores, bool fires)
    {
        var yaml = RenderFixtures.ConnectConfigMap($"spark.executor.pyspark.memory {pyspark}\nspark.executor.cores {cores}\nspark.executor.memoryOverhead 4g");

        var findings = Only("SPK020", yaml);

        if (fires)
        {
            findings.Should().ContainSingle().Which.Message.Should().Contain($"{cores} executor core(s)").And.Contain("MemoryError");
        }
        else
        {
            findings.Should().BeEmpty();
        }
    }

    [Theory]
    [InlineData("3.1.3", 3, 1, 3)]
    [InlineData("4.0.0-beta-1", 4, 0, 0)]
    [InlineData("2.3", 2, 3, 0)]
    public void Hive_versions_parse_from_image_tags(string tag, int major, int minor, int patch) =>
        HiveVersion.TryParse(tag).Should().Be(new HiveVersion(major, minor, patch));

    [Theory]
    [InlineData("latest")]
    [InlineData("")]
    [InlineData("31.x")]
    public void Tags_without_a_version_do_not_parse(string tag) => HiveVersion.TryParse(tag).Should().BeNull();
}
