using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Backup;

public sealed record BackupVerifyOptions(string? Backup, string? Name, PostgresUri Scratch)
{
    /// <summary>Leave the scratch database in place afterwards (for inspection).</summary>
    public bool KeepScratch { get; init; }
}

public sealed record BackupVerifyResult(string BackupId, string Name, string ScratchDatabase, ChecksumCheck Checksum, IReadOnlyList<TableCheck> Tables, string? Error)
{
    public CheckStatus Status => Error is null && Checksum.Status == CheckStatus.Pass && Tables.All(t => t.Status == CheckStatus.Pass)
        ? CheckStatus.Pass
        : CheckStatus.Fail;
}

/// <summary>
/// <c>backup verify</c>: download, check the SHA-256, pg_restore into a freshly created scratch database,
/// compare row counts with the manifest. The scratch database is dropped and re-created, so it must never be a real one.
/// </summary>
public static class BackupVerifier
{
    private static readonly string[] ProtectedDatabases = ["postgres", "template0", "template1"];

    public static async Task<BackupVerifyResult> VerifyAsync(
        BackupContext context, BackupVerifyOptions options, Action<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var store = context.OpenStore();
        progress?.Invoke(new BackupProgress("finding the backup"));
        var entry = await store.ResolveAsync(options.Backup, options.Name, cancellationToken).ConfigureAwait(false);
        var manifest = entry.Manifest!;
        var scratch = options.Scratch;
        if (ProtectedDatabases.Contains(scratch.Database) || scratch.Database == manifest.Database)
        {
            throw new UserInputException(
                $"--scratch: database '{scratch.Database}' cannot be the scratch database; verify drops and re-creates it. Name a throw-away database such as '{manifest.Database}_verify'.");
        }

        var pgRestore = await ArchiveRestore.LocatePgRestoreAsync(context, manifest, cancellationToken).ConfigureAwait(false);
        using var archive = await ArchiveRestore.DownloadAsync(context, store, entry, progress, cancellationToken).ConfigureAwait(false);
        if (archive.Checksum.Status == CheckStatus.Fail)
        {
            return new BackupVerifyResult(entry.Id, entry.Name, scratch.Database, archive.Checksum, [], ArchiveRestore.DescribeMismatch(entry, archive));
        }

        var quoted = PostgresSession.QuoteIdentifier(scratch.Database);
        progress?.Invoke(new BackupProgress("creating the scratch database", archive.SizeBytes));
        await ArchiveRestore.OnMaintenanceDatabaseAsync(
            scratch,
            context.Environment,
            async maintenance =>
            {
                await PostgresSession.ExecuteAsync(maintenance, $"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", cancellationToken).ConfigureAwait(false);
                await PostgresSession.ExecuteAsync(maintenance, $"CREATE DATABASE {quoted}", cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        try
        {
            progress?.Invoke(new BackupProgress("restoring into the scratch database", archive.SizeBytes));
            try
            {
                await ArchiveRestore.RunPgRestoreAsync(pgRestore, scratch, context.Environment, archive.Path, [], "the archive is not restorable", cancellationToken).ConfigureAwait(false);
            }
            catch (OperationFailedException ex)
            {
                return new BackupVerifyResult(entry.Id, entry.Name, scratch.Database, archive.Checksum, [], ex.Message);
            }

            progress?.Invoke(new BackupProgress("counting rows", archive.SizeBytes));
            var tables = await ArchiveRestore.CompareRowCountsAsync(scratch, context.Environment, manifest, cancellationToken).ConfigureAwait(false);
            return new BackupVerifyResult(entry.Id, entry.Name, scratch.Database, archive.Checksum, tables, null);
        }
        finally
        {
            if (!options.KeepScratch)
            {
                await ArchiveRestore.OnMaintenanceDatabaseAsync(
                    scratch,
                    context.Environment,
                    maintenance => PostgresSession.ExecuteAsync(maintenance, $"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", CancellationToken.None),
                    CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
