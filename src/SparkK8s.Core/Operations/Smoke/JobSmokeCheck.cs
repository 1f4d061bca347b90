using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations.Kubernetes;

namespace SparkK8s.Core.Operations.Smoke;

/// <summary>A job of the release that smoke can run a copy of: a submit Job (or CronJob) or an operator SparkApplication.</summary>
/// <param name="JobName">the jobs: key (label spark-k8s.io/job).</param>
/// <param name="Backend">"submit", or the operator flavour "kubeflow" / "apache".</param>
public sealed record JobTemplate(string JobName, string Backend, string SourceKind, string SourceName, bool Scheduled, V1ObjectMeta? JobMetadata, V1PodTemplateSpec? PodTemplate, JsonObject? ApplicationSpec, IDictionary<string, string>? Labels);

/// <summary>
/// SMOKE009: submits a copy of one of the release's jobs under a unique name and waits for it to finish. A submit job is
/// a Kubernetes Job whose pod runs spark-submit (templates/jobs/submit.yaml); an operator job is a SparkApplication of
/// kubeflow/spark-operator (sparkoperator.k8s.io/v1beta2, .status.applicationState.state, api/v1beta2/sparkapplication_types.go)
/// or apache/spark-kubernetes-operator (spark.apache.org/v1, .status.currentState.currentStateSummary,
/// spark-operator-api/.../status/ApplicationStateSummary.java). The copy's driver pod carries the label
/// <see cref="RunLabel"/> (spark.kubernetes.driver.label.*), so a failure can show the driver's terminal state and last
/// log lines. What smoke created is deleted whatever happened (also on Ctrl-C).
/// </summary>
public sealed class JobSmokeCheck(KubeApi api, ReleaseTarget target, SmokeOptions options, TimeProvider? time = null)
{
    public const string RunLabel = "spark-k8s.io/smoke-run";
    public const string JobLabel = "spark-k8s.io/job";
    public const string DriverContainer = "spark-kubernetes-driver";
    public const int LogLines = 20;

    public static readonly CustomResource KubeflowApplications = new("sparkoperator.k8s.io", "v1beta2", "sparkapplications", "SparkApplication");
    public static readonly CustomResource KubeflowScheduled = new("sparkoperator.k8s.io", "v1beta2", "scheduledsparkapplications", "ScheduledSparkApplication");
    public static readonly CustomResource ApacheApplications = new("spark.apache.org", "v1", "sparkapplications", "SparkApplication");

    /// <summary>Controller-set labels of a Job's pod template that a new Job must not carry (the API server sets its own).</summary>
    private static readonly string[] ControllerLabels = ["controller-uid", "job-name", "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name"];

    /// <summary>kubeflow ApplicationStateType values that end a run.</summary>
    private static readonly HashSet<string> KubeflowFailed = new(StringComparer.Ordinal) { "FAILED", "SUBMISSION_FAILED" };

    /// <summary>apache ApplicationStateSummary.failures.</summary>
    private static readonly HashSet<string> ApacheFailed = new(StringComparer.Ordinal)
    {
        "DriverStartTimedOut", "ExecutorsStartTimedOut", "SchedulingFailure", "DriverEvicted", "Failed", "DriverReadyTimedOut",
    };

    private readonly TimeProvider clock = time ?? TimeProvider.System;

    private string Selector(string component) => $"{ReleaseCluster.InstanceLabel}={target.Release},{ReleaseCluster.ComponentLabel}={component}";

