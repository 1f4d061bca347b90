using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations.Doctor;

namespace SparkK8s.Core.Operations.Up;

/// <summary>What `up` did: preflight, the helm install, component progress, smoke, and on failure doctor's diagnosis.</summary>
public sealed record UpReport(
    string HelmCommand,
    DoctorReport Preflight,
    bool HelmSucceeded,
    string? HelmError,
    IReadOnlyList<ComponentProgress> Components,
    SmokeReport? Smoke,
    DoctorReport? Diagnosis)
{
    public bool Succeeded => HelmSucceeded && Smoke is { Passed: true } && Preflight.Findings.All(f => !UpRunner.Blocks(f));
}

/// <summary>
/// `up`: doctor's preflight (errors stop it before anything is applied), then helm upgrade --install --wait while the
/// release's pods are watched per component, then smoke. When helm or smoke fails, doctor diagnoses the release, which
/// is left installed for inspection.
/// </summary>
public sealed class UpRunner(KubeApi api, ISmokeRunner smoke, IReleaseProbe? probe)
{
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Preflight errors stop `up`; a broken release being upgraded (DOC020 and up) does not, the install may fix it.</summary>
    public static bool Blocks(DoctorFinding finding) =>
        finding.Severity == DoctorSeverity.Error && string.CompareOrdinal(finding.Id, "DOC020") < 0;

    public async Task<UpReport> RunAsync(DoctorRequest preflight, HelmInstall install, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var doctor = new DoctorRunner(api, probe);
        progress?.Report("preflight: doctor");
        var before = await doctor.RunAsync(preflight with { NamespaceMayBeMissing = true }, cancellationToken).ConfigureAwait(false);
        if (before.Findings.Any(Blocks))
        {
            return new UpReport(install.CommandLine, before, false, "preflight found errors; nothing was installed", [], null, null);
        }

        progress?.Report($"installing: {install.CommandLine}");
        var watcher = new ComponentWatcher(api, preflight.Target, PollInterval);
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watching = watcher.WatchAsync(new SynchronousProgress<ComponentProgress>(c => progress?.Report(c.ToString())), stopWatching.Token);
        var helm = await install.RunAsync(cancellationToken).ConfigureAwait(false);
        await stopWatching.CancelAsync().ConfigureAwait(false);
        await watching.ConfigureAwait(false);
        await watcher.PollAsync(null, cancellationToken).ConfigureAwait(false);

        if (!helm.Succeeded)
        {
            var error = helm.StandardError.Trim() is { Length: > 0 } text ? text : $"helm exited with code {helm.ExitCode}";
            progress?.Report("helm failed; diagnosing the release");
            var diagnosis = await DiagnoseAsync(doctor, preflight, cancellationToken).ConfigureAwait(false);
            return new UpReport(install.CommandLine, before, false, error, watcher.Latest, null, diagnosis);
        }

        progress?.Report("smoke");
        var smokeReport = await smoke.RunAsync(preflight.Target, new SynchronousProgress<CheckResult>(c => progress?.Report($"smoke {c.Id} {c.Name}: {c.Outcome}")), cancellationToken).ConfigureAwait(false);
        var after = smokeReport.Passed ? null : await DiagnoseAsync(doctor, preflight, cancellationToken).ConfigureAwait(false);
        return new UpReport(install.CommandLine, before, true, null, watcher.Latest, smokeReport, after);
    }

    private static Task<DoctorReport> DiagnoseAsync(DoctorRunner doctor, DoctorRequest preflight, CancellationToken cancellationToken) =>
        doctor.RunAsync(preflight with { NamespaceMayBeMissing = true }, cancellationToken);
}
