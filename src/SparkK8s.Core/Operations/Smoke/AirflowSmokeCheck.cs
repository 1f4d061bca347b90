using System.Globalization;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Operations.Smoke;

/// <summary>
/// SMOKE010: logs in to Airflow with the release's admin Secret, lists the example DAGs (tag
/// <see cref="ExampleTag"/>), unpauses and triggers each, polls the runs to success or failed, and reports the failed task
/// instances with their try number. DAGs that were paused are paused again afterwards, whatever happened.
/// </summary>
public sealed class AirflowSmokeCheck(AirflowApiClient client, SmokeOptions options, TimeProvider? time = null)
{
    public const string ExampleTag = "spark-k8s-example";

    /// <summary>DagRunState values that end a run (airflow-core utils/state.py: queued, running, success, failed).</summary>
    private static readonly HashSet<string> Finished = new(StringComparer.Ordinal) { "success", "failed" };

    /// <summary>TaskInstanceState values reported for a failed run.</summary>
    private static readonly HashSet<string> TaskFailed = new(StringComparer.Ordinal) { "failed", "upstream_failed", "up_for_retry" };

    private readonly TimeProvider clock = time ?? TimeProvider.System;

    public async Task<string> RunAsync(string username, string password, string credentialSource, CancellationToken ct)
    {
        await client.LoginAsync(username, password, credentialSource, ct).ConfigureAwait(false);
        var dags = await client.DagsAsync(ExampleTag, ct).ConfigureAwait(false);
        if (dags.Count == 0)
        {
            throw new OperationFailedException(
                $"Airflow at {client.BaseUrl} has no DAG tagged {ExampleTag}; the chart renders the example DAGs of the release's backends into the dag-processor's ConfigMap: check the dag-processor's log for import errors (GET /api/v2/importErrors).");
        }

        var paused = dags.Where(d => d.IsPaused != false).Select(d => d.DagId).ToList();
        var runs = new List<AirflowDagRun>();
        try
        {
            var note = $"spark-k8s smoke {clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}";
            foreach (var dag in dags)
            {
                if (paused.Contains(dag.DagId))
                {
                    await client.SetPausedAsync(dag.DagId, false, ct).ConfigureAwait(false);
                }

                try
                {
                    runs.Add(await client.TriggerAsync(dag.DagId, note, ct).ConfigureAwait(false));
                }
                catch (AirflowNotFoundException ex)
                {
                    throw new OperationFailedException($"DAG {dag.DagId} was listed but cannot be triggered: {ex.Message}");
                }
            }

            return await WaitAsync(runs, ct).ConfigureAwait(false);
        }
        finally
        {
            // Back to how the chart created them (is_paused_upon_creation), also after a failure or Ctrl-C.
            using var restore = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            foreach (var dagId in paused)
            {
                try
                {
                    await client.SetPausedAsync(dagId, true, restore.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationFailedException or OperationCanceledException)
                {
                    // The run's outcome is what the check reports; a DAG left unpaused has schedule=None and does not run by itself.
                }
            }
        }
    }

    private async Task<string> WaitAsync(IReadOnlyList<AirflowDagRun> runs, CancellationToken ct)
    {
        var states = runs.ToDictionary(r => r, r => r.State ?? "queued");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(options.AirflowTimeout);
        try
        {
            while (states.Values.Any(s => !Finished.Contains(s)))
            {
                await Task.Delay(options.PollInterval, clock, limit.Token).ConfigureAwait(false);
                foreach (var run in states.Keys.Where(r => !Finished.Contains(states[r])).ToList())
                {
                    states[run] = (await client.DagRunAsync(run.DagId, run.DagRunId, limit.Token).ConfigureAwait(false)).State ?? "queued";
                }
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            var open = states.Where(s => !Finished.Contains(s.Value)).Select(s => $"{s.Key.DagId} run {s.Key.DagRunId} still {s.Value}");
            throw new OperationFailedException(
                $"not finished within {SmokeChecks.FormatDuration(options.AirflowTimeout)}: {string.Join("; ", open)}; check the scheduler and that KubernetesExecutor task pods start (kubectl get pods -l app.kubernetes.io/component=airflow-worker), or raise --airflow-timeout");
        }

        var failed = states.Where(s => s.Value == "failed").Select(s => s.Key).ToList();
        if (failed.Count == 0)
        {
            return $"{runs.Count} example DAG run(s) succeeded: {string.Join(", ", runs.Select(r => r.DagId))}";
        }

        var reasons = new List<string>();
        foreach (var run in failed)
        {
            var tasks = await client.TaskInstancesAsync(run.DagId, run.DagRunId, ct).ConfigureAwait(false);
            var bad = tasks.Where(t => t.State is { } state && TaskFailed.Contains(state))
                .Select(t => $"task {t.TaskId}{(t.MapIndex is >= 0 ? $"[{t.MapIndex.Value.ToString(CultureInfo.InvariantCulture)}]" : string.Empty)} {t.State} (try {t.TryNumber.ToString(CultureInfo.InvariantCulture)})")
                .ToList();
            reasons.Add($"{run.DagId} run {run.DagRunId} failed: {(bad.Count == 0 ? "no failed task instance reported" : string.Join(", ", bad))}");
        }

        throw new OperationFailedException($"{string.Join("; ", reasons)}; the task log is in the Airflow UI (Dags > run > task > Logs)");
    }
}
