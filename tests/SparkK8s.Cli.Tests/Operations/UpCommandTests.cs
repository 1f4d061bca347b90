using FluentAssertions;
using SparkK8s.Cli.Live;
using SparkK8s.Testing;
using SparkK8s.Testing.Kube;
using Xunit;

namespace SparkK8s.Cli.Tests.Operations;

/// <summary>up against the fake API server, with a recording helm (template and lint are the real helm).</summary>
public class UpCommandTests
{
    [Fact]
    public async Task Dry_run_prints_the_exact_helm_command_and_the_plan_and_touches_nothing()
    {
        await using var bed = KubeTestBed.Start("base");
        var helm = FakeHelm.Create(bed.Temp);
        var smoke = new SmokeDouble(true);
        LiveServices.Use(smoke: smoke, probe: new FakeProbe(true, true));

        var result = await bed.RunAsync("up", "jupyter-connect-k8s", "--env", "dev", "--set", "connect.dynamicAllocation.maxExecutors=2", "--dry-run", "--helm", helm.Path, "--output", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = result.Json();
        var arguments = json.RootElement.GetProperty("helmArguments").EnumerateArray().Select(a => a.GetString()).ToList();
        arguments.Should().StartWith(["upgrade", "--install", "spark", RepoPaths.Chart, "--namespace", "spark", "--create-namespace", "--wait", "--timeout", "900s"]);
        arguments.Should().ContainInConsecutiveOrder("--values", Path.Combine(RepoPaths.Chart, "environments", "dev.yaml"));
        arguments.Should().ContainInConsecutiveOrder("--set", "connect.dynamicAllocation.maxExecutors=2");
        arguments.Should().ContainInConsecutiveOrder("--kube-context", "fake");
        json.RootElement.GetProperty("helmCommand").GetString().Should().StartWith(helm.Path + " upgrade --install spark ");
        json.RootElement.GetProperty("plan").GetProperty("executors").GetProperty("maxExecutors").GetInt32().Should().Be(2);

        helm.Installs.Should().BeEmpty();
        bed.Server.Requests.Should().BeEmpty("a dry run contacts no cluster");
        smoke.Runs.Should().Be(0);
    }

    [Fact]
    public async Task Dry_run_as_a_table_shows_the_command_then_the_plan()
    {
        await using var bed = KubeTestBed.Start("base");
        var helm = FakeHelm.Create(bed.Temp);
        var result = await bed.RunAsync("up", "connect-k8s-minimal", "--dry-run", "--helm", helm.Path);

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Contain("up would run:").And.Contain("upgrade --install spark").And.Contain("Plan for preset connect-k8s-minimal");
        bed.Server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Up_runs_preflight_then_helm_then_smoke()
    {
        await using var bed = KubeTestBed.Start("base", "healthy");
        var helm = FakeHelm.Create(bed.Temp);
        var smoke = new SmokeDouble(true);
        LiveServices.Use(smoke: smoke, probe: new FakeProbe(true, true));

        var result = await bed.RunAsync("up", "jupyter-connect-k8s", "--helm", helm.Path, "--output", "json");

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
        helm.Installs.Should().ContainSingle();
        helm.Installs[0].Should().ContainInConsecutiveOrder("--kubeconfig", bed.Kubeconfig);
        smoke.Runs.Should().Be(1);
        using var json = result.Json();
        json.RootElement.GetProperty("smoke").GetProperty("passed").GetBoolean().Should().BeTrue();
        json.RootElement.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("component").GetString())
            .Should().Contain(["connect", "metastore", "minio", "postgresql"]);
        json.RootElement.GetProperty("diagnosis").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        result.Stderr.Should().Contain("connect 1/1 ready").And.Contain("smoke SMOKE001 SELECT 1: Passed");
    }

    [Fact]
    public async Task A_failed_install_shows_doctors_diagnosis_and_leaves_the_release()
    {
        await using var bed = KubeTestBed.Start("base", "broken");
        var helm = FakeHelm.Create(bed.Temp, (1, "Error: UPGRADE FAILED: context deadline exceeded"));
        var smoke = new SmokeDouble(true);
        LiveServices.Use(smoke: smoke, probe: new FakeProbe(true, true));

        var result = await bed.RunAsync("up", "jupyter-connect-k8s", "--helm", helm.Path);

        result.ExitCode.Should().Be(1);
        result.Stdout.Should().Contain("helm did not finish: Error: UPGRADE FAILED: context deadline exceeded")
            .And.Contain("Diagnosis (the release is left installed for inspection)")
            .And.Contain("DOC024 Pod/spark-spark-k8s-connect-6f9c7d5b8-x2k4p").And.Contain("up: FAILED.");
        smoke.Runs.Should().Be(0);
        helm.Installs.Should().ContainSingle("up never uninstalls");
        bed.Server.Mutations.Should().BeEmpty();
    }

    [Fact]
    public async Task A_failed_smoke_shows_the_diagnosis()
    {
        await using var bed = KubeTestBed.Start("base", "healthy");
        var helm = FakeHelm.Create(bed.Temp);
        LiveServices.Use(smoke: new SmokeDouble(false), probe: new FakeProbe(false, true));

        var result = await bed.RunAsync("up", "jupyter-connect-k8s", "--helm", helm.Path, "--output", "json");

        result.ExitCode.Should().Be(1);
        using var json = result.Json();
        json.RootElement.GetProperty("smoke").GetProperty("passed").GetBoolean().Should().BeFalse();
        json.RootElement.GetProperty("diagnosis").GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("id").GetString()).Should().Contain("DOC027");
    }

