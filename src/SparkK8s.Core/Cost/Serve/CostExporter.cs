using Amazon.S3;
using SparkK8s.Core.Errors;
using SparkK8s.Core.EventLogs;

namespace SparkK8s.Core.Cost.Serve;

/// <summary>How <c>spark-k8s cost serve</c> prices and publishes.</summary>
/// <param name="Since">The <c>--since</c> text, evaluated at every scan (a duration moves with the clock).</param>
public sealed record CostServeOptions(string Events, S3Options? S3, CostOptions Cost, string? Since, int MaxSeries, TimeSpan Interval)
{
    public const int DefaultMaxSeries = 500;
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(10);
}

/// <summary>What one scan did, for the host to log.</summary>
public sealed record ScanReport(bool Succeeded, int Apps, int LogsRead, long BytesRead, int Skipped, int Series, int Folded, TimeSpan Duration, string? Error);

/// <summary>
/// Scans the events location on an interval, prices what is new with <see cref="IncrementalCostScanner"/> and publishes
/// the figures into <see cref="CostMetrics"/>. It is ready once a scan has completed; a failed scan keeps the last
/// figures, counts an error and is retried at the next interval. No console I/O: the host gets a <see cref="ScanReport"/>.
/// </summary>
public sealed class CostExporter(CostServeOptions options, TimeProvider time)
{
    private readonly IncrementalCostScanner _scanner = new(options.Events, options.S3, options.Cost);
    private readonly List<AppCost> _removedThisMonth = [];
    private volatile bool _ready;

    public CostMetrics Metrics { get; } = new();

    /// <summary>A scan has completed: /readyz answers 200.</summary>
    public bool Ready => _ready;

    public async Task<ScanReport> ScanOnceAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        Metrics.ScanStarted();
        try
        {
            var outcome = await _scanner.ScanAsync(cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var sinceMs = SinceFilter.Parse(options.Since, now);
            var apps = sinceMs is null ? outcome.Apps : [.. outcome.Apps.Where(a => a.StartMs >= sinceMs)];
            KeepThisMonth(outcome.Removed ?? [], now);
            var (series, folded) = CostMetrics.Aggregate(apps, options.Cost.GroupBy, now, options.MaxSeries, _removedThisMonth);
            var duration = time.GetElapsedTime(started);
            Metrics.Publish(series, folded, outcome with { Apps = apps }, now, duration);
            _ready = true;
            return new ScanReport(true, apps.Count, outcome.LogsRead, outcome.BytesRead, outcome.Skipped.Count, series.Count, folded, duration, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is UserInputException or OperationFailedException or IOException or UnauthorizedAccessException or AmazonS3Exception or HttpRequestException)
        {
            var duration = time.GetElapsedTime(started);
            Metrics.ScanFailed(duration);
            return new ScanReport(false, 0, 0, 0, 0, 0, 0, duration, ex.Message);
        }
    }

    /// <summary>
    /// Apps of the current month whose logs were deleted (the History Server's cleaner keeps 7 days by default) still
    /// count in the month-to-date cost, so a budget is not reset by log retention. They are held in memory only: after
    /// a restart the month-to-date figure covers the logs that still exist (docs/en/cost-and-sizing.md).
    /// </summary>
    private void KeepThisMonth(IReadOnlyList<AppCost> removed, DateTimeOffset now)
    {
        var monthStartMs = CostMetrics.MonthStartMs(now);
        _removedThisMonth.RemoveAll(a => a.StartMs < monthStartMs);
        _removedThisMonth.AddRange(removed.Where(a => a.StartMs >= monthStartMs));
    }

    /// <summary>Scans now and then every <see cref="CostServeOptions.Interval"/> until cancelled.</summary>
    public async Task RunAsync(Action<ScanReport> report, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            report(await ScanOnceAsync(cancellationToken).ConfigureAwait(false));
            await Task.Delay(options.Interval, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
