using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using k8s;

namespace SparkK8s.Core.Kubernetes;

/// <summary>
/// A loopback TCP port forwarded to a pod's port through the Kubernetes API (the WebSocket port-forward
/// subresource, subprotocol v4.channel.k8s.io), like `kubectl port-forward`: one WebSocket per accepted connection,
/// data on channel 0, errors on channel 1 (the framing of the kubelet's port-forward WebSocket protocol). Nothing listens beyond 127.0.0.1.
/// The one port-forward of the CLI: `smoke` and `load` talk gRPC and HTTP through it, doctor's probe sends one request.
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
    private const byte DataChannel = 0;
    private const byte ErrorChannel = 1;
    private const int DataChannelBufferSize = 64 * 1024;

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

    /// <summary>
    /// Why the last connection ended early, in words: the kubelet's message on the error channel (e.g. connection
    /// refused) or the port-forward request that failed; null while nothing went wrong.
    /// </summary>
    public string? LastError { get; private set; }
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
                await using var local = new NetworkStream(socket, ownsSocket: false);
                using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var upstream = UpstreamAsync(local, webSocket, done.Token);
                var downstream = DownstreamAsync(webSocket, local, error => LastError = $"pod {pod} port {remotePort}: {error}", done.Token);
                await Task.WhenAny(upstream, downstream).ConfigureAwait(false);
                await done.CancelAsync().ConfigureAwait(false);
                if (webSocket.State == WebSocketState.Open)
                {
                    using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await webSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, closing.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped.
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or WebSocketException or HttpRequestException
                or k8s.Autorest.HttpOperationException or k8s.Exceptions.KubeConfigException)
            {
                // The client sees the connection close; LastError says why for callers that report it.
                LastError = $"the port-forward to pod {pod} port {remotePort} failed ({ex.Message.Split('\n', 2)[0].Trim().TrimEnd('.')})";
            }
        }
    }

    /// <summary>Local bytes to the pod: frames of [channel 0][data].</summary>
    private static async Task UpstreamAsync(NetworkStream local, WebSocket webSocket, CancellationToken cancellationToken)
    {
        var buffer = new byte[DataChannelBufferSize + 1];
        buffer[0] = DataChannel;
        int read;
        while ((read = await local.ReadAsync(buffer.AsMemory(1), cancellationToken).ConfigureAwait(false)) > 0)
        {
            await webSocket.SendAsync(buffer.AsMemory(0, read + 1), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The pod's bytes to the local socket. The API server opens each channel with a frame carrying the port (two
    /// bytes, little-endian), then sends [channel][data] frames; channel 1 carries errors (the kubelet could not
    /// connect to the port), which end the connection.
    /// </summary>
    private static async Task DownstreamAsync(WebSocket webSocket, NetworkStream local, Action<string> onError, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024 * 1024];
        var portBytesLeft = new Dictionary<byte, int> { [DataChannel] = 2, [ErrorChannel] = 2 };
        while (true)
        {
            var result = await webSocket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            var channel = buffer[0];
            var offset = 1;
            var count = result.Count - 1;
            while (true)
            {
                if (portBytesLeft.TryGetValue(channel, out var skip) && skip > 0)
                {
                    var skipped = Math.Min(skip, count);
                    portBytesLeft[channel] = skip - skipped;
                    offset += skipped;
                    count -= skipped;
                }

                if (count > 0 && channel == ErrorChannel)
                {
                    onError(System.Text.Encoding.UTF8.GetString(buffer, offset, count).Trim().Split('\n', 2)[0]);
                    return;
                }

                if (count > 0 && channel == DataChannel)
                {
                    await local.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false);
                }

                if (result.EndOfMessage)
                {
                    break;
                }

                result = await webSocket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                offset = 0;
                count = result.Count;
            }
        }
    }
}
