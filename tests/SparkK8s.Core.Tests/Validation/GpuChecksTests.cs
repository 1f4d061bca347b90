using FluentAssertions;
using SparkK8s.Core.Presets;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation.Spark;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>SPK120-SPK124 on the GPU preset rendered with the bad fixtures of tests/fixtures/gpu (one per check).</summary>
public class GpuChecksTests
{
    private static async Task<List<string>> GpuFindingsAsync(string? fixture, string version = "3.5")
    {
        var files = new List<string> { "presets/jupyter-connect-k8s-gpu.yaml" };
        if (fixture is not null)
        {
            files.Add(Path.Combine(RepoPaths.Root, "tests", "fixtures", "gpu", fixture));
        }

        var objects = await TestHelm.RenderAsync(files, cancellationToken: TestContext.Current.CancellationToken);
        var documents = objects.Select(o => new RenderedDocument(string.Empty, o)).ToList();
        return SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(documents), version, KnownSparkProperties.For(version)))
            .Where(f => string.CompareOrdinal(f.Id, "SPK120") >= 0 && string.CompareOrdinal(f.Id, "SPK124") <= 0 || f.Id == "SPK006")
            .Select(f => f.Id).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task The_gpu_preset_is_clean() => (await GpuFindingsAsync(null)).Should().BeEmpty();

    [Theory]
    [InlineData("spk120-two-gpus-per-executor.yaml", "SPK120")]
    [InlineData("spk121-idle-cores.yaml", "SPK121")]
    [InlineData("spk122-image-without-rapids.yaml", "SPK122")]
    [InlineData("spk124-pinned-pool-too-large.yaml", "SPK124")]
    public async Task Each_bad_fixture_fires_its_check(string fixture, string id) =>
        (await GpuFindingsAsync(fixture)).Should().Equal(id);

    [Fact]
    public async Task Rapids_switched_on_by_hand_on_4_1_is_an_unsupported_line()
    {
        var ids = await GpuFindingsAsync("spk123-rapids-on-4.1.yaml", "4.1");

        // By hand: no pod template GPU limit (SPK120) and the official image (SPK122) come with it.
        ids.Should().Contain("SPK123").And.Contain("SPK120").And.Contain("SPK122");
    }

    [Fact]
    public async Task The_supported_lines_are_the_lines_with_a_rapids_jar_in_the_version_table()
    {
        var values = await ValuesDocument.LoadAsync(Path.Combine(RepoPaths.Chart, "values.yaml"), "--chart", TestContext.Current.CancellationToken);
        var releases = ValuesDocument.Get(values, "spark.releases")!.AsObject();
        var withJar = releases.Where(r => r.Value?["componentJars"]?["rapids"] is System.Text.Json.Nodes.JsonArray { Count: > 0 }).Select(r => r.Key);

        Gpu.SupportedLines.Should().BeEquivalentTo(withJar);
    }

    [Theory]
    [InlineData("spark-k8s/spark-gpu:3.5.8-scala2.12-java17-python3-ubuntu-rapids26.06.0", true)]
    [InlineData("registry.example.com/platform/spark-gpu:latest", true)]
    [InlineData("registry.example.com/spark:3.5.8-rapids26.06.0@sha256:00", true)]
    [InlineData("apache/spark:3.5.8-scala2.12-java17-python3-ubuntu", false)]
    [InlineData("spark-k8s/spark:3.5.8-scala2.12-java17-python3-ubuntu", false)]
    [InlineData("localhost:5000/spark-gpu-old/spark:1", false)]
    public void The_gpu_image_convention(string image, bool gpu) => Gpu.IsGpuImage(image).Should().Be(gpu);
}
