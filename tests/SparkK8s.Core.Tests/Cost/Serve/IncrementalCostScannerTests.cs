using FluentAssertions;
using SparkK8s.Core.Cost;
using SparkK8s.Core.Cost.Serve;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Cost.Serve;

public class IncrementalCostScannerTests
{
    private static readonly CostOptions Options = CostOptionsFor("team");

    internal static CostOptions CostOptionsFor(string groupBy)
    {
        var catalog = PriceCatalog.Load(null);
        return new CostOptions(catalog.Node(null), false, catalog.SpotDiscount, AttributionKey.Parse(groupBy), catalog.CatalogDate);
    }

    private static TempDirectory CopyOfFixtures()
    {
        var temp = new TempDirectory("cost-serve");
        foreach (var file in Directory.EnumerateFiles(RepoPaths.SparkEventLogs, "*", SearchOption.AllDirectories))
        {
            var target = temp.Combine(Path.GetRelativePath(RepoPaths.SparkEventLogs, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return temp;
    }

    [Fact]
    public async Task A_second_scan_of_unchanged_logs_reads_0_bytes_and_prices_the_same()
    {
        using var logs = CopyOfFixtures();
        var scanner = new IncrementalCostScanner(logs.Path, null, Options);
        var allBytes = Directory.EnumerateFiles(logs.Path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        var first = await scanner.ScanAsync(TestContext.Current.CancellationToken);
        var second = await scanner.ScanAsync(TestContext.Current.CancellationToken);

        first.Apps.Should().HaveCount(6);
        first.BytesRead.Should().Be(allBytes, "the first scan reads every file once (README.md too, found not to be a log)");
        second.BytesRead.Should().Be(0);
        second.LogsRead.Should().Be(0);
        second.Apps.Select(a => (a.AppId, a.CostUsd)).Should().BeEquivalentTo(first.Apps.Select(a => (a.AppId, a.CostUsd)));
        second.Skipped.Should().ContainSingle(s => s.Source.EndsWith("README.md", StringComparison.Ordinal), "a file that is not a log stays reported, without being read again");
    }

    [Fact]
    public async Task A_growing_inprogress_log_is_read_again_and_only_it()
    {
        using var logs = new TempDirectory("cost-serve");
        logs.WriteFile("app-done", SparkEventLogBuilder.SimpleApp("app-done").Build());
        var running = SparkEventLogBuilder.SimpleApp("app-running", durationMs: 600_000).Build().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var path = logs.WriteFile("app-running.inprogress", string.Join('\n', running[..^1]) + "\n");
        var scanner = new IncrementalCostScanner(logs.Path, null, Options);
        var first = await scanner.ScanAsync(TestContext.Current.CancellationToken);
        first.Apps.Single(a => a.AppId == "app-running").Completed.Should().BeFalse();

        await File.AppendAllTextAsync(path, running[^1] + "\n", TestContext.Current.CancellationToken);
        var grown = await scanner.ScanAsync(TestContext.Current.CancellationToken);

        grown.LogsRead.Should().Be(1);
        grown.BytesRead.Should().Be(new FileInfo(path).Length, "only the grown log is read");
        var app = grown.Apps.Single(a => a.AppId == "app-running");
        app.Completed.Should().BeTrue("the ApplicationEnd appended to the in-progress log is read");
        app.CostUsd.Should().BeGreaterThan(first.Apps.Single(a => a.AppId == "app-running").CostUsd);

        // Spark renames the finished log: the new name is read once, the old one is forgotten.
        File.Move(path, logs.Combine("app-running"));
        var renamed = await scanner.ScanAsync(TestContext.Current.CancellationToken);
        renamed.LogsRead.Should().Be(1);
        renamed.Apps.Should().HaveCount(2);
        (await scanner.ScanAsync(TestContext.Current.CancellationToken)).LogsRead.Should().Be(0);
        scanner.Remembered.Should().Be(2);
    }

    [Fact]
    public async Task A_new_part_of_a_rolling_log_reads_that_log_and_a_deleted_log_is_forgotten()
    {
        using var logs = new TempDirectory("cost-serve");
        var lines = SparkEventLogBuilder.SimpleApp("app-rolling").Build().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        logs.WriteFile("eventlog_v2_app-rolling/events_1_app-rolling", string.Join('\n', lines[..4]) + "\n");
        logs.WriteFile("eventlog_v2_app-rolling/appstatus_app-rolling.inprogress", "");
        logs.WriteFile("app-other", SparkEventLogBuilder.SimpleApp("app-other").Build());
        var scanner = new IncrementalCostScanner(logs.Path, null, Options);
        (await scanner.ScanAsync(TestContext.Current.CancellationToken)).Apps.Should().HaveCount(2);

        var part2 = logs.WriteFile("eventlog_v2_app-rolling/events_2_app-rolling", string.Join('\n', lines[4..]) + "\n");
        var next = await scanner.ScanAsync(TestContext.Current.CancellationToken);

        next.LogsRead.Should().Be(1, "the rolling log has a new part; the other log is unchanged");
        next.BytesRead.Should().Be(new FileInfo(logs.Combine("eventlog_v2_app-rolling/events_1_app-rolling")).Length + new FileInfo(part2).Length);
        next.Apps.Single(a => a.AppId == "app-rolling").TaskCount.Should().Be(1);

        File.Delete(logs.Combine("app-other"));
        var afterDelete = await scanner.ScanAsync(TestContext.Current.CancellationToken);
        afterDelete.Apps.Select(a => a.AppId).Should().Equal("app-rolling");
        afterDelete.BytesRead.Should().Be(0);
    }

    [Fact]
    public async Task An_empty_events_directory_is_a_scan_with_no_apps_not_an_error()
    {
        using var logs = new TempDirectory("cost-serve");
        var outcome = await new IncrementalCostScanner(logs.Path, null, Options).ScanAsync(TestContext.Current.CancellationToken);

        outcome.Apps.Should().BeEmpty();
        outcome.Skipped.Should().BeEmpty();
    }
}

public class CostExporterTests
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public async Task An_app_of_this_month_whose_log_is_cleaned_up_still_counts_in_month_to_date_but_not_in_cost()
    {
        using var logs = new TempDirectory("cost-serve");
        var start = new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var path = logs.WriteFile("app-cleaned", SparkEventLogBuilder.SimpleApp("app-cleaned", start: start).Build());
        var exporter = new CostExporter(
            new CostServeOptions(logs.Path, null, IncrementalCostScannerTests.CostOptionsFor("team"), null, 10, TimeSpan.FromMinutes(5)),
            new FixedClock(new DateTimeOffset(2026, 12, 20, 0, 0, 0, TimeSpan.Zero)));
        (await exporter.ScanOnceAsync(TestContext.Current.CancellationToken)).Succeeded.Should().BeTrue();
        var before = await ScrapeAsync(exporter);

        File.Delete(path);
        (await exporter.ScanOnceAsync(TestContext.Current.CancellationToken)).Apps.Should().Be(0);
        var after = await ScrapeAsync(exporter);

        Value(before, "spark_k8s_cost_month_to_date_dollars").Should().BeGreaterThan(0);
        Value(after, "spark_k8s_cost_month_to_date_dollars").Should().Be(Value(before, "spark_k8s_cost_month_to_date_dollars"), "the budget is not reset by log retention");
        Value(after, "spark_k8s_cost_dollars").Should().Be(0, "the cost of the logs present no longer has it");
    }

    private static async Task<string> ScrapeAsync(CostExporter exporter)
    {
        using var text = new MemoryStream();
        await exporter.Metrics.Registry.CollectAndExportAsTextAsync(text, TestContext.Current.CancellationToken);
        return System.Text.Encoding.UTF8.GetString(text.ToArray());
    }

    private static double Value(string exposition, string metric) =>
        exposition.Split('\n').Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
}
