using FluentAssertions;
using SparkK8s.Testing.Kube;
using Xunit;

namespace SparkK8s.Cli.Tests.Operations;

/// <summary>What every live-cluster command shares: --help, --output json, the cluster flags, and no half-applied work.</summary>
public class LiveCommandsTests
{
    [Theory]
    [InlineData("doctor")]
    [InlineData("up")]
    [InlineData("chaos")]
    [InlineData("upgrade-test")]
    public async Task Help_lists_the_cluster_flags_and_json_output(string command)
    {
        var result = await CliRunner.RunAsync(command, "--help");
        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Contain("--kubeconfig").And.Contain("--kube-context").And.Contain("--output").And.Contain("json");
    }

    [Fact]
    public async Task Without_a_smoke_runner_up_fails_before_it_installs_anything()
    {
        await using var bed = KubeTestBed.Start("base");
        var helm = FakeHelm.Create(bed.Temp);
        var result = await bed.RunAsync("up", "connect-k8s-minimal", "--helm", helm.Path);

        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("smoke is not available in this build");
        result.Stdout.Should().BeEmpty();
        helm.Installs.Should().BeEmpty();
        bed.Server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Without_a_load_runner_chaos_fails_before_it_breaks_anything()
    {
        await using var bed = KubeTestBed.Start("base", "healthy", "chaos-allowed");
        Live.LiveServices.Use(smoke: new SmokeDouble(true));
        var result = await bed.RunAsync("chaos");

        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("load is not available in this build");
        bed.Server.Mutations.Should().BeEmpty();
    }
}
