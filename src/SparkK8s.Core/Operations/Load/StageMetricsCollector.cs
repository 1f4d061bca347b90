using SparkK8s.Core.Errors;
using SparkK8s.Core.Operations.History;

namespace SparkK8s.Core.Operations.Load;

/// <summary>
/// Spark's figures for the queries of a load run, from the History Server REST API: the jobs whose jobTags carry the
/// query's Spark Connect operation (ExecuteJobTag in sql/connect/server/.../service/ExecuteHolder.scala, apache/spark:
/// SparkConnect_OperationTag_User_&lt;user&gt;_Session_&lt;session&gt;_Operation_&lt;operationId&gt;), their stages'
/// shuffle read/write and spill bytes (StageData; SKIPPED attempts ignored), and the executors in the stages' executorSummary.
/// </summary>
public sealed class StageMetricsCollector(HistoryServerClient history, string applicationId)
{
    /// <summary>Metrics per query name; a query whose jobs the History Server does not (yet) know gets none.</summary>
    public async Task<IReadOnlyDictionary<string, StageMetrics>> CollectAsync(IReadOnlyDictionary<string, IReadOnlyList<string>> operationsByQuery, CancellationToken cancellationToken)
    {
        var jobs = await history.JobsAsync(applicationId, cancellationToken).ConfigureAwait(false);
        var stageCache = new Dictionary<int, IReadOnlyList<StageData>>();
        var result = new Dictionary<string, StageMetrics>(StringComparer.Ordinal);
        foreach (var (query, operations) in operationsByQuery)
        {
            var suffixes = operations.Select(op => $"_Operation_{op}").ToList();
            var matching = jobs.Where(job => job.JobTags?.Any(tag => suffixes.Any(suffix => tag.EndsWith(suffix, StringComparison.Ordinal))) == true).ToList();
            if (matching.Count == 0)
            {
                continue;
            }

            long shuffleRead = 0, shuffleWrite = 0, memorySpill = 0, diskSpill = 0;
            var executors = new HashSet<string>(StringComparer.Ordinal);
            var stages = 0;
            foreach (var stageId in matching.SelectMany(job => job.StageIds ?? []).Distinct())
            {
                if (!stageCache.TryGetValue(stageId, out var attempts))
                {
                    try
                    {
                        attempts = await history.StageAsync(applicationId, stageId, cancellationToken).ConfigureAwait(false);
                    }
                    catch (HistoryNotFoundException)
                    {
                        // A skipped stage (its shuffle output reused) has no StageData.
                        attempts = [];
                    }

                    stageCache[stageId] = attempts;
                }

                foreach (var attempt in attempts.Where(a => !string.Equals(a.Status, "SKIPPED", StringComparison.OrdinalIgnoreCase)))
                {
                    stages++;
                    shuffleRead += attempt.ShuffleReadBytes;
                    shuffleWrite += attempt.ShuffleWriteBytes;
                    memorySpill += attempt.MemoryBytesSpilled;
                    diskSpill += attempt.DiskBytesSpilled;
                    foreach (var executor in attempt.ExecutorSummary?.Keys ?? Enumerable.Empty<string>())
                    {
                        executors.Add(executor);
                    }
                }
            }

            result[query] = new StageMetrics(matching.Count, stages, shuffleRead, shuffleWrite, memorySpill, diskSpill, executors.Count(e => e != "driver"));
        }

        return result;
    }

    /// <summary>Polls until the History Server knows jobs of every query (it rescans event logs every few seconds) or the time is up.</summary>
    public async Task<(IReadOnlyDictionary<string, StageMetrics> Metrics, string? Note)> CollectWhenReadyAsync(
        IReadOnlyDictionary<string, IReadOnlyList<string>> operationsByQuery, TimeSpan wait, TimeSpan poll, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + wait;
        IReadOnlyDictionary<string, StageMetrics> metrics = new Dictionary<string, StageMetrics>();
        string? problem = null;
        while (true)
        {
            try
            {
                metrics = await CollectAsync(operationsByQuery, cancellationToken).ConfigureAwait(false);
                problem = null;
                if (operationsByQuery.Keys.All(metrics.ContainsKey))
                {
                    return (metrics, null);
                }
            }
            catch (OperationFailedException ex)
            {
                problem = ex.Message;
            }

            if (time.GetUtcNow() >= deadline)
            {
                var missing = operationsByQuery.Keys.Where(q => !metrics.ContainsKey(q)).ToList();
                return (metrics, problem ?? $"the History Server had no jobs yet for {string.Join(", ", missing)} after {wait.TotalSeconds:0} s (its event log scan runs every spark.history.fs.update.interval)");
            }

            await Task.Delay(poll, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
