using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>A Spark 3.5 and a Spark 4.1 release installed in the same namespace.</summary>
public class SideBySideTests
{
    private static async Task<(Rendered Old, Rendered New)> RenderPairAsync(string preset)
    {
        var files = preset.Length == 0 ? null : new[] { $"presets/{preset}.yaml" };
        var old = await ChartRender.RenderAsync(new RenderInput(files, ["spark.version=3.5"], Release: "spark35", Namespace: "shared"));
        var current = await ChartRender.RenderAsync(new RenderInput(files, ["spark.version=4.1"], Release: "spark41", Namespace: "shared"));
        return (old, current);
    }

    public static TheoryData<string> Presets() => new("", "jupyter-connect-k8s", "connect-k8s-minimal", "batch-submit", "batch-operator", "jupyter-connect-standalone", "cost-optimized", "jupyter-mlflow-connect-k8s");

    [Theory]
    [MemberData(nameof(Presets))]
    public async Task No_two_objects_share_kind_and_name(string preset)
    {
        var (old, current) = await RenderPairAsync(preset);

        old.Objects.Concat(current.Objects).GroupBy(o => (o.Kind, o.Name)).Where(g => g.Count() > 1).Select(g => g.Key)
            .Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public async Task Every_service_selects_only_its_own_release_pods(string preset)
    {
        var (old, current) = await RenderPairAsync(preset);
        var pods = old.PodWorkloads.Concat(current.PodWorkloads)
            .Select(w => (Workload: w.DisplayName, Labels: w.PodLabels())).ToList();

        using var scope = new AssertionScope();
        foreach (var service in old.OfKind("Service").Concat(current.OfKind("Service")))
        {
            var selector = (service.Body["spec"]?["selector"] as JsonObject)!
                .ToDictionary(p => p.Key, p => (string?)p.Value);
            selector.Should().ContainKey(Rendered.InstanceLabel, service.DisplayName);

            var matched = pods.Where(p => selector.All(s => p.Labels.GetValueOrDefault(s.Key) == s.Value)).ToList();
            matched.Should().NotBeEmpty($"{service.DisplayName} must select its pods");
            matched.Should().OnlyContain(
                p => p.Labels[Rendered.InstanceLabel] == service.Labels[Rendered.InstanceLabel]
                    && p.Labels[Rendered.ComponentLabel] == service.Labels[Rendered.ComponentLabel],
                $"{service.DisplayName} selects only its own component of its own release");
        }
    }

    [Fact]
    public async Task Executor_pod_names_and_event_log_dirs_do_not_collide()
    {
        var (old, current) = await RenderPairAsync("");

        old.SparkDefaults("connect")["spark.kubernetes.executor.podNamePrefix"]
            .Should().NotBe(current.SparkDefaults("connect")["spark.kubernetes.executor.podNamePrefix"]);
        old.SparkDefaults("connect")["spark.driver.host"].Should().NotBe(current.SparkDefaults("connect")["spark.driver.host"]);
    }
}