    /// <summary>The release's jobs smoke can copy, one-shot jobs first, then by name.</summary>
    public async Task<IReadOnlyList<JobTemplate>> TemplatesAsync(CancellationToken ct)
    {
        var found = new List<JobTemplate>();
        var ns = target.Namespace;
        foreach (var job in await api.ListJobsAsync(ns, Selector("job-submitter"), ct).ConfigureAwait(false))
        {
            if (job.Metadata.Labels?.ContainsKey(RunLabel) == true || job.Metadata.OwnerReferences is { Count: > 0 } || job.Spec?.Template is null)
            {
                continue;
            }

            found.Add(new JobTemplate(JobNameOf(job.Metadata.Labels, job.Metadata.Name), "submit", "Job", job.Metadata.Name, false, job.Metadata, job.Spec.Template, null, null));
        }

        foreach (var cron in await api.ListCronJobsAsync(ns, Selector("job-submitter"), ct).ConfigureAwait(false))
        {
            if (cron.Spec?.JobTemplate?.Spec?.Template is { } template)
            {
                found.Add(new JobTemplate(JobNameOf(cron.Metadata.Labels, cron.Metadata.Name), "submit", "CronJob", cron.Metadata.Name, true, cron.Metadata, template, null, null));
            }
        }

        foreach (var (resource, flavour) in new[] { (KubeflowApplications, "kubeflow"), (ApacheApplications, "apache") })
        {
            foreach (var app in await api.ListCustomObjectsAsync(resource, ns, Selector("job-application"), ct).ConfigureAwait(false))
            {
                var labels = Labels(app);
                if (labels.ContainsKey(RunLabel) || app["metadata"]?["ownerReferences"] is JsonArray { Count: > 0 } || app["spec"] is not JsonObject spec)
                {
                    continue;
                }

                var name = (string?)app["metadata"]?["name"] ?? "?";
                found.Add(new JobTemplate(JobNameOf(labels, name), flavour, resource.Kind, name, false, null, null, spec, labels));
            }
        }

        foreach (var scheduled in await api.ListCustomObjectsAsync(KubeflowScheduled, ns, Selector("job-application"), ct).ConfigureAwait(false))
        {
            if (scheduled["spec"]?["template"] is JsonObject spec)
            {
                var labels = Labels(scheduled);
                var name = (string?)scheduled["metadata"]?["name"] ?? "?";
                found.Add(new JobTemplate(JobNameOf(labels, name), "kubeflow", KubeflowScheduled.Kind, name, true, null, null, spec, labels));
            }
        }

        return found.OrderBy(t => t.Scheduled).ThenBy(t => t.JobName, StringComparer.Ordinal).ToList();
    }

    public static string UnknownJob(ReleaseTarget target, string job, IReadOnlyList<JobTemplate> templates) =>
        templates.Count == 0
            ? $"--job: release '{target.Release}' has no submit or operator job, so there is no job '{job}'; leave --job out."
            : $"--job: release '{target.Release}' has no job '{job}'; its jobs are: {string.Join(", ", templates.Select(t => t.JobName).Distinct())}.";

