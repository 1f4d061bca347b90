using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Processes;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests.Repository;

/// <summary>
/// Issue 8 §3 supply chain: the images' Dockerfiles are multi-stage, non-root, pinned and checksum every download;
/// images/versions.py reads the chart's version table exactly as YAML does; every ARG comes from that table and every
/// version or checksum elsewhere agrees with it.
/// </summary>
public partial class ImagesTests
{
    private static readonly string[] TableImages = ["spark", "metastore", "jupyter", "airflow", "data-quality"];

    public static TheoryData<string> Dockerfiles() =>
        new(Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "images"), "Dockerfile", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f)).Order(StringComparer.Ordinal));

    public static TheoryData<string> Images() => new(TableImages);

    private static Task<ProcessResult> Python(params string[] arguments) => PythonIn(RepoPaths.Root, arguments);

    private static async Task<ProcessResult> PythonIn(string root, params string[] arguments)
    {
        var python = ProcessRunner.FindOnPath("python3")
            ?? throw new InvalidOperationException("python3 is not installed (apt-get install python3): images/versions.py needs it");
        return await ProcessRunner.RunAsync(python, ["images/versions.py", .. arguments], TestContext.Current.CancellationToken, root);
    }

    /// <summary>The optional components' jars of the table (spark.releases.*.componentJars), by coordinate.</summary>
    private static IReadOnlyList<string> ComponentJarsWithoutPin() =>
        Values()["spark"]!["releases"]!.AsObject()
            .SelectMany(r => (r.Value!["componentJars"] as JsonObject ?? []).SelectMany(c => c.Value!.AsArray()))
            .Where(j => j!["sha256"] is null).Select(j => (string)j!["coordinate"]!).Distinct().ToList();

    /// <summary>
    /// values.yaml with a placeholder pin (64 times "a", test-only, never written to the repository) for each optional
    /// component jar that has none yet (Celeborn's: no public SHA-256 found), so the build-argument plumbing of a line is
    /// checked apart from those pins; An_unpinned_component_jar_stops_its_line checks the real table refuses them.
    /// </summary>
    private static string WithComponentPins(string valuesYaml) =>
        ComponentJarsWithoutPin().Aggregate(valuesYaml, (text, coordinate) =>
            text.Replace($"{{coordinate: {coordinate}, sha256: null}}", $"{{coordinate: {coordinate}, sha256: {new string('a', 64)}}}", StringComparison.Ordinal));

    /// <summary>A copy of images/versions.py and values.yaml with the component pins of <see cref="WithComponentPins"/>.</summary>
    private sealed class PinnedTable : IDisposable
    {
        private readonly TempDirectory _temp = new();

        public PinnedTable()
        {
            Directory.CreateDirectory(Path.Combine(_temp.Path, "images"));
            Directory.CreateDirectory(Path.Combine(_temp.Path, "charts", "spark-k8s"));
            File.Copy(Path.Combine(RepoPaths.Root, "images", "versions.py"), Path.Combine(_temp.Path, "images", "versions.py"));
            File.WriteAllText(Path.Combine(_temp.Path, "charts", "spark-k8s", "values.yaml"), WithComponentPins(File.ReadAllText(Path.Combine(RepoPaths.Chart, "values.yaml"))));
        }

        public string Root => _temp.Path;

        public void Dispose() => _temp.Dispose();
    }

    [Fact]
    public async Task An_unpinned_component_jar_stops_its_line()
    {
        foreach (var line in Lines())
        {
            var release = Values()["spark"]!["releases"]![line]!;
            var unpinned = (release["componentJars"] as JsonObject ?? []).SelectMany(c => c.Value!.AsArray())
                .Where(j => j!["sha256"] is null).Select(j => (string)j!["coordinate"]!).ToList();
            if (unpinned.Count == 0 || release["extraJars"]!.AsArray().Any(j => j!["sha256"] is null))
            {
                continue; // nothing to refuse, or the line already stops at its extraJars (An_unpinned_jar_stops_...)
            }

            var result = await Python("build-args", "spark", line);
            result.ExitCode.Should().Be(1, $"line {line} bakes {unpinned[0]} without a pin");
            result.StandardOutput.Should().BeEmpty("no partial build arguments");
            result.StandardError.Should().Contain($"{unpinned[0]} has no SHA-256 pin").And.Contain("images/pin.sh");
        }
    }

    private static JsonObject Values() =>
        ManifestParser.ParseYaml(File.ReadAllText(Path.Combine(RepoPaths.Chart, "values.yaml")), "values.yaml")!.AsObject();

    private static IReadOnlyList<string> Lines() => Values()["spark"]!["releases"]!.AsObject().Select(p => p.Key).ToList();

    /// <summary>
    /// images/airflow builds FROM airflow.baseImage, which the chart's Airflow component brings into values.yaml; until it
    /// is there, the table reader must refuse the image naming the missing key (and no build argument is printed).
    /// </summary>
    private static bool InTable(string image) => image != "airflow" || Values()["airflow"]?["baseImage"] is JsonObject;

    private static async Task ShouldRefuseAirflowWithoutItsImageAsync()
    {
        var result = await Python("build-args", "airflow", "4.1");
        result.ExitCode.Should().Be(1);
        result.StandardOutput.Should().BeEmpty("no partial build arguments");
        result.StandardError.Should().Contain("airflow.baseImage").And.NotContain("Traceback");
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_is_multi_stage_non_root_and_checks_every_download(string dockerfile)
    {
        var parsed = DockerfileText.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, dockerfile)));

        parsed.Stages.Should().HaveCountGreaterThan(1, "a build stage keeps download tools and caches out of the final image");
        var finalUser = parsed.Stages[^1].Instructions.LastOrDefault(i => i.Keyword == "USER")?.Arguments;
        finalUser.Should().NotBeNull("the final stage must name its user");
        new[] { "root", "0" }.Should().NotContain(finalUser!.Split(':')[0], $"{dockerfile}: the final stage runs as a non-root user");

        foreach (var instruction in parsed.Stages.SelectMany(s => s.Instructions))
        {
            if (instruction.Keyword == "ADD")
            {
                instruction.Arguments.Should().NotMatchRegex("https?://", "ADD <url> cannot be checked; download in a RUN with sha256sum -c");
            }

            if (instruction.Keyword == "RUN" && DownloadCommand().IsMatch(instruction.Arguments))
            {
                instruction.Arguments.Should().Contain("sha256sum -c", $"{dockerfile}: every download is checked against a SHA-256 pin");
                instruction.Arguments.Should().NotContain(".sha1").And.NotContain(".sha256\"", "never a checksum fetched from the same place");
            }

            if (instruction.Keyword == "RUN" && instruction.Arguments.Contains("pip install", StringComparison.Ordinal))
            {
                instruction.Arguments.Should().Contain("--require-hashes").And.Contain("--no-deps");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public async Task Every_FROM_is_a_stage_or_a_pinned_tag(string dockerfile)
    {
        var parsed = DockerfileText.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, dockerfile)));
        var image = Path.GetFileName(Path.GetDirectoryName(dockerfile)!);
        var supplied = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!InTable(image))
        {
            await ShouldRefuseAirflowWithoutItsImageAsync();
            return;
        }

        if (image == "spark-gpu")
        {
            // build-args refuses until the RAPIDS jar is pinned (Spark_gpu_builds_on_the_lines_spark_image...): its one
            // base is the line's images/spark under the build's registry.
            supplied["SPARK_IMAGE"] = $"spark-k8s/spark:{(string)Values()["spark"]!["releases"]!["3.5"]!["imageTag"]!}";
        }

        if (TableImages.Contains(image))
        {
            using var pinned = new PinnedTable();
            var result = await PythonIn(pinned.Root, "build-args", image, "4.1");
            result.ExitCode.Should().Be(0, result.StandardError);
            foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                supplied[line[..line.IndexOf('=', StringComparison.Ordinal)]] = line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..];
            }
        }

        var stages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stage in parsed.Stages)
        {
            var reference = Regex.Replace(stage.From, @"\$\{([A-Z_]+)\}", m =>
                supplied.GetValueOrDefault(m.Groups[1].Value) ?? parsed.GlobalArgDefaults.GetValueOrDefault(m.Groups[1].Value) ?? m.Value);
            if (!stages.Contains(reference))
            {
                reference.Should().NotContain("${", $"{dockerfile}: FROM {stage.From} must resolve to an image from the version table");
                var tag = reference.Contains('@', StringComparison.Ordinal) ? "digest" : reference[(reference.LastIndexOf(':') + 1)..];
                reference.LastIndexOf(':').Should().BeGreaterThan(reference.LastIndexOf('/'), $"{dockerfile}: FROM {reference} needs a tag");
                tag.Should().NotBe("latest");
            }

            if (stage.Name is { } name)
            {
                stages.Add(name);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public async Task Every_ARG_has_no_default_and_comes_from_the_version_table(string image)
    {
        var parsed = DockerfileText.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "images", image, "Dockerfile")));
        var args = parsed.Stages.SelectMany(s => s.Instructions).Where(i => i.Keyword == "ARG").Select(i => i.Arguments)
            .Concat(parsed.GlobalArgs).ToList();

        args.Should().OnlyContain(a => !a.Contains('=', StringComparison.Ordinal), "a default would build other versions than the table's");
        if (!InTable(image))
        {
            await ShouldRefuseAirflowWithoutItsImageAsync();
            return;
        }

        foreach (var line in Lines())
        {
            if (image == "spark" && line == "3.5")
            {
                continue; // fails closed until its Connect jar is pinned (next test)
            }

            using var pinned = new PinnedTable();
            var result = await PythonIn(pinned.Root, "build-args", image, line);
            result.ExitCode.Should().Be(0, result.StandardError);
            var supplied = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=')[0]).ToList();
            supplied.Should().BeEquivalentTo(args.Distinct(), $"images/build.sh passes exactly the ARGs of images/{image}/Dockerfile ({line})");
        }
    }

    [Fact]
    public async Task An_unpinned_jar_stops_the_build_with_the_pin_and_the_tool_named()
    {
        var release = Values()["spark"]!["releases"]!["3.5"]!;
        var unpinned = release["extraJars"]!.AsArray().Where(j => j!["sha256"] is null).Select(j => (string)j!["coordinate"]!).ToList();
        var result = await Python("build-args", "spark", "3.5");

        unpinned.Should().Equal(["org.apache.spark:spark-connect_2.12:3.5.8", "org.apache.logging.log4j:log4j-layout-template-json:2.20.0"],
            "no public SHA-256 of these jars was found; never invent one");
        result.ExitCode.Should().Be(1);
        result.StandardOutput.Should().BeEmpty("no partial build arguments");
        result.StandardError.Should().Contain("org.apache.spark:spark-connect_2.12:3.5.8").And.Contain("images/pin.sh").And.NotContain("Traceback");
    }

    [Fact]
    public async Task Spark_gpu_builds_on_the_lines_spark_image_with_the_pinned_rapids_jar()
    {
        using var sandbox = new BuildSandbox();
        var values = Path.Combine(sandbox.Root, "charts", "spark-k8s", "values.yaml");
        var pin = new string('a', 64);
        // Pins for the test only (the real table has none for these jars yet): every sha256 null of the 3.5 line.
        File.WriteAllText(values, File.ReadAllText(values).Replace("sha256: null}", $"sha256: {pin}}}", StringComparison.Ordinal));
        var release = Values()["spark"]!["releases"]!["3.5"]!;
        var imageTag = (string)release["imageTag"]!;

        var result = await sandbox.BuildAsync("--image", "spark-gpu", "--line", "3.5");

        result.ExitCode.Should().Be(0, result.StandardError);
        var reference = $"registry.example.com/p/spark-gpu:{imageTag}-rapids26.06.0";
        result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal($"registry.example.com/p/spark:{imageTag}", reference);
        var builds = File.ReadAllLines(sandbox.DockerLog);
        builds.Should().HaveCount(2, "the line's spark image first, then spark-gpu on it");
        builds[1].Should().Contain($"-t {reference}").And.Contain($"--build-arg SPARK_IMAGE=registry.example.com/p/spark:{imageTag}")
            .And.Contain($"--build-arg RAPIDS_JAR=com/nvidia/rapids-4-spark_2.12/26.06.0/rapids-4-spark_2.12-26.06.0.jar@{pin}")
            .And.Contain("images/spark-gpu/Dockerfile");
        var parsed = DockerfileText.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "images", "spark-gpu", "Dockerfile")));
        var args = parsed.Stages.SelectMany(s => s.Instructions).Where(i => i.Keyword == "ARG").Select(i => i.Arguments).Concat(parsed.GlobalArgs).Distinct();
        args.Should().BeEquivalentTo("SPARK_IMAGE", "MAVEN_REPOSITORY", "RAPIDS_JAR");
    }

    [Fact]
    public async Task Spark_gpu_is_refused_on_a_line_without_rapids_and_while_its_jar_is_unpinned()
    {
        using var sandbox = new BuildSandbox();

        var line41 = await sandbox.BuildAsync("--image", "spark-gpu", "--line", "4.1");
        var unpinned = await Python("build-args", "spark-gpu", "3.5");
        var tag41 = await Python("tag", "spark-gpu", "4.1");

        line41.ExitCode.Should().Be(2);
        line41.StandardError.Should().Contain("--image spark-gpu --line 4.1").And.Contain("componentJars.rapids is empty").And.Contain("lines with RAPIDS: 3.5");
        File.Exists(sandbox.DockerLog).Should().BeFalse();
        unpinned.ExitCode.Should().Be(1);
        unpinned.StandardOutput.Should().BeEmpty();
        unpinned.StandardError.Should().Contain("com.nvidia:rapids-4-spark_2.12:26.06.0 has no SHA-256 pin").And.Contain("images/pin.sh").And.NotContain("Traceback");
        tag41.ExitCode.Should().Be(1);
        tag41.StandardError.Should().Contain("does not support Spark 4.1.2");
    }

    [Fact]
    public void Spark_gpu_keeps_uid_185_and_ships_the_discovery_script_where_the_chart_points()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepoPaths.Root, "images", "spark-gpu", "Dockerfile"));
        var template = File.ReadAllText(Path.Combine(RepoPaths.Chart, "templates", "gpu", "_gpu.tpl"));

        DockerfileText.Parse(dockerfile).Stages[^1].Instructions.Last(i => i.Keyword == "USER").Arguments.Should().Be("185");
        dockerfile.Should().Contain("/opt/spark/examples/src/main/scripts/getGpusResources.sh").And.Contain("/opt/spark-gpu/getGpusResources.sh");
        template.Should().Contain("/opt/spark-gpu/getGpusResources.sh");
    }

    /// <summary>A copy of images/ and the chart's values next to a fake docker that logs its arguments.</summary>
    private sealed class BuildSandbox : IDisposable
    {
        private readonly TempDirectory _temp = new();

        public BuildSandbox()
        {
            CopyDirectory(Path.Combine(RepoPaths.Root, "images"), Path.Combine(Root, "images"));
            Directory.CreateDirectory(Path.Combine(Root, "charts", "spark-k8s"));
            File.Copy(Path.Combine(RepoPaths.Chart, "Chart.yaml"), Path.Combine(Root, "charts", "spark-k8s", "Chart.yaml"));
            File.WriteAllText(Path.Combine(Root, "charts", "spark-k8s", "values.yaml"), WithComponentPins(File.ReadAllText(Path.Combine(RepoPaths.Chart, "values.yaml"))));

            Directory.CreateDirectory(Path.Combine(_temp.Path, "bin"));
            var fake = Path.Combine(_temp.Path, "bin", "docker");
            File.WriteAllText(fake, $"#!/bin/sh\necho \"$@\" >> '{DockerLog}'\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                File.SetUnixFileMode(Path.Combine(Root, "images", "build.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        public string Root => Path.Combine(_temp.Path, "repo");

        public string DockerLog => Path.Combine(_temp.Path, "docker.log");

        public Task<ProcessResult> BuildAsync(params string[] arguments) =>
            ProcessRunner.RunAsync(Path.Combine(Root, "images", "build.sh"), ["--registry", "registry.example.com/p", .. arguments],
                TestContext.Current.CancellationToken, Root,
                new Dictionary<string, string?> { ["PATH"] = $"{Path.Combine(_temp.Path, "bin")}:{Environment.GetEnvironmentVariable("PATH")}" });

        public void Dispose() => _temp.Dispose();

        private static void CopyDirectory(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.EnumerateFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }

            foreach (var directory in Directory.EnumerateDirectories(from))
            {
                CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
            }
        }
    }

    [Fact]
    public async Task Build_script_refuses_an_unpinned_jar_before_it_builds_anything()
    {
        using var sandbox = new BuildSandbox();

        var result = await sandbox.BuildAsync("--image", "spark", "--line", "3.5");

        result.ExitCode.Should().Be(1);
        result.StandardError.Should().Contain("org.apache.spark:spark-connect_2.12:3.5.8 has no SHA-256 pin").And.Contain("images/pin.sh");
        File.Exists(sandbox.DockerLog).Should().BeFalse("nothing is built while a pin is missing");
    }

    [Fact]
    public async Task Build_script_refuses_a_requirement_without_hash_before_it_builds_anything()
    {
        using var sandbox = new BuildSandbox();
        var requirements = Path.Combine(sandbox.Root, "images", "spark", "requirements-4.1.txt");
        File.WriteAllText(requirements, File.ReadAllText(requirements).Replace("pyarrow==17.0.0 \\\n    --hash=", "pyarrow==17.0.0\n#    --hash=", StringComparison.Ordinal));

        var result = await sandbox.BuildAsync("--image", "spark", "--line", "4.1");

        result.ExitCode.Should().Be(1);
        result.StandardError.Should().Contain("images/spark/requirements-4.1.txt has requirements without --hash").And.Contain("pyarrow==17.0.0").And.NotContain("numpy");
        File.Exists(sandbox.DockerLog).Should().BeFalse("nothing is built while a hash is missing");
    }

    [Fact]
    public async Task Build_script_passes_the_table_as_build_arguments_and_tags_what_the_chart_renders()
    {
        using var sandbox = new BuildSandbox();

        var result = await sandbox.BuildAsync("--image", "spark", "--line", "4.1");

        result.ExitCode.Should().Be(0, result.StandardError);
        var release = Values()["spark"]!["releases"]!["4.1"]!;
        var reference = $"registry.example.com/p/spark:{(string)release["imageTag"]!}";
        result.StandardOutput.Trim().Should().Be(reference);
        var docker = File.ReadAllText(sandbox.DockerLog);
        docker.Should().StartWith("buildx build --platform linux/amd64").And.Contain($"-t {reference}")
            .And.Contain($"--build-arg SPARK_IMAGE=apache/spark:{(string)release["imageTag"]!}").And.Contain("--build-arg SPARK_LINE=4.1");
        foreach (var jar in release["extraJars"]!.AsArray())
        {
            docker.Should().Contain("@" + (string)jar!["sha256"]!);
        }
    }

    private const string AirflowTable = """
        jars:
          repository: https://repo1.maven.org/maven2
        spark:
          version: "4.1"
          releases:
            "4.1":
              sparkVersion: 4.1.2
        airflow:
          baseImage:
            repository: apache/airflow
            tag: 3.3.2-python3.10
            digest: DIGEST
        """;

    [Fact]
    public async Task Airflow_image_builds_from_airflow_base_image_pinned_by_its_digest_and_is_tagged_per_spark_release()
    {
        using var sandbox = new BuildSandbox();
        var values = Path.Combine(sandbox.Root, "charts", "spark-k8s", "values.yaml");
        var python = ProcessRunner.FindOnPath("python3")!;
        var versions = Path.Combine(sandbox.Root, "images", "versions.py");
        var digest = "sha256:" + new string('a', 64);

        File.WriteAllText(values, AirflowTable.Replace("DIGEST", digest, StringComparison.Ordinal));
        var args = await ProcessRunner.RunAsync(python, [versions, "build-args", "airflow", "4.1"], TestContext.Current.CancellationToken, sandbox.Root);
        var tag = await ProcessRunner.RunAsync(python, [versions, "tag", "airflow", "4.1"], TestContext.Current.CancellationToken, sandbox.Root);
        File.WriteAllText(values, AirflowTable.Replace("digest: DIGEST", "digest: \"\"", StringComparison.Ordinal));
        var unpinned = await ProcessRunner.RunAsync(python, [versions, "build-args", "airflow", "4.1"], TestContext.Current.CancellationToken, sandbox.Root);
        File.WriteAllText(values, AirflowTable.Replace("DIGEST", "latest", StringComparison.Ordinal));
        var bad = await ProcessRunner.RunAsync(python, [versions, "build-args", "airflow", "4.1"], TestContext.Current.CancellationToken, sandbox.Root);
        File.WriteAllText(values, AirflowTable.Replace("digest: DIGEST", "digest: \"\"", StringComparison.Ordinal).Replace("3.3.2-python3.10", "3.3.2", StringComparison.Ordinal));
        var noPython = await ProcessRunner.RunAsync(python, [versions, "tag", "airflow", "4.1"], TestContext.Current.CancellationToken, sandbox.Root);

        args.ExitCode.Should().Be(0, args.StandardError);
        args.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal($"AIRFLOW_IMAGE=apache/airflow:3.3.2-python3.10@{digest}", "SPARK_LINE=4.1");
        tag.StandardOutput.Trim().Should().Be("3.3.2-spark4.1.2", "<Airflow release>-spark<sparkVersion>, what the chart's empty airflow.image.tag resolves to");
        unpinned.StandardOutput.Should().Contain("AIRFLOW_IMAGE=apache/airflow:3.3.2-python3.10\n", "an empty digest pins nothing");
        bad.ExitCode.Should().Be(1);
        bad.StandardError.Should().Contain("airflow.baseImage.digest").And.Contain("sha256:<64 hex>");
        bad.StandardOutput.Should().BeEmpty();
        noPython.ExitCode.Should().Be(1, "the base image must name its Python minor");
        noPython.StandardError.Should().Contain("airflow.baseImage.tag").And.Contain("-python<minor>").And.NotContain("Traceback");
        noPython.StandardOutput.Should().BeEmpty();
    }

    [Fact]
    public async Task Build_script_refuses_the_airflow_image_while_its_provider_has_no_hash()
    {
        using var sandbox = new BuildSandbox();
        File.WriteAllText(Path.Combine(sandbox.Root, "charts", "spark-k8s", "values.yaml"), AirflowTable.Replace("DIGEST", string.Empty, StringComparison.Ordinal).Replace("digest: ", "digest: \"\"", StringComparison.Ordinal));

        var result = await sandbox.BuildAsync("--image", "airflow", "--line", "4.1");

        result.ExitCode.Should().Be(1);
        result.StandardError.Should().Contain("images/airflow/requirements-4.1.txt has requirements without --hash").And.Contain("apache-airflow-providers-apache-spark==6.2.0");
        File.Exists(sandbox.DockerLog).Should().BeFalse("nothing is built while a hash is missing");
    }

    [Fact]
    public async Task Build_script_refuses_the_data_quality_image_while_its_runner_packages_have_no_hash()
    {
        using var sandbox = new BuildSandbox();

        var result = await sandbox.BuildAsync("--image", "data-quality", "--line", "4.1");

        result.ExitCode.Should().Be(1);
        result.StandardError.Should().Contain("images/data-quality/requirements-4.1.txt has requirements without --hash")
            .And.Contain("great_expectations==1.19.0").And.Contain("images/pin.sh");
        File.Exists(sandbox.DockerLog).Should().BeFalse("nothing is built while a hash is missing");
    }

    [Fact]
    public void Images_workflow_builds_every_image_on_every_line_it_has()
    {
        var workflow = File.ReadAllText(Path.Combine(RepoPaths.Root, ".github", "workflows", "images.yml"));
        var entries = WorkflowEntry().Matches(workflow).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        var perLine = new[] { "spark", "jupyter", "airflow", "data-quality" };
        // spark-gpu: only the lines with a RAPIDS jar.
        var gpuLines = Values()["spark"]!["releases"]!.AsObject().Where(r => r.Value?["componentJars"]?["rapids"] is JsonArray { Count: > 0 }).Select(r => r.Key).ToList();
        var expected = Directory.EnumerateDirectories(Path.Combine(RepoPaths.Root, "images"))
            .Where(d => File.Exists(Path.Combine(d, "Dockerfile"))).Select(Path.GetFileName)
            .SelectMany(image => image == "spark-gpu" ? gpuLines.Select(line => (image!, line))
                : perLine.Contains(image) ? Lines().Select(line => (image!, line)) : [(image!, string.Empty)]);

        entries.Should().BeEquivalentTo(expected, "each image and Spark line is built, scanned and pushed by .github/workflows/images.yml");
    }

    [GeneratedRegex(@"\{image: ([a-z-]+), line: ""([0-9.]*)""\}")]
    private static partial Regex WorkflowEntry();

    [Fact]
    public async Task Table_reader_parses_values_exactly_as_yaml_does()
    {
        var result = await Python("json");

        result.ExitCode.Should().Be(0, result.StandardError);
        JsonNode.DeepEquals(JsonNode.Parse(result.StandardOutput), Values()).Should().BeTrue("images/versions.py must read the same table the chart renders from");
    }

    [Theory]
    [InlineData("spark")]
    [InlineData("jupyter")]
    [InlineData("airflow")]
    [InlineData("data-quality")]
    public void Requirements_pin_the_table_versions(string image)
    {
        foreach (var line in Lines())
        {
            var release = Values()["spark"]!["releases"]![line]!;
            var file = Path.Combine(RepoPaths.Root, "images", image, $"requirements-{line}.txt");
            var pins = Requirement().Matches(File.ReadAllText(file)).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            // images/airflow adds only the client (its pandas, pyarrow and numpy are the official Airflow image's).
            var expected = image == "airflow"
                ? new Dictionary<string, string>()
                : release["pythonPackages"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);
            if (image == "airflow")
            {
                expected[(string)release["pythonClientPackage"]!] = (string)release["sparkVersion"]!;
            }

            if (image is "jupyter" or "data-quality")
            {
                expected[(string)release["pythonClientPackage"]!] = (string)release["sparkVersion"]!;
                foreach (var (name, version) in release["clientPackages"]!.AsObject())
                {
                    expected[name] = (string)version!;
                }
            }

            foreach (var (name, version) in expected)
            {
                pins.Should().ContainKey(name, file).WhoseValue.Should().Be(version, $"{file}: {name} must match spark.releases.{line}");
            }
        }
    }

    [Fact]
    public void Versions_and_checksums_live_only_in_the_table()
    {
        var table = File.ReadAllText(Path.Combine(RepoPaths.Chart, "values.yaml"));
        var requirements = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "images"), "requirements-*.txt", SearchOption.AllDirectories)
            .Select(File.ReadAllText).ToList();
        foreach (var image in TableImages)
        {
            var code = string.Join('\n', File.ReadLines(Path.Combine(RepoPaths.Root, "images", image, "Dockerfile")).Where(l => !l.TrimStart().StartsWith('#')));
            code.Should().NotMatchRegex(@"[0-9]+\.[0-9]+\.[0-9]+", $"images/{image}/Dockerfile takes every version as an ARG");
            Sha256().IsMatch(code).Should().BeFalse($"images/{image}/Dockerfile takes every checksum as an ARG");
        }

        foreach (var doc in new[] { "docs/en/images.md", "docs/ru/images.md" }.Select(d => Path.Combine(RepoPaths.Root, d)).Where(File.Exists))
        {
            foreach (Match sha in Sha256().Matches(File.ReadAllText(doc)))
            {
                (table.Contains(sha.Value, StringComparison.Ordinal) || requirements.Any(r => r.Contains(sha.Value, StringComparison.Ordinal)))
                    .Should().BeTrue($"{doc} quotes {sha.Value}, which is not in the version table");
            }
        }

        var values = Values();
        var jars = Lines().SelectMany(l => values["spark"]!["releases"]![l]!["extraJars"]!.AsArray()).Append(values["metastore"]!["jdbcDriver"]!);
        jars.Select(j => (string?)j!["sha256"]).Should().OnlyContain(s => s == null || Sha256().IsMatch(s) && s.Length == 64);
    }

    [GeneratedRegex(@"\b(?:wget|curl)\b|https?://")]
    private static partial Regex DownloadCommand();

    [GeneratedRegex(@"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\]+)", RegexOptions.Multiline)]
    private static partial Regex Requirement();

    [GeneratedRegex(@"\b[0-9a-f]{64}\b")]
    private static partial Regex Sha256();
}

