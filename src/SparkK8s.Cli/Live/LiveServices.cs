using SparkK8s.Core.Errors;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations;
using SparkK8s.Core.Operations.Doctor;
using SparkK8s.Core.Operations.Load;
using SparkK8s.Core.Operations.Smoke;

namespace SparkK8s.Cli.Live;

/// <summary>
/// The one place the live-cluster commands get their collaborators: the smoke and load runners of `smoke --release`
/// and `load --release` (issue 13 §3, §4), and doctor's network probe. Tests replace them for one async flow with
/// <see cref="Use"/>; everything Kubernetes still goes through the real client.
/// </summary>
public static class LiveServices
{
    private static readonly AsyncLocal<Overrides?> Current = new();

    /// <summary>The smoke runner of this build: `smoke --release` through a port-forward to the release's Connect pod.</summary>
    public static Func<ISmokeRunner?> DefaultSmoke { get; set; } = () => new ReleaseSmokeRunner();

    /// <summary>The load runner of this build: `load --release`, the taxi workload through the same port-forward.</summary>
    public static Func<ILoadRunner?> DefaultLoad { get; set; } = () => new ReleaseLoadRunner();

    public static ISmokeRunner Smoke =>
        Current.Value?.Smoke ?? DefaultSmoke()
        ?? throw new OperationFailedException("smoke is not available in this build of spark-k8s (no Spark Connect client); run 'spark-k8s doctor' for the cluster side.");

    public static ILoadRunner Load =>
        Current.Value?.Load ?? DefaultLoad()
        ?? throw new OperationFailedException("load is not available in this build of spark-k8s (no Spark Connect client).");

    /// <summary>Doctor's network probe for a session: the port-forward probe unless a test supplied one.</summary>
    public static IReleaseProbe Probe(KubeSession session) => Current.Value?.Probe ?? new PortForwardProbe(session);

    /// <summary>Replaces the collaborators for the calling async flow (tests).</summary>
    public static void Use(ISmokeRunner? smoke = null, ILoadRunner? load = null, IReleaseProbe? probe = null) =>
        Current.Value = new Overrides(smoke, load, probe);

    private sealed record Overrides(ISmokeRunner? Smoke, ILoadRunner? Load, IReleaseProbe? Probe);
}
