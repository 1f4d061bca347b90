using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions;
using Xunit;
using SparkK8s.Connect.Tests.Fakes;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Operations.History;
using SparkK8s.Core.Operations.Load;
using SparkK8s.Testing;

namespace SparkK8s.Connect.Tests;

public sealed class StageMetricsTests
{
    [Fact]
    public async Task Shuffle_spill_and_executors_are_summed_over_the_stages_of_the_tagged_jobs()
    {
        await using var history = await FakeHistoryServer.StartAsync(FakeHistoryServer.Recorded());
        using var http = new HttpClient();
        var collector = new StageMetricsCollector(new HistoryServerClient(http, new Uri(history.Url)), "spark-3c0ffee0d15c4f2e9f1b5a3d2e4f6a7b");

        var metrics = await collector.CollectAsync(new Dictionary<string, IReadOnlyList<string>>
        {
            ["shuffle-distinct"] = ["11111111-2222-3333-4444-555555555555"],
            ["zone-join"] = ["99999999-8888-7777-6666-555555555555"],
            ["never-ran"] = ["00000000-0000-0000-0000-000000000000"],
        }, TestContext.Current.CancellationToken);

        // Jobs 7 and 8 share stage 12; stage 14 was SKIPPED (shuffle reused) and does not count.
        metrics["shuffle-distinct"].Should().Be(new StageMetrics(Jobs: 2, Stages: 2, ShuffleReadBytes: 150_000_000, ShuffleWriteBytes: 152_000_000,
            MemorySpillBytes: 64 * 1024 * 1024, DiskSpillBytes: 16 * 1024 * 1024, Executors: 4));
        metrics["zone-join"].Should().Be(new StageMetrics(1, 2, 1_200_000, 1_200_000, 0, 0, Executors: 2), "the driver is not an executor");
        metrics.Should().NotContainKey("never-ran");
    }

    [Fact]
    public async Task A_history_server_without_the_application_gives_a_note_not_a_failure()
    {
        await using var history = await FakeHistoryServer.StartAsync(FakeHistoryServer.Recorded());
        using var http = new HttpClient();
        var collector = new StageMetricsCollector(new HistoryServerClient(http, new Uri(history.Url)), "spark-unknown");

        var (metrics, note) = await collector.CollectWhenReadyAsync(
            new Dictionary<string, IReadOnlyList<string>> { ["q"] = ["op"] }, TimeSpan.Zero, TimeSpan.FromMilliseconds(10), TimeProvider.System, TestContext.Current.CancellationToken);

        metrics.Should().BeEmpty();
        note.Should().Contain("404");
    }
}

public sealed class BaselineComparisonTests
{
    [Fact]
    public void A_query_more_than_10_percent_slower_is_a_regression()
    {
        var baseline = Report(("zone-join", [10.0, 10.2, 9.9]), ("shuffle-distinct", [20.0, 20.1, 19.8]));
        var current = Report(("zone-join", [11.2, 11.1, 11.3]), ("shuffle-distinct", [21.5, 21.6, 21.4]));

        var comparison = BaselineComparison.Compare(baseline, current);

        comparison.Regressed.Should().BeTrue();
        var join = comparison.Queries.Single(q => q.Name == "zone-join");
        join.Regression.Should().BeTrue();
        join.Change.Should().BeApproximately(0.12, 0.001);
        join.NoiseBand.Should().BeApproximately(0.03, 0.001, "(10.2 - 9.9) / 10.0 is the wider spread");
        comparison.Queries.Single(q => q.Name == "shuffle-distinct").Regression.Should().BeFalse("7.5% is within the 10% rule");
        comparison.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Exactly_10_percent_is_not_a_regression_and_faster_is_reported()
    {
        var comparison = BaselineComparison.Compare(Report(("a", [10.0]), ("b", [10.0])), Report(("a", [11.0]), ("b", [8.0])));

        comparison.Regressed.Should().BeFalse();
        comparison.Queries.Single(q => q.Name == "b").Verdict.Should().Be("faster");
        comparison.Warnings.Should().Contain(w => w.Contains("noise band is unknown"));
    }

    [Fact]
    public void Noisy_runs_are_flagged_as_unable_to_resolve_the_threshold()
    {
        var comparison = BaselineComparison.Compare(Report(("a", [10.0, 14.0, 10.0])), Report(("a", [12.0, 12.5, 12.2])));

        var query = comparison.Queries.Single();
        query.Regression.Should().BeTrue();
        query.Verdict.Should().Contain("vary more than the threshold");
        comparison.Warnings.Should().Contain(w => w.Contains("within noise"));
    }

    [Fact]
    public void Failed_and_missing_queries_are_warned_about_not_compared()
    {
        var baseline = Report(("a", [1.0]), ("gone", [1.0]));
        var current = Report(("a", [1.0]), ("new", [1.0])) with { };
        current = current with { Queries = [.. current.Queries, current.Queries[0] with { Name = "broken", Succeeded = false, Error = "boom" }] };

        var comparison = BaselineComparison.Compare(baseline with { Queries = [.. baseline.Queries, baseline.Queries[0] with { Name = "broken" }] }, current);

        comparison.Queries.Select(q => q.Name).Should().Equal("a");
        comparison.Warnings.Should().Contain(w => w.StartsWith("new:")).And.Contain(w => w.StartsWith("gone:")).And.Contain(w => w.StartsWith("broken:"));
    }

    [Fact]
    public void A_baseline_of_other_rows_or_seed_is_refused()
    {
        var check = () => BaselineComparison.EnsureComparable(Report(("a", [1.0])), rows: 2_000_000, seed: 42);

        check.Should().Throw<UserInputException>().Which.Message.Should().Contain("--baseline").And.Contain("--rows 1000000 --seed 42");
    }

    [Fact]
    public void Reports_round_trip_through_the_json_file()
    {
        using var directory = new TempDirectory();
        var report = Report(("zone-join", [1.5, 1.25]));
        var path = directory.WriteFile("report.json", JsonSerializer.Serialize(report, LoadReportJson.Options));

        BaselineComparison.ReadBaseline(path).Should().BeEquivalentTo(report);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"schemaVersion\": 99}")]
    [InlineData("[]")]
    public void Files_that_are_not_load_reports_are_usage_errors(string content)
    {
        using var directory = new TempDirectory();
        var path = directory.WriteFile("baseline.json", content);

        var read = () => BaselineComparison.ReadBaseline(path);

        read.Should().Throw<UserInputException>().Which.Message.Should().StartWith("--baseline: ").And.Contain("baseline.json");
    }

