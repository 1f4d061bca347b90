using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// Issue 8 §3: staging and prod run the project's baked images (images/spark, images/metastore, images/jupyter) and
/// download nothing at pod start; dev keeps the download, checked against the version table's SHA-256 pins.
/// </summary>
public class ProductionImagesTests
{
    public static TheoryData<string, string> BakedEnvironments() => new()
    {
        { "3.5", "environments/staging.yaml" },
        { "4.1", "environments/staging.yaml" },
        { "3.5", "environments/prod.yaml" },
        { "4.1", "environments/prod.yaml" },
    };

    private static Task<Rendered> RenderAsync(string version, string environment) =>
        ChartRender.RenderAsync(new RenderInput(Files: ["presets/jupyter-connect-k8s.yaml", environment], Sets: [$"spark.version={version}"]));

    [Theory]
    [MemberData(nameof(BakedEnvironments))]
    public async Task Staging_and_prod_render_no_download_at_pod_start(string version, string environment)
    {
        var rendered = await RenderAsync(version, environment);
        var workloads = rendered.Objects.Where(o => o.PodSpec is not null).Append(rendered.ExecutorPodTemplate).ToList();

        workloads.Should().NotBeEmpty();
        foreach (var workload in workloads)
        {
            workload.InitContainers().Select(c => (string?)c["name"]).Should().NotContain(["fetch-jars", "install-spark-client"], workload.DisplayName);
            PodSpecs.Items(workload.PodSpec, "volumes").Select(v => (string?)v["name"]).Should().NotContain("extra-jars", workload.DisplayName);
        }

        var conf = rendered.SparkDefaults("connect");
        conf.Keys.Should().NotContain(["spark.jars.packages", "spark.jars.repositories", "spark.jars.ivy"]);
        conf.Keys.Should().NotContain(k => k.EndsWith("extraClassPath", StringComparison.Ordinal), "the jars are in /opt/spark/jars of the image");
    }

    [Theory]
    [MemberData(nameof(BakedEnvironments))]
    public async Task Staging_and_prod_use_the_project_images_with_tags_from_the_version_table(string version, string environment)
    {
        var rendered = await RenderAsync(version, environment);
        var release = ChartValues.Release(version);
        var spark = $"spark-k8s/spark:{(string)release["imageTag"]!}";

        rendered.Single("Deployment", "connect").AllContainers().Select(c => (string?)c["image"]).Should().AllBe(spark);
        rendered.Single("Deployment", "history-server").AllContainers().Select(c => (string?)c["image"]).Should().AllBe(spark);
        rendered.ExecutorPodTemplate.AllContainers().Select(c => (string?)c["image"]).Should().AllBe(spark);
        // render-config (bash only, it writes hive-site.xml) runs on the Spark image; every other container on the metastore image.
        rendered.Single("Deployment", "metastore").AllContainers().Where(c => (string?)c["name"] != "render-config").Select(c => (string?)c["image"]).Should().AllBe("spark-k8s/metastore:3.1.3");
        ((string?)rendered.Single("Deployment", "metastore").InitContainers().Single(c => (string?)c["name"] == "render-config")["image"]).Should().Be(spark);
        var jupyter = rendered.Single("Deployment", "jupyter").Container("jupyter");
        ((string?)jupyter["image"]).Should().Be($"spark-k8s/jupyter:{(string)release["sparkVersion"]!}", "the baked client matches the server's release");
        jupyter.Env().Should().NotContain(e => (string?)e["name"] == "PYTHONPATH", "the image's own PYTHONPATH points at the baked client");
    }

    [Fact]
    public async Task Bundled_metastore_mounts_no_downloaded_driver()
    {
        var rendered = await ChartRender.RenderAsync("4.1", "jars.bundled=true");

        foreach (var workload in new[] { rendered.Single("Deployment", "metastore"), rendered.OfKind("Job").Single(j => j.Name.Contains("metastore-schema", StringComparison.Ordinal)) })
        {
            workload.InitContainers().Select(c => (string?)c["name"]).Should().NotContain("fetch-jars");
            workload.AllContainers().SelectMany(c => PodSpecs.Items(c, "volumeMounts")).Select(m => (string?)m["name"]).Should().NotContain("extra-jars");
        }

        rendered.Single("Deployment", "metastore").InitContainers().Select(c => (string?)c["name"]).Should().Equal("render-config", "wait-for-schema");
    }

    [Fact]
    public async Task Dev_metastore_checks_the_jdbc_driver_against_its_pin()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: ["environments/dev.yaml"]));
        var driver = ChartValues.All["metastore"]!["jdbcDriver"]!;
        var fetch = rendered.Single("Deployment", "metastore").Container("fetch-jars");

        ((string?)fetch.EnvVar("JARS")["value"]).Should().EndWith("@" + (string)driver["sha256"]!);
        ((string)fetch["command"]!.AsArray().Last()!).Should().Contain("sha256sum -c");
        ((string?)fetch.EnvVar("JARS")["value"]).Should().NotContain("@unpinned", "the JDBC driver is pinned, so the .sha1 fallback never runs for it");
    }

    [Fact]
    public async Task Jupyter_empty_tag_follows_the_spark_release()
    {
        var rendered = await ChartRender.RenderAsync("3.5", "jupyter.image.repository=registry.example.com/jupyter", "jupyter.image.tag=");

        ((string?)rendered.Single("Deployment", "jupyter").Container("jupyter")["image"]).Should().Be("registry.example.com/jupyter:3.5.8");
    }
}
