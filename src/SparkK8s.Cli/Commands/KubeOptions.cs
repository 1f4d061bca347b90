using System.CommandLine;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations;

namespace SparkK8s.Cli.Commands;

/// <summary>--kubeconfig and --kube-context, for the commands that talk to a cluster.</summary>
internal sealed class KubeOptions(string? contextDescription = null)
{
    public Option<string?> Kubeconfig { get; } = new(KubeConnection.KubeconfigFlag) { Description = "kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)." };
    public Option<string?> Context { get; } = new(KubeConnection.ContextFlag) { Description = contextDescription ?? "kubeconfig context (default: the current context)." };

    /// <summary>Whether --kubeconfig or --kube-context was given (commands where the cluster is optional).</summary>
    public bool Given(ParseResult parseResult) => parseResult.GetValue(Kubeconfig) is not null || parseResult.GetValue(Context) is not null;

    public void AddTo(Command command)
    {
        command.Options.Add(Kubeconfig);
        command.Options.Add(Context);
    }

    public ReleaseTarget Target(ParseResult parseResult, string ns, string release) => new(
        parseResult.GetValue(Kubeconfig),
        ChartCommandOptions.NotBlank(parseResult.GetValue(Context), KubeConnection.ContextFlag, "a context name from the kubeconfig"),
        ns,
        release);
}
