namespace SparkK8s.Core.Operations.Doctor;

public enum DoctorSeverity
{
    Error,
    Warning,
    Info,
}

/// <summary>One thing doctor found: a stable id, how bad, the object, what is wrong, a one-line fix and the runbook to open.</summary>
/// <param name="Detail">supporting lines: the scheduler's event, the last log lines, the memory figures side by side.</param>
public sealed record DoctorFinding(string Id, DoctorSeverity Severity, string Object, string Message, string Fix, string Runbook, IReadOnlyList<string> Detail);

/// <summary>One check doctor ran and what it concluded in a line.</summary>
public sealed record DoctorCheck(string Name, CheckOutcome Outcome, string Summary);

/// <summary>What doctor found for one release in one namespace of one cluster.</summary>
public sealed record DoctorReport(
    string Context,
    string Server,
    string? ServerVersion,
    string Namespace,
    string Release,
    bool Installed,
    IReadOnlyList<DoctorCheck> Checks,
    IReadOnlyList<DoctorFinding> Findings)
{
    public int Errors => Findings.Count(f => f.Severity == DoctorSeverity.Error);
    public int Warnings => Findings.Count(f => f.Severity == DoctorSeverity.Warning);
}

/// <summary>Where the runbooks live (docs/en/runbooks; docs/ru/runbooks has the same files).</summary>
public static class Runbooks
{
    public const string OomKilled = "docs/en/runbooks/oomkilled.md";
    public const string ImagePull = "docs/en/runbooks/image-pull.md";
    public const string Pending = "docs/en/runbooks/pending.md";
    public const string CrashLoop = "docs/en/runbooks/crashloop.md";
    public const string Preflight = "docs/en/operations/doctor.md#before-install";
    public const string AfterInstall = "docs/en/operations/doctor.md#after-install";
    public const string S3Unavailable = "docs/en/runbooks/s3-unavailable.md";
}

/// <summary>Network checks that need a connection into the cluster (a port-forward); an interface so tests can fake them.</summary>
public interface IReleaseProbe
{
    /// <summary>Opens a TCP connection to <paramref name="port"/> of a ready pod behind <paramref name="service"/>.</summary>
    Task<ProbeResult> ConnectAsync(ReleaseTarget target, string service, int port, CancellationToken cancellationToken);

    /// <summary>GET /api/v1/applications of the History Server behind <paramref name="service"/>: does it list any application?</summary>
    Task<ProbeResult> HistoryApplicationsAsync(ReleaseTarget target, string service, int port, CancellationToken cancellationToken);
}

public sealed record ProbeResult(bool Ok, string Detail);
