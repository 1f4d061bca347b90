namespace SparkK8s.Core.Backup;

/// <summary>
/// The environment variables the backup commands read (PGPASSWORD, PGPASSFILE, AWS_*): the process
/// environment by default, a dictionary in tests so parallel tests do not share global state.
/// </summary>
public sealed class BackupEnvironment(Func<string, string?> lookup)
{
    public static BackupEnvironment Process { get; } = new(Environment.GetEnvironmentVariable);

    public static BackupEnvironment From(IReadOnlyDictionary<string, string> variables) =>
        new(name => variables.TryGetValue(name, out var value) ? value : null);

    public string? Get(string name)
    {
        var value = lookup(name);
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
