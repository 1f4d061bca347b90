using System.Net;
using System.Text;
using Prometheus;
using SparkK8s.Core.Cost.Serve;
using SparkK8s.Core.Errors;

namespace SparkK8s.Cli.Serve;

/// <summary>
/// The exporter's HTTP endpoint: <c>/metrics</c> (Prometheus text format), <c>/healthz</c> (the process is alive) and
/// <c>/readyz</c> (200 once a scan has completed, 503 before). It is System.Net.HttpListener rather than Kestrel: the
/// tools image is the plain .NET runtime (no ASP.NET Core shared framework), and HttpListener starts in milliseconds
/// with nothing to configure. prometheus-net's own MetricServer is HttpListener too, but serves /metrics only.
/// </summary>
public sealed class MetricsHttpServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly CollectorRegistry _registry;
    private readonly Func<bool> _ready;

    private MetricsHttpServer(HttpListener listener, CollectorRegistry registry, Func<bool> ready)
    {
        _listener = listener;
        _registry = registry;
        _ready = ready;
    }

    /// <summary>Starts listening; an address in use or not on this host is an <see cref="OperationFailedException"/> naming it.</summary>
    public static MetricsHttpServer Start(ListenAddress address, CollectorRegistry registry, Func<bool> ready)
    {
        var listener = new HttpListener();
        listener.Prefixes.Add(address.Prefix);
        try
        {
            listener.Start();
        }
        catch (HttpListenerException ex)
        {
            listener.Close();
            throw new OperationFailedException($"{ListenAddress.Flag}: cannot listen on {address}: {ex.Message}. Is another process using port {address.Port}? Choose another port with {ListenAddress.Flag}.", ex);
        }

        return new MetricsHttpServer(listener, registry, ready);
    }

    /// <summary>Answers requests until cancelled; each request is handled on its own so a slow scraper blocks no one.</summary>
    public async Task ServeAsync(CancellationToken cancellationToken)
    {
        using var stop = cancellationToken.Register(() => _listener.Stop());
        while (!cancellationToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = HandleAsync(context, cancellationToken);
        }
    }

    private async Task HandleAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        try
        {
            var path = context.Request.Url?.AbsolutePath ?? "/";
            if (context.Request.HttpMethod is not "GET" and not "HEAD")
            {
                await TextAsync(response, 405, "only GET\n").ConfigureAwait(false);
                return;
            }

            switch (path)
            {
                case "/metrics":
                    response.StatusCode = 200;
                    response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                    using (var buffer = new MemoryStream())
                    {
                        await _registry.CollectAndExportAsTextAsync(buffer, cancellationToken).ConfigureAwait(false);
                        response.ContentLength64 = buffer.Length;
                        buffer.Position = 0;
                        await buffer.CopyToAsync(response.OutputStream, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                case "/healthz":
                    await TextAsync(response, 200, "ok\n").ConfigureAwait(false);
                    break;
                case "/readyz":
                    await (_ready() ? TextAsync(response, 200, "ready\n") : TextAsync(response, 503, "no scan of the event logs has completed yet\n")).ConfigureAwait(false);
                    break;
                default:
                    await TextAsync(response, 404, "not found: /metrics, /healthz and /readyz are served\n").ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The scraper went away or the server is stopping: nothing to answer.
        }
        finally
        {
            try
            {
                response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
            }
        }
    }

    private static async Task TextAsync(HttpListenerResponse response, int status, string text)
    {
        var body = Encoding.UTF8.GetBytes(text);
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
    }

    public void Dispose() => _listener.Close();
}
