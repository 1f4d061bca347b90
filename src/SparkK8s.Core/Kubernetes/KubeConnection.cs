using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Kubernetes;

/// <summary>A client for one kubeconfig context, with the names a message needs to say where it went.</summary>
public sealed class KubeSession(IKubernetes client, string context, string server) : IDisposable
{
    public IKubernetes Client { get; } = client;

    /// <summary>The kubeconfig context in use (the current context when none was asked for).</summary>
    public string Context { get; } = context;

    /// <summary>The API server URL of that context.</summary>
    public string Server { get; } = server;

    public KubeApi Api => new(this);

    public void Dispose() => Client.Dispose();
}

/// <summary>
/// Opens a <see cref="KubeSession"/> from a kubeconfig: <c>--kubeconfig</c>, else the first file of $KUBECONFIG, else
/// ~/.kube/config, and <c>--kube-context</c>, else the file's current-context. Every way this fails is a clear message:
/// a flag that names something that does not exist is a usage error (exit 2), a machine with no cluster configured is a
/// failure (exit 1). Inside a pod with no kubeconfig and no --kube-context, the pod's service account is used (as
/// kubectl does; KubernetesClient's in-cluster configuration).
/// </summary>
public static class KubeConnection
{
    public const string KubeconfigFlag = "--kubeconfig";
    public const string ContextFlag = "--kube-context";

    /// <summary>The context name messages use for the in-cluster service account.</summary>
    public const string InClusterContext = "in-cluster";

    /// <summary>How long one API request may take before it counts as "cluster not answering".</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public static KubeSession Open(string? kubeconfigPath, string? context)
    {
        if (UseInCluster(kubeconfigPath, context, DefaultKubeconfig(), KubernetesClientConfiguration.IsInCluster()))
        {
            return OpenInCluster();
        }

        var path = ResolvePath(kubeconfigPath);
        K8SConfiguration config;
        try
        {
            config = KubernetesClientConfiguration.LoadKubeConfig(path, useRelativePaths: true);
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or YamlDotNet.Core.YamlException or ArgumentException or NullReferenceException)
        {
            throw new UserInputException($"{KubeconfigFlag}: '{path}' is not a readable kubeconfig ({FirstLine(ex.Message)}); fix the file or point {KubeconfigFlag} at another one.", ex);
        }

        var contexts = (config.Contexts ?? []).Select(c => c.Name).Where(n => !string.IsNullOrEmpty(n)).ToList();
        var chosen = string.IsNullOrWhiteSpace(context) ? config.CurrentContext : context;
        if (string.IsNullOrWhiteSpace(chosen))
        {
            throw new UserInputException(
                $"{path} has no current-context; pass {ContextFlag} with one of: {Names(contexts)}, or run 'kubectl config use-context NAME'.");
        }

        if (!contexts.Contains(chosen, StringComparer.Ordinal))
        {
            var source = string.IsNullOrWhiteSpace(context) ? $"current-context '{chosen}' of {path}" : $"{ContextFlag}: context '{chosen}'";
            throw new UserInputException($"{source} is not in {path}; use one of: {Names(contexts)}.");
        }

        KubernetesClientConfiguration clientConfig;
        try
        {
            clientConfig = KubernetesClientConfiguration.BuildConfigFromConfigObject(config, chosen);
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new UserInputException($"{ContextFlag}: context '{chosen}' in {path} cannot be used ({FirstLine(ex.Message)}); fix its cluster or user entry.", ex);
        }

        clientConfig.HttpClientTimeout = RequestTimeout;
        return new KubeSession(new k8s.Kubernetes(clientConfig), chosen, clientConfig.Host ?? "(no server)");
    }

    public static KubeSession Open(Operations.ReleaseTarget target) => Open(target.KubeConfigPath, target.KubeContext);

    /// <summary>The service account only when nothing points elsewhere: no --kubeconfig, no --kube-context, no kubeconfig file found.</summary>
    internal static bool UseInCluster(string? kubeconfigPath, string? context, string? foundKubeconfig, bool inCluster) =>
        inCluster && kubeconfigPath is null && string.IsNullOrWhiteSpace(context) && foundKubeconfig is null;

    private static KubeSession OpenInCluster()
    {
        KubernetesClientConfiguration clientConfig;
        try
        {
            clientConfig = KubernetesClientConfiguration.InClusterConfig();
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or UnauthorizedAccessException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new OperationFailedException(
                $"this runs in a pod, but its service account cannot be used ({FirstLine(ex.Message)}); pass {KubeconfigFlag} FILE and {ContextFlag} NAME.", ex);
        }

        clientConfig.HttpClientTimeout = RequestTimeout;
        return new KubeSession(new k8s.Kubernetes(clientConfig), InClusterContext, clientConfig.Host ?? "(no server)");
    }

    /// <summary>The first existing file of $KUBECONFIG, else ~/.kube/config if it exists, else null.</summary>
    private static string? DefaultKubeconfig()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("KUBECONFIG")?
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(File.Exists);
        return fromEnvironment ?? (File.Exists(HomeKubeconfig) ? HomeKubeconfig : null);
    }

    private static string HomeKubeconfig => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");

    private static string ResolvePath(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            if (string.IsNullOrWhiteSpace(explicitPath))
            {
                throw new UserInputException($"{KubeconfigFlag}: the value is empty; give the path of a kubeconfig file, or leave {KubeconfigFlag} out for $KUBECONFIG or ~/.kube/config.");
            }

            return File.Exists(explicitPath)
                ? Path.GetFullPath(explicitPath)
                : throw new UserInputException($"{KubeconfigFlag}: '{explicitPath}' does not exist; give the path of a kubeconfig file (kind writes one with 'kind export kubeconfig').");
        }

        return DefaultKubeconfig() ?? throw new OperationFailedException(
            $"no Kubernetes cluster is configured: no kubeconfig at $KUBECONFIG or {HomeKubeconfig}. Create a cluster (e.g. 'kind create cluster'), or pass {KubeconfigFlag} FILE and {ContextFlag} NAME.");
    }

    private static string Names(IReadOnlyCollection<string> contexts) => contexts.Count == 0 ? "(the file has no contexts)" : string.Join(", ", contexts);

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim().TrimEnd('.');
}
