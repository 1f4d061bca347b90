using SparkK8s.Core.Connect;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Operations.History;
using SparkK8s.Core.Operations.Kubernetes;

namespace SparkK8s.Core.Operations.Smoke;

/// <summary>`smoke --connect sc://...`: a direct endpoint, the History Server from --history-url if given.</summary>
public static class EndpointSmoke
{
    public static async Task<SmokeReport> RunAsync(ConnectionString endpoint, SmokeOptions options, IProgress<CheckResult>? progress, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var history = options.HistoryUrl is null ? null : new HistoryServerClient(http, options.HistoryUrl);
        await using var client = new SparkConnectClient(endpoint);
        try
        {
            var report = await new SmokeChecks(client, options, executors: null, history, "skipped: no --history-url given (with --release the History Server is found and port-forwarded)")
                .RunAsync(progress, cancellationToken).ConfigureAwait(false);
            return report with { Checks = [.. report.Checks, .. ReleaseExtraChecks.SkippedWithoutRelease(progress)] };
        }
        finally
        {
            await client.ReleaseSessionAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>
/// `smoke --release R -n NS`: port-forwards to the release's ready Connect pod (and History Server pod, when the
/// release has one) through the Kubernetes API, reads the Connect token from the release's Secret, and watches the
/// executor pods while the range runs. This is the <see cref="ISmokeRunner"/> that `up` and `upgrade-test` call.
/// </summary>
public sealed class ReleaseSmokeRunner(SmokeOptions options) : ISmokeRunner
{
    public ReleaseSmokeRunner()
        : this(new SmokeOptions())
    {
    }

    /// <summary>For tests: the cluster is built from this instead of the kubeconfig.</summary>
    public Func<ReleaseTarget, ReleaseCluster>? ClusterFactory { get; init; }

    public async Task<SmokeReport> RunAsync(ReleaseTarget target, IProgress<CheckResult>? progress, CancellationToken cancellationToken)
    {
        var factory = ClusterFactory ?? ReleaseCluster.Open;
        using (var cluster = factory(target))
        {
            await cluster.EnsureNamespaceAsync(cancellationToken).ConfigureAwait(false);
            var jobs = await new JobSmokeCheck(cluster.Session.Api, target, options).TemplatesAsync(cancellationToken).ConfigureAwait(false);
            if (options.Job is { } wanted && jobs.All(j => j.JobName != wanted))
            {
                // Before any check runs: a usage error, not a failed check after minutes of Connect checks.
                throw new UserInputException(JobSmokeCheck.UnknownJob(target, wanted, jobs));
            }

            if (!await cluster.HasComponentAsync(ReleaseConnection.ConnectComponent, cancellationToken).ConfigureAwait(false))
            {
                // A batch release (submit or operator jobs, maybe Airflow) without Spark Connect: its own checks still run.
                var hasJobs = jobs.Count > 0;
                if (!hasJobs && !await cluster.HasComponentAsync(ReleaseExtraChecks.AirflowComponent, cancellationToken).ConfigureAwait(false))
                {
                    _ = await cluster.ReadyPodAsync(ReleaseConnection.ConnectComponent, cancellationToken).ConfigureAwait(false);
                }

                var skipped = SmokeChecks.ConnectChecks
                    .Select(c => new CheckResult(c.Id, c.Name, CheckOutcome.Skipped, TimeSpan.Zero, $"skipped: release '{target.Release}' has no Spark Connect (connect.enabled=false)"))
                    .ToList();
                foreach (var check in skipped)
                {
                    progress?.Report(check);
                }

                var extra = await new ReleaseExtraChecks(cluster, target, options).RunAsync(progress, cancellationToken).ConfigureAwait(false);
                return new SmokeReport($"release {target.Release} in {target.Namespace} (no Spark Connect)", [.. skipped, .. extra]);
            }
        }

        await using var connection = await ReleaseConnection.OpenAsync(target, options.HistoryUrl, ClusterFactory, cancellationToken).ConfigureAwait(false);
        var report = await new SmokeChecks(connection.Client, options, new ClusterExecutorPods(connection.Cluster), connection.History, connection.HistorySkipReason)
            .RunAsync(progress, cancellationToken).ConfigureAwait(false);
        var more = await new ReleaseExtraChecks(connection.Cluster, target, options).RunAsync(progress, cancellationToken).ConfigureAwait(false);

        // The endpoint people know is the pod, not the temporary loopback port alone.
        return report with { Endpoint = connection.Endpoint, Checks = [.. report.Checks, .. more] };
    }

    private sealed class ClusterExecutorPods(ReleaseCluster cluster) : IExecutorPods
    {
        public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) => cluster.ExecutorPodsAsync(cancellationToken);
    }
}
