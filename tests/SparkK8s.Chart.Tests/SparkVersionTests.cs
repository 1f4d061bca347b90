using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>spark.version selects images, jars and the Connect packaging from one set of templates.</summary>
public class SparkVersionTests
{
    private static readonly Dictionary<string, (string Tag, string[] Jars)> Expected = new()
    {
        ["3.5"] = ("3.5.8-scala2.12-java17-python3-ubuntu",
            ["hadoop-aws-3.3.4.jar", "aws-java-sdk-bundle-1.12.262.jar", "spark-connect_2.12-3.5.8.jar"]),
        ["4.1"] = ("4.1.2-scala2.13-java21-python3-ubuntu",
            ["hadoop-aws-3.4.2.jar", "bundle-2.29.52.jar"]),
    };

    public static TheoryData<string> Versions() => ChartRender.Versions();

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Spark_workloads_use_the_official_image_of_the_version(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);
        var image = $"apache/spark:{Expected[version].Tag}";

        foreach (var component in new[] { "connect", "history-server" })
        {
            var workload = rendered.Single("Deployment", component);
            workload.AllContainers().Select(c => (string?)c["image"]).Should().AllBe(image, component);
        }

        rendered.ExecutorPodTemplate.AllContainers().Select(c => (string?)c["image"]).Should().AllBe(image);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Init_container_fetches_exactly_the_pinned_jars(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);

        foreach (var workload in new[] { rendered.Single("Deployment", "connect"), rendered.Single("Deployment", "history-server"), rendered.ExecutorPodTemplate })
        {
            var fetchJars = workload.Container("fetch-jars");
            var script = (string)fetchJars["command"]!.AsArray().Last()!;
            var fetched = ((string?)fetchJars.EnvVar("JARS_PATHS")["value"])!.Split(' ').Select(p => p.Split('/').Last()).ToList();

            fetched.Should().BeEquivalentTo(Expected[version].Jars, workload.DisplayName);
            script.Should().Contain("sha1sum -c", "every jar is checked against the repository's .sha1");
        }
    }

    [Fact]
    public async Task Spark_3_5_puts_the_separate_connect_jar_on_the_driver_class_path()
    {
        var rendered = await ChartRender.RenderAsync("3.5");
        var conf = rendered.SparkDefaults("connect");

        conf.Should().Contain("spark.driver.extraClassPath", "/opt/spark/extra-jars/*")
            .And.Contain("spark.executor.extraClassPath", "/opt/spark/extra-jars/*");
        conf.Keys.Should().NotContain(["spark.jars.packages", "spark.plugins"], "nothing is resolved from the internet at session start");
        rendered.Single("Deployment", "connect").Container("spark-connect")["command"]!.AsArray().Select(w => (string?)w)
            .Should().Contain("org.apache.spark.sql.connect.service.SparkConnectServer", "the separate connect jar on the class path provides the server class");
    }

    [Fact]
    public async Task Spark_4_1_uses_the_built_in_connect_server()
    {
        var rendered = await ChartRender.RenderAsync("4.1");
        var script = (string)rendered.Single("Deployment", "connect").Container("fetch-jars")["command"]!.AsArray().Last()!;

        script.Should().NotContain("spark-connect");
        rendered.SparkDefaults("connect").Keys.Should().NotContain(["spark.jars.packages", "spark.plugins"]);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Bundled_jars_remove_init_containers_and_class_path(string version)
    {
        var rendered = await ChartRender.RenderAsync(version, "jars.bundled=true");

        rendered.Single("Deployment", "connect").InitContainers().Should().BeEmpty();
        rendered.Single("Deployment", "history-server").InitContainers().Should().BeEmpty();
        rendered.ExecutorPodTemplate.InitContainers().Should().BeEmpty();
        rendered.SparkDefaults("connect").Keys.Should().NotContain(k => k.EndsWith("extraClassPath", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Jar_repository_is_configurable()
    {
        var rendered = await ChartRender.RenderAsync("4.1", "jars.repository=https://nexus.example.invalid/maven2");
        var fetchJars = rendered.Single("Deployment", "connect").Container("fetch-jars");
        var script = (string)fetchJars["command"]!.AsArray().Last()!;

        ((string?)fetchJars.EnvVar("JARS_REPOSITORY")["value"]).Should().Be("https://nexus.example.invalid/maven2");
        script.Should().Contain("\"$JARS_REPOSITORY/$1\"").And.NotContain("repo1.maven.org");
    }

    [Theory]
    [InlineData("3.5", "pyspark==3.5.8")]
    [InlineData("4.1", "pyspark-client==4.1.2")]
    public async Task Jupyter_installs_the_matching_connect_client(string version, string client)
    {
        var rendered = await ChartRender.RenderAsync(version);
        var jupyter = rendered.Single("Deployment", "jupyter");
        var script = (string)jupyter.Container("install-spark-client")["command"]!.AsArray().Last()!;
        var install = jupyter.Container("install-spark-client");
        script.Should().Contain("pip install --no-cache-dir --target \"$target\" $SPARK_CLIENT_PACKAGES");

        ((string?)install.EnvVar("SPARK_CLIENT_PACKAGES")["value"])!.Split(' ')
            .Should().Contain([client, "grpcio", "grpcio-status", "zstandard", "pandas", "pyarrow"]);
        var clientDir = (string?)jupyter.Container("jupyter").EnvVar("PYTHONPATH")["value"];
        clientDir.Should().StartWith("/home/jovyan/work/.spark-client/");
        ((string?)install.EnvVar("SPARK_CLIENT_DIR")["value"]).Should().Be(clientDir);
        // 4.x sends the Connect token as a bearer header (see ConnectAuthTests); 3.5 has no authentication.
        ((string?)jupyter.Container("jupyter").EnvVar("SPARK_REMOTE")["value"])
            .Should().Be(version == "3.5"
                ? "sc://spark-spark-k8s-connect.spark.svc:15002"
                : "sc://spark-spark-k8s-connect.spark.svc:15002/;authorization=Bearer%20$(SPARK_CONNECT_TOKEN)");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Version_label_of_spark_components_is_the_spark_release(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);
        var expected = version == "3.5" ? "3.5.8" : "4.1.2";
        string[] spark = ["connect", "history-server"];

        rendered.Objects.Where(o => spark.Contains(o.Labels[Rendered.ComponentLabel])).Should()
            .NotBeEmpty().And.OnlyContain(o => o.Labels["app.kubernetes.io/version"] == expected);
    }
}
