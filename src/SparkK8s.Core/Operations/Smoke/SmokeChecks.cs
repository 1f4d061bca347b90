using System.Diagnostics;
using System.Globalization;
using SparkK8s.Core.Connect;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Operations.History;

namespace SparkK8s.Core.Operations.Smoke;

/// <summary>Where the executor pods of the release are listed from (the Kubernetes API); null for --connect.</summary>
public interface IExecutorPods
{
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The smoke checks against one Spark Connect session, each timed and limited by <see cref="SmokeOptions.CheckTimeout"/>:
/// SELECT 1, a 10M-row range aggregated on executors, the metastore DDL/DML sequence on a throw-away Parquet table
/// (always dropped when it was created, whatever failed), and the History Server listing the application.
/// </summary>
public sealed class SmokeChecks(
    SparkConnectClient client,
    SmokeOptions options,
    IExecutorPods? executors,
    HistoryServerClient? history,
    string historySkipReason,
    TimeProvider? time = null)
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private readonly List<CheckResult> results = [];
    private IProgress<CheckResult>? progress;

    public async Task<SmokeReport> RunAsync(IProgress<CheckResult>? reporter, CancellationToken cancellationToken)
    {
        progress = reporter;
        string? sparkVersion = null;
        var first = await RunAsync(SmokeCheckIds.SelectOne, "SELECT 1", async token =>
        {
            sparkVersion = await client.SparkVersionAsync(token).ConfigureAwait(false);
            var result = await client.QueryAsync("SELECT 1 AS one", token).ConfigureAwait(false);
            var value = result.ScalarAsLong();
            return value == 1 && result.RowCount == 1
                ? $"1 row; Spark {sparkVersion}"
                : throw new OperationFailedException($"expected one row with 1, got {result.RowCount} row(s) starting with {value}");
        }, cancellationToken).ConfigureAwait(false);

        if (first.Outcome == CheckOutcome.Failed)
        {
            var reason = $"skipped: {SmokeCheckIds.SelectOne} failed, so Spark Connect at {client.Connection.Endpoint} cannot run queries";
            foreach (var (id, name) in Remaining)
            {
                Add(new CheckResult(id, name, CheckOutcome.Skipped, TimeSpan.Zero, reason));
            }

            return new SmokeReport(client.Connection.Endpoint, results);
        }

        await RunAsync(SmokeCheckIds.RangeOnExecutors, $"range({options.RangeRows.ToString("N0", CultureInfo.InvariantCulture)}) aggregated on executors", RangeAsync, cancellationToken).ConfigureAwait(false);
        await MetastoreSequenceAsync(cancellationToken).ConfigureAwait(false);
        await HistoryAsync(cancellationToken).ConfigureAwait(false);
        return new SmokeReport(client.Connection.Endpoint, results);
    }

    /// <summary>The checks that need Spark Connect, with their names (skipped together for a release without Connect).</summary>
    public static IEnumerable<(string Id, string Name)> ConnectChecks => [(SmokeCheckIds.SelectOne, "SELECT 1"), .. Remaining];

    private static IEnumerable<(string Id, string Name)> Remaining =>
    [
        (SmokeCheckIds.RangeOnExecutors, "range aggregated on executors"),
        (SmokeCheckIds.CreateTable, "CREATE TABLE ... USING parquet"),
        (SmokeCheckIds.Insert, "INSERT"),
        (SmokeCheckIds.Count, "SELECT count(*)"),
        (SmokeCheckIds.Truncate, "TRUNCATE TABLE"),
        (SmokeCheckIds.Drop, "DROP TABLE"),
        (SmokeCheckIds.HistoryServer, "History Server lists the application"),
    ];

