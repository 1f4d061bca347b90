using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests;

public class PlanCommandTests
{
    [Fact]
    public async Task Plan_on_a_fresh_clone_runs_strict_schema_validation_with_the_embedded_bundle()
    {
        // CliRunner points XDG_CACHE_HOME at an empty directory: nothing was fetched, no --schema-location.
        var result = await CliRunner.RunAsync("plan", "jupyter-connect-k8s");

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
        result.Stdout.Should().Contain("sc://").And.Contain("port-forward").And.Contain("apache/spark")
            .And.Contain("Schemas: embedded bundle (Kubernetes 1.36)")
            .And.NotContain("strict schema validation was skipped");
    }

    [Fact]
    public async Task Json_plan_has_totals_executors_endpoints_and_validation()
    {
        var result = await CliRunner.RunAsync("plan", "jupyter-connect-k8s", "--env", "prod", "-o", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = result.Json();
        var root = json.RootElement;
        root.GetProperty("components").EnumerateArray().Select(c => c.GetString()).Should().Contain("connect");
        root.GetProperty("platformTotal").GetProperty("memoryRequest").GetDecimal().Should().BeGreaterThan(0);
        root.GetProperty("executors").GetProperty("memoryPerExecutorBytes").GetInt64().Should().BeGreaterThan(384L * 1024 * 1024);
        root.GetProperty("endpoints").EnumerateArray().Should().Contain(e => e.GetProperty("inClusterUrl").GetString()!.StartsWith("sc://", StringComparison.Ordinal));
        root.GetProperty("validation").GetProperty("schemaSource").GetString().Should().Be("embedded bundle (Kubernetes 1.36)");
        root.GetProperty("validation").GetProperty("errors").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task Plan_lists_the_jobs_and_the_crds_an_operator_preset_needs()
    {
        var text = await CliRunner.RunAsync("plan", "batch-operator");
        var json = await CliRunner.RunAsync("plan", "batch-operator", "-o", "json");

        text.ExitCode.Should().Be(0, text.Stdout + text.Stderr);
        text.Stdout.Should().Contain("Jobs").And.Contain("events-rollup").And.Contain("ScheduledSparkApplication")
            .And.Contain("Needs CRDs").And.Contain("sparkapplications.sparkoperator.k8s.io");
        using var doc = json.Json();
        var jobs = doc.RootElement.GetProperty("jobs").EnumerateArray()
            .Select(j => (j.GetProperty("name").GetString(), j.GetProperty("backend").GetString(), j.GetProperty("kind").GetString())).ToList();
        jobs.Should().Equal(("events-load", "operator", "SparkApplication"), ("events-rollup", "operator", "ScheduledSparkApplication"));
        doc.RootElement.GetProperty("requiredCrds").GetArrayLength().Should().Be(2);
    }

    [Fact]
    public async Task Unknown_preset_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("plan", "nope", "-o", "json");

        result.ShouldBeUsageError("nope");
    }
}
