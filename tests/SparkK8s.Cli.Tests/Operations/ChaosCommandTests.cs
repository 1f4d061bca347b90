using FluentAssertions;
using SparkK8s.Cli.Live;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations;
using SparkK8s.Core.Operations.Chaos;
using Xunit;

namespace SparkK8s.Cli.Tests.Operations;

/// <summary>chaos against the fake API server (which replaces deleted pods and applies scale patches like the controllers).</summary>
public class ChaosCommandTests
{
    private static readonly string[] Fast = ["--warmup", "10ms", "--outage", "10ms", "--recovery-timeout", "20s"];

    [Fact]
    public async Task Chaos_refuses_a_namespace_without_the_label_or_yes_and_changes_nothing()
    {
        await using var bed = KubeTestBed.Start("base", "healthy");
        var load = new LoadDouble(TimeSpan.FromMilliseconds(100));
        LiveServices.Use(smoke: new SmokeDouble(true), load: load);

        var result = await bed.RunAsync(["chaos", .. Fast]);

        result.ShouldBeUsageError("spark-k8s.io/chaos=allowed", "--yes", "kubectl label namespace spark spark-k8s.io/chaos=allowed", "Nothing was changed");
        bed.Server.Mutations.Should().BeEmpty();
        load.Runs.Should().Be(0);
    }

    [Fact]
    public async Task Every_scenario_runs_while_load_runs_and_reports_its_recovery()
    {
        await using var bed = KubeTestBed.Start("base", "healthy", "chaos-allowed", "connect-log-complete");
        var load = new LoadDouble(TimeSpan.FromMilliseconds(300));
        var smoke = new SmokeDouble(true);
        LiveServices.Use(smoke: smoke, load: load);

        var result = await bed.RunAsync(["chaos", "--rows", "1000", .. Fast, "--output", "json"]);

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
        using var json = result.Json();
        var scenarios = json.RootElement.GetProperty("scenarios").EnumerateArray().ToList();
        scenarios.Select(s => s.GetProperty("scenario").GetString()).Should().Equal("executors", "connect", "metastore", "s3", "postgresql");
        scenarios.Should().OnlyContain(s => s.GetProperty("outcome").GetString() == "passed");
        scenarios.Should().OnlyContain(s => s.GetProperty("recovery").ValueKind == System.Text.Json.JsonValueKind.String);
        scenarios.Select(s => s.GetProperty("load").GetProperty("rows").GetInt64()).Should().OnlyContain(r => r == 1000);
        load.Runs.Should().Be(5);
        smoke.Runs.Should().Be(4, "a new session after each scenario except executors");
        scenarios[1].GetProperty("detail").GetString().Should().Contain("event log complete: the History Server lists spark-4b3c2d1e0f as completed");

        var mutations = bed.Server.Mutations.Select(m => $"{m.Method} {m.Path} {m.Body}").ToList();
        mutations.Should().Contain(m => m.StartsWith("DELETE /api/v1/namespaces/spark/pods/spark-connect-9d1a2b3c4d5e6f70-exec-", StringComparison.Ordinal));
        mutations.Should().Contain(m => m.StartsWith("DELETE /api/v1/namespaces/spark/pods/spark-spark-k8s-connect-6f9c7d5b8-x2k4p", StringComparison.Ordinal));
        mutations.Should().Contain(m => m.StartsWith("DELETE /api/v1/namespaces/spark/pods/spark-spark-k8s-metastore-", StringComparison.Ordinal));
        mutations.Should().Contain(m => m.StartsWith("DELETE /api/v1/namespaces/spark/pods/spark-spark-k8s-postgresql-0", StringComparison.Ordinal));
        var scale = mutations.Where(m => m.Contains("/statefulsets/spark-spark-k8s-minio/scale", StringComparison.Ordinal)).ToList();
        scale.Should().HaveCount(2);
        scale[0].Should().EndWith("""{"spec":{"replicas":0}}""");
        scale[1].Should().EndWith("""{"spec":{"replicas":1}}""");
    }

    [Fact]
    public async Task Connect_fails_when_the_killed_servers_event_log_stays_incomplete()
    {
        // healthy: the History Server still lists the killed server's application with completed: false.
        await using var bed = KubeTestBed.Start("base", "healthy", "chaos-allowed");
        LiveServices.Use(smoke: new SmokeDouble(true), load: new LoadDouble(TimeSpan.FromMilliseconds(50)));

        var result = await bed.RunAsync(["chaos", "--scenario", "connect", "--warmup", "10ms", "--recovery-timeout", "3s", "--output", "json"]);

        result.ExitCode.Should().Be(1, result.Stdout + result.Stderr);
        using var json = result.Json();
        var scenario = json.RootElement.GetProperty("scenarios")[0];
        scenario.GetProperty("outcome").GetString().Should().Be("failed");
        scenario.GetProperty("detail").GetString().Should()
            .Contain("the event log of the killed server is incomplete: the History Server still has spark-4b3c2d1e0f listed with an incomplete attempt (completed: false)")
            .And.Contain("SparkListenerApplicationEnd");
        result.ShouldHaveNoStackTrace();
    }