    private async Task<string> RangeAsync(CancellationToken cancellationToken)
    {
        var rows = options.RangeRows;
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watcher = executors is null ? Task.CompletedTask : WatchExecutorsAsync(seen, watching.Token);
        QueryResult result;
        try
        {
            result = await client.ExecuteAsync(new Connect.Protocol.Plan { Root = Plans.CountAndSumOfRange(rows) }, null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await watching.CancelAsync().ConfigureAwait(false);
            await watcher.ConfigureAwait(false);
        }

        if (executors is not null)
        {
            // One more look after the query: a pod that started late still counts.
            foreach (var pod in await executors.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                seen.Add(pod);
            }
        }

        var values = result.Rows.Count == 1 ? result.Rows[0] : [];
        var expectedSum = rows * (rows - 1) / 2;
        if (values.Count < 2 || values[0] is not long count || values[1] is not long sum || count != rows || sum != expectedSum)
        {
            throw new OperationFailedException($"expected count {rows} and sum {expectedSum}, got {string.Join(", ", values.Select(v => v?.ToString() ?? "null"))}");
        }

        var counted = $"{rows.ToString("N0", CultureInfo.InvariantCulture)} rows counted, sum {sum.ToString(CultureInfo.InvariantCulture)}";
        if (executors is null)
        {
            return $"{counted} (executor pods not observed: no --release)";
        }

        return seen.Count == 0
            ? throw new OperationFailedException($"{counted}, but no executor pod (labels spark-role=executor, app.kubernetes.io/instance of the release) appeared; check spark.kubernetes.executor.podTemplateFile and dynamic allocation")
            : $"{counted}; executor pods: {seen.Count} ({string.Join(", ", seen.Take(5))}{(seen.Count > 5 ? ", ..." : string.Empty)})";
    }

    private async Task WatchExecutorsAsync(SortedSet<string> seen, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                foreach (var pod in await executors!.ListAsync(cancellationToken).ConfigureAwait(false))
                {
                    lock (seen)
                    {
                        seen.Add(pod);
                    }
                }

                await Task.Delay(options.PollInterval, clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (OperationFailedException)
            {
                // A failed listing is retried; the final listing after the query reports a lasting failure.
                try
                {
                    await Task.Delay(options.PollInterval, clock, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>CREATE, INSERT, SELECT count(*), TRUNCATE, DROP on a unique table; DROP runs whenever CREATE was sent.</summary>
    private async Task MetastoreSequenceAsync(CancellationToken cancellationToken)
    {
        var stamp = clock.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var table = $"{options.Database}.spark_k8s_smoke_{stamp}_{Guid.NewGuid().ToString("N")[..6]}";
        var create = await RunAsync(SmokeCheckIds.CreateTable, "CREATE TABLE ... USING parquet", async token =>
        {
            await client.CommandAsync($"CREATE TABLE {table} (id BIGINT, name STRING) USING parquet", token).ConfigureAwait(false);
            return $"created {table}";
        }, cancellationToken).ConfigureAwait(false);

        try
        {
            if (create.Outcome != CheckOutcome.Passed)
            {
                foreach (var (id, name) in new[] { (SmokeCheckIds.Insert, "INSERT"), (SmokeCheckIds.Count, "SELECT count(*)"), (SmokeCheckIds.Truncate, "TRUNCATE TABLE") })
                {
                    Add(new CheckResult(id, name, CheckOutcome.Skipped, TimeSpan.Zero, $"skipped: {SmokeCheckIds.CreateTable} failed"));
                }

                return;
            }

            var insert = await RunAsync(SmokeCheckIds.Insert, "INSERT", async token =>
            {
                await client.CommandAsync($"INSERT INTO {table} VALUES (1, 'a'), (2, 'b'), (3, 'c')", token).ConfigureAwait(false);
                return "3 rows inserted";
            }, cancellationToken).ConfigureAwait(false);
            await RunAsync(SmokeCheckIds.Count, "SELECT count(*)", async token =>
            {
                var count = (await client.QueryAsync($"SELECT count(*) AS n FROM {table}", token).ConfigureAwait(false)).ScalarAsLong();
                var expected = insert.Outcome == CheckOutcome.Passed ? 3 : 0;
                return count == expected ? $"{count} rows read back from Parquet" : throw new OperationFailedException($"expected {expected} rows, read {count}");
            }, cancellationToken).ConfigureAwait(false);
            await RunAsync(SmokeCheckIds.Truncate, "TRUNCATE TABLE", async token =>
            {
                await client.CommandAsync($"TRUNCATE TABLE {table}", token).ConfigureAwait(false);
                var count = (await client.QueryAsync($"SELECT count(*) AS n FROM {table}", token).ConfigureAwait(false)).ScalarAsLong();
                return count == 0 ? "table empty after TRUNCATE" : throw new OperationFailedException($"{count} rows left after TRUNCATE");
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Sent even when CREATE failed or timed out: the server may have created the table anyway.
            await RunAsync(SmokeCheckIds.Drop, "DROP TABLE", async token =>
            {
                await client.CommandAsync($"DROP TABLE IF EXISTS {table}", token).ConfigureAwait(false);
                return $"dropped {table}";
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HistoryAsync(CancellationToken cancellationToken)
    {
        const string name = "History Server lists the application";
        if (history is null)
        {
            Add(new CheckResult(SmokeCheckIds.HistoryServer, name, CheckOutcome.Skipped, TimeSpan.Zero, historySkipReason));
            return;
        }

        await RunAsync(SmokeCheckIds.HistoryServer, name, async token =>
        {
            var appId = await client.GetConfigAsync("spark.app.id", token).ConfigureAwait(false)
                ?? throw new OperationFailedException("Spark Connect did not report spark.app.id");
            IReadOnlyList<ApplicationInfo> listed = [];
            try
            {
                while (true)
                {
                    listed = await history.ApplicationsAsync(token).ConfigureAwait(false);
                    if (listed.FirstOrDefault(app => app.Id == appId) is { } found)
                    {
                        var attempt = found.Attempts?.LastOrDefault();
                        return $"{appId} ({found.Name}) listed{(attempt is { Completed: false } ? ", running" : string.Empty)} among {listed.Count} application(s)";
                    }

                    // The History Server rescans event logs every spark.history.fs.update.interval (10 s by default).
                    await Task.Delay(options.PollInterval, clock, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new OperationFailedException($"{appId} not listed by {history.BaseUrl} after {FormatDuration(options.CheckTimeout)} ({listed.Count} other application(s)); check that Connect and the History Server use the same spark.eventLog.dir");
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CheckResult> RunAsync(string id, string name, Func<CancellationToken, Task<string>> check, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.CheckTimeout);
        var watch = Stopwatch.StartNew();
        CheckResult result;
        try
        {
            var detail = await check(limit.Token).ConfigureAwait(false);
            result = new CheckResult(id, name, CheckOutcome.Passed, watch.Elapsed, detail);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && limit.IsCancellationRequested && ex is OperationCanceledException or SparkConnectException)
        {
            result = new CheckResult(id, name, CheckOutcome.Failed, watch.Elapsed, $"timed out after {FormatDuration(options.CheckTimeout)} waiting for Spark Connect at {client.Connection.Endpoint} (raise --timeout if the cluster is slow)");
        }
        catch (ComponentSkippedException ex)
        {
            result = new CheckResult(id, name, CheckOutcome.Skipped, watch.Elapsed, ex.Message);
        }
        catch (OperationFailedException ex) when (!cancellationToken.IsCancellationRequested)
        {
            result = new CheckResult(id, name, CheckOutcome.Failed, watch.Elapsed, ex.Message);
        }

        Add(result);
        return result;
    }

    private void Add(CheckResult result)
    {
        results.Add(result);
        progress?.Report(result);
    }

    internal static string FormatDuration(TimeSpan span) => span.TotalMinutes >= 1 && span.Seconds == 0
        ? $"{span.TotalMinutes.ToString("0", CultureInfo.InvariantCulture)} min"
        : $"{span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";
}

/// <summary>A check that cannot run because the release lacks what it needs; reported Skipped with the reason.</summary>
public sealed class ComponentSkippedException(string message) : OperationFailedException(message);
