namespace SparkK8s.Core.Operations;

// Contracts shared by the live-cluster commands (issue 13): `up` and `upgrade-test` run `smoke`,
// `chaos` runs scenarios while `load` runs. Each command's own report types extend these.

/// <summary>The release a live-cluster command works on.</summary>
/// <param name="KubeConfigPath">kubeconfig file; null means $KUBECONFIG or ~/.kube/config.</param>
/// <param name="KubeContext">kubeconfig context; null means the current context.</param>
/// <param name="Namespace">namespace of the release.</param>
/// <param name="Release">Helm release name.</param>
public sealed record ReleaseTarget(string? KubeConfigPath, string? KubeContext, string Namespace, string Release);

/// <summary>Outcome of one timed check or scenario.</summary>
public enum CheckOutcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>One timed check of `smoke`, or one scenario of `chaos`.</summary>
/// <param name="Id">stable id, e.g. "SMOKE001".</param>
/// <param name="Name">what was checked, e.g. "SELECT 1".</param>
/// <param name="Detail">one line: the measured result, or why it failed or was skipped and how to fix it.</param>
public sealed record CheckResult(string Id, string Name, CheckOutcome Outcome, TimeSpan Duration, string Detail);

/// <summary>What `smoke` found.</summary>
/// <param name="Endpoint">the Spark Connect endpoint that was tested (sc://host:port, no token).</param>
public sealed record SmokeReport(string Endpoint, IReadOnlyList<CheckResult> Checks)
{
    public bool Passed => Checks.All(check => check.Outcome != CheckOutcome.Failed);
}

/// <summary>Runs `smoke` against a release (port-forwarding to its Connect server through the Kubernetes API).</summary>
public interface ISmokeRunner
{
    Task<SmokeReport> RunAsync(ReleaseTarget target, IProgress<CheckResult>? progress, CancellationToken cancellationToken);
}

/// <summary>One query of `load`: wall time and, where the History Server had them, Spark's own figures.</summary>
public sealed record LoadQueryResult(string Name, bool Succeeded, TimeSpan Wall, long Rows, string? Error);

/// <summary>What a `load` run measured.</summary>
public sealed record LoadSummary(long Rows, IReadOnlyList<LoadQueryResult> Queries)
{
    public bool Completed => Queries.All(query => query.Succeeded);
}

/// <summary>Runs `load` against a release; `chaos` runs it while it breaks things.</summary>
public interface ILoadRunner
{
    Task<LoadSummary> RunAsync(ReleaseTarget target, long rows, IProgress<string>? progress, CancellationToken cancellationToken);
}
