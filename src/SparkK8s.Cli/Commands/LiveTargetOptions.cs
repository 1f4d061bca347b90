using System.CommandLine;
using SparkK8s.Core.Connect;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations;

namespace SparkK8s.Cli.Commands;

/// <summary>Where `smoke` and `load` run: a direct endpoint (--connect) or a release on a cluster (--release, -n, --kube-context, --kubeconfig).</summary>
internal sealed class LiveTargetOptions
{
    public Option<string?> Connect { get; } = new("--connect") { Description = "Spark Connect URL, e.g. sc://localhost:15002 or sc://host:443/;use_ssl=true;token=... (the token is never printed)." };
    public Option<string?> Release { get; } = new("--release") { Description = "Helm release to test: port-forwards to its Connect pod through the Kubernetes API and reads its token Secret." };
    public Option<string> Namespace { get; } = new("--namespace", "-n") { Description = "Namespace of the release (with --release).", DefaultValueFactory = _ => "spark" };
    public Option<string?> KubeContext { get; } = new(KubeConnection.ContextFlag) { Description = "kubeconfig context (with --release; default: the current context)." };
    public Option<string?> KubeConfig { get; } = new(KubeConnection.KubeconfigFlag) { Description = "kubeconfig file (with --release; default: $KUBECONFIG or ~/.kube/config)." };

    public void AddTo(Command command)
    {
        command.Options.Add(Connect);
        command.Options.Add(Release);
        command.Options.Add(Namespace);
        command.Options.Add(KubeContext);
        command.Options.Add(KubeConfig);
    }

    /// <summary>Exactly one of --connect and --release; the cluster flags only with --release.</summary>
    public (ConnectionString? Endpoint, ReleaseTarget? Release) Resolve(ParseResult parseResult)
    {
        var connect = parseResult.GetValue(Connect);
        var release = parseResult.GetValue(Release);
        if (connect is null && release is null)
        {
            throw new UserInputException("give --connect sc://host:port for a Spark Connect endpoint, or --release NAME -n NAMESPACE for a release on the cluster.");
        }

        if (connect is not null && release is not null)
        {
            throw new UserInputException("--connect and --release: give one of them, not both.");
        }

        if (connect is not null)
        {
            foreach (var (option, flag) in new (Option, string)[] { (KubeContext, KubeConnection.ContextFlag), (KubeConfig, KubeConnection.KubeconfigFlag), (Namespace, "--namespace") })
            {
                if (parseResult.GetResult(option) is { Implicit: false })
                {
                    throw new UserInputException($"{flag}: only used with --release; --connect talks to the endpoint directly.");
                }
            }

            return (ConnectionString.Parse(connect, "--connect"), null);
        }

        var name = ChartCommandOptions.NotBlank(release, "--release", "a Helm release name")!;
        var ns = parseResult.GetValue(Namespace);
        if (string.IsNullOrWhiteSpace(ns))
        {
            throw new UserInputException("--namespace: the value is empty; give the namespace of the release.");
        }

        return (null, new ReleaseTarget(
            ChartCommandOptions.NotBlank(parseResult.GetValue(KubeConfig), KubeConnection.KubeconfigFlag, "a kubeconfig file"),
            ChartCommandOptions.NotBlank(parseResult.GetValue(KubeContext), KubeConnection.ContextFlag, "a kubeconfig context"),
            ns,
            name));
    }
}

/// <summary>An IProgress that reports on the caller's thread, in order (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock gate = new();

    public void Report(T value)
    {
        lock (gate)
        {
            report(value);
        }
    }
}
