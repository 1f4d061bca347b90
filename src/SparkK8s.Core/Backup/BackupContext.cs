namespace SparkK8s.Core.Backup;

/// <summary>What every backup subcommand shares: the S3 location, how to reach it, the environment, the clock and the tools.</summary>
public sealed record BackupContext(S3Target Target, S3Settings S3, BackupEnvironment Environment, TimeProvider Time, string? PgBin = null)
{
    /// <summary>Where downloaded archives are staged before their checksum is checked (verify, restore).</summary>
    public string? TempDirectory { get; init; }

    public BackupStore OpenStore() => new(S3ClientFactory.Create(S3, Environment), Target, S3);
}

/// <summary>A progress report: the current stage and the bytes moved so far.</summary>
public sealed record BackupProgress(string Stage, long Bytes = 0);

public enum CheckStatus
{
    Pass,
    Fail,
}

/// <summary>A table's row count in the manifest against the count found after a restore.</summary>
public sealed record TableCheck(string Schema, string Table, long ExpectedRows, long? ActualRows)
{
    public CheckStatus Status => ActualRows == ExpectedRows ? CheckStatus.Pass : CheckStatus.Fail;
}

/// <summary>The archive's SHA-256 against the manifest's.</summary>
public sealed record ChecksumCheck(string Expected, string? Actual)
{
    public CheckStatus Status => string.Equals(Expected, Actual, StringComparison.OrdinalIgnoreCase) ? CheckStatus.Pass : CheckStatus.Fail;
}
