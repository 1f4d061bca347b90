using System.Globalization;
using k8s.Models;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Sizing;
using SparkK8s.Core.Units;
using SparkK8s.Core.Validation.Spark;

namespace SparkK8s.Core.Operations.Doctor;

/// <summary>What Spark asks for, from the rendered spark-defaults, to put beside an OOMKilled container's limit.</summary>
public sealed record SparkMemoryView(string? Driver, string? Executor)
{
    public static SparkMemoryView From(SparkRenderModel model, string sparkVersion)
    {
        if (model.Connect is not { } conf)
        {
            return new SparkMemoryView(null, null);
        }

        var version = Sizing.SparkVersion.TryParse(sparkVersion) ?? Sizing.SparkVersion.Default;
        var properties = conf.Properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var driver = SparkMemoryRules.Resolve(version, properties, SparkRole.Driver);
        var executor = ExecutorMemory.From(conf, sparkVersion);
        return new SparkMemoryView(
            $"spark.driver.memory {driver.HeapMiB}Mi + overhead {driver.OverheadMiB}Mi = {driver.TotalMiB}Mi ({driver.Rule})",
            executor.Explain());
    }
}

/// <summary>
/// Doctor's diagnosis of an installed release: pods not ready with the reason (ImagePullBackOff, CrashLoopBackOff with
/// the last log lines, Pending with the scheduler's event, OOMKilled with the limit beside Spark's memory), unbound
/// claims, failed Jobs, a Connect Service without ready endpoints, and the network probes.
/// </summary>
internal sealed class ReleaseDiagnosis(KubeApi api, DoctorCollector collector, SparkMemoryView memory)
{
    public const int LogLines = 20;
    public const int ShownLogLines = 6;
    private static readonly HashSet<string> PullReasons = new(StringComparer.Ordinal) { "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull" };

    public async Task PodsAsync(string ns, string release, CancellationToken ct)
    {
        var pods = await api.ListPodsAsync(ns, $"app.kubernetes.io/instance={release}", ct).ConfigureAwait(false);
        var unhealthy = 0;
        foreach (var pod in pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            if (pod.Status?.Phase == "Succeeded" || IsReady(pod))
            {
                continue;
            }

            unhealthy++;
            await DiagnoseAsync(ns, pod, ct).ConfigureAwait(false);
        }

        collector.Check("pods", unhealthy == 0 ? CheckOutcome.Passed : CheckOutcome.Failed,
            $"{(pods.Count - unhealthy).ToString(CultureInfo.InvariantCulture)} of {pods.Count.ToString(CultureInfo.InvariantCulture)} pod(s) ready or completed");
    }

    public async Task ClaimsAsync(string ns, string release, CancellationToken ct)
    {
        var claims = await api.ListPvcsAsync(ns, $"app.kubernetes.io/instance={release}", ct).ConfigureAwait(false);
        var pending = claims.Where(c => c.Status?.Phase != "Bound").ToList();
        foreach (var claim in pending)
        {
            collector.Add(new DoctorFinding("DOC023", DoctorSeverity.Error, $"PersistentVolumeClaim/{claim.Metadata.Name}",
                $"the claim is {claim.Status?.Phase ?? "not bound"} (storageClassName: {claim.Spec?.StorageClassName ?? "none, so the default class"}).",
                "Make a StorageClass the default or set persistence.storageClass to one that can provision here.", Runbooks.Pending, []));
        }

        collector.Check("volume claims", pending.Count == 0 ? CheckOutcome.Passed : CheckOutcome.Failed,
            $"{(claims.Count - pending.Count).ToString(CultureInfo.InvariantCulture)} of {claims.Count.ToString(CultureInfo.InvariantCulture)} claim(s) bound");
    }

    public async Task JobsAsync(string ns, string release, CancellationToken ct)
    {
        var jobs = await api.ListJobsAsync(ns, $"app.kubernetes.io/instance={release}", ct).ConfigureAwait(false);
        var failed = 0;
        foreach (var job in jobs)
        {
            var condition = job.Status?.Conditions?.FirstOrDefault(c => c.Type == "Failed" && c.Status == "True");
            if (condition is null)
            {
                continue;
            }

            failed++;
            collector.Add(new DoctorFinding("DOC025", DoctorSeverity.Error, $"Job/{job.Metadata.Name}",
                $"the Job failed ({condition.Reason}: {condition.Message}) after {(job.Status?.Failed ?? 0).ToString(CultureInfo.InvariantCulture)} failed pod(s).",
                $"Read its pods' logs (kubectl logs -n {ns} job/{job.Metadata.Name}), fix the cause, then re-run the install (helm upgrade re-creates the Job).", Runbooks.CrashLoop, []));
        }

        collector.Check("jobs", failed == 0 ? CheckOutcome.Passed : CheckOutcome.Failed, $"{failed.ToString(CultureInfo.InvariantCulture)} of {jobs.Count.ToString(CultureInfo.InvariantCulture)} Job(s) failed");
    }

