using System.Net;
using System.Net.Sockets;
using k8s;

namespace SparkK8s.Core.Operations.Kubernetes;

/// <summary>
/// A loopback TCP port forwarded to a pod's port through the Kubernetes API (the WebSocket port-forward
/// subresource, subprotocol v4.channel.k8s.io), like `kubectl port-forward`: one WebSocket per accepted connection,
/// data on channel 0. Nothing listens beyond 127.0.0.1.
/// </summary>
public sealed class PortForward : IAsyncDisposable
{
    private readonly IKubernetes client;
    private readonly string pod;
    private readonly string ns;
    private readonly int remotePort;
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task acceptLoop;

    private PortForward(IKubernetes client, string pod, string ns, int remotePort)
    {
        this.client = client;
        this.pod = pod;
        this.ns = ns;
        this.remotePort = remotePort;
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        LocalPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = AcceptAsync(stopping.Token);
    }

    public int LocalPort { get; }
    public string Description => $"127.0.0.1:{LocalPort} -> pod/{pod}:{remotePort}";

    public static PortForward Start(IKubernetes client, string pod, string ns, int remotePort) => new(client, pod, ns, remotePort);

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        listener.Stop();
        try
        {
            await acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        stopping.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => PipeAsync(socket, cancellationToken), CancellationToken.None);
        }
    }

    private async Task PipeAsync(Socket socket, CancellationToken cancellationToken)
    {
        using (socket)
        {
            try
            {
                using var webSocket = await client.WebSocketNamespacedPodPortForwardAsync(pod, ns, [remotePort], "v4.channel.k8s.io", cancellationToken: cancellationToken).ConfigureAwait(false);
                using var demuxer = new StreamDemuxer(webSocket, StreamType.PortForward);
                demuxer.Start();
                await using var remote = demuxer.GetStream((byte?)0, (byte?)0);
                await using var local = new NetworkStream(socket, ownsSocket: false);
                using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var upstream = local.CopyToAsync(remote, done.Token);
                var downstream = remote.CopyToAsync(local, done.Token);
                await Task.WhenAny(upstream, downstream).ConfigureAwait(false);
                await done.CancelAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Net.WebSockets.WebSocketException or HttpRequestException or k8s.Autorest.HttpOperationException)
            {
                // The client sees the connection close; the caller reports the failed call in its own words.
            }
        }
    }
}