    internal static LoadReport Report(params (string Name, double[] Runs)[] queries) => new(
        LoadReport.CurrentSchemaVersion, "sc://127.0.0.1:15002", "4.1.0", "spark-app", 1_000_000, 42, queries.Max(q => q.Runs.Length), "spark_k8s_load_x",
        DateTimeOffset.UnixEpoch,
        new LoadQueryReport("generate", "generation", true, 5, [5], 200_000, 1_000_000, null, ["op-gen"], null),
        queries.Select(q => new LoadQueryReport(q.Name, q.Name, true, BaselineComparison.Median(q.Runs), q.Runs, 1_000_000 / BaselineComparison.Median(q.Runs), 3, null, ["op"], null)).ToList(),
        null);
}

/// <summary>`spark-k8s load` end to end against the in-test Spark Connect and History servers.</summary>
public sealed class LoadCommandTests
{
    [Fact]
    public async Task A_run_generates_the_data_runs_the_queries_reports_and_drops_the_database()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync();
        await using var history = await FakeHistoryServer.StartAsync(FakeHistoryServer.ForRun(spark.State));
        using var directory = new TempDirectory();
        var reportPath = directory.Combine("report.json");

        var result = await Cli.RunAsync("load", "--connect", spark.Url, "--rows", "5000", "--seed", "7", "--repeat", "2", "--history-url", history.Url, "--report", reportPath, "--output", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        var report = BaselineComparison.ReadBaseline(reportPath);
        report.Rows.Should().Be(5000);
        report.Seed.Should().Be(7);
        report.SparkVersion.Should().Be("4.1.0");
        report.Generation.Succeeded.Should().BeTrue();
        report.Queries.Select(q => q.Name).Should().Equal("zone-hour-aggregation", "zone-join", "window-rank", "shuffle-distinct");
        report.Queries.Should().OnlyContain(q => q.Succeeded && q.RunSeconds.Count == 2 && q.OperationIds.Count == 2 && q.RowsPerSecond > 0 && q.ResultRows == 3);
        report.MetricsNote.Should().BeNull();
        var perRun = new StageMetrics(1, 2, 150_000_000, 152_000_000, 64 * 1024 * 1024, 16 * 1024 * 1024, 4);
        report.Generation.Metrics.Should().Be(perRun);
        var perQuery = perRun with { Jobs = 2 };
        report.Queries.Should().OnlyContain(q => q.Metrics == perQuery,
            "two runs per query, one job each, over the same recorded stages (a stage shared by jobs counts once)");

        var statements = spark.State.Statements.ToList();
        var database = report.Database;
        database.Should().MatchRegex(@"^spark_k8s_load_\d{14}_[0-9a-f]{6}$");
        statements.Should().Contain($"CREATE DATABASE IF NOT EXISTS {database}");
        var trips = statements.Single(s => s.StartsWith($"CREATE TABLE {database}.yellow_trips USING parquet AS SELECT", StringComparison.Ordinal));
        trips.Should().Contain("range(0, 5000)").And.Contain("xxhash64(id, 7L, 1)");
        foreach (var (name, type) in TaxiWorkload.TripColumns)
        {
            trips.Should().Contain($"CAST({name} AS {type}) AS {name}");
        }

        statements.Should().Contain($"DROP DATABASE IF EXISTS {database} CASCADE");
        statements.Count(s => s.Contains($"FROM {database}.yellow_trips t JOIN {database}.taxi_zones z", StringComparison.Ordinal)).Should().Be(2);
        using var json = result.Json();
        json.RootElement.GetProperty("report").GetProperty("queries").GetArrayLength().Should().Be(4);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_generation_sql()
    {
        TaxiWorkload.CreateTrips("db", 1000, 42, null).Should().Be(TaxiWorkload.CreateTrips("db", 1000, 42, null));
        TaxiWorkload.CreateTrips("db", 1000, 42, null).Should().NotBe(TaxiWorkload.CreateTrips("db", 1000, 43, null));
        TaxiWorkload.CreateTrips("db", 1000, 42, 8).Should().Contain("range(0, 1000, 1, 8)");
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_regression_against_the_baseline_exits_1_with_the_noise_band()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync();
        using var directory = new TempDirectory();
        // A baseline far faster than any real run: every query regresses.
        var fast = BaselineComparisonTests.Report(
            ("zone-hour-aggregation", [1e-7, 1e-7]), ("zone-join", [1e-7, 1e-7]), ("window-rank", [1e-7, 1e-7]), ("shuffle-distinct", [1e-7, 1e-7])) with { Rows = 5000, Seed = 42 };
        var baseline = directory.WriteFile("baseline.json", JsonSerializer.Serialize(fast, LoadReportJson.Options));

        var result = await Cli.RunAsync("load", "--connect", spark.Url, "--rows", "5000", "--repeat", "2", "--baseline", baseline);

        result.ExitCode.Should().Be(1, result.Stderr);
        result.ShouldBeClean();
        result.Stderr.Should().Contain("4 queries regressed by more than 10%");
        result.Stdout.Should().Contain("NOISE BAND").And.Contain("regression");
    }

    [Fact]
    public async Task A_run_within_the_baseline_exits_0()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync();
        using var directory = new TempDirectory();
        var slow = BaselineComparisonTests.Report(
            ("zone-hour-aggregation", [600.0]), ("zone-join", [600.0]), ("window-rank", [600.0]), ("shuffle-distinct", [600.0])) with { Rows = 5000, Seed = 42 };
        var baseline = directory.WriteFile("baseline.json", JsonSerializer.Serialize(slow, LoadReportJson.Options));

        var result = await Cli.RunAsync("load", "--connect", spark.Url, "--rows", "5000", "--repeat", "1", "--baseline", baseline, "--output", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = result.Json();
        json.RootElement.GetProperty("baseline").GetProperty("queries").EnumerateArray().Should().OnlyContain(q => q.GetProperty("verdict").GetString() == "faster");
    }

    [Fact]
    public async Task A_failed_generation_exits_1_and_still_drops_the_database()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync(new FakeSparkState { FailOn = new Regex(@"yellow_trips USING parquet") });

        var result = await Cli.RunAsync("load", "--connect", spark.Url, "--rows", "5000", "--repeat", "1");

        result.ExitCode.Should().Be(1);
        result.ShouldBeClean();
        result.Stderr.Should().Contain("generate").And.Contain("SCHEMA_NOT_FOUND");
        spark.State.Statements.Should().Contain(s => s.StartsWith("DROP DATABASE IF EXISTS spark_k8s_load_", StringComparison.Ordinal));
        spark.State.Statements.Should().NotContain(s => s.Contains("JOIN", StringComparison.Ordinal), "no query runs on a table that was not generated");
    }

