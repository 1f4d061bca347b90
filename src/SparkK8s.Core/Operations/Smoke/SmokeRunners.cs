using SparkK8s.Core.Connect;
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
            return await new SmokeChecks(client, options, executors: null, history, "skipped: no --history-url given (with --release the History Server is found and port-forwarded)")
                .RunAsync(progress, cancellationToken).ConfigureAwait(false);
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
        await using var connection = await ReleaseConnection.OpenAsync(target, options.HistoryUrl, ClusterFactory, cancellationToken).ConfigureAwait(false);
        var report = await new SmokeChecks(connection.Client, options, new ClusterExecutorPods(connection.Cluster), connection.History, connection.HistorySkipReason)
            .RunAsync(progress, cancellationToken).ConfigureAwait(false);

        // The endpoint people know is the pod, not the temporary loopback port alone.
        return report with { Endpoint = connection.Endpoint };
    }

    private sealed class ClusterExecutorPods(ReleaseCluster cluster) : IExecutorPods
    {
        public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) => cluster.ExecutorPodsAsync(cancellationToken);
    }
}
