using Prometheus;

namespace SparkK8s.Core.Cost.Serve;

/// <summary>One cost series: the labels every cost metric carries.</summary>
public sealed record CostSeries(string Team, string Namespace, string App, string Job)
{
    public const string Other = "(other)";

    public string[] Values => [Team, Namespace, App, Job];
}

/// <summary>The figures of one cost series.</summary>
public sealed record CostFigures(double CostUsd, double WasteUsd, double MonthToDateUsd, double CoreSeconds, int Apps)
{
    public static CostFigures Of(AppCost app, bool thisMonth) =>
        new(app.CostUsd, app.WasteUsd, thisMonth ? app.CostUsd : 0, app.CoreHours * 3600, 1);

    public CostFigures Add(CostFigures other) =>
        new(CostUsd + other.CostUsd, WasteUsd + other.WasteUsd, MonthToDateUsd + other.MonthToDateUsd, CoreSeconds + other.CoreSeconds, Apps + other.Apps);
}

/// <summary>
/// The exporter's Prometheus series (names and units in charts/spark-k8s/monitoring/catalogue/spark-k8s-cost.yaml), in
/// a registry of their own, so /metrics carries nothing else. Cost series are labelled team, spark_namespace, spark_app (the
/// application's name, never its id) and spark_job; <see cref="Aggregate"/> bounds how many label sets there are.
/// </summary>
public sealed class CostMetrics
{
    /// <summary>
    /// Label names. Not "namespace" and "job": Prometheus sets those on every scraped series (the target's namespace
    /// and scrape job) and would rename the exporter's to exported_namespace / exported_job.
    /// </summary>
    public static readonly string[] LabelNames = ["team", "spark_namespace", "spark_app", "spark_job"];

    /// <summary>Label values are cut to this many characters: a name is a label, not a document.</summary>
    public const int MaxLabelLength = 100;

    private readonly Gauge _cost;
    private readonly Gauge _waste;
    private readonly Gauge _monthToDate;
    private readonly Gauge _coreSeconds;
    private readonly Gauge _apps;
    private readonly Gauge _lastSuccess;
    private readonly Gauge _duration;
    private readonly Gauge _logsPriced;
    private readonly Gauge _logsSkipped;
    private readonly Gauge _folded;
    private readonly Counter _scans;
    private readonly Counter _scanErrors;
    private readonly Counter _logsRead;
    private readonly Counter _bytesRead;
    private HashSet<CostSeries> _published = [];

    public CostMetrics()
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        _cost = factory.CreateGauge("spark_k8s_cost_dollars", "Cost in US dollars of the applications whose event logs are in the events location (after --since).", LabelNames);
        _waste = factory.CreateGauge("spark_k8s_cost_waste_dollars", "Part of the cost wasted on idle task slots, US dollars.", LabelNames);
        _monthToDate = factory.CreateGauge("spark_k8s_cost_month_to_date_dollars", "Cost in US dollars of the applications that started in the current UTC calendar month.", LabelNames);
        _coreSeconds = factory.CreateGauge("spark_k8s_cost_core_seconds", "Core-seconds paid for (driver and executors).", LabelNames);
        _apps = factory.CreateGauge("spark_k8s_cost_applications", "Applications priced.", LabelNames);
        _lastSuccess = factory.CreateGauge("spark_k8s_cost_last_scan_success_timestamp_seconds", "Unix time of the last scan that completed.");
        _duration = factory.CreateGauge("spark_k8s_cost_scan_duration_seconds", "Duration of the last scan, seconds.");
        _logsPriced = factory.CreateGauge("spark_k8s_cost_logs_priced", "Event logs priced in the last scan (read now or remembered).");
        _logsSkipped = factory.CreateGauge("spark_k8s_cost_logs_skipped", "Event logs that could not be read in the last scan.");
        _folded = factory.CreateGauge("spark_k8s_cost_series_folded", "Label sets folded into (other) in the last scan because of the --max-series cap.");
        _scans = factory.CreateCounter("spark_k8s_cost_scans_total", "Scans started.");
        _scanErrors = factory.CreateCounter("spark_k8s_cost_scan_errors_total", "Scans that failed; the last good figures stay exported.");
        _logsRead = factory.CreateCounter("spark_k8s_cost_logs_read_total", "Event logs read (new or grown since the scan before).");
        _bytesRead = factory.CreateCounter("spark_k8s_cost_bytes_read_total", "Bytes of event logs read, as stored.");
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public void ScanStarted() => _scans.Inc();

    public void ScanFailed(TimeSpan duration)
    {
        _scanErrors.Inc();
        _duration.Set(duration.TotalSeconds);
    }