    [Fact]
    public async Task Preflight_errors_stop_up_before_anything_is_installed()
    {
        await using var bed = KubeTestBed.Start("base", "old-small");
        var helm = FakeHelm.Create(bed.Temp);
        var smoke = new SmokeDouble(true);
        LiveServices.Use(smoke: smoke, probe: new FakeProbe(true, true));

        var result = await bed.RunAsync("up", "jupyter-connect-k8s", "--helm", helm.Path, "--output", "json");

        result.ExitCode.Should().Be(1);
        helm.Installs.Should().BeEmpty();
        smoke.Runs.Should().Be(0);
        using var json = result.Json();
        json.RootElement.GetProperty("helmError").GetString().Should().Contain("nothing was installed");
    }

    [Fact]
    public async Task Up_into_a_namespace_that_does_not_exist_yet_lets_helm_create_it()
    {
        await using var bed = KubeTestBed.Start("base");
        var helm = FakeHelm.Create(bed.Temp);
        LiveServices.Use(smoke: new SmokeDouble(true), probe: new FakeProbe(true, true));

        var result = await bed.RunAsync("up", "connect-k8s-minimal", "-n", "fresh", "--helm", helm.Path, "--output", "json");

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
        using var json = result.Json();
        json.RootElement.GetProperty("preflight").GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("id").GetString()).Should().Contain("DOC003");
        helm.Installs.Should().ContainSingle().Which.Should().ContainInConsecutiveOrder("--namespace", "fresh", "--create-namespace");
    }

    [Fact]
    public async Task Bad_input_is_a_usage_error_before_anything_runs()
    {
        await using var bed = KubeTestBed.Start("base");
        var helm = FakeHelm.Create(bed.Temp);
        (await bed.RunAsync("up", "jupyter-connect-k8s", "--timeout", "soon", "--helm", helm.Path)).ShouldBeUsageError("--timeout", "'soon'");
        (await bed.RunAsync("up", "no-such-preset", "--helm", helm.Path)).ShouldBeUsageError("no-such-preset");
        (await CliRunner.RunAsync("up", "jupyter-connect-k8s", "--helm", helm.Path, "--kubeconfig", bed.Kubeconfig, "--kube-context", "nope")).ShouldBeUsageError("--kube-context", "'nope'");
        helm.Installs.Should().BeEmpty();
        bed.Server.Mutations.Should().BeEmpty();
    }
}
