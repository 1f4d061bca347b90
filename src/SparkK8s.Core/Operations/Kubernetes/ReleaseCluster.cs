using k8s;
using k8s.Models;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Kubernetes;

namespace SparkK8s.Core.Operations.Kubernetes;

/// <summary>
/// The Kubernetes side of `smoke` and `load` for one release: its pods by the chart's labels
/// (app.kubernetes.io/instance = release, app.kubernetes.io/component = connect, history-server), the Spark Connect
/// token from the release's Secret, the executor pods Spark labels spark-role=executor, and port-forwards. The client,
/// the error messages and the port-forward are the shared ones of <see cref="KubeConnection"/>, <see cref="KubeApi"/>
/// and <see cref="PortForward"/>, as for doctor, up and chaos.
/// </summary>
public sealed class ReleaseCluster : IDisposable
{
    public const string InstanceLabel = "app.kubernetes.io/instance";
    public const string ComponentLabel = "app.kubernetes.io/component";

    /// <summary>Environment variables and Secret keys that carry the Spark Connect token, in the order they are tried.</summary>
    public static readonly IReadOnlyList<string> TokenKeys =
        ["SPARK_CONNECT_AUTHENTICATE_TOKEN", "spark.connect.authenticate.token", "connect-token", "token"];

    private readonly KubeApi api;

    private ReleaseCluster(KubeSession session, ReleaseTarget target)
    {
        Session = session;
        Target = target;
        api = session.Api;
    }

    public KubeSession Session { get; }
    public IKubernetes Client => Session.Client;
    public ReleaseTarget Target { get; }

    /// <summary>A client for the target's kubeconfig and context (<see cref="KubeConnection.Open(ReleaseTarget)"/>).</summary>
    public static ReleaseCluster Open(ReleaseTarget target) => new(KubeConnection.Open(target), target);

    /// <summary>For tests: a session already built (e.g. against a fake API server).</summary>
    public static ReleaseCluster With(KubeSession session, ReleaseTarget target) => new(session, target);

    /// <summary>Fails clearly when the namespace does not exist; a 403 on namespaces (namespaced RBAC) is not an error.</summary>
    public async Task EnsureNamespaceAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await api.ReadNamespaceAsync(Target.Namespace, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new UserInputException(
                    $"-n/--namespace: namespace '{Target.Namespace}' does not exist in context '{Session.Context}' ({Session.Server}); pass -n with the namespace of the release.");
            }
        }
        catch (KubeForbiddenException)
        {
            // Allowed to work in the namespace without reading the Namespace object.
        }
    }

    /// <summary>A running, ready pod of one component of the release.</summary>
    public async Task<V1Pod> ReadyPodAsync(string component, CancellationToken cancellationToken)
    {
        var selector = $"{InstanceLabel}={Target.Release},{ComponentLabel}={component}";
        var pods = await api.ListPodsAsync(Target.Namespace, selector, cancellationToken).ConfigureAwait(false);
        var ready = pods
            .Where(pod => pod.Status?.Phase == "Running" && pod.Metadata.DeletionTimestamp is null)
            .Where(pod => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)
            .OrderByDescending(pod => pod.Metadata.CreationTimestamp)
            .FirstOrDefault();
        if (ready is not null)
        {
            return ready;
        }

        var found = pods.Count == 0
            ? $"no pod has the labels {selector}"
            : $"{pods.Count} pod(s) with the labels {selector}, none ready ({string.Join(", ", pods.Select(p => $"{p.Metadata.Name}: {p.Status?.Phase ?? "unknown"}"))})";
        throw new ComponentMissingException(component, $"release '{Target.Release}' in namespace '{Target.Namespace}' has no ready {component} pod: {found}. Run `spark-k8s doctor --release {Target.Release} -n {Target.Namespace}` for the reason.");
    }

    /// <summary>Whether the release has any pod of a component (to skip, not fail, checks of components it does not deploy).</summary>
    public async Task<bool> HasComponentAsync(string component, CancellationToken cancellationToken) =>
        (await api.ListPodsAsync(Target.Namespace, $"{InstanceLabel}={Target.Release},{ComponentLabel}={component}", cancellationToken).ConfigureAwait(false)).Count > 0;

    /// <summary>The container port of that name on the pod, or <paramref name="fallback"/>.</summary>
    public static int ContainerPort(V1Pod pod, string name, int fallback) =>
        pod.Spec.Containers.SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == name)?.ContainerPort ?? fallback;

    /// <summary>
    /// The Spark Connect token of the release, if it renders one: an environment variable of the Connect container
    /// (<see cref="TokenKeys"/>) taken from a Secret, else a key of <see cref="TokenKeys"/> in a Secret of the release
    /// labelled component=connect. Null when there is none (the server then accepts calls without a token).
    /// </summary>
    public async Task<string?> ConnectTokenAsync(V1Pod connectPod, CancellationToken cancellationToken)
    {
        foreach (var container in connectPod.Spec.Containers)
        {
            foreach (var env in container.Env ?? [])
            {
                if (!TokenKeys.Contains(env.Name) && !env.Name.Contains("CONNECT_TOKEN", StringComparison.Ordinal))
                {
                    continue;
                }

                if (env.Value is { Length: > 0 } literal)
                {
                    return literal;
                }

                if (env.ValueFrom?.SecretKeyRef is { } reference
                    && await api.ReadSecretAsync(Target.Namespace, reference.Name, cancellationToken).ConfigureAwait(false) is { } secret
                    && secret.Data?.TryGetValue(reference.Key, out var bytes) == true)
                {
                    return System.Text.Encoding.UTF8.GetString(bytes).Trim();
                }
            }
        }

        var secrets = await api.ListSecretsAsync(Target.Namespace, $"{InstanceLabel}={Target.Release},{ComponentLabel}=connect", cancellationToken).ConfigureAwait(false);
        foreach (var secret in secrets)
        {
            foreach (var key in TokenKeys)
            {
                if (secret.Data?.TryGetValue(key, out var bytes) == true)
                {
                    return System.Text.Encoding.UTF8.GetString(bytes).Trim();
                }
            }
        }

        return null;
    }

    /// <summary>Names of the release's executor pods that exist now (any phase).</summary>
    public async Task<IReadOnlyList<string>> ExecutorPodsAsync(CancellationToken cancellationToken)
    {
        var pods = await api.ListPodsAsync(Target.Namespace, $"spark-role=executor,{InstanceLabel}={Target.Release}", cancellationToken).ConfigureAwait(false);
        return pods.Select(pod => pod.Metadata.Name).ToList();
    }

    /// <summary>Forwards a loopback port to the pod's port through the API server (WebSocket port-forward).</summary>
    public PortForward Forward(V1Pod pod, int port) => PortForward.Start(Client, pod.Metadata.Name, Target.Namespace, port);

    public void Dispose() => Session.Dispose();
}

/// <summary>The release does not run a component (or it is not ready).</summary>
public sealed class ComponentMissingException(string component, string message) : OperationFailedException(message)
{
    public string Component { get; } = component;
}
