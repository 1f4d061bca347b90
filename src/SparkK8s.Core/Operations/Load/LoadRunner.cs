using System.Diagnostics;
using System.Globalization;
using SparkK8s.Core.Connect;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Operations.History;
using SparkK8s.Core.Operations.Kubernetes;

namespace SparkK8s.Core.Operations.Load;

/// <summary>How `load` runs.</summary>
public sealed record LoadOptions
{
    public long Rows { get; init; } = TaxiWorkload.DefaultRows;
    public long Seed { get; init; } = 42;

    /// <summary>Runs of each query; the median is reported and the spread is the noise band.</summary>
    public int Repeat { get; init; } = 3;

    /// <summary>Partitions of the generated range; null: Spark's default parallelism.</summary>
    public int? Partitions { get; init; }

    /// <summary>Time limit of each statement (generation, each query run).</summary>
    public TimeSpan StatementTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Keep the database afterwards (default: dropped, even on failure).</summary>
    public bool KeepData { get; init; }

    public Uri? HistoryUrl { get; init; }

    /// <summary>How long to wait for the History Server to list the run's jobs.</summary>
    public TimeSpan HistoryWait { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// One `load` run on a Spark Connect session: creates a database, generates the taxi tables as Parquet in the
/// warehouse, runs the fixed query set <see cref="LoadOptions.Repeat"/> times, drops the database (always, unless
/// kept), then reads Spark's stage figures from the History Server.
/// </summary>
public sealed class LoadSession(SparkConnectClient client, HistoryServerClient? history, string endpoint, LoadOptions options, TimeProvider? time = null)
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    public async Task<LoadReport> RunAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var database = $"spark_k8s_load_{started.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}_{Guid.NewGuid().ToString("N")[..6]}";
        var sparkVersion = await client.SparkVersionAsync(cancellationToken).ConfigureAwait(false);
        var appId = await client.GetConfigAsync("spark.app.id", cancellationToken).ConfigureAwait(false);
        LoadQueryReport generation;
        var queries = new List<LoadQueryReport>();
        await client.CommandAsync(TaxiWorkload.CreateDatabase(database), cancellationToken).ConfigureAwait(false);
        try
        {
            progress?.Report($"generating {options.Rows.ToString("N0", CultureInfo.InvariantCulture)} trips (seed {options.Seed}) in {database}");
            generation = await TimedAsync("generate", $"{options.Rows.ToString("N0", CultureInfo.InvariantCulture)} trips and {TaxiWorkload.Zones} zones written as Parquet", runs: 1, async (operation, token) =>
            {
                await client.CommandAsync(TaxiWorkload.CreateZones(database), token).ConfigureAwait(false);
                await client.CommandAsync(TaxiWorkload.CreateTrips(database, options.Rows, options.Seed, options.Partitions), token, operation).ConfigureAwait(false);
                var count = (await client.QueryAsync($"SELECT count(*) AS n FROM {database}.yellow_trips", token).ConfigureAwait(false)).ScalarAsLong();
                return count == options.Rows ? count : throw new OperationFailedException($"the trips table has {count} rows, expected {options.Rows}");
            }, cancellationToken).ConfigureAwait(false);

            if (generation.Succeeded)
            {
                foreach (var query in TaxiWorkload.Queries)
                {
                    progress?.Report($"query {query.Name}");
                    var sql = TaxiWorkload.Apply(query, database);
                    queries.Add(await TimedAsync(query.Name, query.Description, options.Repeat, async (operation, token) =>
                        (await client.QueryAsync(sql, token, operation).ConfigureAwait(false)).RowCount, cancellationToken).ConfigureAwait(false));
                }
            }
        }
        finally
        {
            if (!options.KeepData)
            {
                progress?.Report($"dropping {database}");
                using var cleanup = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                try
                {
                    await client.CommandAsync(TaxiWorkload.DropDatabase(database), cleanup.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationFailedException or OperationCanceledException)
                {
                    // Reported below through the note; the run's own error (if any) matters more.
                    progress?.Report($"could not drop {database}: {ex.Message}");
                }
            }
        }

        string? note = null;
        if (history is null || appId is null)
        {
            note = history is null ? "no History Server: shuffle, spill and executor figures are not available" : "Spark Connect did not report spark.app.id: no History Server figures";
        }
        else
        {
            progress?.Report("reading stage figures from the History Server");
            var operations = new[] { generation }.Concat(queries).Where(q => q.OperationIds.Count > 0).ToDictionary(q => q.Name, q => q.OperationIds);
            var (metrics, problem) = await new StageMetricsCollector(history, appId).CollectWhenReadyAsync(operations, options.HistoryWait, options.PollInterval, clock, cancellationToken).ConfigureAwait(false);
            note = problem;
            generation = generation with { Metrics = metrics.GetValueOrDefault(generation.Name) };
            queries = queries.Select(q => q with { Metrics = metrics.GetValueOrDefault(q.Name) }).ToList();
        }

        return new LoadReport(LoadReport.CurrentSchemaVersion, endpoint, sparkVersion, appId, options.Rows, options.Seed, options.Repeat, database, started, generation, queries, note);
    }

    private async Task<LoadQueryReport> TimedAsync(string name, string description, int runs, Func<string, CancellationToken, Task<long>> body, CancellationToken cancellationToken)
    {
        var seconds = new List<double>();
        var operations = new List<string>();
        long resultRows = 0;
        for (var run = 0; run < runs; run++)
        {
            var operation = Guid.NewGuid().ToString();
            operations.Add(operation);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(options.StatementTimeout);
            var watch = Stopwatch.StartNew();
            try
            {
                resultRows = await body(operation, limit.Token).ConfigureAwait(false);
                seconds.Add(watch.Elapsed.TotalSeconds);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is OperationFailedException or OperationCanceledException)
            {
                var error = limit.IsCancellationRequested ? $"timed out after {options.StatementTimeout.TotalMinutes:0.#} min" : ex.Message;
                return new LoadQueryReport(name, description, false, watch.Elapsed.TotalSeconds, [.. seconds, watch.Elapsed.TotalSeconds], 0, resultRows, null, operations, error);
            }
        }

        var median = BaselineComparison.Median(seconds);
        return new LoadQueryReport(name, description, true, median, seconds, median > 0 ? options.Rows / median : 0, resultRows, null, operations, null);
    }
}

/// <summary>`load --connect`: a direct endpoint.</summary>
public static class EndpointLoad
{
    public static async Task<LoadReport> RunAsync(ConnectionString endpoint, LoadOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        await using var client = new SparkConnectClient(endpoint);
        try
        {
            var history = options.HistoryUrl is null ? null : new HistoryServerClient(http, options.HistoryUrl);
            return await new LoadSession(client, history, endpoint.Endpoint, options).RunAsync(progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await client.ReleaseSessionAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>`load --release`: through port-forwards, like smoke. The <see cref="ILoadRunner"/> that `chaos` calls.</summary>
public sealed class ReleaseLoadRunner(LoadOptions options) : ILoadRunner
{
    public ReleaseLoadRunner()
        : this(new LoadOptions())
    {
    }

    public Func<ReleaseTarget, ReleaseCluster>? ClusterFactory { get; init; }

    public async Task<LoadReport> RunReportAsync(ReleaseTarget target, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        await using var connection = await ReleaseConnection.OpenAsync(target, options.HistoryUrl, ClusterFactory, cancellationToken).ConfigureAwait(false);
        return await new LoadSession(connection.Client, connection.History, connection.Endpoint, options).RunAsync(progress, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LoadSummary> RunAsync(ReleaseTarget target, long rows, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var runner = new ReleaseLoadRunner(options with { Rows = rows }) { ClusterFactory = ClusterFactory };
        return (await runner.RunReportAsync(target, progress, cancellationToken).ConfigureAwait(false)).ToSummary();
    }
}
