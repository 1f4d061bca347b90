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

        foreach (var workload in rendered.PodWorkloads.Where(w => w.Name != Rendered.ExecutorTemplateName))
        {
            workload.PodLabels().Keys.Should().Contain(Required, $"pod template of {workload.DisplayName}");
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Executor_pods_which_spark_creates_do_not_claim_to_be_managed_by_helm(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);

        var labels = rendered.ExecutorPodTemplate.PodLabels();
        labels.Keys.Should().NotContain(["app.kubernetes.io/managed-by", "helm.sh/chart"]);
        labels.Keys.Should().Contain(Required.Except(["app.kubernetes.io/managed-by", "helm.sh/chart"]));
        labels["app.kubernetes.io/version"].Should().StartWith(version + ".", "the executor runs the Spark release");
    }

    [Fact]
    public async Task Each_component_carries_the_version_of_its_own_image()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets:
        [
            "backup.enabled=true", "metastore.image.tag=4.0.1", "postgresql.image.tag=17.6", "jupyter.image.tag=python-3.10",
            "backup.image.tag=9.9.9", "minio.image.tag=RELEASE.2025-09-07T16-13-09Z", "spark.version=4.1",
        ]));

        using var scope = new AssertionScope();
        foreach (var (kind, component, expected) in new[]
        {
            ("Deployment", "metastore", "4.0.1"),
            ("StatefulSet", "postgresql", "17.6"),
            ("Deployment", "jupyter", "python-3.10"),
            ("StatefulSet", "minio", "RELEASE.2025-09-07T16-13-09Z"),
            ("CronJob", "backup", "9.9.9"),
        })
        {
            var workload = rendered.Single(kind, component);
            workload.Labels["app.kubernetes.io/version"].Should().Be(expected, workload.DisplayName);
            workload.PodLabels()["app.kubernetes.io/version"].Should().Be(expected, $"pod template of {workload.DisplayName}");
        }

        rendered.Single("Deployment", "connect").Labels["app.kubernetes.io/version"].Should().StartWith("4.1.", "Spark components carry the Spark release");
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
