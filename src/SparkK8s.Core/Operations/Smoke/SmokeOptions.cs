namespace SparkK8s.Core.Operations.Smoke;

/// <summary>How `smoke` runs its checks.</summary>
public sealed record SmokeOptions
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Each check's own time limit (--timeout).</summary>
    public TimeSpan CheckTimeout { get; init; } = DefaultTimeout;

    /// <summary>Rows of the range aggregated on executors (SMOKE002).</summary>
    public long RangeRows { get; init; } = 10_000_000;

    /// <summary>Database of the throw-away table of the metastore checks.</summary>
    public string Database { get; init; } = "default";

    /// <summary>The History Server for --connect (--history-url); with --release it is port-forwarded instead.</summary>
    public Uri? HistoryUrl { get; init; }

    /// <summary>How long the submitted job (SMOKE009) may take to finish (--job-timeout).</summary>
    public TimeSpan JobTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Which of the release's jobs SMOKE009 runs a copy of (--job); null = the first one-shot job by name.</summary>
    public string? Job { get; init; }

    /// <summary>How long the example DAG runs (SMOKE010) may take to finish (--airflow-timeout).</summary>
    public TimeSpan AirflowTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The Airflow api-server (--airflow-url); with --release it is port-forwarded unless given.</summary>
    public Uri? AirflowUrl { get; init; }

    /// <summary>How often the History Server and the executor pods are polled.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
