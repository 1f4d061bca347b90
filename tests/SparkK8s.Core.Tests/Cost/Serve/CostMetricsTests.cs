using FluentAssertions;
using SparkK8s.Core.Cost;
using SparkK8s.Core.Cost.Serve;
using SparkK8s.Core.Errors;
using Xunit;

namespace SparkK8s.Core.Tests.Cost.Serve;

public class CostMetricsTests
{
    private static AppCost App(string id, string team, string name, double cost, long startMs = 1_700_000_000_000, string? job = null)
    {
        var labels = new Dictionary<string, string> { ["team"] = team };
        if (job is not null)
        {
            labels[AttributionKey.JobLabel] = job;
        }

        return new AppCost
        {
            AppId = id, AppName = name, User = "u", SparkVersion = "3.5.1", StartMs = startMs, EndMs = startMs + 1000, Completed = true, Namespace = "spark",
            Group = team, ExecutorCount = 1, ExecutorSeconds = 1, ExecutorCoreSeconds = 1, ExecutorMemoryMiB = 1, DriverCores = 1, DriverMemoryMiB = 1,
            TaskCount = 1, FailedTasks = 0, KilledTasks = 0, FailedStages = 0, TaskRunSeconds = 1, GcSeconds = 0, InputBytes = 0, OutputBytes = 0,
            ShuffleReadBytes = 0, ShuffleWriteBytes = 0, MemorySpillBytes = 0, DiskSpillBytes = 0, Utilization = 0.5, CoreHours = cost, GibHours = 0,
            DriverCostUsd = 0, ExecutorCostUsd = cost, CostUsd = cost, WasteUsd = cost / 2, Finding = null, Labels = labels, Warnings = [], Source = id,
        };
    }

    [Fact]
    public void Apps_are_summed_per_team_namespace_app_name_and_job()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var (series, folded) = CostMetrics.Aggregate(
            [App("a1", "data", "etl", 1, job: "nightly"), App("a2", "data", "etl", 2, job: "nightly"), App("a3", "ml", "train", 4)],
            AttributionKey.Parse("team"), now, 10);

        folded.Should().Be(0);
        series.Should().HaveCount(2, "two runs of one job are one series: the app id is never a label");
        series[new CostSeries("data", "spark", "etl", "nightly")].Should().Be(new CostFigures(3, 1.5, 3, 3 * 3600, 2));
        series[new CostSeries("ml", "spark", "train", "(none)")].Apps.Should().Be(1);
    }

    [Fact]
    public void Month_to_date_counts_only_apps_started_in_the_current_utc_month()
    {
        var now = new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.Zero);
        var lastMonth = new DateTimeOffset(2026, 11, 30, 23, 59, 59, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var thisMonth = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var (series, _) = CostMetrics.Aggregate([App("old", "data", "a", 5, lastMonth), App("new", "data", "b", 7, thisMonth)], AttributionKey.Parse("team"), now, 10);

        series.Values.Sum(f => f.MonthToDateUsd).Should().Be(7);
        series.Values.Sum(f => f.CostUsd).Should().Be(12);
    }

    [Fact]
    public void Beyond_max_series_the_cheapest_are_folded_per_team_and_team_totals_stay_exact()
    {
        var apps = Enumerable.Range(0, 50).Select(i => App($"a{i}", i % 2 == 0 ? "data" : "ml", $"app-{i}", i + 1)).ToList();
        var (series, folded) = CostMetrics.Aggregate(apps, AttributionKey.Parse("team"), DateTimeOffset.UnixEpoch, 10);

        folded.Should().Be(40);
        series.Should().HaveCount(12, "10 costliest plus one (other) per team");
        series.Keys.Should().Contain(new CostSeries("data", CostSeries.Other, CostSeries.Other, CostSeries.Other));
        foreach (var team in new[] { "data", "ml" })
        {
            series.Where(s => s.Key.Team == team).Sum(s => s.Value.CostUsd).Should().Be(apps.Where(a => a.Group == team).Sum(a => a.CostUsd));
        }

        series.Keys.Where(k => k.App != CostSeries.Other).Select(k => k.App).Should().Contain("app-49").And.NotContain("app-0");
    }

    [Fact]
    public void More_teams_than_max_series_are_bounded_too()
    {
        var apps = Enumerable.Range(0, 100).Select(i => App($"a{i}", $"team-{i}", $"app-{i}", i + 1)).ToList();
        var (series, _) = CostMetrics.Aggregate(apps, AttributionKey.Parse("team"), DateTimeOffset.UnixEpoch, 5);

        series.Count.Should().BeLessThanOrEqualTo((2 * 5) + 1);
        series.Values.Sum(f => f.CostUsd).Should().Be(apps.Sum(a => a.CostUsd));
    }

    [Fact]
    public void Long_label_values_are_cut()
    {
        var (series, _) = CostMetrics.Aggregate([App("a", new string('t', 500), new string('n', 300), 1)], AttributionKey.Parse("team"), DateTimeOffset.UnixEpoch, 10);

        series.Keys.Single().Team.Should().HaveLength(CostMetrics.MaxLabelLength);
        series.Keys.Single().App.Should().HaveLength(CostMetrics.MaxLabelLength);
    }

    [Theory]
    [InlineData(":9108", "", 9108, "http://+:9108/")]
    [InlineData("0.0.0.0:9108", "0.0.0.0", 9108, "http://+:9108/")]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080, "http://127.0.0.1:8080/")]
    [InlineData("[::1]:9108", "::1", 9108, "http://[::1]:9108/")]
    [InlineData("localhost:1", "localhost", 1, "http://localhost:1/")]
    public void Listen_addresses_parse(string text, string host, int port, string prefix)
    {
        var address = ListenAddress.Parse(text);

        address.Should().Be(new ListenAddress(host, port));
        address.Prefix.Should().Be(prefix);
    }

    [Theory]
    [InlineData("9108", "no port")]
    [InlineData(":0", "between 1 and 65535")]
    [InlineData(":70000", "between 1 and 65535")]
    [InlineData("host:abc", "'abc'")]
    [InlineData("::1:9108", "brackets")]
    [InlineData("bad host:9108", "not a host name")]
    [InlineData("", "no port")]
    public void Bad_listen_addresses_are_usage_errors_naming_the_flag(string text, string why)
    {
        var act = () => ListenAddress.Parse(text);

        act.Should().Throw<UserInputException>().Which.Message.Should().StartWith("--listen:").And.Contain(why);
    }
}

public class CostMetricsCatalogueTests
{
    [Fact]
    public async Task Every_exported_series_is_in_the_catalogue_file_and_every_catalogued_one_is_exported()
    {
        var metrics = new CostMetrics();
        var now = DateTimeOffset.UtcNow;
        metrics.Publish(new Dictionary<CostSeries, CostFigures> { [new CostSeries("t", "n", "a", "j")] = new(1, 0.5, 1, 3600, 1) }, 0, new ScanOutcome([], [], 0, 0), now, TimeSpan.FromSeconds(1));
        using var text = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(text, TestContext.Current.CancellationToken);
        var exported = System.Text.Encoding.UTF8.GetString(text.ToArray()).Split('\n')
            .Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).ToDictionary(p => p[2], p => p[3]);

        var catalogue = SparkK8s.Testing.Monitoring.MetricCatalogue.LoadDefault().Sources.Single(s => s.Source == "spark-k8s-cost");

        catalogue.Metrics.ToDictionary(m => m.Name, m => m.Type).Should().BeEquivalentTo(exported);
    }
}
