using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using k8s.Autorest;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Kubernetes;

/// <summary>The cluster refused a call (403): names the verb, resource and namespace, and the RBAC to grant.</summary>
public sealed class KubeForbiddenException(KubeRequest request, string message) : OperationFailedException(message)
{
    public KubeRequest Request { get; } = request;
}

/// <summary>The object or namespace a call named does not exist (404).</summary>
public sealed class KubeNotFoundException(KubeRequest request, string message) : OperationFailedException(message)
{
    public KubeRequest Request { get; } = request;
}

/// <summary>Maps what KubernetesClient throws to messages a person can act on; never a .NET type name.</summary>
public static class KubeErrors
{
    public static Exception Map(Exception ex, KubeRequest request, KubeSession session)
    {
        var where = $"context '{session.Context}', {session.Server}";
        switch (ex)
        {
            case HttpOperationException http:
                var status = (int)http.Response.StatusCode;
                var said = StatusMessage(http.Response.Content);
                return status switch
                {
                    401 => new OperationFailedException(
                        $"the Kubernetes API ({where}) did not accept the credentials of the context (401 Unauthorized) for {request.Describe()}; "
                        + "refresh them (log in to the cluster again, or 'kind export kubeconfig' for kind) and retry."),
                    403 => new KubeForbiddenException(request,
                        $"the Kubernetes API ({where}) refused to {request.Describe()} (403 Forbidden{(said is null ? string.Empty : ": " + said)}). "
                        + $"Grant it: {request.Grant()}."),
                    404 when request.Namespace is not null && request.Resource == "namespaces" => new KubeNotFoundException(request,
                        $"namespace '{request.Namespace}' does not exist in {where}; create it ('kubectl create namespace {request.Namespace}') or pass -n with an existing one."),
                    404 => new KubeNotFoundException(request,
                        $"{request.Describe()}: not found in {where}{(said is null ? string.Empty : $" ({said})")}."),
                    _ => new OperationFailedException(
                        $"the Kubernetes API ({where}) answered {status} to {request.Describe()}{(said is null ? string.Empty : $": {said}")}."),
                };
            case k8s.Exceptions.KubeConfigException config:
                // Raised at request time by credential plugins (exec: aws eks get-token, gke-gcloud-auth-plugin ...).
                return new OperationFailedException(
                    $"the credentials of context '{session.Context}' could not be obtained for {request.Describe()}: {config.Message.Split('\n', 2)[0].TrimEnd('.')}. "
                    + "Check the context's user entry (its exec plugin must be installed and logged in).");
            case HttpRequestException or SocketException or TaskCanceledException or TimeoutException or IOException:
                return new OperationFailedException(
                    $"cannot reach the Kubernetes API at {session.Server} (context '{session.Context}'): {Reason(ex)}. "
                    + "Check that the cluster is running ('kind get clusters', 'kubectl cluster-info') and that --kube-context names it.");
            default:
                return ex;
        }
    }

    private static string Reason(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                    SocketError.TimedOut => "connection timed out",
                    _ => socket.Message.TrimEnd('.'),
                };
            }

            if (e is TaskCanceledException or TimeoutException)
            {
                return $"no answer within {KubeConnection.RequestTimeout.TotalSeconds:0} s";
            }

            if (e is System.Security.Authentication.AuthenticationException)
            {
                return "the TLS handshake failed (check the cluster's certificate-authority-data in the kubeconfig)";
            }
        }

        return ex.Message.Split('\n', 2)[0].TrimEnd('.');
    }

    /// <summary>The message of a Kubernetes Status object (kind: Status), or null.</summary>
    public static string? StatusMessage(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(content);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String ? message.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static bool IsNotFound(Exception ex) => ex is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound };
}
