namespace SparkK8s.Integration.Tests.Backup;

/// <summary>A clock the test sets, so backups get crafted ages.</summary>
public sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
