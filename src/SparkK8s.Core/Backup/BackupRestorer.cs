using Npgsql;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Backup;

public sealed record BackupRestoreOptions(string Backup, string? Name, PostgresUri Database)
{
    /// <summary>Replace the objects of a non-empty target (pg_restore --clean --if-exists), after confirmation.</summary>
    public bool Clean { get; init; }

    /// <summary>Create the target database when it does not exist.</summary>
    public bool Create { get; init; }
}

public sealed record BackupRestoreResult(string BackupId, string Name, string Database, bool Cleaned, bool Created, ChecksumCheck Checksum, IReadOnlyList<TableCheck> Tables)
{
    public CheckStatus Status => Checksum.Status == CheckStatus.Pass && Tables.All(t => t.Status == CheckStatus.Pass) ? CheckStatus.Pass : CheckStatus.Fail;
}

/// <summary>
/// <c>backup restore</c>: refuses a non-empty target unless --clean is given and confirmed; streams the archive into
/// <c>pg_restore --single-transaction</c> while checking its SHA-256, and rolls the transaction back when the checksum does
/// not match (see <see cref="ArchiveRestore.StreamRestoreAsync"/>); then checks row counts against the manifest.
/// </summary>
public static class BackupRestorer
{
    /// <summary>Asks the user to confirm a destructive step; returns false to cancel.</summary>
    public delegate Task<bool> Confirm(string question, CancellationToken cancellationToken);

    public static async Task<BackupRestoreResult> RestoreAsync(
        BackupContext context, BackupRestoreOptions options, Confirm confirm, Action<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var store = context.OpenStore();
        progress?.Invoke(new BackupProgress("finding the backup"));
        var entry = await store.ResolveAsync(options.Backup, options.Name, cancellationToken).ConfigureAwait(false);
        var manifest = entry.Manifest!;
        var target = options.Database;
        var pgRestore = await ArchiveRestore.LocatePgRestoreAsync(context, manifest, cancellationToken).ConfigureAwait(false);

        progress?.Invoke(new BackupProgress("checking the target database"));
        var exists = await TargetExistsAsync(target, options.Create, context.Environment, cancellationToken).ConfigureAwait(false);
        if (exists)
        {
            await using var connection = await PostgresSession.OpenAsync(target, context.Environment, cancellationToken).ConfigureAwait(false);
            var objects = await DatabaseInspector.CountUserObjectsAsync(connection, cancellationToken).ConfigureAwait(false);
            if (objects > 0 && !options.Clean)
            {
                throw new OperationFailedException(
                    $"--database: database '{target.Database}' is not empty ({objects} objects); nothing was changed. Restore into an empty database, or pass --clean to replace the objects the backup contains.");
            }

            if (objects > 0 && !await confirm($"Replace the contents of database '{target.Database}' on {target.Host}:{target.Port} with backup '{entry.Id}'?", cancellationToken).ConfigureAwait(false))
            {
                throw new OperationFailedException("restore cancelled; nothing was changed.");
            }
        }

        if (!exists)
        {
            progress?.Invoke(new BackupProgress("creating the database"));
            await ArchiveRestore.OnMaintenanceDatabaseAsync(
                target,
                context.Environment,
                maintenance => PostgresSession.ExecuteAsync(maintenance, $"CREATE DATABASE {PostgresSession.QuoteIdentifier(target.Database)}", cancellationToken),
                cancellationToken).ConfigureAwait(false);
        }

        progress?.Invoke(new BackupProgress("restoring"));
        string[] arguments = options.Clean ? ["--clean", "--if-exists"] : [];
        StreamedRestore restore;
        try
        {
            restore = await ArchiveRestore.StreamRestoreAsync(store, entry, pgRestore, target, context.Environment, arguments, progress, cancellationToken).ConfigureAwait(false);
        }
        catch when (!exists)
        {
            await DropCreatedAsync(target, context.Environment).ConfigureAwait(false);
            throw;
        }

        if (!restore.Intact || restore.RestoreError is not null)
        {
            if (!exists)
            {
                await DropCreatedAsync(target, context.Environment).ConfigureAwait(false);
            }

            var outcome = exists
                ? $"pg_restore was stopped inside its single transaction, which was rolled back: database '{target.Database}' is unchanged."
                : $"pg_restore was stopped inside its single transaction, which was rolled back, and the database '{target.Database}' this restore created was dropped again.";
            throw new OperationFailedException(!restore.Intact
                ? $"{ArchiveRestore.DescribeMismatch(entry, restore)} {outcome} Restore an older backup ('spark-k8s backup list')."
                : $"{restore.RestoreError} {outcome}");
        }

        progress?.Invoke(new BackupProgress("counting rows", restore.SizeBytes));
        var tables = await ArchiveRestore.CompareRowCountsAsync(target, context.Environment, manifest, cancellationToken).ConfigureAwait(false);
        return new BackupRestoreResult(entry.Id, entry.Name, target.Database, options.Clean, !exists, restore.Checksum, tables);
    }

    /// <summary>Drops the database this restore created (and only that), after a failed or corrupt restore.</summary>
    private static Task DropCreatedAsync(PostgresUri target, BackupEnvironment environment) =>
        ArchiveRestore.OnMaintenanceDatabaseAsync(
            target,
            environment,
            maintenance => PostgresSession.ExecuteAsync(maintenance, $"DROP DATABASE IF EXISTS {PostgresSession.QuoteIdentifier(target.Database)} WITH (FORCE)", CancellationToken.None),
            CancellationToken.None);

    private static async Task<bool> TargetExistsAsync(PostgresUri target, bool create, BackupEnvironment environment, CancellationToken cancellationToken)
    {
        try
        {
            await using var probe = await PostgresSession.OpenAsync(target, environment, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationFailedException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName })
        {
            return create
                ? false
                : throw new OperationFailedException($"--database: database '{target.Database}' does not exist on {target.Host}:{target.Port}. Create it, or pass --create.", ex);
        }
    }
}
