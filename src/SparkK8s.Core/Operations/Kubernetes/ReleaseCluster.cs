using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;
using k8s.Models;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Operations.Kubernetes;

/// <summary>
/// The Kubernetes side of `smoke` and `load` for one release: its pods by the chart's labels
/// (app.kubernetes.io/instance = release, app.kubernetes.io/component = connect, history-server), the Spark Connect
/// token from the release's Secret, the executor pods Spark labels spark-role=executor, and port-forwards.
/// </summary>
public sealed class ReleaseCluster : IDisposable
{
    public const string InstanceLabel = "app.kubernetes.io/instance";
    public const string ComponentLabel = "app.kubernetes.io/component";

    /// <summary>Environment variables and Secret keys that carry the Spark Connect token, in the order they are tried.</summary>
    public static readonly IReadOnlyList<string> TokenKeys =
        ["SPARK_CONNECT_AUTHENTICATE_TOKEN", "spark.connect.authenticate.token", "connect-token", "token"];

    private ReleaseCluster(IKubernetes client, ReleaseTarget target)
    {
        Client = client;
        Target = target;
    }

    public IKubernetes Client { get; }
    public ReleaseTarget Target { get; }

    /// <summary>A client for the target's kubeconfig and context; a missing file or context is a usage error naming the flag.</summary>
    public static ReleaseCluster Open(ReleaseTarget target)
    {
        KubernetesClientConfiguration configuration;
        try
        {
            var path = target.KubeConfigPath ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (target.KubeConfigPath is not null && !File.Exists(target.KubeConfigPath))
            {
                throw new UserInputException($"--kubeconfig: file '{target.KubeConfigPath}' does not exist.");
            }

            configuration = path is null && target.KubeContext is null && KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile(path, target.KubeContext);
        }
        catch (KubeConfigException ex)
        {
            var flag = target.KubeContext is not null && ex.Message.Contains("context", StringComparison.OrdinalIgnoreCase) ? "--kube-context" : "--kubeconfig";
            throw new UserInputException($"{flag}: {ex.Message.TrimEnd('.')}. Check the kubeconfig (kubectl config get-contexts).", ex);
        }
        catch (FileNotFoundException ex)
        {
            throw new UserInputException($"--kubeconfig: no kubeconfig found ({ex.Message.TrimEnd('.')}); pass --kubeconfig FILE or set KUBECONFIG.", ex);
        }

        return new ReleaseCluster(new k8s.Kubernetes(configuration), target);
    }

    /// <summary>For tests: a client already built (e.g. against a fake API server).</summary>
    public static ReleaseCluster With(IKubernetes client, ReleaseTarget target) => new(client, target);

    /// <summary>Fails clearly when the namespace does not exist; a 403 on namespaces (namespaced RBAC) is not an error.</summary>
    public async Task EnsureNamespaceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Client.CoreV1.ReadNamespaceAsync(Target.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new UserInputException($"-n/--namespace: namespace '{Target.Namespace}' does not exist in this cluster.", ex);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            // Allowed to work in the namespace without reading the Namespace object.
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException)
        {
            throw Failure("read the namespace", ex);
        }
    }

    /// <summary>A running, ready pod of one component of the release.</summary>
    public async Task<V1Pod> ReadyPodAsync(string component, CancellationToken cancellationToken)
    {
        var selector = $"{InstanceLabel}={Target.Release},{ComponentLabel}={component}";
        var pods = await Guard($"list the {component} pods", () => Client.CoreV1.ListNamespacedPodAsync(Target.Namespace, labelSelector: selector, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var ready = pods.Items
            .Where(pod => pod.Status?.Phase == "Running" && pod.Metadata.DeletionTimestamp is null)
            .Where(pod => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)
            .OrderByDescending(pod => pod.Metadata.CreationTimestamp)
            .FirstOrDefault();
        if (ready is not null)
        {
            return ready;
        }

        var found = pods.Items.Count == 0
            ? $"no pod has the labels {selector}"
            : $"{pods.Items.Count} pod(s) with the labels {selector}, none ready ({string.Join(", ", pods.Items.Select(p => $"{p.Metadata.Name}: {p.Status?.Phase ?? "unknown"}"))})";
        throw new ComponentMissingException(component, $"release '{Target.Release}' in namespace '{Target.Namespace}' has no ready {component} pod: {found}. Run `spark-k8s doctor --release {Target.Release} -n {Target.Namespace}` for the reason.");
    }

    /// <summary>Whether the release has any pod of a component (to skip, not fail, checks of components it does not deploy).</summary>
    public async Task<bool> HasComponentAsync(string component, CancellationToken cancellationToken)
    {
        var selector = $"{InstanceLabel}={Target.Release},{ComponentLabel}={component}";
        var pods = await Guard($"list the {component} pods", () => Client.CoreV1.ListNamespacedPodAsync(Target.Namespace, labelSelector: selector, limit: 1, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return pods.Items.Count > 0;
    }

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

                if (env.ValueFrom?.SecretKeyRef is { } reference)
                {
                    var secret = await Guard($"read Secret {reference.Name}", () => Client.CoreV1.ReadNamespacedSecretAsync(reference.Name, Target.Namespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    if (secret.Data?.TryGetValue(reference.Key, out var bytes) == true)
                    {
                        return System.Text.Encoding.UTF8.GetString(bytes).Trim();
                    }
                }
            }
        }

        var secrets = await Guard("list the release's Secrets", () => Client.CoreV1.ListNamespacedSecretAsync(Target.Namespace, labelSelector: $"{InstanceLabel}={Target.Release},{ComponentLabel}=connect", cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var secret in secrets.Items)
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
        var pods = await Guard("list the executor pods", () => Client.CoreV1.ListNamespacedPodAsync(Target.Namespace, labelSelector: $"spark-role=executor,{InstanceLabel}={Target.Release}", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return pods.Items.Select(pod => pod.Metadata.Name).ToList();
    }

    /// <summary>Forwards a loopback port to the pod's port through the API server (WebSocket port-forward).</summary>
    public PortForward Forward(V1Pod pod, int port) => PortForward.Start(Client, pod.Metadata.Name, Target.Namespace, port);

    public void Dispose() => Client.Dispose();

    private async Task<T> Guard<T>(string action, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException)
        {
            throw Failure(action, ex);
        }
    }

    private OperationFailedException Failure(string action, Exception ex) => ex switch
    {
        HttpOperationException { Response.StatusCode: HttpStatusCode.Forbidden } =>
            new OperationFailedException($"not allowed to {action} in namespace '{Target.Namespace}' (403 Forbidden): the kubeconfig user needs get/list on pods, pods/portforward and secrets there.", ex),
        HttpOperationException { Response.StatusCode: HttpStatusCode.Unauthorized } =>
            new OperationFailedException($"the Kubernetes API refused the credentials (401 Unauthorized) when trying to {action}: log in again or check --kubeconfig/--kube-context.", ex),
        HttpOperationException http =>
            new OperationFailedException($"could not {action}: the Kubernetes API answered {(int)http.Response.StatusCode} {http.Response.ReasonPhrase}.", ex),
        _ => new OperationFailedException($"could not {action}: the Kubernetes API is not reachable ({ex.Message.TrimEnd('.')}). Check --kube-context and that the cluster runs.", ex),
    };
}

/// <summary>The release does not run a component (or it is not ready).</summary>
public sealed class ComponentMissingException(string component, string message) : OperationFailedException(message)
{
    public string Component { get; } = component;
}
