using System.Data;
using System.Text;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Processes;

namespace SparkK8s.Core.Backup;

public sealed record BackupRunOptions(PostgresUri Database, string? Name, RetentionPolicy Retention)
{
    /// <summary>Tables whose rows are counted into the manifest (<c>schema.table</c>); empty means all user tables.</summary>
    public IReadOnlyList<string> Tables { get; init; } = [];

    public int PartSizeBytes { get; init; } = MultipartUploader.DefaultPartSize;

    /// <summary>S3's limit on the parts of one multipart upload; lower only in tests.</summary>
    public int MaxParts { get; init; } = MultipartUploader.MaxParts;

    /// <summary>The id's random suffix (8 hex digits); null for a random one. For tests and reproducible runs only.</summary>
    public string? IdSuffix { get; init; }

    /// <summary>The largest archive a backup can hold: part size times the part-count limit.</summary>
    public long MaxArchiveBytes => (long)PartSizeBytes * MaxParts;
}

public sealed record BackupRunResult(BackupEntry Backup, BackupManifest Manifest, IReadOnlyList<BackupEntry> Deleted);

/// <summary>
/// <c>backup run</c>: pg_dump -Fc in an exported snapshot, streamed to S3 with SHA-256; row counts from the same snapshot;
/// the manifest only after the upload completed; then retention.
/// </summary>
public static class BackupRunner
{
    public static async Task<BackupRunResult> RunAsync(
        BackupContext context, BackupRunOptions options, Action<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        options.Retention.Validate();
        var name = options.Name ?? options.Database.Database.ToLowerInvariant();
        BackupLayout.ValidateName(name, options.Name is null ? "--name (defaulted from the database name)" : "--name");
        if (options.PartSizeBytes is < MultipartUploader.MinimumPartSize or > MultipartUploader.MaximumPartSize)
        {
            throw new UserInputException(
                $"--part-size-mib: {options.PartSizeBytes / (1024 * 1024)} MiB is outside {MultipartUploader.MinimumPartSize / (1024 * 1024)}-{MultipartUploader.MaximumPartSize / (1024 * 1024)} MiB; S3 needs parts of at least 5 MiB, and two parts are held in memory.");
        }

        var store = context.OpenStore();
        progress?.Invoke(new BackupProgress("checking S3"));
        await store.PreflightAsync(cancellationToken).ConfigureAwait(false);

        progress?.Invoke(new BackupProgress("connecting to PostgreSQL"));
        await using var connection = await PostgresSession.OpenAsync(options.Database, context.Environment, cancellationToken).ConfigureAwait(false);
        var serverVersion = await DatabaseInspector.ServerVersionAsync(connection, cancellationToken).ConfigureAwait(false);
        var databaseSize = await PostgresSession.ScalarAsync<long>(connection, "SELECT pg_database_size(current_database())", cancellationToken).ConfigureAwait(false);
        if (databaseSize > options.MaxArchiveBytes)
        {
            throw new OperationFailedException(
                $"database '{options.Database.Database}' is {databaseSize} bytes on disk, more than the largest backup the part size allows ({options.PartSizeBytes / (1024 * 1024)} MiB x {options.MaxParts} parts = {options.MaxArchiveBytes} bytes); nothing was uploaded. Pass a larger --part-size-mib (up to {MultipartUploader.MaximumPartSize / (1024 * 1024)}).");
        }

        var pgDump = await PgTools.LocateAsync("pg_dump", serverVersion, "the server", context.PgBin, cancellationToken).ConfigureAwait(false);

        await using var snapshotTransaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await PostgresSession.ExecuteAsync(connection, "SET TRANSACTION READ ONLY", cancellationToken, snapshotTransaction).ConfigureAwait(false);
        var snapshot = await PostgresSession.ScalarAsync<string>(connection, "SELECT pg_export_snapshot()", cancellationToken, snapshotTransaction).ConfigureAwait(false);
        var available = await DatabaseInspector.ListTablesAsync(connection, snapshotTransaction, cancellationToken).ConfigureAwait(false);
        var tables = DatabaseInspector.SelectTables(available, options.Tables, options.Database.Database);

        var startedAt = context.Time.GetUtcNow();
        var id = BackupLayout.NewId(name, startedAt, options.IdSuffix);
        var key = BackupLayout.DumpKey(context.Target, name, id);
        await store.EnsureAbsentAsync(name, id, cancellationToken).ConfigureAwait(false);

        progress?.Invoke(new BackupProgress("dumping"));
        var startInfo = ProcessRunner.CreateStartInfo(
            pgDump.Path,
            ["--format=custom", $"--snapshot={snapshot}", "--no-password", $"--dbname={options.Database.ToLibpqUri()}"],
            environment: options.Database.ToolEnvironment(context.Environment));
        using var process = ProcessRunner.Start(startInfo);
        var stderr = ReadTailAsync(process.StandardError);
        var counts = DatabaseInspector.CountRowsAsync(connection, snapshotTransaction, tables, cancellationToken);

        UploadResult upload;
        var uploadPhase = "dumping and uploading";
        long uploaded = 0;
        try
        {
            upload = await new MultipartUploader(store, options.PartSizeBytes, options.MaxParts).UploadAsync(
                key,
                process.StandardOutput.BaseStream,
                async () =>
                {
                    await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                    if (process.ExitCode != 0)
                    {
                        throw new OperationFailedException($"pg_dump ({pgDump.Path}) failed with exit code {process.ExitCode}: {(await stderr.ConfigureAwait(false)).Trim()}");
                    }

                    uploadPhase = "completing the upload";
                    await counts.ConfigureAwait(false);
                },
                bytes =>
                {
                    uploaded = bytes;
                    progress?.Invoke(new BackupProgress("uploading", bytes));
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ProcessRunner.TryKill(process);
            await Task.WhenAny(counts).ConfigureAwait(false);
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw new BackupInterruptedException(
                    $"interrupted: backup '{id}' of {options.Database.Flag} '{options.Database.Database}' was stopped while {uploadPhase} ({uploaded} bytes uploaded); pg_dump was stopped and the multipart upload to s3://{context.Target.Bucket}/{key} was aborted. No manifest was written, so nothing is left that counts as a backup.",
                    ex);
            }

            if (ex is OperationFailedException or UserInputException)
            {
                throw new OperationFailedException(
                    $"backup '{id}' failed and was not written: {ex.Message} No manifest was written; any partial upload was aborted or is removed by the next 'backup run'.",
                    ex);
            }

            throw;
        }

        var manifest = new BackupManifest
        {
            Id = id,
            Name = name,
            Database = options.Database.Database,
            Source = options.Database.Display,
            ServerVersion = serverVersion.ToString(),
            PgDumpVersion = pgDump.Version.ToString(),
            StartedAt = startedAt,
            FinishedAt = context.Time.GetUtcNow(),
            SizeBytes = upload.SizeBytes,
            Sha256 = upload.Sha256,
            ObjectKey = key,
            Snapshot = snapshot,
            Tables = await counts.ConfigureAwait(false),
        };
        await snapshotTransaction.RollbackAsync(cancellationToken).ConfigureAwait(false);

        progress?.Invoke(new BackupProgress("writing the manifest", upload.SizeBytes));
        await store.EnsureArchiveIsOursAsync(name, id, upload.ETag, upload.SizeBytes, cancellationToken).ConfigureAwait(false);
        var serverNow = await store.PutManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
        var localNow = context.Time.GetUtcNow();
        var entry = new BackupEntry(id, name, BackupStatus.Complete, startedAt, upload.SizeBytes, upload.Sha256) { Manifest = manifest, StoredAt = serverNow };

        // Retention runs on the S3 server's clock (the manifest's LastModified), and not at all when this node's clock is off.
        BackupClock.EnsureInSync(localNow, serverNow, $"backup '{id}' is complete, but retention was refused");
        progress?.Invoke(new BackupProgress("applying retention", upload.SizeBytes));
        var deleted = await ApplyRetentionAsync(store, name, options.Retention, serverNow, id, cancellationToken).ConfigureAwait(false);
        return new BackupRunResult(entry, manifest, deleted);
    }

    /// <summary>Deletes what <paramref name="policy"/> selects among the backups named <paramref name="name"/>, never <paramref name="justWritten"/>.</summary>
    /// <param name="serverNow">The S3 server's current time (never the local clock).</param>
    public static async Task<IReadOnlyList<BackupEntry>> ApplyRetentionAsync(
        BackupStore store, string name, RetentionPolicy policy, DateTimeOffset serverNow, string? justWritten, CancellationToken cancellationToken)
    {
        var entries = await store.ListAsync(name, cancellationToken).ConfigureAwait(false);
        var expired = policy.SelectExpired(entries, serverNow).Where(e => e.Id != justWritten).ToList();
        foreach (var entry in expired)
        {
            await store.DeleteAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        return expired;
    }

    /// <summary>Collects a tool's stderr, keeping only the last 8 KB.</summary>
    internal static async Task<string> ReadTailAsync(StreamReader reader)
    {
        var tail = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            tail.Append(buffer, 0, read);
            if (tail.Length > 8192)
            {
                tail.Remove(0, tail.Length - 8192);
            }
        }

        return tail.ToString();
    }
}
