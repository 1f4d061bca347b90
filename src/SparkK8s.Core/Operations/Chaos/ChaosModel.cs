namespace SparkK8s.Core.Operations.Chaos;

/// <summary>The faults chaos can inject, in the order it runs them.</summary>
public enum ChaosScenario
{
    Executors,
    Connect,
    Metastore,
    S3,
    Postgresql,
}

/// <summary>How chaos runs: which scenarios, how big the load, how long S3 stays down, how long recovery may take.</summary>
public sealed record ChaosOptions(IReadOnlyList<ChaosScenario> Scenarios, long Rows, TimeSpan Warmup, TimeSpan Outage, TimeSpan RecoveryTimeout)
{
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>One scenario's result: what was expected, what happened, and how long the platform took to recover.</summary>
/// <param name="Recovery">from the fault until the platform was healthy again; null when it did not recover.</param>
public sealed record ChaosResult(string Id, ChaosScenario Scenario, string Expectation, CheckOutcome Outcome, TimeSpan? Recovery, string Detail, LoadSummary? Load)
{
    public CheckResult AsCheck() => new(Id, Scenario.ToString().ToLowerInvariant(), Outcome, Recovery ?? TimeSpan.Zero, Detail);
}

public sealed record ChaosReport(string Namespace, string Release, IReadOnlyList<ChaosResult> Scenarios)
{
    public bool Passed => Scenarios.All(s => s.Outcome != CheckOutcome.Failed);
}

/// <summary>Chaos runs only where it is allowed: the namespace label or an explicit --yes.</summary>
public static class ChaosGuard
{
    public const string Label = "spark-k8s.io/chaos";
    public const string Allowed = "allowed";
}
