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
    public void The_build_wires_the_spark_connect_smoke_and_load_runners()
    {
        // Before the merge of the Spark Connect client these were null and up/chaos/upgrade-test exited 1.
        Live.LiveServices.DefaultSmoke().Should().BeOfType<Core.Operations.Smoke.ReleaseSmokeRunner>();
        Live.LiveServices.DefaultLoad().Should().BeOfType<Core.Operations.Load.ReleaseLoadRunner>();
    }

    [Fact]
    public async Task Up_runs_the_real_smoke_through_the_kubernetes_api_after_the_install()
    {
        await using var bed = KubeTestBed.Start("base", "healthy");
        var helm = FakeHelm.Create(bed.Temp);
        var result = await bed.RunAsync("up", "connect-k8s-minimal", "--helm", helm.Path);

        result.Stderr.Should().NotContain("not available in this build");
        helm.Installs.Should().ContainSingle();
        bed.Server.Requests.Should().Contain(r => r.Path == "/api/v1/namespaces/spark/pods" && r.Query.Contains("app.kubernetes.io%2Fcomponent%3Dconnect", StringComparison.OrdinalIgnoreCase));
        result.ShouldHaveNoStackTrace();
    }
}

/// <summary>Issue 13 §8: every live command with no cluster, a wrong context, no permissions and a missing namespace.</summary>
public class LiveCommandsBadAccessTests
{
    public static TheoryData<string> Commands() => new() { "doctor", "up", "chaos", "upgrade-test" };

    private static string[] Arguments(string command, FakeHelm helm) => command switch
    {
        "doctor" => ["doctor", "connect-k8s-minimal", "--helm", helm.Path],
        "up" => ["up", "connect-k8s-minimal", "--helm", helm.Path],
        "chaos" => ["chaos", "--yes"],
        _ => ["upgrade-test", "--from", "HEAD", "connect-k8s-minimal", "--helm", helm.Path],
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task No_cluster_is_a_failure_naming_the_server(string command)
    {
        using var temp = new Testing.TempDirectory();
        string kubeconfig;
        await using (var server = FakeKubeApiServer.Start("base"))
        {
            kubeconfig = server.WriteKubeconfig(temp.Path);
        }

        var helm = FakeHelm.Create(temp);
        Live.LiveServices.Use(smoke: new SmokeDouble(true), load: new LoadDouble(TimeSpan.FromMilliseconds(10)));
        var result = await CliRunner.RunAsync([.. Arguments(command, helm), "--kubeconfig", kubeconfig]);

        result.ExitCode.Should().Be(1, result.Stderr);
        result.Stderr.Should().Contain("cannot reach the Kubernetes API at http://127.0.0.1:");
        result.Stdout.Should().BeEmpty();
        result.ShouldHaveNoStackTrace();
        helm.Installs.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_wrong_context_is_a_usage_error(string command)
    {
        await using var bed = KubeTestBed.Start("base", "healthy");
        var helm = FakeHelm.Create(bed.Temp);
        Live.LiveServices.Use(smoke: new SmokeDouble(true), load: new LoadDouble(TimeSpan.FromMilliseconds(10)));
        var result = await CliRunner.RunAsync([.. Arguments(command, helm), "--kubeconfig", bed.Kubeconfig, "--kube-context", "staging"]);

        result.ShouldBeUsageError("--kube-context", "'staging'", "fake, other");
        bed.Server.Requests.Should().BeEmpty();
        helm.Installs.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task No_permissions_is_a_failure_with_the_rbac_to_grant(string command)
    {
        await using var bed = KubeTestBed.Start("base", "not-installed", "chaos-allowed");
        bed.Server.Forbid("get", "/");
        bed.Server.Forbid("list", "/");
        var helm = FakeHelm.Create(bed.Temp);
        Live.LiveServices.Use(smoke: new SmokeDouble(true), load: new LoadDouble(TimeSpan.FromMilliseconds(10)));
        var result = await bed.RunAsync(Arguments(command, helm));

        result.ExitCode.Should().Be(1, result.Stderr);
        result.Stderr.Should().Contain("403 Forbidden").And.Contain("Grant it: kubectl create");
        result.Stdout.Should().BeEmpty();
        result.ShouldHaveNoStackTrace();
        helm.Installs.Should().BeEmpty();
        bed.Server.Mutations.Should().BeEmpty();
    }

    [Theory]
    [InlineData("doctor")]
    [InlineData("chaos")]
    public async Task A_namespace_that_does_not_exist_is_a_usage_error(string command)
    {
        await using var bed = KubeTestBed.Start("base");
        var helm = FakeHelm.Create(bed.Temp);
        Live.LiveServices.Use(smoke: new SmokeDouble(true), load: new LoadDouble(TimeSpan.FromMilliseconds(10)));
        var result = await bed.RunAsync([.. Arguments(command, helm), "-n", "missing"]);

        result.ShouldBeUsageError("--namespace", "'missing' does not exist");
        bed.Server.Mutations.Should().BeEmpty();
    }

    [Fact]
    public async Task Doctor_refuses_preset_flags_without_a_preset()
    {
        await using var bed = KubeTestBed.Start("base");
        (await bed.RunAsync("doctor", "--env", "dev")).ShouldBeUsageError("--env", "give the preset too");
    }
}
