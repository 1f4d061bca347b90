using System.CommandLine;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations;

namespace SparkK8s.Cli.Commands;

/// <summary>--kubeconfig and --kube-context, for the commands that talk to a cluster.</summary>
internal sealed class KubeOptions
{
    public Option<string?> Kubeconfig { get; } = new(KubeConnection.KubeconfigFlag) { Description = "kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)." };
    public Option<string?> Context { get; } = new(KubeConnection.ContextFlag) { Description = "kubeconfig context (default: the current context)." };

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
