using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>spark.version selects images, jars and the Connect packaging from one set of templates.</summary>
public class SparkVersionTests
{
    private static readonly Dictionary<string, (string Tag, string[] Jars)> Expected = new()
    {
        ["3.5"] = ("3.5.8-scala2.12-java17-python3-ubuntu",
            ["hadoop-aws-3.3.4.jar", "aws-java-sdk-bundle-1.12.262.jar", "spark-connect_2.12-3.5.8.jar", "log4j-layout-template-json-2.20.0.jar"]),
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
            var fetched = ((string?)fetchJars.EnvVar("JARS")["value"])!.Split(' ').Select(p => p.Split('@')[0].Split('/').Last()).ToList();

            fetched.Should().BeEquivalentTo(Expected[version].Jars, workload.DisplayName);
            script.Should().Contain("sha256sum -c", "every jar is checked against its SHA-256 pin from the version table");
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Init_container_checks_the_table_sha256_and_a_repository_sha1_only_for_unpinned_jars(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);
        var values = ChartValues.Release(version);
        var pins = values["extraJars"]!.AsArray()
            .ToDictionary(j => ((string)j!["coordinate"]!).Split(':')[1] + "-" + ((string)j!["coordinate"]!).Split(':')[2] + ".jar", j => (string?)j!["sha256"] ?? "unpinned");

        foreach (var workload in new[] { rendered.Single("Deployment", "connect"), rendered.Single("Deployment", "history-server"), rendered.ExecutorPodTemplate })
        {
            var fetchJars = workload.Container("fetch-jars");
            var script = (string)fetchJars["command"]!.AsArray().Last()!;
            var entries = ((string?)fetchJars.EnvVar("JARS")["value"])!.Split(' ');

            script.Should().Contain("echo \"$sum  $file.part\" | sha256sum -c -");
            // The .sha1 path sits only in the branch for entries without a pin, behind jars.allowUnpinned.
            script[..script.IndexOf("elif [ \"$JARS_ALLOW_UNPINNED\" = \"true\" ]", StringComparison.Ordinal)].Should().NotContain(".sha1");
            entries.Should().OnlyContain(e => pins[e.Split('@')[0].Split('/').Last()] == e.Split('@')[1], workload.DisplayName);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_unpinned_jar_is_checked_against_the_repository_sha1_or_refused(bool allowUnpinned)
    {
        var rendered = await ChartRender.RenderUncachedAsync(new RenderInput(ValuesYaml: $"spark: {{version: \"3.5\"}}\njars: {{allowUnpinned: {(allowUnpinned ? "true" : "false")}}}\n"));
        var fetchJars = rendered.Single("Deployment", "connect").Container("fetch-jars");
        var script = (string)fetchJars["command"]!.AsArray().Last()!;
        ((string?)fetchJars.EnvVar("JARS")["value"]).Should().Contain("spark-connect_2.12-3.5.8.jar@unpinned", "3.5.8's Connect jar has no recorded SHA-256 yet");

        using var sandbox = new TempDirectory("fetch-jars");
        var repository = sandbox.Combine("repo");
        var jar = Path.Combine(repository, "org/apache/spark/spark-connect_2.12/3.5.8/spark-connect_2.12-3.5.8.jar");
        Directory.CreateDirectory(Path.GetDirectoryName(jar)!);
        await File.WriteAllTextAsync(jar, "jar bytes", TestContext.Current.CancellationToken);
        var sha1 = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData("jar bytes"u8));
        await File.WriteAllTextAsync(jar + ".sha1", sha1, TestContext.Current.CancellationToken);
        // A wget that copies from the local "repository": wget -q -O <file> <url>.
        var bin = sandbox.WriteFile("bin/wget", "#!/bin/bash\ncp \"${4#file://}\" \"$3\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(bin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var target = sandbox.Combine("jars");
        Directory.CreateDirectory(target);

        var start = new System.Diagnostics.ProcessStartInfo("bash", ["-ec", script]) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["PATH"] = Path.GetDirectoryName(bin) + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["JARS_REPOSITORY"] = "file://" + repository;
        start.Environment["JARS_TARGET"] = target;
        start.Environment["JARS_ALLOW_UNPINNED"] = (string?)fetchJars.EnvVar("JARS_ALLOW_UNPINNED")["value"];
        start.Environment["JARS"] = "org/apache/spark/spark-connect_2.12/3.5.8/spark-connect_2.12-3.5.8.jar@unpinned";
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        if (allowUnpinned)
        {
            process.ExitCode.Should().Be(0, stderr);
            stderr.Should().Contain("no SHA-256 pin").And.Contain(".sha1 only");
            File.Exists(Path.Combine(target, "spark-connect_2.12-3.5.8.jar")).Should().BeTrue();
        }
        else
        {
            process.ExitCode.Should().Be(1, stderr);
            stderr.Should().Contain("jars.allowUnpinned is false").And.Contain("images/pin.sh");
            Directory.GetFiles(target).Should().BeEmpty("nothing is downloaded when the jar is refused");
        }
    }

    [Fact]
    public async Task Spark_3_5_refuses_a_table_without_the_connect_jar()
    {
        var act = () => ChartRender.RenderUncachedAsync(new RenderInput(ValuesYaml: """
            spark:
              version: "3.5"
              releases:
                "3.5":
                  extraJars: [{coordinate: "org.apache.hadoop:hadoop-aws:3.3.4", sha256: "53f9ae03c681a30a50aa17524bd9790ab596b28481858e54efd989a826ed3a4a"}]
            """));

        (await act.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("spark.releases.3.5.extraJars must list org.apache.spark:spark-connect_2.12:3.5.8");
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
        var jars = (string?)rendered.Single("Deployment", "connect").Container("fetch-jars").EnvVar("JARS")["value"];

        jars.Should().NotContain("spark-connect");
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
        script.Should().Contain("\"$JARS_REPOSITORY/$path\"").And.NotContain("repo1.maven.org");
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
            .Should().Contain(client).And.Contain(p => p.StartsWith("grpcio==", StringComparison.Ordinal))
            .And.Contain(p => p.StartsWith("pandas==", StringComparison.Ordinal)).And.Contain(p => p.StartsWith("pyarrow==", StringComparison.Ordinal))
            .And.OnlyContain(p => p.Contains("==", StringComparison.Ordinal), "every package is pinned from the version table");
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
