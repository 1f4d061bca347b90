using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Processes;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation.Spark;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// Issue 11's image gaps: the official release image (airflow.baseImage) that images/airflow builds FROM, on the
/// executors' Python minor, and the image the pods run (airflow.image): the project image in staging and prod, the
/// official image with the installPackages init container in dev, so the example Connect DAGs' tasks import pyspark.
/// </summary>
public partial class AirflowImageTests
{
    public static TheoryData<string> Versions() => ChartRender.Versions();

    private static Task<Rendered> PresetAsync(string environment, string version, params string[] sets) =>
        ChartRender.RenderAsync(new RenderInput(Files: ["presets/airflow-connect-k8s.yaml", $"environments/{environment}.yaml"], Sets: [$"spark.version={version}", .. sets]));

    private static JsonObject BaseImage => ChartValues.All["airflow"]!["baseImage"]!.AsObject();

    private static string AirflowRelease => AirflowBaseTag().Match((string)BaseImage["tag"]!).Groups["airflow"].Value;

    private static IEnumerable<KubeObjectContainers> AirflowContainers(Rendered rendered) =>
        rendered.PodWorkloads.Concat(rendered.SparkPodTemplates)
            .Where(w => w.Labels.GetValueOrDefault(Rendered.ComponentLabel, "") is { } c && c.StartsWith("airflow-", StringComparison.Ordinal) && c != "airflow-statsd")
            .SelectMany(w => w.AllContainers().Where(c => !((string)c["name"]!).StartsWith("git-sync", StringComparison.Ordinal))
                .Select(c => new KubeObjectContainers(w.DisplayName, w.Labels[Rendered.ComponentLabel], c)));

    private sealed record KubeObjectContainers(string Workload, string Component, JsonObject Container);

    [GeneratedRegex(@"^(?<airflow>[0-9]+\.[0-9]+\.[0-9]+)-python(?<python>3\.[0-9]+)$")]
    private static partial Regex AirflowBaseTag();