    /// <summary>Publishes one completed scan: the cost series replace the last ones (series that vanished are removed).</summary>
    public void Publish(IReadOnlyDictionary<CostSeries, CostFigures> series, int folded, ScanOutcome outcome, DateTimeOffset finished, TimeSpan duration)
    {
        foreach (var (key, figures) in series)
        {
            var labels = key.Values;
            _cost.WithLabels(labels).Set(figures.CostUsd);
            _waste.WithLabels(labels).Set(figures.WasteUsd);
            _monthToDate.WithLabels(labels).Set(figures.MonthToDateUsd);
            _coreSeconds.WithLabels(labels).Set(figures.CoreSeconds);
            _apps.WithLabels(labels).Set(figures.Apps);
        }

        foreach (var gone in _published.Where(k => !series.ContainsKey(k)))
        {
            foreach (var gauge in new[] { _cost, _waste, _monthToDate, _coreSeconds, _apps })
            {
                gauge.RemoveLabelled(gone.Values);
            }
        }

        _published = [.. series.Keys];
        _folded.Set(folded);
        _logsPriced.Set(outcome.Apps.Count);
        _logsSkipped.Set(outcome.Skipped.Count);
        _logsRead.Inc(outcome.LogsRead);
        _bytesRead.Inc(outcome.BytesRead);
        _duration.Set(duration.TotalSeconds);
        _lastSuccess.Set(finished.ToUnixTimeMilliseconds() / 1000.0);
    }

    /// <summary>
    /// Sums the apps per (team, namespace, app, job). At most <paramref name="maxSeries"/> label sets keep their own
    /// namespace, app and job (the costliest); the others are summed per team into namespace/app/job "(other)", so
    /// team totals stay exact. If there are more than <paramref name="maxSeries"/> such per-team remainders, the
    /// smallest are summed into team "(other)" too: there are never more than 2 × maxSeries + 1 label sets.
    /// </summary>
    /// <param name="removedThisMonth">Apps of this month whose logs are gone: they count in month-to-date only.</param>
    public static (Dictionary<CostSeries, CostFigures> Series, int Folded) Aggregate(IEnumerable<AppCost> apps, AttributionKey team, DateTimeOffset now, int maxSeries, IEnumerable<AppCost>? removedThisMonth = null)
    {
        var monthStartMs = MonthStartMs(now);
        var exact = new Dictionary<CostSeries, CostFigures>();
        foreach (var app in apps)
        {
            Merge(exact, Key(app, team), CostFigures.Of(app, app.StartMs >= monthStartMs));
        }

        foreach (var app in removedThisMonth ?? [])
        {
            Merge(exact, Key(app, team), new CostFigures(0, 0, app.CostUsd, 0, 0));
        }

        if (exact.Count <= maxSeries)
        {
            return (exact, 0);
        }

        var ordered = exact.OrderByDescending(e => e.Value.CostUsd).ThenBy(e => e.Key.Team, StringComparer.Ordinal)
            .ThenBy(e => e.Key.Namespace, StringComparer.Ordinal).ThenBy(e => e.Key.App, StringComparer.Ordinal).ThenBy(e => e.Key.Job, StringComparer.Ordinal).ToList();
        var result = ordered.Take(maxSeries).ToDictionary(e => e.Key, e => e.Value);
        var remainders = new Dictionary<string, CostFigures>(StringComparer.Ordinal);
        foreach (var (key, figures) in ordered.Skip(maxSeries))
        {
            remainders[key.Team] = remainders.TryGetValue(key.Team, out var sum) ? sum.Add(figures) : figures;
        }

        var teams = remainders.OrderByDescending(r => r.Value.CostUsd).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        foreach (var (teamName, figures) in teams.Take(maxSeries))
        {
            Merge(result, new CostSeries(teamName, CostSeries.Other, CostSeries.Other, CostSeries.Other), figures);
        }

        foreach (var (_, figures) in teams.Skip(maxSeries))
        {
            Merge(result, new CostSeries(CostSeries.Other, CostSeries.Other, CostSeries.Other, CostSeries.Other), figures);
        }

        return (result, ordered.Count - maxSeries);
    }

    /// <summary>Start of the current UTC calendar month, epoch milliseconds.</summary>
    public static long MonthStartMs(DateTimeOffset now) =>
        new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static CostSeries Key(AppCost app, AttributionKey team) =>
        new(Label(team.ValueOf(app)), Label(app.Namespace ?? AttributionKey.None), Label(app.AppName.Length == 0 ? AttributionKey.None : app.AppName), Label(new AttributionKey("job").ValueOf(app)));

    private static void Merge(Dictionary<CostSeries, CostFigures> series, CostSeries key, CostFigures figures) =>
        series[key] = series.TryGetValue(key, out var sum) ? sum.Add(figures) : figures;

    private static string Label(string value) => value.Length <= MaxLabelLength ? value : value[..MaxLabelLength];
}