    /// <summary>Ready endpoints of the Connect Service; false when there are none.</summary>
    public async Task<bool> ConnectEndpointsAsync(string ns, string service, CancellationToken ct)
    {
        var slices = await api.ListEndpointSlicesAsync(ns, service, ct).ConfigureAwait(false);
        var ready = slices.SelectMany(s => s.Endpoints ?? []).Count(e => e.Conditions?.Ready == true);
        if (ready == 0)
        {
            collector.Check("connect endpoints", CheckOutcome.Failed, $"Service {service} has no ready endpoints");
            collector.Add(new DoctorFinding("DOC026", DoctorSeverity.Error, $"Service/{service}",
                "the Spark Connect Service has no ready endpoints, so clients cannot connect.",
                "Fix the Connect pod first (see its finding above); the Service lists it once its readiness probe passes.", Runbooks.CrashLoop, []));
            return false;
        }

        collector.Check("connect endpoints", CheckOutcome.Passed, $"Service {service} has {ready.ToString(CultureInfo.InvariantCulture)} ready endpoint(s)");
        return true;
    }

    private async Task DiagnoseAsync(string ns, V1Pod pod, CancellationToken ct)
    {
        var name = $"Pod/{pod.Metadata.Name}";
        var statuses = (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []).ToList();
        var pull = statuses.FirstOrDefault(s => s.State?.Waiting?.Reason is { } r && PullReasons.Contains(r));
        if (pull is not null)
        {
            collector.Add(new DoctorFinding("DOC020", DoctorSeverity.Error, name,
                $"container {pull.Name} cannot pull its image {pull.Image} ({pull.State.Waiting.Reason}).",
                "Check the image name and tag in values (image.repository/image.tag), registry access and imagePullSecrets; for kind, 'kind load docker-image'.",
                Runbooks.ImagePull, [Shorten(pull.State.Waiting.Message)]));
            return;
        }

        var oom = statuses.FirstOrDefault(s => s.State?.Terminated?.Reason == "OOMKilled" || s.LastState?.Terminated?.Reason == "OOMKilled");
        if (oom is not null)
        {
            collector.Add(OomKilled(pod, oom));
            return;
        }

        var crash = statuses.FirstOrDefault(s => s.State?.Waiting?.Reason == "CrashLoopBackOff" || s.State?.Terminated is { ExitCode: not 0 });
        if (crash is not null)
        {
            var log = await api.ReadLogTailAsync(ns, pod.Metadata.Name, crash.Name, LogLines, previous: crash.State?.Waiting is not null, ct).ConfigureAwait(false);
            var lines = (log ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(ShownLogLines).ToList();
            var exit = crash.LastState?.Terminated ?? crash.State?.Terminated;
            collector.Add(new DoctorFinding("DOC021", DoctorSeverity.Error, name,
                $"container {crash.Name} keeps exiting ({crash.State?.Waiting?.Reason ?? "terminated"}, exit code {exit?.ExitCode.ToString(CultureInfo.InvariantCulture) ?? "?"}, {crash.RestartCount.ToString(CultureInfo.InvariantCulture)} restarts); its last log lines are below.",
                $"Read the whole log (kubectl logs -n {ns} {pod.Metadata.Name} -c {crash.Name} --previous) and fix what it reports.", Runbooks.CrashLoop,
                lines.Count == 0 ? ["(the previous container left no log)"] : lines));
            return;
        }

        var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (pod.Status?.Phase == "Pending" && scheduled?.Status == "False")
        {
            var events = await api.ListEventsForAsync(ns, pod.Metadata.Name, ct).ConfigureAwait(false);
            var latest = events.Where(e => e.Reason == "FailedScheduling").OrderBy(e => e.LastTimestamp ?? e.EventTime ?? DateTime.MinValue).LastOrDefault();
            var message = latest?.Message ?? scheduled.Message ?? "no scheduler event";
            var unbound = message.Contains("unbound", StringComparison.OrdinalIgnoreCase) || message.Contains("PersistentVolumeClaim", StringComparison.Ordinal);
            var resource = message.Contains("Insufficient cpu", StringComparison.Ordinal) ? "CPU" : message.Contains("Insufficient memory", StringComparison.Ordinal) ? "memory" : null;
            collector.Add(new DoctorFinding("DOC022", DoctorSeverity.Error, name,
                unbound ? "the pod cannot be scheduled: its PersistentVolumeClaim is not bound."
                : resource is not null ? $"the pod cannot be scheduled: no node has enough free {resource} for its requests ({Requests(pod)})."
                : "the pod cannot be scheduled.",
                unbound ? "Give the cluster a default StorageClass or set persistence.storageClass (kubectl get pvc,storageclass)."
                : resource is not null ? $"Add {resource} to the nodes, or lower the requests (--env dev) or spark.dynamicAllocation.maxExecutors."
                : "Read the scheduler's event below and adjust nodeSelector, tolerations or requests.",
                Runbooks.Pending, [$"scheduler: {message}"]));
            return;
        }

        var ready = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        collector.Add(new DoctorFinding("DOC029", DoctorSeverity.Warning, name,
            $"the pod is {pod.Status?.Phase ?? "in an unknown phase"} and not ready ({ready?.Reason ?? "no reason given"}{(ready?.Message is { } m ? ": " + m : string.Empty)}).",
            $"kubectl describe pod -n {ns} {pod.Metadata.Name} shows its probes and events.", Runbooks.CrashLoop, []));
    }

    private DoctorFinding OomKilled(V1Pod pod, V1ContainerStatus status)
    {
        var container = pod.Spec?.Containers?.FirstOrDefault(c => c.Name == status.Name);
        var limit = container?.Resources?.Limits is { } limits && limits.TryGetValue("memory", out var l) ? l.ToString() : "none";
        var request = container?.Resources?.Requests is { } requests && requests.TryGetValue("memory", out var r) ? r.ToString() : "none";
        var labels = pod.Metadata.Labels ?? new Dictionary<string, string>();
        var role = labels.TryGetValue("spark-role", out var sparkRole) ? sparkRole : labels.TryGetValue("app.kubernetes.io/component", out var component) ? component : null;
        var spark = role switch
        {
            "executor" => memory.Executor,
            "connect" or "driver" => memory.Driver,
            _ => null,
        };
        var detail = new List<string> { $"container {status.Name}: limit {limit}, request {request}" };
        if (spark is not null)
        {
            detail.Add($"Spark asks for: {spark}");
        }

        var fix = role == "executor"
            ? "Raise spark.executor.memoryOverhead (off-heap, Python, shuffle buffers) or lower spark.executor.memory so heap + overhead fits the limit; for Python UDFs set spark.executor.pyspark.memory."
            : role is "connect" or "driver"
                ? "Raise connect.resources.limits.memory together with spark.driver.memory + overhead, or lower spark.driver.memory; collect()/toPandas() of large results also land here."
                : "Raise the container's memory limit in values, or lower its heap settings so heap + native memory fit.";
        return new DoctorFinding("DOC024", DoctorSeverity.Error, $"Pod/{pod.Metadata.Name}",
            $"container {status.Name} was OOMKilled (exit code 137) with a memory limit of {limit}{(status.RestartCount > 0 ? $", {status.RestartCount.ToString(CultureInfo.InvariantCulture)} restarts" : string.Empty)}.",
            fix, Runbooks.OomKilled, detail);
    }

    private static bool IsReady(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private static string Requests(V1Pod pod)
    {
        decimal cpu = 0, memoryBytes = 0;
        foreach (var c in pod.Spec?.Containers ?? [])
        {
            if (c.Resources?.Requests is { } requests)
            {
                cpu += requests.TryGetValue("cpu", out var q) && KubeQuantity.TryParse(q.ToString(), out var v) ? v : 0;
                memoryBytes += requests.TryGetValue("memory", out var m) && KubeQuantity.TryParse(m.ToString(), out var b) ? b : 0;
            }
        }

        return $"{KubeQuantity.FormatCpu(cpu)} CPU, {KubeQuantity.FormatBytes(memoryBytes)}";
    }

    private static string Shorten(string? text) => text is null ? string.Empty : text.Length <= 300 ? text : text[..300] + " ...";
}
