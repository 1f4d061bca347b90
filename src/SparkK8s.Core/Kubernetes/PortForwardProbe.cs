using System.Text;
using System.Text.Json;
using System.Net;
using System.Net.Sockets;
using SparkK8s.Core.Operations;
using SparkK8s.Core.Operations.Doctor;

namespace SparkK8s.Core.Kubernetes;

/// <summary>
/// Doctor's network checks through the API server's port-forward (pods/portforward, WebSocket channel protocol
/// v4.channel.k8s.io: channel 0 carries data, channel 1 errors, each starting with the 2-byte port), so they work from a
/// laptop without kubectl; the bytes go through <see cref="PortForward"/>, the same forward `smoke` and `load` use. The pod is a ready endpoint of the Service (its EndpointSlices).
/// </summary>
public sealed class PortForwardProbe(KubeSession session) : IReleaseProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>HTTP/2 client preface and an empty SETTINGS frame (RFC 9113 §3.4); a gRPC server answers with its SETTINGS.</summary>
    private static readonly byte[] Http2Preface = [.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, 0, 0, 0, 4, 0, 0, 0, 0, 0];

    public async Task<ProbeResult> ConnectAsync(ReleaseTarget target, string service, int port, CancellationToken cancellationToken)
    {
        var answer = await ExchangeAsync(target.Namespace, service, port, Http2Preface, cancellationToken).ConfigureAwait(false);
        return answer.Error is not null
            ? new ProbeResult(false, answer.Error)
            : answer.Bytes.Length > 0
                ? new ProbeResult(true, $"{service}:{port} answered ({answer.Bytes.Length} bytes of HTTP/2 through a port-forward to {answer.Pod})")
                : new ProbeResult(false, $"{service}:{port} accepted the port-forward to {answer.Pod} but sent nothing within {Timeout.TotalSeconds:0} s");
    }

    public async Task<ProbeResult> HistoryApplicationsAsync(ReleaseTarget target, string service, int port, CancellationToken cancellationToken)
    {
        // HTTP/1.0 so that the History Server (Jetty) answers without chunked encoding and closes the connection.
        var request = Encoding.ASCII.GetBytes("GET /api/v1/applications HTTP/1.0\r\nHost: localhost\r\nAccept: application/json\r\n\r\n");
        var answer = await ExchangeAsync(target.Namespace, service, port, request, cancellationToken).ConfigureAwait(false);
        if (answer.Error is not null)
        {
            return new ProbeResult(false, answer.Error);
        }

        var text = Encoding.UTF8.GetString(answer.Bytes);
        var body = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var split and >= 0 ? text[(split + 4)..] : string.Empty;
        try
        {
            using var json = JsonDocument.Parse(body);
            var count = json.RootElement.ValueKind == JsonValueKind.Array ? json.RootElement.GetArrayLength() : 0;
            return count > 0
                ? new ProbeResult(true, $"the History Server lists {count} application(s)")
                : new ProbeResult(false, "the History Server lists no application (GET /api/v1/applications returned [])");
        }
        catch (JsonException)
        {
            return new ProbeResult(false, $"GET /api/v1/applications did not return JSON ({text.Split('\n')[0].Trim()})");
        }
    }

    /// <summary>Reads until the stream ends, <paramref name="enough"/> bytes arrived, or the token fires (then what arrived).</summary>
    private static async Task<byte[]> ReadAsync(Stream stream, int enough, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while (received.Length < enough && (read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException)
        {
            // Timed out: keep what arrived; the caller's own token decides about real cancellation.
        }

        return received.ToArray();
    }

    private async Task<(string? Pod, byte[] Bytes, string? Error)> ExchangeAsync(string ns, string service, int port, byte[] request, CancellationToken cancellationToken)
    {
        var api = session.Api;
        var slices = await api.ListEndpointSlicesAsync(ns, service, cancellationToken).ConfigureAwait(false);
        var pod = slices.SelectMany(s => s.Endpoints ?? []).FirstOrDefault(e => e.Conditions?.Ready == true && e.TargetRef?.Kind == "Pod")?.TargetRef.Name;
        if (pod is null)
        {
            return (null, [], $"Service {service} has no ready pod to forward to");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        await using var forward = PortForward.Start(session.Client, pod, ns, port);
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, forward.LocalPort, timeout.Token).ConfigureAwait(false);
            await using var stream = tcp.GetStream();
            await stream.WriteAsync(request, timeout.Token).ConfigureAwait(false);
            var received = await ReadAsync(stream, request == Http2Preface ? 9 : int.MaxValue, timeout.Token).ConfigureAwait(false);

            // Nothing on the data channel: the kubelet said why on the error channel (e.g. connection refused), or the
            // port-forward itself was refused; the forward closes the connection only after recording it.
            return received.Length == 0 && forward.LastError is { } error ? (pod, [], error) : (pod, received, null);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (pod, [], forward.LastError ?? $"the port-forward to pod {pod} port {port} failed ({ex.Message.Split('\n')[0].TrimEnd('.')})");
        }
    }
}
