using System.Diagnostics;
using System.Globalization;
using k8s.Models;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations.Doctor;

namespace SparkK8s.Core.Operations.Chaos;

/// <summary>
/// Breaks one part of a release while `load` runs and measures the recovery: executor pods killed (the queries still
/// complete), the Connect pod killed (its Deployment starts a new one and a new session works), the metastore killed,
/// MinIO scaled to zero for the outage and back, PostgreSQL restarted. After each fault it waits for the workload to be
/// ready again, runs smoke for a new session, and awaits the load, which must complete for the executor scenario and
/// must end (completed or failed cleanly, never hung) for the others. What chaos scales down it scales back in a
/// finally block that ignores cancellation, so Ctrl-C restores MinIO too.
/// </summary>
public sealed class ChaosRunner(KubeApi api, ILoadRunner load, ISmokeRunner smoke, ChaosOptions options, IReadOnlyList<IEventLogCheck>? eventLogs = null)
{
    /// <summary>The label Spark puts on executor pods with the application id (Constants.SPARK_APP_ID_LABEL in apache/spark resource-managers/kubernetes).</summary>
    public const string AppIdLabel = "spark-app-selector";

    private static readonly Dictionary<ChaosScenario, string> Expectations = new()
    {
        [ChaosScenario.Executors] = "the queries complete; Spark replaces the lost executors",
        [ChaosScenario.Connect] = "the Deployment starts a new Connect pod, a new session works, and the killed server's event log is complete",
        [ChaosScenario.Metastore] = "catalog calls fail while it is down, then recover; a new session works",
        [ChaosScenario.S3] = "queries fail cleanly while MinIO is at zero replicas, and work again after it is back",
        [ChaosScenario.Postgresql] = "the metastore reconnects after PostgreSQL restarts; a new session works",
    };

    /// <summary>Refuses to run unless the namespace carries spark-k8s.io/chaos=allowed or <paramref name="yes"/> was given.</summary>
    public static async Task EnsureAllowedAsync(KubeApi api, string ns, bool yes, CancellationToken cancellationToken)
    {
        var namespaceObject = await api.ReadNamespaceAsync(ns, cancellationToken).ConfigureAwait(false)
            ?? throw new UserInputException($"--namespace: namespace '{ns}' does not exist in context '{api.Session.Context}'; pass -n with the release's namespace.");
        var labelled = namespaceObject.Metadata?.Labels?.TryGetValue(ChaosGuard.Label, out var value) == true && value == ChaosGuard.Allowed;
        if (!labelled && !yes)
        {
            throw new UserInputException(
                $"chaos deletes pods and scales workloads in namespace '{ns}', which is not labelled {ChaosGuard.Label}={ChaosGuard.Allowed}; "
                + $"label it (kubectl label namespace {ns} {ChaosGuard.Label}={ChaosGuard.Allowed}) or pass --yes. Nothing was changed.");
        }
    }

    public async Task<ChaosReport> RunAsync(ReleaseTarget target, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var results = new List<ChaosResult>();
        var number = 0;
        foreach (var scenario in options.Scenarios)
        {
            number++;
            var id = string.Create(CultureInfo.InvariantCulture, $"CHAOS{number:000}");
            progress?.Report($"{id} {scenario}: {Expectations[scenario]}");
            var result = await RunScenarioAsync(id, scenario, target, progress, cancellationToken).ConfigureAwait(false);
            progress?.Report($"{id} {scenario}: {result.Outcome} ({result.Detail})");
            results.Add(result);
        }

        return new ChaosReport(target.Namespace, target.Release, results);
    }

