using FluentAssertions;
using Xunit;

namespace SparkK8s.Cli.Tests.Operations;

/// <summary>`plan --kube-context`: an OpenShift cluster (it serves security.openshift.io) is rendered with openshift.enabled.</summary>
public class PlanOpenShiftTests
{
    [Fact]
    public async Task An_openshift_cluster_is_planned_without_fixed_uids()
    {
        await using var bed = KubeTestBed.Start("base", "openshift");

        var result = await bed.RunAsync("plan", "jupyter-connect-k8s", "--output", "json");

        result.ExitCode.Should().Be(0, result.Stderr + result.Stdout);
        using var json = result.Json();
        json.RootElement.GetProperty("cluster").GetString().Should().Contain("is OpenShift").And.Contain("openshift.enabled=true");
        var text = await bed.RunAsync("plan", "jupyter-connect-k8s");
        text.Stdout.Should().Contain("Cluster: fake is OpenShift");
    }

    [Fact]
    public async Task A_plain_kubernetes_cluster_keeps_the_fixed_uids()
    {
        await using var bed = KubeTestBed.Start("base");

        var result = await bed.RunAsync("plan", "jupyter-connect-k8s", "--output", "json");

        result.ExitCode.Should().Be(0, result.Stderr + result.Stdout);
        using var json = result.Json();
        json.RootElement.GetProperty("cluster").GetString().Should().Contain("is not OpenShift");
    }

    [Fact]
    public async Task Without_a_context_plan_contacts_no_cluster()
    {
        var result = await CliRunner.RunAsync("plan", "connect-k8s-minimal", "--output", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = result.Json();
        json.RootElement.GetProperty("cluster").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task An_unknown_context_is_a_usage_error()
    {
        await using var bed = KubeTestBed.Start("base", "openshift");

        var result = await CliRunner.RunAsync("plan", "jupyter-connect-k8s", "--kubeconfig", bed.Kubeconfig, "--kube-context", "nope");

        result.ShouldBeUsageError("nope");
    }
}
