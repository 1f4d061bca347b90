using SparkK8s.Testing;
using SparkK8s.Testing.Kube;

namespace SparkK8s.Cli.Tests.Operations;

/// <summary>A fake API server over fixture scenarios, a kubeconfig pointing at it, and a temp folder.</summary>
public sealed class KubeTestBed : IAsyncDisposable
{
    private KubeTestBed(FakeKubeApiServer server, TempDirectory temp)
    {
        Server = server;
        Temp = temp;
        Kubeconfig = server.WriteKubeconfig(temp.Path);
    }

    public FakeKubeApiServer Server { get; }
    public TempDirectory Temp { get; }
    public string Kubeconfig { get; }

    /// <summary>The flags that point a command at the fake cluster.</summary>
    public string[] Flags => ["--kubeconfig", Kubeconfig, "--kube-context", "fake"];

    public static KubeTestBed Start(params string[] scenarios) => new(FakeKubeApiServer.Start(scenarios), new TempDirectory("spark-k8s-kube"));

    public Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync([.. args, .. Flags]);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Temp.Dispose();
    }
}