    private async Task<ChaosResult> RunScenarioAsync(string id, ChaosScenario scenario, ReleaseTarget target, IProgress<string>? progress, CancellationToken ct)
    {
        var expectation = Expectations[scenario];
        var workload = Workload(scenario, target.Release);
        if (workload is not null && await api.ReplicasAsync(target.Namespace, workload, ct).ConfigureAwait(false) is null)
        {
            return new ChaosResult(id, scenario, expectation, CheckOutcome.Skipped, null, $"{workload} does not exist in this release (component off or external)", null);
        }

        using var loadCancellation = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loadTask = load.RunAsync(target, options.Rows, progress, loadCancellation.Token);
        try
        {
            await Task.Delay(options.Warmup, ct).ConfigureAwait(false);
            var killedApps = scenario == ChaosScenario.Connect ? await ConnectApplicationsAsync(target, ct).ConfigureAwait(false) : [];
            var clock = Stopwatch.StartNew();
            var (recovered, faultDetail) = scenario switch
            {
                ChaosScenario.Executors => await KillExecutorsAsync(target, ct).ConfigureAwait(false),
                ChaosScenario.S3 => await OutageAsync(target, workload!, progress, ct).ConfigureAwait(false),
                _ => await KillPodsAsync(target, workload!, ct).ConfigureAwait(false),
            };
            var recovery = recovered ? clock.Elapsed : (TimeSpan?)null;

            var summary = await AwaitLoadAsync(loadTask, ct).ConfigureAwait(false);
            var session = scenario == ChaosScenario.Executors ? null : await smoke.RunAsync(target, null, ct).ConfigureAwait(false);
            var failures = new List<string>();
            if (!recovered)
            {
                failures.Add($"not healthy again within {options.RecoveryTimeout.TotalSeconds:0} s");
            }

            if (summary is null)
            {
                failures.Add($"the load did not end within {options.RecoveryTimeout.TotalSeconds:0} s after the fault (hung)");
            }
            else if (scenario == ChaosScenario.Executors && !summary.Completed)
            {
                failures.Add($"the load failed: {string.Join("; ", summary.Queries.Where(q => !q.Succeeded).Select(q => $"{q.Name}: {q.Error}"))}");
            }

            if (session is { Passed: false })
            {
                failures.Add("a new session failed: " + string.Join("; ", session.Checks.Where(c => c.Outcome == CheckOutcome.Failed).Select(c => $"{c.Id} {c.Detail}")));
            }

            var eventLogText = string.Empty;
            if (scenario == ChaosScenario.Connect)
            {
                var (complete, text) = await EventLogAsync(target, killedApps, ct).ConfigureAwait(false);
                if (complete)
                {
                    eventLogText = $"; {text}";
                }
                else
                {
                    failures.Add(text);
                }
            }

            var loadText = summary is null ? "load hung" : summary.Completed ? "load completed" : "load failed cleanly";
            var detail = failures.Count == 0
                ? $"{faultDetail}; recovered in {recovery!.Value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s; {loadText}{(session is null ? string.Empty : "; a new session works")}{eventLogText}"
                : $"{faultDetail}; {string.Join("; ", failures)}";
            return new ChaosResult(id, scenario, expectation, failures.Count == 0 ? CheckOutcome.Passed : CheckOutcome.Failed, recovery, detail, summary);
        }
        finally
        {
            await loadCancellation.CancelAsync().ConfigureAwait(false);
            try
            {
                await loadTask.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or OperationFailedException)
            {
            }
        }
    }

