using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// Every rendered object, the executor pod template included, is valid Kubernetes 1.36 (strict: no unknown fields),
/// checked with the product's own validator against the embedded schema bundle.
/// </summary>
public class KubernetesSchemaTests
{

    public static TheoryData<string, string> Renders() => new()
    {
        { "3.5", "" },
        { "4.1", "" },
        { "4.1", "presets/connect-k8s-minimal.yaml" },
        { "3.5", "environments/prod.yaml" },
    };

    [Theory]
    [MemberData(nameof(Renders))]
    public async Task Rendered_objects_match_the_kubernetes_schema(string version, string file)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: file.Length == 0 ? null : [file],
            Sets: [$"spark.version={version}", "jupyter.pipIndexUrl=https://pypi.example.invalid/simple"]));

        var problems = rendered.Objects.Append(rendered.ExecutorPodTemplate).SelectMany(KubeSchema.Validate).ToList();

        problems.Should().BeEmpty();
    }
}
