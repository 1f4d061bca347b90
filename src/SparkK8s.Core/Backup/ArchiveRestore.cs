using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.Runtime;
using Npgsql;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Processes;

namespace SparkK8s.Core.Backup;

/// <summary>What a streamed restore found: the archive's checksum and size, and pg_restore's error when it failed.</summary>
public sealed record StreamedRestore(ChecksumCheck Checksum, long SizeBytes, long ExpectedSizeBytes, bool StorageChecksumFailed, string? RestoreError)
{
    public bool Intact => Checksum.Status == CheckStatus.Pass && SizeBytes == ExpectedSizeBytes && !StorageChecksumFailed;
}

/// <summary>The steps verify and restore share: streamed, checksummed pg_restore and the row-count comparison.</summary>
public static class ArchiveRestore
{
    /// <summary>The archive's last bytes are held back from pg_restore until the whole archive's SHA-256 is known.</summary>
    public const int HoldBackBytes = 1 << 20;

    private const int ChunkBytes = 1 << 20;

    /// <summary>
    /// Streams the archive from S3 into <c>pg_restore --single-transaction</c> on stdin while hashing it. pg_restore reads a
    /// custom-format archive from a pipe sequentially (the archive was written to a pipe by pg_dump, so it holds no data
    /// offsets to seek to); it cannot finish, and so cannot COMMIT, before it has read the archive's final bytes, because the
    /// last data entry ends there. Those final <see cref="HoldBackBytes"/> (counted from the size the manifest records, so
    /// appended bytes do not help) are only written once the SHA-256 of the whole object matches the manifest. On a mismatch
    /// pg_restore is killed before it sees the end: its connection drops and PostgreSQL rolls the transaction back.
    /// </summary>
    public static async Task<StreamedRestore> StreamRestoreAsync(
        BackupStore store,
        BackupEntry entry,
        PgTool pgRestore,
        PostgresUri target,
        BackupEnvironment environment,
        IEnumerable<string> extraArguments,
        Action<BackupProgress>? progress,
        CancellationToken cancellationToken)
    {
        var manifest = entry.Manifest!;
        using var response = await store.OpenArchiveAsync(entry, cancellationToken).ConfigureAwait(false);
        string[] arguments = ["--no-owner", "--no-privileges", "--exit-on-error", "--no-password", "--single-transaction", .. extraArguments, $"--dbname={target.ToLibpqUri()}"];
        var startInfo = ProcessRunner.CreateStartInfo(pgRestore.Path, arguments, environment: target.ToolEnvironment(environment));
        startInfo.RedirectStandardInput = true;
        using var process = ProcessRunner.Start(startInfo);
        var stderr = BackupRunner.ReadTailAsync(process.StandardError);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var input = process.StandardInput.BaseStream;

        var expected = manifest.SizeBytes;
        var forwardLimit = Math.Max(0, expected - HoldBackBytes);
        var tail = new byte[expected - forwardLimit];
        var buffer = new byte[ChunkBytes];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        var pgRestoreGone = false;
        var storageChecksumFailed = false;
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await response.ResponseStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (S3Errors.IsChecksumMismatch(ex))
                {
                    storageChecksumFailed = true;
                    break;
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException or AmazonClientException && !S3Errors.IsDiskFull(ex))
                {
                    await StopAsync(process).ConfigureAwait(false);
                    throw new OperationFailedException(
                        $"the download of backup '{entry.Id}' was interrupted after {total} of {expected} bytes ({RootMessage(ex)}). pg_restore was stopped before the end of the archive, so its transaction was rolled back and {target.Flag} '{target.Database}' is unchanged. Run again.",
                        ex);
                }

                if (read == 0)
                {
                    break;
                }

                hash.AppendData(buffer, 0, read);
                var forward = (int)Math.Clamp(forwardLimit - total, 0, read);
                if (forward > 0 && !pgRestoreGone)
                {
                    pgRestoreGone = !await TryWriteAsync(input, buffer.AsMemory(0, forward), cancellationToken).ConfigureAwait(false);
                }

                var held = (int)Math.Clamp(expected - (total + forward), 0, read - forward);
                if (held > 0)
                {
                    buffer.AsSpan(forward, held).CopyTo(tail.AsSpan((int)(total + forward - forwardLimit)));
                }

                total += read;
                progress?.Invoke(new BackupProgress("restoring", total));
            }
        }
        catch (OperationFailedException)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            await StopAsync(process).ConfigureAwait(false);
            throw Interrupted(entry, target, $"while streaming ({total} of {expected} bytes)", ex);
        }
        catch (Exception ex)
        {
            // Anything else (a full disk, a broken pipe the OS reports oddly): never leave pg_restore waiting for the rest.
            await StopAsync(process).ConfigureAwait(false);
            throw new OperationFailedException(
                $"the restore of backup '{entry.Id}' failed after {total} of {expected} bytes: {RootMessage(ex)}. pg_restore was stopped before the end of the archive, so its transaction was rolled back and {target.Flag} '{target.Database}' is unchanged.",
                ex);
        }

        var checksum = new ChecksumCheck(manifest.Sha256, Convert.ToHexStringLower(hash.GetHashAndReset()));
        var result = new StreamedRestore(checksum, total, expected, storageChecksumFailed, null);
        if (!result.Intact)
        {
            // Never let pg_restore see the end of a corrupt archive: stop it, PostgreSQL rolls its transaction back.
            await StopAsync(process).ConfigureAwait(false);
            return result;
        }

        if (!pgRestoreGone)
        {
            pgRestoreGone = !await TryWriteAsync(input, tail, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            input.Close();
        }
        catch (IOException)
        {
            // pg_restore already exited; its exit code says why.
        }

        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
        {
            await StopAsync(process).ConfigureAwait(false);
            throw Interrupted(entry, target, "after the whole archive was sent, while pg_restore was finishing (indexes, constraints, commit)", ex);
        }

        await stdout.ConfigureAwait(false);
        var messages = (await stderr.ConfigureAwait(false)).Trim();
        return process.ExitCode == 0 && !pgRestoreGone
            ? result
            : result with { RestoreError = $"pg_restore into {target.Flag} ({target.Display}) failed (exit code {process.ExitCode}): {Tail(messages)}" };
    }

    public static string DescribeMismatch(BackupEntry entry, StreamedRestore restore) =>
        $"backup '{entry.Id}' is corrupt: the archive's SHA-256 is {restore.Checksum.Actual} ({restore.SizeBytes} bytes) but the manifest records {restore.Checksum.Expected} ({restore.ExpectedSizeBytes} bytes)"
        + (restore.StorageChecksumFailed ? "; S3 also reports that the object does not match its stored checksum." : ".");

    public static Task<PgTool> LocatePgRestoreAsync(BackupContext context, BackupManifest manifest, CancellationToken cancellationToken) =>
        PgTools.LocateAsync("pg_restore", PgVersion.Parse(manifest.PgDumpVersion) ?? new PgVersion(0, 0), "the pg_dump that wrote the backup", context.PgBin, cancellationToken);

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

    private static BackupInterruptedException Interrupted(BackupEntry entry, PostgresUri target, string when, Exception cause) =>
        new($"interrupted: restore of backup '{entry.Id}' into {target.Flag} '{target.Database}' was stopped {when}; pg_restore was stopped inside its single transaction, so PostgreSQL rolled it back unless its COMMIT had already completed.", cause);

    private static async Task<bool> TryWriteAsync(Stream input, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        try
        {
            await input.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (IOException)
        {
            // pg_restore exited (e.g. --exit-on-error); keep hashing so a corrupt archive is still reported as corrupt.
            return false;
        }
    }

    private static async Task StopAsync(Process process)
    {
        ProcessRunner.TryKill(process);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // It was killed; do not hang on it.
        }
    }

    private static string RootMessage(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex.Message;
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : "..." + text[^2000..];
}