    /// <summary>The application ids of the running Connect server(s): the spark-app-selector of the executors they own.</summary>
    private async Task<IReadOnlyList<string>> ConnectApplicationsAsync(ReleaseTarget target, CancellationToken ct)
    {
        var connect = (await ComponentPodsAsync(target, "connect", ct).ConfigureAwait(false)).Select(p => p.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        var executors = await api.ListPodsAsync(target.Namespace, $"app.kubernetes.io/instance={target.Release},spark-role=executor", ct).ConfigureAwait(false);
        return executors
            .Where(p => p.Metadata.OwnerReferences?.Any(o => connect.Contains(o.Name)) == true)
            .Select(p => p.Metadata.Labels?.TryGetValue(AppIdLabel, out var id) == true ? id : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Whether every killed server's event log is complete by every source that can tell.</summary>
    private async Task<(bool Complete, string Detail)> EventLogAsync(ReleaseTarget target, IReadOnlyList<string> apps, CancellationToken ct)
    {
        if (eventLogs is not { Count: > 0 })
        {
            return (true, "event log not checked");
        }

        if (apps.Count == 0)
        {
            return (true, $"event log not checked: no executor of the killed server carried {AppIdLabel} while the load ran");
        }

        var complete = new List<string>();
        foreach (var app in apps)
        {
            foreach (var check in eventLogs)
            {
                EventLogVerdict? verdict;
                try
                {
                    verdict = await check.CheckAsync(target, app, options.RecoveryTimeout, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationFailedException or UserInputException)
                {
                    return (false, $"the event log of {app} could not be checked: {ex.Message.TrimEnd('.')}");
                }

                if (verdict is { Complete: false })
                {
                    return (false, $"the event log of the killed server is incomplete: {verdict.Detail}");
                }

                if (verdict is not null)
                {
                    complete.Add(verdict.Detail);
                }
            }
        }

        return complete.Count == 0
            ? (true, "event log not checked: the release has no ready History Server and no --event-log-dir was given")
            : (true, $"event log complete: {string.Join("; ", complete)}");
    }

    private async Task<(bool, string)> KillExecutorsAsync(ReleaseTarget target, CancellationToken ct)
    {
        var executors = await ExecutorPodsAsync(target, ct).ConfigureAwait(false);
        if (executors.Count == 0)
        {
            return (false, "no executor pods were running while the load ran");
        }

        var killed = executors.Take(Math.Max(1, executors.Count / 2)).ToList();
        foreach (var pod in killed)
        {
            await api.DeletePodAsync(target.Namespace, pod.Metadata.Name, ct).ConfigureAwait(false);
        }

        var gone = killed.Select(p => p.Metadata.Uid).ToHashSet(StringComparer.Ordinal);
        var recovered = await WaitAsync(async () => (await ExecutorPodsAsync(target, ct).ConfigureAwait(false)).Any(p => !gone.Contains(p.Metadata.Uid) && Ready(p)), ct).ConfigureAwait(false);
        return (recovered, $"killed {killed.Count} of {executors.Count} executor pod(s)");
    }

    private async Task<(bool, string)> KillPodsAsync(ReleaseTarget target, WorkloadRef workload, CancellationToken ct)
    {
        var component = Component(workload, target.Release);
        var pods = await ComponentPodsAsync(target, component, ct).ConfigureAwait(false);
        if (pods.Count == 0)
        {
            return (false, $"no {component} pod was running");
        }

        foreach (var pod in pods)
        {
            await api.DeletePodAsync(target.Namespace, pod.Metadata.Name, ct).ConfigureAwait(false);
        }

        var old = pods.Select(p => p.Metadata.Uid).ToHashSet(StringComparer.Ordinal);
        var recovered = await WaitAsync(async () =>
        {
            var now = await ComponentPodsAsync(target, component, ct).ConfigureAwait(false);
            var replicas = await api.ReplicasAsync(target.Namespace, workload, ct).ConfigureAwait(false);
            return now.Any(p => !old.Contains(p.Metadata.Uid) && Ready(p)) && replicas is { } r && r.Ready >= r.Desired;
        }, ct).ConfigureAwait(false);
        return (recovered, $"deleted {string.Join(", ", pods.Select(p => p.Metadata.Name))}");
    }

    private async Task<(bool, string)> OutageAsync(ReleaseTarget target, WorkloadRef workload, IProgress<string>? progress, CancellationToken ct)
    {
        var before = await api.ReplicasAsync(target.Namespace, workload, ct).ConfigureAwait(false) ?? (1, 1);
        var desired = Math.Max(1, before.Desired);
        try
        {
            await api.ScaleAsync(target.Namespace, workload, 0, ct).ConfigureAwait(false);
            progress?.Report($"{workload} scaled to 0 for {options.Outage.TotalSeconds:0} s");
            await Task.Delay(options.Outage, ct).ConfigureAwait(false);
        }
        finally
        {
            // Restore even when cancelled: a platform left without its object store is worse than an unfinished test.
            using var restore = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await api.ScaleAsync(target.Namespace, workload, desired, restore.Token).ConfigureAwait(false);
            progress?.Report($"{workload} scaled back to {desired}");
        }

        var clock = Stopwatch.StartNew();
        var recovered = await WaitAsync(async () => await api.ReplicasAsync(target.Namespace, workload, ct).ConfigureAwait(false) is { } r && r.Ready >= desired, ct).ConfigureAwait(false);
        return (recovered, $"{workload} at 0 replicas for {options.Outage.TotalSeconds:0} s, back to {desired} (ready after {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)");
    }

    private async Task<LoadSummary?> AwaitLoadAsync(Task<LoadSummary> loadTask, CancellationToken ct)
    {
        var finished = await Task.WhenAny(loadTask, Task.Delay(options.RecoveryTimeout, ct)).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        if (finished != loadTask)
        {
            return null;
        }

        try
        {
            return await loadTask.ConfigureAwait(false);
        }
        catch (OperationFailedException ex)
        {
            return new LoadSummary(options.Rows, [new LoadQueryResult("load", false, TimeSpan.Zero, 0, ex.Message)]);
        }
    }

    private async Task<bool> WaitAsync(Func<Task<bool>> healthy, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < options.RecoveryTimeout)
        {
            if (await healthy().ConfigureAwait(false))
            {
                return true;
            }

            await Task.Delay(options.PollInterval, ct).ConfigureAwait(false);
        }

        return false;
    }

    private async Task<List<V1Pod>> ExecutorPodsAsync(ReleaseTarget target, CancellationToken ct) =>
        (await api.ListPodsAsync(target.Namespace, $"app.kubernetes.io/instance={target.Release},spark-role=executor", ct).ConfigureAwait(false))
            .Where(p => p.Status?.Phase == "Running").ToList();

    private async Task<List<V1Pod>> ComponentPodsAsync(ReleaseTarget target, string component, CancellationToken ct) =>
        (await api.ListPodsAsync(target.Namespace, $"app.kubernetes.io/instance={target.Release},app.kubernetes.io/component={component}", ct).ConfigureAwait(false))
            .Where(p => p.Metadata.DeletionTimestamp is null).ToList();

    private static bool Ready(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>The workload each scenario breaks, by the chart's names (templates/_helpers.tpl).</summary>
    public static WorkloadRef? Workload(ChaosScenario scenario, string release) => scenario switch
    {
        ChaosScenario.Connect => new WorkloadRef("Deployment", ReleaseNames.Component(release, "connect")),
        ChaosScenario.Metastore => new WorkloadRef("Deployment", ReleaseNames.Component(release, "metastore")),
        ChaosScenario.S3 => new WorkloadRef("StatefulSet", ReleaseNames.Component(release, "minio")),
        ChaosScenario.Postgresql => new WorkloadRef("StatefulSet", ReleaseNames.Component(release, "postgresql")),
        _ => null,
    };

    private static string Component(WorkloadRef workload, string release) => workload.Name[(ReleaseNames.Fullname(release).Length + 1)..];
}
