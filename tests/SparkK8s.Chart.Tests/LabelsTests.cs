using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

public class LabelsTests
{
    private static readonly string[] Required =
    [
        "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
        "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by", "helm.sh/chart",
    ];

    public static TheoryData<string> Versions() => ChartRender.Versions();

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Every_object_and_pod_template_carries_the_standard_labels(string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: [$"spark.version={version}"], Release: "lab"));

        using var scope = new AssertionScope();
        foreach (var obj in rendered.Objects)
        {
            obj.Labels.Keys.Should().Contain(Required, obj.DisplayName);
            obj.Labels["app.kubernetes.io/instance"].Should().Be("lab", obj.DisplayName);
            obj.Labels["app.kubernetes.io/managed-by"].Should().Be("Helm", obj.DisplayName);
            obj.Labels["app.kubernetes.io/part-of"].Should().Be("spark-k8s", obj.DisplayName);
            obj.Labels["helm.sh/chart"].Should().Be("spark-k8s-0.1.0", obj.DisplayName);
        }

        foreach (var workload in rendered.PodWorkloads)
        {
            workload.PodLabels().Keys.Should().Contain(Required, $"pod template of {workload.DisplayName}");
        }
    }

    [Theory]
    [InlineData("spark", "spark-spark-k8s")]
    [InlineData("team-a", "team-a-spark-k8s")]
    [InlineData("my-spark-k8s", "my-spark-k8s")]
    public async Task Every_object_name_starts_with_the_release_fullname(string release, string fullname)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Release: release));

        rendered.Objects.Should().OnlyContain(o => o.Name.StartsWith(fullname + "-", StringComparison.Ordinal));
        rendered.Objects.Should().OnlyContain(o => o.Name.Length <= 63);
    }

    [Fact]
    public async Task Every_object_lives_in_the_release_namespace()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Namespace: "team-ns"));

        rendered.Objects.Should().OnlyContain(o => o.Namespace == "team-ns");
    }
}
