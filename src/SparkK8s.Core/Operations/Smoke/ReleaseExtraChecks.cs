using System.Diagnostics;
using System.Text;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations.Doctor;
using SparkK8s.Core.Operations.Kubernetes;

namespace SparkK8s.Core.Operations.Smoke;

/// <summary>
/// The smoke checks of a release that do not go through Spark Connect: SMOKE009 (a copy of one of its submit or operator
/// jobs submitted and completed) and SMOKE010 (its Airflow example DAGs triggered and completed). Each is timed, skipped
/// with the reason when the release lacks the component, and failed with the reason otherwise.
/// </summary>
public sealed class ReleaseExtraChecks(ReleaseCluster cluster, ReleaseTarget target, SmokeOptions options)
{
    public const string AirflowComponent = "airflow-api-server";
    public const string JobName = "a job submitted and completed";
    public const string AirflowName = "an Airflow DAG triggered and completed";

    /// <summary>The admin Secret of the contract: &lt;fullname&gt;-airflow-admin, keys username and password.</summary>
    public static string AdminSecret(string release) => $"{ReleaseNames.Fullname(release)}-airflow-admin";

    /// <summary>The api-server pods' annotation naming the admin Secret (set by the chart; airflow.admin.existingSecret renames it).</summary>
    public const string AdminSecretAnnotation = "spark-k8s.io/airflow-admin-secret";

    /// <summary>The admin Secret a pod names in its annotation, else the contract's default name.</summary>
    public static string AdminSecret(string release, k8s.Models.V1Pod? pod) =>
        pod?.Metadata?.Annotations?.TryGetValue(AdminSecretAnnotation, out var name) == true && !string.IsNullOrWhiteSpace(name)
            ? name
            : AdminSecret(release);

    /// <summary>For `smoke --connect`: both checks need the release on the cluster.</summary>
    public static IReadOnlyList<CheckResult> SkippedWithoutRelease(IProgress<CheckResult>? progress)
    {
        CheckResult[] checks =
        [
            new(SmokeCheckIds.Job, JobName, CheckOutcome.Skipped, TimeSpan.Zero, "skipped: needs --release (the jobs are the release's)"),
            new(SmokeCheckIds.Airflow, AirflowName, CheckOutcome.Skipped, TimeSpan.Zero, "skipped: needs --release (the admin Secret is the release's)"),
        ];
        foreach (var check in checks)
        {
            progress?.Report(check);
        }

        return checks;
    }

    public async Task<IReadOnlyList<CheckResult>> RunAsync(IProgress<CheckResult>? progress, CancellationToken ct)
    {
        var api = cluster.Session.Api;
        var job = await TimedAsync(SmokeCheckIds.Job, JobName, token => new JobSmokeCheck(api, target, options).RunAsync(token), ct).ConfigureAwait(false);
        progress?.Report(job);
        var airflow = await TimedAsync(SmokeCheckIds.Airflow, AirflowName, AirflowAsync, ct).ConfigureAwait(false);
        progress?.Report(airflow);
        return [job, airflow];
    }

    private async Task<string> AirflowAsync(CancellationToken ct)
    {
        if (options.AirflowUrl is null && !await cluster.HasComponentAsync(AirflowComponent, ct).ConfigureAwait(false))
        {
            throw new ComponentSkippedException($"skipped: release '{target.Release}' has no Airflow (airflow.enabled=false)");
        }

        // The api-server pod port-forwarded to names the admin Secret in its annotation.
        var pod = options.AirflowUrl is null ? await cluster.ReadyPodAsync(AirflowComponent, ct).ConfigureAwait(false) : null;
        var secretName = AdminSecret(target.Release, pod);
        var secret = await cluster.Session.Api.ReadSecretAsync(target.Namespace, secretName, ct).ConfigureAwait(false)
            ?? throw new OperationFailedException($"the Airflow admin Secret {secretName} does not exist in namespace '{target.Namespace}' (keys username and password; with secrets.provider it is synced by the provider: check its status).");
        string Key(string key) => secret.Data?.TryGetValue(key, out var bytes) == true && bytes.Length > 0
            ? Encoding.UTF8.GetString(bytes).Trim()
            : throw new OperationFailedException($"the Airflow admin Secret {secretName} has no key '{key}' (the chart's keys are username and password).");
        var username = Key("username");
        var password = Key("password");

        PortForward? forward = null;
        try
        {
            Uri url;
            if (options.AirflowUrl is { } given)
            {
                url = given;
            }
            else if (pod is { Metadata.Name: { Length: > 0 }, Spec.Containers: not null })
            {
                // What `kubectl port-forward svc/<fullname>-airflow-api-server` does: a ready pod behind the Service, its http port.
                forward = cluster.Forward(pod, ReleaseCluster.ContainerPort(pod, "http", 8080));
                url = new Uri($"http://127.0.0.1:{forward.LocalPort}/");
            }
            else
            {
                throw new OperationFailedException(
                    $"the Kubernetes API returned the {AirflowComponent} pod of release '{target.Release}' in namespace '{target.Namespace}' without a name or containers, so it cannot be port-forwarded to; pass --airflow-url to reach the API server directly.");
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            return await new AirflowSmokeCheck(new AirflowApiClient(http, url), options).RunAsync(username, password, $"Secret {secretName}", ct).ConfigureAwait(false);
        }
        finally
        {
            if (forward is not null)
            {
                await forward.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<CheckResult> TimedAsync(string id, string name, Func<CancellationToken, Task<string>> check, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            return new CheckResult(id, name, CheckOutcome.Passed, watch.Elapsed, await check(ct).ConfigureAwait(false)) with { Duration = watch.Elapsed };
        }
        catch (ComponentSkippedException ex)
        {
            return new CheckResult(id, name, CheckOutcome.Skipped, watch.Elapsed, ex.Message);
        }
        catch (OperationFailedException ex) when (!ct.IsCancellationRequested)
        {
            return new CheckResult(id, name, CheckOutcome.Failed, watch.Elapsed, ex.Message);
        }
        catch (HttpRequestException ex) when (!ct.IsCancellationRequested)
        {
            return new CheckResult(id, name, CheckOutcome.Failed, watch.Elapsed, $"the request failed ({ex.Message.TrimEnd('.')})");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new CheckResult(id, name, CheckOutcome.Failed, watch.Elapsed, "a request got no answer within 60 s");
        }
    }
}