    [Fact]
    public async Task An_event_log_dir_that_is_neither_s3_nor_a_directory_is_a_usage_error_before_anything_changes()
    {
        await using var bed = KubeTestBed.Start("base", "healthy", "chaos-allowed");
        LiveServices.Use(smoke: new SmokeDouble(true), load: new LoadDouble(TimeSpan.FromMilliseconds(50)));

        var result = await bed.RunAsync(["chaos", "--scenario", "connect", "--event-log-dir", "/no/such/dir", .. Fast]);

        result.ShouldBeUsageError("--event-log-dir", "'/no/such/dir'", "s3a://");
        bed.Server.Mutations.Should().BeEmpty();
    }

    [Fact]
    public async Task Yes_overrides_the_missing_label()
    {
        await using var bed = KubeTestBed.Start("base", "healthy");
        LiveServices.Use(smoke: new SmokeDouble(true), load: new LoadDouble(TimeSpan.FromMilliseconds(50)));
        var result = await bed.RunAsync(["chaos", "--yes", "--scenario", "postgresql", .. Fast]);

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
        result.Stdout.Should().Contain("CHAOS001").And.Contain("postgresql").And.Contain("chaos: every scenario passed.");
    }

    [Fact]
    public async Task Executors_fail_when_the_queries_do_not_complete()
    {
        await using var bed = KubeTestBed.Start("base", "healthy", "chaos-allowed");
        LiveServices.Use(smoke: new SmokeDouble(true), load: new LoadDouble(TimeSpan.FromMilliseconds(100), completes: false));
        var result = await bed.RunAsync(["chaos", "--scenario", "executors", .. Fast, "--output", "json"]);

        result.ExitCode.Should().Be(1);
        using var json = result.Json();
        var scenario = json.RootElement.GetProperty("scenarios")[0];
        scenario.GetProperty("outcome").GetString().Should().Be("failed");
        scenario.GetProperty("detail").GetString().Should().Contain("the load failed: trips by zone and hour: executor lost");
    }

    [Fact]
    public async Task A_pod_that_does_not_come_back_fails_its_scenario_without_a_recovery_time()
    {
        await using var bed = KubeTestBed.Start("base", "healthy", "chaos-allowed");
        bed.Server.ReplacementDelay = TimeSpan.FromHours(1);
        LiveServices.Use(smoke: new SmokeDouble(true), load: new LoadDouble(TimeSpan.FromMilliseconds(50)));
        var result = await bed.RunAsync("chaos", "--scenario", "connect", "--warmup", "10ms", "--recovery-timeout", "2s", "--output", "json");

        result.ExitCode.Should().Be(1);
        using var json = result.Json();
        var scenario = json.RootElement.GetProperty("scenarios")[0];
        scenario.GetProperty("outcome").GetString().Should().Be("failed");
        scenario.GetProperty("recovery").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        scenario.GetProperty("detail").GetString().Should().Contain("not healthy again within 2 s");
    }

    [Fact]
    public async Task MinIO_is_scaled_back_even_when_chaos_is_cancelled_during_the_outage()
    {
        await using var bed = KubeTestBed.Start("base", "healthy", "chaos-allowed");
        using var session = KubeConnection.Open(bed.Kubeconfig, "fake");
        var options = new ChaosOptions([ChaosScenario.S3], 1000, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), TimeSpan.FromSeconds(20));
        var runner = new ChaosRunner(session.Api, new LoadDouble(TimeSpan.FromHours(1)), new SmokeDouble(true), options);
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress<string>(line =>
        {
            if (line.Contains("scaled to 0", StringComparison.Ordinal))
            {
                cancellation.CancelAfter(200);
            }
        });

        var run = () => runner.RunAsync(new ReleaseTarget(bed.Kubeconfig, "fake", "spark", "spark"), progress, cancellation.Token);

        await run.Should().ThrowAsync<OperationCanceledException>();
        var scale = bed.Server.Mutations.Where(m => m.Path.EndsWith("/scale", StringComparison.Ordinal)).Select(m => m.Body).ToList();
        scale.Should().Equal("""{"spec":{"replicas":0}}""", """{"spec":{"replicas":1}}""");
    }

    [Fact]
    public async Task Forbidden_deletes_name_the_rbac_to_grant()
    {
        await using var bed = KubeTestBed.Start("base", "healthy", "chaos-allowed");
        bed.Server.Forbid("delete", "/api/v1/namespaces/spark/pods");
        LiveServices.Use(smoke: new SmokeDouble(true), load: new LoadDouble(TimeSpan.FromMilliseconds(50)));
        var result = await bed.RunAsync(["chaos", "--scenario", "connect", .. Fast]);

        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("refused to delete pods 'spark-spark-k8s-connect-6f9c7d5b8-x2k4p' in namespace 'spark'").And.Contain("--verb=delete --resource=pods");
        result.ShouldHaveNoStackTrace();
    }

    [Fact]
    public async Task Bad_flags_are_usage_errors()
    {
        await using var bed = KubeTestBed.Start("base", "healthy", "chaos-allowed");
        (await bed.RunAsync("chaos", "--scenario", "network")).ShouldBeUsageError("--scenario", "'network'", "executors, connect, metastore, s3, postgresql");
        (await bed.RunAsync("chaos", "--rows", "0")).ShouldBeUsageError("--rows");
        (await bed.RunAsync("chaos", "--outage", "forever")).ShouldBeUsageError("--outage");
        (await bed.RunAsync("chaos", "-n", "nope", "--yes")).ShouldBeUsageError("'nope' does not exist");
        bed.Server.Mutations.Should().BeEmpty();
    }
}