    [Fact]
    public void Base_image_is_the_official_release_on_the_python_minor_of_every_spark_line()
    {
        ((string?)BaseImage["repository"]).Should().Be("apache/airflow");
        var match = AirflowBaseTag().Match((string)BaseImage["tag"]!);
        match.Success.Should().BeTrue("airflow.baseImage.tag is <Airflow release>-python<minor>, the official image's variant tag");
        foreach (var (line, release) in ChartValues.All["spark"]!["releases"]!.AsObject())
        {
            ((string?)release!["pythonVersion"]).Should().Be(match.Groups["python"].Value,
                $"Spark {line}'s executors run Python {(string?)release["pythonVersion"]}: Python UDFs from Airflow's tasks need the same minor");
            ((string?)release["imageTag"]).Should().EndWith("-ubuntu", "apache/spark-docker builds these from eclipse-temurin:<java>-jammy, Ubuntu 22.04's python3 3.10");
        }

        ((string?)ChartValues.All["jupyter"]!["image"]!["tag"]).Should().Be($"python-{match.Groups["python"].Value}", "the other client image pins the same minor");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Versions_py_builds_images_airflow_from_the_base_image_and_tags_it_as_the_chart_renders_it(string version)
    {
        var python = ProcessRunner.FindOnPath("python3")!;
        var args = await ProcessRunner.RunAsync(python, ["images/versions.py", "build-args", "airflow", version], TestContext.Current.CancellationToken, RepoPaths.Root);
        var tag = await ProcessRunner.RunAsync(python, ["images/versions.py", "tag", "airflow", version], TestContext.Current.CancellationToken, RepoPaths.Root);
        var rendered = await PresetAsync("prod", version);

        args.ExitCode.Should().Be(0, args.StandardError);
        args.StandardOutput.Should().Contain($"AIRFLOW_IMAGE=apache/airflow:{(string)BaseImage["tag"]!}\n");
        var sparkVersion = (string)ChartValues.Release(version)["sparkVersion"]!;
        tag.StandardOutput.Trim().Should().Be($"{AirflowRelease}-spark{sparkVersion}");
        AirflowContainers(rendered).Select(c => (string?)c.Container["image"]).Distinct().Should().Equal($"spark-k8s/airflow:{tag.StandardOutput.Trim()}");
        File.ReadAllText(Path.Combine(RepoPaths.Root, "images", "airflow", "Dockerfile")).Should().Contain("FROM ${AIRFLOW_IMAGE}");
    }

    [Theory]
    [InlineData("staging", "3.5")]
    [InlineData("staging", "4.1")]
    [InlineData("prod", "3.5")]
    [InlineData("prod", "4.1")]
    public async Task Staging_and_prod_run_the_project_image_and_install_nothing(string environment, string version)
    {
        var rendered = await PresetAsync(environment, version);

        using var scope = new AssertionScope();
        foreach (var c in AirflowContainers(rendered))
        {
            ((string?)c.Container["image"]).Should().StartWith("spark-k8s/airflow:", $"{c.Workload} {c.Container["name"]}");
            ((string?)c.Container["name"]).Should().NotBe("install-spark-client");
            c.Container.Env().Select(e => (string?)e["name"]).Should().NotContain("PYTHONPATH", "images/airflow sets its own PYTHONPATH");
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Dev_runs_the_official_image_and_installs_the_line_packages_where_tasks_run(string version)
    {
        var rendered = await PresetAsync("dev", version);
        var official = $"apache/airflow:{(string)BaseImage["tag"]!}";

        AirflowContainers(rendered).Select(c => (string?)c.Container["image"]).Distinct().Should().Equal(official);
        var scheduler = rendered.Single("Deployment", "airflow-scheduler");
        var install = scheduler.Container("install-spark-client");
        var release = ChartValues.Release(version);
        var expected = new[] { $"{(string)release["pythonClientPackage"]!}=={(string)release["sparkVersion"]!}" }
            .Concat(ChartValues.All["airflow"]!["sparkPackages"]![version]!.AsObject().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}=={(string)p.Value!}"));
        ((string?)install.EnvVar("SPARK_CLIENT_PACKAGES")["value"]).Should().Be(string.Join(' ', expected));
        ((string)install["command"]!.AsArray().Last()!).Should().Contain("--no-deps").And.Contain("--target \"$SPARK_CLIENT_DIR\"");
        ((string?)scheduler.Container("scheduler").EnvVar("PYTHONPATH")["value"]).Should().Be("/opt/spark-k8s/python", "where images/airflow bakes the same packages");
        PodSpecs.Items(scheduler.Container("scheduler"), "volumeMounts").Should().Contain(m => (string?)m["name"] == "spark-client" && (bool?)m["readOnly"] == true);
        foreach (var component in new[] { "airflow-api-server", "airflow-dag-processor", "airflow-triggerer" })
        {
            rendered.Single("Deployment", component).InitContainers().Select(c => (string?)c["name"]).Should().NotContain("install-spark-client", "only the task processes import pyspark");
        }

        var model = SparkRenderModel.From(rendered.Objects.Select(o => new RenderedDocument(string.Empty, o)).ToList());
        SparkChecks.Run(new SparkCheckContext(model, version, KnownSparkProperties.For(version))).Where(f => f.Id == "SPK073").Should().BeEmpty();
    }

    [Fact]
    public async Task Kubernetes_executor_installs_in_the_task_pods_and_not_in_the_scheduler()
    {
        var rendered = await ChartRender.RenderAsync("4.1", "airflow.enabled=true", "airflow.executor=KubernetesExecutor");

        rendered.Single("Deployment", "airflow-scheduler").InitContainers().Select(c => (string?)c["name"]).Should().NotContain("install-spark-client");
        var template = rendered.SparkPodTemplates.Single(t => t.Labels.GetValueOrDefault(Rendered.ComponentLabel) == "airflow-worker");
        template.InitContainers().Select(c => (string?)c["name"]).Should().Contain("install-spark-client");
        ((string?)template.Containers().Single().EnvVar("PYTHONPATH")["value"]).Should().Be("/opt/spark-k8s/python");
    }

    [Fact]
    public async Task The_official_image_without_the_install_is_refused_by_spk073()
    {
        var rendered = await ChartRender.RenderAsync("4.1", "airflow.enabled=true", "airflow.installPackages=false");
        var model = SparkRenderModel.From(rendered.Objects.Select(o => new RenderedDocument(string.Empty, o)).ToList());

        var finding = SparkChecks.Run(new SparkCheckContext(model, "4.1", KnownSparkProperties.For("4.1"))).Should().ContainSingle(f => f.Id == "SPK073").Subject;
        finding.Object.Should().Be("Deployment/spark-spark-k8s-airflow-scheduler");
        finding.Message.Should().Contain("spark_k8s_connect_k8s.py");
    }

    [Theory]
    [InlineData("airflow.image.repository=registry.example.com/airflow", "registry.example.com/airflow:{release}-spark3.5.8")]
    [InlineData("airflow.image.tag=3.3.0-custom", "apache/airflow:3.3.0-custom")]
    [InlineData("airflow.baseImage.digest=sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "apache/airflow:{base}@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Empty_tag_resolves_to_the_base_image_or_to_the_project_image_tag(string set, string expected)
    {
        var rendered = await ChartRender.RenderAsync("3.5", "airflow.enabled=true", set);

        ((string?)rendered.Single("Deployment", "airflow-api-server").Containers().First()["image"]).Should()
            .Be(expected.Replace("{release}", AirflowRelease, StringComparison.Ordinal).Replace("{base}", (string)BaseImage["tag"]!, StringComparison.Ordinal));
        rendered.Single("Deployment", "airflow-api-server").Labels["app.kubernetes.io/version"].Should().Be(AirflowRelease, "the version label is the Airflow release");
    }

    [Fact]
    public async Task A_spark_line_without_its_airflow_packages_fails_naming_the_key()
    {
        var error = await ChartRender.RenderErrorAsync(new RenderInput(Sets: ["spark.version=4.1", "airflow.enabled=true"], ValuesYaml: "airflow: {sparkPackages: {'4.1': null}}"));
        error.Should().Contain("airflow.sparkPackages.4.1").And.Contain("images/airflow/requirements-4.1.txt");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public void Requirements_of_images_airflow_are_the_packages_the_chart_installs(string version)
    {
        var requirements = File.ReadAllLines(Path.Combine(RepoPaths.Root, "images", "airflow", $"requirements-{version}.txt"))
            .Select(l => Requirement().Match(l)).Where(m => m.Success).Select(m => $"{m.Groups[1].Value}=={m.Groups[2].Value}").ToList();
        var release = ChartValues.Release(version);
        var chart = ChartValues.All["airflow"]!["sparkPackages"]![version]!.AsObject().Select(p => $"{p.Key}=={(string)p.Value!}")
            .Append($"{(string)release["pythonClientPackage"]!}=={(string)release["sparkVersion"]!}");

        requirements.Should().BeEquivalentTo(chart, "images/airflow (staging, prod) and airflow.installPackages (dev) give the tasks the same packages");
    }

    [GeneratedRegex(@"^([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][0-9A-Za-z.]*)")]
    private static partial Regex Requirement();
}
