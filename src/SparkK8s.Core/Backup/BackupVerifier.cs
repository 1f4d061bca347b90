using Npgsql;
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
/// <c>backup verify</c>: streams the archive into a scratch database that verify creates itself, checking the SHA-256 on
/// the way, and compares row counts with the manifest. Verify only ever drops a database it created: it marks it with
/// <c>COMMENT ON DATABASE</c> (<see cref="ScratchMark"/>). An existing database without the mark is used only when it is
/// empty (it is then marked and re-created); a non-empty unmarked one is refused and nothing is dropped.
/// </summary>
public static class BackupVerifier
{
    /// <summary>The database comment that marks a scratch database as created by <c>backup verify</c>.</summary>
    public const string ScratchMark = "spark-k8s backup verify scratch database; dropped and re-created by every verify";

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
        progress?.Invoke(new BackupProgress("checking the scratch database"));
        await EnsureDroppableAsync(scratch, context.Environment, cancellationToken).ConfigureAwait(false);

        progress?.Invoke(new BackupProgress("creating the scratch database"));
        await RecreateAsync(scratch, context.Environment, cancellationToken).ConfigureAwait(false);
        try
        {
            progress?.Invoke(new BackupProgress("restoring into the scratch database"));
            var restore = await ArchiveRestore.StreamRestoreAsync(store, entry, pgRestore, scratch, context.Environment, [], progress, cancellationToken).ConfigureAwait(false);
            if (!restore.Intact)
            {
                return new BackupVerifyResult(entry.Id, entry.Name, scratch.Database, restore.Checksum, [], ArchiveRestore.DescribeMismatch(entry, restore));
            }

            if (restore.RestoreError is not null)
            {
                return new BackupVerifyResult(entry.Id, entry.Name, scratch.Database, restore.Checksum, [], $"{restore.RestoreError}; the archive is not restorable");
            }

            progress?.Invoke(new BackupProgress("counting rows", restore.SizeBytes));
            var tables = await ArchiveRestore.CompareRowCountsAsync(scratch, context.Environment, manifest, cancellationToken).ConfigureAwait(false);
            return new BackupVerifyResult(entry.Id, entry.Name, scratch.Database, restore.Checksum, tables, null);
        }
        finally
        {
            if (!options.KeepScratch)
            {
                await DropIfMarkedAsync(scratch, context.Environment).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Refuses (exit 2) an existing scratch database that verify did not create and that holds objects.</summary>
    private static async Task EnsureDroppableAsync(PostgresUri scratch, BackupEnvironment environment, CancellationToken cancellationToken)
    {
        var state = await InspectAsync(scratch, environment, cancellationToken).ConfigureAwait(false);
        if (state is { Exists: true, Marked: false })
        {
            await using var connection = await PostgresSession.OpenAsync(scratch, environment, cancellationToken).ConfigureAwait(false);
            var objects = await DatabaseInspector.CountUserObjectsAsync(connection, cancellationToken).ConfigureAwait(false);
            if (objects > 0)
            {
                throw new UserInputException(
                    $"--scratch: database '{scratch.Database}' already exists, holds {objects} objects and was not created by 'backup verify' (it has no verify mark); nothing was dropped. Name a database that does not exist yet, e.g. '{scratch.Database}_verify'.");
            }
        }
    }

    private static Task RecreateAsync(PostgresUri scratch, BackupEnvironment environment, CancellationToken cancellationToken)
    {
        var quoted = PostgresSession.QuoteIdentifier(scratch.Database);
        return ArchiveRestore.OnMaintenanceDatabaseAsync(
            scratch,
            environment,
            async maintenance =>
            {
                // Only a marked database (checked above: or an empty one) is dropped here.
                await PostgresSession.ExecuteAsync(maintenance, $"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)", cancellationToken).ConfigureAwait(false);
                await PostgresSession.ExecuteAsync(maintenance, $"CREATE DATABASE {quoted}", cancellationToken).ConfigureAwait(false);
                await PostgresSession.ExecuteAsync(maintenance, $"COMMENT ON DATABASE {quoted} IS '{ScratchMark}'", cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <summary>Drops the scratch database only when it still carries the verify mark.</summary>
    private static async Task DropIfMarkedAsync(PostgresUri scratch, BackupEnvironment environment)
    {
        var state = await InspectAsync(scratch, environment, CancellationToken.None).ConfigureAwait(false);
        if (state.Marked)
        {
            await ArchiveRestore.OnMaintenanceDatabaseAsync(
                scratch,
                environment,
                maintenance => PostgresSession.ExecuteAsync(maintenance, $"DROP DATABASE IF EXISTS {PostgresSession.QuoteIdentifier(scratch.Database)} WITH (FORCE)", CancellationToken.None),
                CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<(bool Exists, bool Marked)> InspectAsync(PostgresUri scratch, BackupEnvironment environment, CancellationToken cancellationToken)
    {
        (bool, bool) state = default;
        await ArchiveRestore.OnMaintenanceDatabaseAsync(
            scratch,
            environment,
            async maintenance =>
            {
                await using var command = new NpgsqlCommand("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = @name", maintenance);
                command.Parameters.AddWithValue("name", scratch.Database);
                var comment = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                state = comment switch
                {
                    null => (false, false),
                    string text => (true, text == ScratchMark),
                    _ => (true, false),
                };
            },
            cancellationToken).ConfigureAwait(false);
        return state;
    }
}