    [Theory]
    [InlineData(new[] { "load" }, new[] { "--connect", "--release" })]
    [InlineData(new[] { "load", "--connect", "sc://host", "--rows", "10" }, new[] { "--rows" })]
    [InlineData(new[] { "load", "--connect", "sc://host", "--rows", "many" }, new[] { "--rows" })]
    [InlineData(new[] { "load", "--connect", "sc://host", "--repeat", "0" }, new[] { "--repeat" })]
    [InlineData(new[] { "load", "--connect", "sc://host", "--partitions", "0" }, new[] { "--partitions" })]
    [InlineData(new[] { "load", "--connect", "sc://host", "--baseline", "/nonexistent/baseline.json" }, new[] { "--baseline", "/nonexistent/baseline.json" })]
    [InlineData(new[] { "load", "--connect", "sc://host", "--report", "/nonexistent/dir/report.json" }, new[] { "--report", "/nonexistent/dir" })]
    [InlineData(new[] { "load", "--connect", "sc://host/;token" }, new[] { "--connect" })]
    [InlineData(new[] { "load", "--connect", "sc://host", "--timeout", "-5m" }, new[] { "--timeout" })]
    public async Task Bad_input_is_a_usage_error_naming_the_flag(string[] args, string[] mentions)
    {
        var result = await Cli.RunAsync(args);

        result.ShouldBeUsageError(mentions);
    }

    [Fact]
    public async Task A_baseline_of_other_rows_is_refused_before_any_load_runs()
    {
        using var directory = new TempDirectory();
        var baseline = directory.WriteFile("baseline.json", JsonSerializer.Serialize(BaselineComparisonTests.Report(("a", [1.0])), LoadReportJson.Options));

        var result = await Cli.RunAsync("load", "--connect", $"sc://127.0.0.1:{FreePort.Next()}", "--rows", "5000", "--baseline", baseline);

        result.ShouldBeUsageError("--baseline", "--rows 1000000 --seed 42");
    }
}
