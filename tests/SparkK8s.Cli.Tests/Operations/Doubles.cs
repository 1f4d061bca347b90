using SparkK8s.Core.Operations;
using SparkK8s.Core.Operations.Doctor;

namespace SparkK8s.Cli.Tests.Operations;

/// <summary>A smoke runner that answers with fixed outcomes, in order (the last repeats), and counts its runs.</summary>
public sealed class SmokeDouble(params bool[] outcomes) : ISmokeRunner
{
    private int _runs;

    public int Runs => _runs;

    public Action<int>? OnRun { get; init; }

    public Task<SmokeReport> RunAsync(ReleaseTarget target, IProgress<CheckResult>? progress, CancellationToken cancellationToken)
    {
        var run = Interlocked.Increment(ref _runs) - 1;
        OnRun?.Invoke(run);
        var passed = outcomes.Length == 0 || outcomes[Math.Min(run, outcomes.Length - 1)];
        var check = new CheckResult("SMOKE001", "SELECT 1", passed ? CheckOutcome.Passed : CheckOutcome.Failed, TimeSpan.FromMilliseconds(12),
            passed ? "1 row" : "UNAVAILABLE: the server did not answer");
        progress?.Report(check);
        return Task.FromResult(new SmokeReport("sc://127.0.0.1:15002", [check]));
    }
}

/// <summary>A load runner that runs until released (or for a fixed time) and then completes or fails.</summary>
public sealed class LoadDouble(TimeSpan duration, bool completes = true) : ILoadRunner
{
    private int _runs;

    public int Runs => _runs;

    public async Task<LoadSummary> RunAsync(ReleaseTarget target, long rows, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        progress?.Report($"generating {rows} rows");
        await Task.Delay(duration, cancellationToken);
        return new LoadSummary(rows, [new LoadQueryResult("trips by zone and hour", completes, duration, 265, completes ? null : "executor lost")]);
    }
}

public sealed class FakeProbe(bool connect, bool history) : IReleaseProbe
{
    public Task<ProbeResult> ConnectAsync(ReleaseTarget target, string service, int port, CancellationToken cancellationToken) =>
        Task.FromResult(new ProbeResult(connect, connect ? $"{service}:{port} answered" : $"{service}:{port} refused the connection"));

    public Task<ProbeResult> HistoryApplicationsAsync(ReleaseTarget target, string service, int port, CancellationToken cancellationToken) =>
        Task.FromResult(new ProbeResult(history, history ? "lists 1 application" : "lists no application"));
}