/// <summary>A small Dockerfile reader: stages (FROM ... [AS name]) with their instructions, continuation lines joined.</summary>
public sealed record DockerfileText(IReadOnlyList<string> GlobalArgs, IReadOnlyDictionary<string, string> GlobalArgDefaults, IReadOnlyList<DockerfileStage> Stages)
{
    public static DockerfileText Parse(string text)
    {
        var instructions = new List<(string Keyword, string Arguments)>();
        var current = new System.Text.StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (current.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
            {
                continue;
            }

            if (current.Length > 0 && line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var continued = line.EndsWith('\\');
            current.Append(continued ? line[..^1] : line).Append(' ');
            if (!continued)
            {
                var full = current.ToString().Trim();
                var space = full.IndexOf(' ', StringComparison.Ordinal);
                instructions.Add(space < 0 ? (full.ToUpperInvariant(), string.Empty) : (full[..space].ToUpperInvariant(), full[(space + 1)..].Trim()));
                current.Clear();
            }
        }

        var globalArgs = new List<string>();
        var stages = new List<DockerfileStage>();
        foreach (var (keyword, arguments) in instructions)
        {
            if (keyword == "FROM")
            {
                var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToArray();
                stages.Add(new DockerfileStage(parts[0], parts.Length >= 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null, new List<DockerfileInstruction>()));
            }
            else if (stages.Count == 0)
            {
                if (keyword == "ARG")
                {
                    globalArgs.Add(arguments);
                }
            }
            else
            {
                ((List<DockerfileInstruction>)stages[^1].Instructions).Add(new DockerfileInstruction(keyword, arguments));
            }
        }

        var defaults = globalArgs.Where(a => a.Contains('=', StringComparison.Ordinal))
            .ToDictionary(a => a[..a.IndexOf('=', StringComparison.Ordinal)], a => a[(a.IndexOf('=', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal);
        return new DockerfileText(globalArgs, defaults, stages);
    }
}

public sealed record DockerfileStage(string From, string? Name, IReadOnlyList<DockerfileInstruction> Instructions);

public sealed record DockerfileInstruction(string Keyword, string Arguments);
