using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>Issue 8 §1, §2, §4: the metastore protocol pair, the Connect process model and event logs, Python worker memory.</summary>
public class RuntimeProcessTests
{
    public static TheoryData<string> Versions() => ChartRender.Versions();

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Connect_jvm_runs_behind_tini_through_spark_submit_with_a_per_release_name(string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: [$"spark.version={version}"], Release: "team-a"));
        var container = rendered.Single("Deployment", "connect").Container("spark-connect");
        var command = container["command"]!.AsArray().Select(w => (string)w!).ToList();

        command.Should().StartWith(["/usr/bin/tini", "-s", "--", "/opt/spark/bin/spark-submit", "--class", "org.apache.spark.sql.connect.service.SparkConnectServer"]);
        command.Should().NotContain(w => w.EndsWith("start-connect-server.sh", StringComparison.Ordinal), "spark-daemon.sh leaves bash as PID 1");
        var args = container["args"]!.AsArray().Select(w => (string)w!).ToList();
        args.SkipWhile(w => w != "--name").Skip(1).First().Should().Be("team-a-spark-k8s-connect");
        rendered.SparkDefaults("connect").Should().Contain("spark.app.name", "team-a-spark-k8s-connect");
        JavaProcessExecCheck.Problem([.. command, .. args]).Should().BeNull();
    }

    [Fact]
    public async Task Connect_gets_a_grace_period_long_enough_for_a_clean_stop()
    {
        var rendered = await ChartRender.RenderAsync("4.1");
        var spec = rendered.Single("Deployment", "connect").Body["spec"]!["template"]!["spec"]!;

        ((long?)spec["terminationGracePeriodSeconds"]).Should().BeGreaterThanOrEqualTo(90, "SparkContext.stop must finish the S3A upload of the event log");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Event_logs_roll_and_the_history_server_bounds_the_retained_files(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);

        rendered.SparkDefaults("connect").Should().Contain("spark.eventLog.rolling.enabled", "true")
            .And.Contain("spark.eventLog.rolling.maxFileSize", "128m");
        rendered.SparkDefaults("history-server").Should().Contain("spark.history.fs.eventLog.rolling.maxFilesToRetain", "10");
        KnownSparkProperties.For(version).IsKnown("spark.eventLog.rolling.maxFileSize").Should().BeTrue();
        KnownSparkProperties.For(version).IsKnown("spark.history.fs.eventLog.rolling.maxFilesToRetain").Should().BeTrue();
    }

    [Fact]
    public async Task Two_releases_sharing_a_bucket_write_and_clean_separate_prefixes()
    {
        var a = await ChartRender.RenderAsync(new RenderInput(Release: "team-a", Namespace: "analytics"));
        var b = await ChartRender.RenderAsync(new RenderInput(Release: "team-b", Namespace: "analytics"));

        var dirA = a.SparkDefaults("connect")["spark.eventLog.dir"];
        var dirB = b.SparkDefaults("connect")["spark.eventLog.dir"];
        dirA.Should().Be("s3a://spark-events/spark-events/analytics/team-a-spark-k8s");
        dirB.Should().NotBe(dirA).And.NotStartWith(dirA + "/");
        a.SparkDefaults("history-server")["spark.history.fs.logDirectory"].Should().Be(dirA, "the cleaner works under the reader's directory only");
        var job = a.OfKind("Job").Single(j => j.Name.Contains("buckets", StringComparison.Ordinal));
        var env = job.Body["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        env.Should().Contain(e => (string?)e!["name"] == "EVENTS_PREFIX" && (string?)e["value"] == "spark-events/analytics/team-a-spark-k8s");
    }

    [Theory]
    [InlineData("3.5", "2.3.9")]
    [InlineData("4.1", "2.3.10")]
    public async Task Metastore_version_is_the_builtin_client_and_the_metastore_still_serves_it(string version, string client)
    {
        var rendered = await ChartRender.RenderAsync(version);
        var conf = rendered.SparkDefaults("connect");

        conf.Should().Contain("spark.sql.hive.metastore.version", client).And.Contain("spark.sql.hive.metastore.jars", "builtin");
        var image = (string)rendered.Single("Deployment", "metastore").Container("metastore")["image"]!;
        image.Should().Be("apache/hive:3.1.3", "Hive 4 removed get_table (HIVE-26537), which the built-in Hive 2.3 client calls");
        HiveClientSupport.ServerServes(HiveVersion.TryParse("3.1.3")!.Value, HiveVersion.TryParse(client)!.Value).Should().BeTrue();
        HiveClientSupport.ServerServes(HiveVersion.TryParse("4.0.1")!.Value, HiveVersion.TryParse(client)!.Value).Should().BeFalse();
    }

    [Fact]
    public async Task Metastore_version_is_not_set_without_a_metastore()
    {
        var rendered = await ChartRender.RenderAsync("4.1", "metastore.enabled=false");

        rendered.SparkDefaults("connect").Keys.Should().NotContain(["spark.sql.hive.metastore.version", "spark.sql.catalogImplementation"]);
    }

    [Fact]
    public async Task Metastore_keeps_sparks_managed_tables_managed()
    {
        var rendered = await ChartRender.RenderAsync("4.1");
        var site = rendered.ConfigData("metastore", "hive-site.xml");

        site.Should().Contain("<name>metastore.metadata.transformer.class</name>\n    <value> </value>",
            "a blank class disables Hive 4's MetastoreDefaultTransformer, which turns managed tables external");
    }

    [Theory]
    [InlineData("3.1.3", "-initSchema")]
    [InlineData("4.0.1", "-initOrUpgradeSchema")]
    public async Task Schema_job_uses_the_schematool_commands_of_the_hive_release(string tag, string expected)
    {
        var rendered = await ChartRender.RenderAsync("4.1", $"metastore.image.tag={tag}");
        var job = rendered.OfKind("Job").Single(j => j.Name.Contains("schema", StringComparison.Ordinal));
        var script = (string)job.Body["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]!.AsArray().Last()!;

        script.Should().Contain(expected);
        if (tag.StartsWith('3'))
        {
            script.Should().NotContain("-initOrUpgradeSchema", "Hive 3's schematool has no such option").And.Contain("-upgradeSchema");
        }
    }

    [Theory]
    [InlineData("environments/dev.yaml")]
    [InlineData("environments/staging.yaml")]
    [InlineData("environments/prod.yaml")]
    [InlineData(null)]
    public async Task Every_environment_gives_each_python_worker_at_least_512_MiB(string? file)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: file is null ? null : [file]));
        var conf = rendered.SparkDefaults("connect");

        var pyspark = SparkK8s.Core.Sizing.ByteSize.TryParseSparkMiB(conf["spark.executor.pyspark.memory"])!.Value;
        var cores = int.Parse(conf["spark.executor.cores"], System.Globalization.CultureInfo.InvariantCulture);
        (pyspark / cores).Should().BeGreaterThanOrEqualTo(PythonWorkerLimitCheck.MinimumPerWorkerMiB,
            "Spark sets pyspark memory / cores as each worker's RLIMIT_AS");
    }
}
