namespace SparkK8s.Core.Operations.Load;

/// <summary>Spark's own figures for one query, from the History Server (jobs tagged with the query's operation id).</summary>
/// <param name="Executors">distinct executors that ran tasks of the query's stages.</param>
public sealed record StageMetrics(int Jobs, int Stages, long ShuffleReadBytes, long ShuffleWriteBytes, long MemorySpillBytes, long DiskSpillBytes, int Executors);

/// <summary>One query (or the generation step) of a load run.</summary>
/// <param name="WallSeconds">median wall time of the runs.</param>
/// <param name="RunSeconds">every run's wall time, in order.</param>
/// <param name="RowsPerSecond">table rows scanned per second of median wall time.</param>
/// <param name="ResultRows">rows the query returned.</param>
/// <param name="OperationIds">the Spark Connect operation ids of the runs (the History Server's job tags).</param>
public sealed record LoadQueryReport(
    string Name,
    string Description,
    bool Succeeded,
    double WallSeconds,
    IReadOnlyList<double> RunSeconds,
    double RowsPerSecond,
    long ResultRows,
    StageMetrics? Metrics,
    IReadOnlyList<string> OperationIds,
    string? Error);

/// <summary>What `load` measured; the JSON written by --report and read by --baseline.</summary>
public sealed record LoadReport(
    int SchemaVersion,
    string Endpoint,
    string? SparkVersion,
    string? ApplicationId,
    long Rows,
    long Seed,
    int Repeat,
    string Database,
    DateTimeOffset StartedAt,
    LoadQueryReport Generation,
    IReadOnlyList<LoadQueryReport> Queries,
    string? MetricsNote)
{
    public const int CurrentSchemaVersion = 1;

    public bool Completed => Generation.Succeeded && Queries.All(query => query.Succeeded);

    /// <summary>The shared contract's view (chaos runs load through <see cref="ILoadRunner"/>).</summary>
    public LoadSummary ToSummary() => new(Rows, [.. new[] { Generation }.Concat(Queries).Select(q =>
        new LoadQueryResult(q.Name, q.Succeeded, TimeSpan.FromSeconds(q.WallSeconds), q.ResultRows, q.Error))]);
}