    /// <summary>Runs the check; returns the detail line, throws <see cref="OperationFailedException"/> with the reason.</summary>
    public async Task<string> RunAsync(CancellationToken ct)
    {
        var templates = await TemplatesAsync(ct).ConfigureAwait(false);
        if (templates.Count == 0)
        {
            throw new ComponentSkippedException($"skipped: release '{target.Release}' has no submit or operator job (jobs: in the values)");
        }

        var chosen = options.Job is null
            ? templates[0]
            : templates.FirstOrDefault(t => t.JobName == options.Job)
                ?? throw new UserInputException(UnknownJob(target, options.Job, templates));
        var name = RunName();
        var watch = Stopwatch.StartNew();
        var outcome = string.Empty;
        Exception? failure = null;
        try
        {
            outcome = chosen.Backend == "submit"
                ? await RunSubmitAsync(chosen, name, ct).ConfigureAwait(false)
                : await RunOperatorAsync(chosen, name, ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        // Always, whatever happened (also after Ctrl-C): delete what this run created.
        var cleanupProblem = await CleanUpAsync(chosen, name).ConfigureAwait(false);
        if (failure is OperationFailedException failed && cleanupProblem is not null)
        {
            throw new OperationFailedException($"{failed.Message}; {cleanupProblem}", failed);
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        if (cleanupProblem is not null)
        {
            throw new OperationFailedException($"{outcome}, but {cleanupProblem}");
        }

        return $"{outcome} in {watch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s; deleted again";
    }

    private string RunName()
    {
        var stamp = clock.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        return $"spark-k8s-smoke-{stamp}-{Guid.NewGuid().ToString("N")[..6]}";
    }

    private string CreatedName { get; set; } = string.Empty;

    private bool Created { get; set; }

    private async Task<string> RunSubmitAsync(JobTemplate template, string name, CancellationToken ct)
    {
        var pod = KubernetesJson.Deserialize<V1PodTemplateSpec>(KubernetesJson.Serialize(template.PodTemplate!));
        pod.Metadata ??= new V1ObjectMeta();
        pod.Metadata.Labels = WithoutControllerLabels(pod.Metadata.Labels);
        pod.Metadata.Labels[RunLabel] = name;
        var container = pod.Spec.Containers.FirstOrDefault(c => c.Name == "spark-submit") ?? pod.Spec.Containers[0];
        container.Args = [.. DriverLabelArgs(name), .. container.Args ?? []];
        var labels = WithoutControllerLabels(template.JobMetadata?.Labels);
        labels[RunLabel] = name;
        var job = new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = target.Namespace, Labels = labels },
            Spec = new V1JobSpec
            {
                BackoffLimit = 0,
                TtlSecondsAfterFinished = 3600,
                ActiveDeadlineSeconds = (long)Math.Ceiling(options.JobTimeout.TotalSeconds),
                Template = pod,
            },
        };
        await api.CreateJobAsync(target.Namespace, job, ct).ConfigureAwait(false);
        Created = true;
        CreatedName = name;
        var what = $"Job {name} (a copy of {template.SourceKind} {template.SourceName}, job '{template.JobName}')";
        var last = "not started";
        return await WaitAsync(what, () => last, async token =>
        {
            var current = await api.ReadJobAsync(target.Namespace, name, token).ConfigureAwait(false)
                ?? throw new OperationFailedException($"{what} disappeared while smoke watched it (deleted by someone else?)");
            var conditions = current.Status?.Conditions ?? [];
            if (conditions.Any(c => c.Type == "Complete" && c.Status == "True") || current.Status?.Succeeded > 0)
            {
                return $"{what} completed";
            }

            if (conditions.FirstOrDefault(c => c.Type is "Failed" && c.Status == "True") is { } failed)
            {
                throw new OperationFailedException($"{what} failed ({failed.Reason}: {failed.Message}){await DriverReportAsync(name, token).ConfigureAwait(false)}");
            }

            if (current.Status?.Failed > 0 && current.Spec?.BackoffLimit is 0)
            {
                throw new OperationFailedException($"{what} failed{await DriverReportAsync(name, token).ConfigureAwait(false)}");
            }

            last = current.Status?.Active > 0 ? "running" : "pending";
            return null;
        }, ct).ConfigureAwait(false);
    }

    private async Task<string> RunOperatorAsync(JobTemplate template, string name, CancellationToken ct)
    {
        var resource = template.Backend == "kubeflow" ? KubeflowApplications : ApacheApplications;
        var spec = (JsonObject)template.ApplicationSpec!.DeepClone();
        var conf = spec["sparkConf"] as JsonObject ?? [];
        spec["sparkConf"] = conf;
        conf[$"spark.kubernetes.driver.label.{RunLabel}"] = name;
        var labels = new JsonObject(WithoutControllerLabels(template.Labels).Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));
        labels[RunLabel] = name;
        var body = new JsonObject
        {
            ["apiVersion"] = resource.ApiVersion,
            ["kind"] = resource.Kind,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = target.Namespace, ["labels"] = labels },
            ["spec"] = spec,
        };
        await api.CreateCustomObjectAsync(resource, target.Namespace, body, ct).ConfigureAwait(false);
        Created = true;
        CreatedName = name;
        var what = $"SparkApplication {name} ({resource.ApiVersion}, a copy of {template.SourceKind} {template.SourceName}, job '{template.JobName}')";
        var last = "no status yet";
        return await WaitAsync(what, () => last, async token =>
        {
            var current = await api.ReadCustomObjectAsync(resource, target.Namespace, name, token).ConfigureAwait(false)
                ?? throw new OperationFailedException($"{what} disappeared while smoke watched it (deleted by someone else?)");
            var (state, message, succeeded) = template.Backend == "kubeflow" ? KubeflowState(current) : ApacheState(current);
            last = state.Length == 0 ? "no status yet (is the operator running and watching this namespace?)" : state;
            return succeeded switch
            {
                true => $"{what} reached {state}",
                false => throw new OperationFailedException($"{what} ended {state}{(message is { Length: > 0 } ? $": {message}" : string.Empty)}{await DriverReportAsync(name, token).ConfigureAwait(false)}"),
                null => null,
            };
        }, ct).ConfigureAwait(false);
    }

    /// <summary>kubeflow: .status.applicationState.{state,errorMessage}; COMPLETED passes, FAILED and SUBMISSION_FAILED fail.</summary>
    internal static (string State, string? Message, bool? Succeeded) KubeflowState(JsonObject app)
    {
        var state = (string?)app["status"]?["applicationState"]?["state"] ?? string.Empty;
        var message = (string?)app["status"]?["applicationState"]?["errorMessage"];
        return (state, message, state == "COMPLETED" ? true : KubeflowFailed.Contains(state) ? false : null);
    }

    /// <summary>
    /// apache: .status.currentState.{currentStateSummary,message}. Succeeded passes and a state of
    /// ApplicationStateSummary.failures fails; the terminal ResourceReleased / TerminatedWithoutReleaseResources is decided
    /// by the stateTransitionHistory (a Succeeded in it passes).
    /// </summary>
    internal static (string State, string? Message, bool? Succeeded) ApacheState(JsonObject app)
    {
        var state = (string?)app["status"]?["currentState"]?["currentStateSummary"] ?? string.Empty;
        var message = (string?)app["status"]?["currentState"]?["message"];
        if (state == "Succeeded")
        {
            return (state, message, true);
        }

        if (ApacheFailed.Contains(state))
        {
            return (state, message, false);
        }

        if (state is "ResourceReleased" or "TerminatedWithoutReleaseResources")
        {
            var history = (app["status"]?["stateTransitionHistory"] as JsonObject)?
                .Select(entry => (string?)entry.Value?["currentStateSummary"]).ToList() ?? [];
            return (state, message, history.Contains("Succeeded"));
        }

        return (state, message, null);
    }

    /// <summary>Polls <paramref name="poll"/> (null = not finished) until it finishes or --job-timeout passes.</summary>
    private async Task<string> WaitAsync(string what, Func<string> lastState, Func<CancellationToken, Task<string?>> poll, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(options.JobTimeout);
        try
        {
            while (true)
            {
                if (await poll(limit.Token).ConfigureAwait(false) is { } done)
                {
                    return done;
                }

                await Task.Delay(options.PollInterval, clock, limit.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or OperationFailedException && limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            using var report = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            throw new OperationFailedException(
                $"{what} did not finish within {SmokeChecks.FormatDuration(options.JobTimeout)} (last state: {lastState()}){await DriverReportAsync(CreatedName, report.Token).ConfigureAwait(false)}; raise --job-timeout if the cluster is slow");
        }
    }

    /// <summary>"; driver pod X: terminated Error (exit 1); last log lines: ..." or empty when there is no driver pod.</summary>
    private async Task<string> DriverReportAsync(string name, CancellationToken ct)
    {
        try
        {
            var pods = await api.ListPodsAsync(target.Namespace, $"{RunLabel}={name},spark-role=driver", ct).ConfigureAwait(false);
            var driver = pods.OrderByDescending(p => p.Metadata.CreationTimestamp).FirstOrDefault();
            if (driver is null)
            {
                return "; no driver pod was created (see the submitter's or the operator's log)";
            }

            var status = driver.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == DriverContainer) ?? driver.Status?.ContainerStatuses?.FirstOrDefault();
            var terminated = status?.State?.Terminated;
            var state = terminated is not null
                ? $"terminated {terminated.Reason ?? "?"} (exit {terminated.ExitCode.ToString(CultureInfo.InvariantCulture)})"
                : status?.State?.Waiting is { } waiting ? $"waiting {waiting.Reason}" : driver.Status?.Phase ?? "unknown";
            var log = await api.ReadLogTailAsync(target.Namespace, driver.Metadata.Name, status?.Name ?? DriverContainer, LogLines, previous: false, ct).ConfigureAwait(false);
            var lines = (log ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return $"; driver pod {driver.Metadata.Name}: {state}{(lines.Length == 0 ? string.Empty : $"; last log lines: {string.Join(" | ", lines)}")}";
        }
        catch (OperationFailedException ex)
        {
            return $"; the driver pod could not be read ({ex.Message.TrimEnd('.')})";
        }
    }

    /// <summary>Deletes what this run created, with its own time limit so that it runs after Ctrl-C too.</summary>
    private async Task<string?> CleanUpAsync(JobTemplate template, string name)
    {
        if (!Created)
        {
            return null;
        }

        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            if (template.Backend == "submit")
            {
                await api.DeleteJobAsync(target.Namespace, name, cleanup.Token).ConfigureAwait(false);
            }
            else
            {
                await api.DeleteCustomObjectAsync(template.Backend == "kubeflow" ? KubeflowApplications : ApacheApplications, target.Namespace, name, cleanup.Token).ConfigureAwait(false);
            }

            return null;
        }
        catch (Exception ex) when (ex is OperationFailedException or OperationCanceledException)
        {
            var kind = template.Backend == "submit" ? "job" : "sparkapplication";
            return $"smoke could not delete the {kind} {name} it created ({ex.Message.TrimEnd('.')}); delete it with kubectl delete {kind} {name} -n {target.Namespace}";
        }
    }

    /// <summary>--conf spark.kubernetes.driver.label.* for spark-submit: the driver pod of this run is found by it.</summary>
    private static string[] DriverLabelArgs(string name) => ["--conf", $"spark.kubernetes.driver.label.{RunLabel}={name}"];

    private static Dictionary<string, string> WithoutControllerLabels(IDictionary<string, string>? labels) =>
        (labels ?? new Dictionary<string, string>()).Where(l => !ControllerLabels.Contains(l.Key) && l.Key != RunLabel).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);

    private static Dictionary<string, string> Labels(JsonObject item) =>
        (item["metadata"]?["labels"] as JsonObject)?.Where(l => l.Value is JsonValue).ToDictionary(l => l.Key, l => l.Value!.ToString(), StringComparer.Ordinal) ?? [];

    private static string JobNameOf(IDictionary<string, string>? labels, string objectName) =>
        labels?.TryGetValue(JobLabel, out var job) == true ? job : objectName;
}
