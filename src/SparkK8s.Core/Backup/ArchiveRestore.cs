using Npgsql;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Processes;

namespace SparkK8s.Core.Backup;

/// <summary>A downloaded archive in a private temp directory; deleted on dispose.</summary>
public sealed class DownloadedArchive : IDisposable
{
    internal DownloadedArchive(string directory, string path, ChecksumCheck checksum, long sizeBytes)
    {
        Directory = directory;
        Path = path;
        Checksum = checksum;
        SizeBytes = sizeBytes;
    }

    public string Directory { get; }
    public string Path { get; }
    public ChecksumCheck Checksum { get; }
    public long SizeBytes { get; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

/// <summary>The steps verify and restore share: download with checksum, pg_restore, row-count comparison.</summary>
public static class ArchiveRestore
{
    public static async Task<DownloadedArchive> DownloadAsync(
        BackupContext context, BackupStore store, BackupEntry entry, Action<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var root = context.TempDirectory ?? Path.GetTempPath();
        if (!Directory.Exists(root))
        {
            throw new UserInputException($"--temp-dir: '{root}' does not exist. Create it or point --temp-dir at a directory with room for the backup ({entry.SizeBytes} bytes).");
        }

        var directory = Path.Combine(root, $"spark-k8s-restore-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            var path = Path.Combine(directory, entry.Id + BackupLayout.DumpSuffix);
            progress?.Invoke(new BackupProgress("downloading"));
            var (size, sha256) = await store.DownloadAsync(entry, path, bytes => progress?.Invoke(new BackupProgress("downloading", bytes)), cancellationToken).ConfigureAwait(false);
            return new DownloadedArchive(directory, path, new ChecksumCheck(entry.Manifest!.Sha256, sha256), size);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public static string DescribeMismatch(BackupEntry entry, DownloadedArchive archive) =>
        $"backup '{entry.Id}' is corrupt: the archive's SHA-256 is {archive.Checksum.Actual} ({archive.SizeBytes} bytes) but the manifest records {archive.Checksum.Expected} ({entry.Manifest!.SizeBytes} bytes).";

    public static Task<PgTool> LocatePgRestoreAsync(BackupContext context, BackupManifest manifest, CancellationToken cancellationToken) =>
        PgTools.LocateAsync("pg_restore", PgVersion.Parse(manifest.PgDumpVersion) ?? new PgVersion(0, 0), "the pg_dump that wrote the backup", context.PgBin, cancellationToken);

    /// <summary>Runs pg_restore; a failure becomes an <see cref="OperationFailedException"/> carrying pg_restore's messages.</summary>
    public static async Task RunPgRestoreAsync(
        PgTool pgRestore, PostgresUri target, BackupEnvironment environment, string archive, IEnumerable<string> extraArguments, string onFailure, CancellationToken cancellationToken)
    {
        string[] arguments = ["--no-owner", "--no-privileges", "--exit-on-error", "--no-password", .. extraArguments, $"--dbname={target.ToLibpqUri()}", archive];
        var result = await ProcessRunner.RunAsync(pgRestore.Path, arguments, cancellationToken, environment: target.ToolEnvironment(environment)).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var messages = result.StandardError.Trim();
            throw new OperationFailedException($"pg_restore into {target.Flag} ({target.Display}) failed (exit code {result.ExitCode}); {onFailure}: {Tail(messages)}");
        }
    }

    public static async Task<IReadOnlyList<TableCheck>> CompareRowCountsAsync(
        PostgresUri database, BackupEnvironment environment, BackupManifest manifest, CancellationToken cancellationToken)
    {
        await using var connection = await PostgresSession.OpenAsync(database, environment, cancellationToken).ConfigureAwait(false);
        var checks = new List<TableCheck>();
        foreach (var table in manifest.Tables)
        {
            var actual = await DatabaseInspector.CountRowsAsync(connection, null, table.Schema, table.Table, cancellationToken).ConfigureAwait(false);
            checks.Add(new TableCheck(table.Schema, table.Table, table.Rows, actual));
        }

        return checks;
    }

    /// <summary>Runs <paramref name="work"/> on the server's <c>postgres</c> maintenance database (CREATE / DROP DATABASE).</summary>
    public static async Task OnMaintenanceDatabaseAsync(
        PostgresUri database, BackupEnvironment environment, Func<NpgsqlConnection, Task> work, CancellationToken cancellationToken)
    {
        await using var connection = await PostgresSession.OpenAsync(database.WithDatabase("postgres"), environment, cancellationToken).ConfigureAwait(false);
        try
        {
            await work(connection).ConfigureAwait(false);
        }
        catch (PostgresException ex)
        {
            throw PostgresSession.Translate(ex, database);
        }
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : "..." + text[^2000..];
}
