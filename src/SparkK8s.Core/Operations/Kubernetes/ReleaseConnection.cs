using SparkK8s.Core.Connect;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations.History;

namespace SparkK8s.Core.Operations.Kubernetes;

/// <summary>
/// Everything `smoke` and `load` need from a release, opened once: the port-forward to the ready Connect pod with the
/// token from the release's Secret, a Spark Connect client over it, and (when the release has a ready History
/// Server, or <paramref name="historyUrl"/> is given) a History Server client.
/// </summary>
public sealed class ReleaseConnection : IAsyncDisposable
{
    public const string ConnectComponent = "connect";
    public const string HistoryComponent = "history-server";

    private readonly HttpClient http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private PortForward? connectForward;
    private PortForward? historyForward;

    private ReleaseConnection(ReleaseCluster cluster) => Cluster = cluster;

    public ReleaseCluster Cluster { get; }
    public SparkConnectClient Client { get; private set; } = null!;
    public HistoryServerClient? History { get; private set; }

    /// <summary>Why <see cref="History"/> is null.</summary>
    public string HistorySkipReason { get; private set; } = string.Empty;

    /// <summary>The endpoint as reported: the loopback port and the pod it leads to.</summary>
    public string Endpoint { get; private set; } = string.Empty;

    public static async Task<ReleaseConnection> OpenAsync(ReleaseTarget target, Uri? historyUrl, Func<ReleaseTarget, ReleaseCluster>? clusterFactory, CancellationToken cancellationToken)
    {
        var cluster = (clusterFactory ?? ReleaseCluster.Open)(target);
        var connection = new ReleaseConnection(cluster);
        try
        {
            await connection.ConnectAsync(target, historyUrl, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.ReleaseSessionAsync().ConfigureAwait(false);
            await Client.DisposeAsync().ConfigureAwait(false);
        }

        if (historyForward is not null)
        {
            await historyForward.DisposeAsync().ConfigureAwait(false);
        }

        if (connectForward is not null)
        {
            await connectForward.DisposeAsync().ConfigureAwait(false);
        }

        http.Dispose();
        Cluster.Dispose();
    }

    private async Task ConnectAsync(ReleaseTarget target, Uri? historyUrl, CancellationToken cancellationToken)
    {
        await Cluster.EnsureNamespaceAsync(cancellationToken).ConfigureAwait(false);
        var connectPod = await Cluster.ReadyPodAsync(ConnectComponent, cancellationToken).ConfigureAwait(false);
        var token = await Cluster.ConnectTokenAsync(connectPod, cancellationToken).ConfigureAwait(false);
        connectForward = Cluster.Forward(connectPod, ReleaseCluster.ContainerPort(connectPod, "grpc", ConnectionString.DefaultPort));
        var endpoint = ConnectionString.Loopback(connectForward.LocalPort, token);
        Client = new SparkConnectClient(endpoint);
        Endpoint = $"{endpoint.Endpoint} (port-forward to pod/{connectPod.Metadata.Name} in {target.Namespace})";

        HistorySkipReason = $"skipped: release '{target.Release}' has no History Server (historyServer.enabled=false)";
        if (historyUrl is not null)
        {
            History = new HistoryServerClient(http, historyUrl);
        }
        else if (await Cluster.HasComponentAsync(HistoryComponent, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var historyPod = await Cluster.ReadyPodAsync(HistoryComponent, cancellationToken).ConfigureAwait(false);
                historyForward = Cluster.Forward(historyPod, ReleaseCluster.ContainerPort(historyPod, "http", 18080));
                History = new HistoryServerClient(http, new Uri($"http://127.0.0.1:{historyForward.LocalPort}/"));
            }
            catch (ComponentMissingException ex)
            {
                HistorySkipReason = $"not checked: {ex.Message}";
            }
        }
    }
}
