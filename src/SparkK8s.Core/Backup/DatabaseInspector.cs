using Npgsql;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Backup;

/// <summary>A table and its row count as recorded in a manifest or counted after a restore.</summary>
public sealed record TableRowCount(string Schema, string Table, long Rows)
{
    public string QualifiedName => $"{Schema}.{Table}";
}

/// <summary>Catalog queries the backup commands need: server version, user tables, row counts, emptiness.</summary>
public static class DatabaseInspector
{
    private const string UserSchemaFilter =
        "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'";

    public static async Task<PgVersion> ServerVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var text = await PostgresSession.ScalarAsync<string>(connection, "SHOW server_version", cancellationToken).ConfigureAwait(false);
        return PgVersion.Parse(text) ?? throw new OperationFailedException($"could not parse the PostgreSQL server version '{text}'.");
    }

    /// <summary>Ordinary user tables that pg_dump dumps the data of (extension members excluded).</summary>
    public static async Task<IReadOnlyList<(string Schema, string Table)>> ListTablesAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND {UserSchemaFilter}
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
            ORDER BY 1, 2
            """;
        var tables = new List<(string, string)>();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tables.Add((reader.GetString(0), reader.GetString(1)));
        }

        return tables;
    }

    /// <summary>Resolves <c>--tables</c> entries (<c>schema.table</c> or <c>table</c> in <c>public</c>) against the database.</summary>
    public static IReadOnlyList<(string Schema, string Table)> SelectTables(
        IReadOnlyList<(string Schema, string Table)> available, IReadOnlyList<string> requested, string database)
    {
        if (requested.Count == 0)
        {
            return available;
        }

        var selected = new List<(string, string)>();
        foreach (var name in requested)
        {
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            var (schema, table) = dot > 0 ? (name[..dot], name[(dot + 1)..]) : ("public", name);
            var match = available.FirstOrDefault(t => t.Schema == schema && t.Table == table);
            if (match == default)
            {
                throw new UserInputException($"--tables: table '{schema}.{table}' does not exist in database '{database}'. Names are case-sensitive; list them as schema.table.");
            }

            selected.Add(match);
        }

        return selected;
    }

    public static async Task<IReadOnlyList<TableRowCount>> CountRowsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        IEnumerable<(string Schema, string Table)> tables,
        CancellationToken cancellationToken)
    {
        var counts = new List<TableRowCount>();
        foreach (var (schema, table) in tables)
        {
            var rows = await CountRowsAsync(connection, transaction, schema, table, cancellationToken).ConfigureAwait(false);
            counts.Add(new TableRowCount(schema, table, rows ?? -1));
        }

        return counts;
    }

    /// <summary>Counts one table's rows; null when the table does not exist.</summary>
    public static async Task<long?> CountRowsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string schema, string table, CancellationToken cancellationToken)
    {
        var exists = await PostgresSession.ScalarAsync<bool>(
            connection,
            $"SELECT to_regclass('{Literal(PostgresSession.QuoteIdentifier(schema) + "." + PostgresSession.QuoteIdentifier(table))}') IS NOT NULL",
            cancellationToken,
            transaction).ConfigureAwait(false);
        if (!exists)
        {
            return null;
        }

        return await PostgresSession.ScalarAsync<long>(
            connection,
            $"SELECT count(*) FROM {PostgresSession.QuoteIdentifier(schema)}.{PostgresSession.QuoteIdentifier(table)}",
            cancellationToken,
            transaction).ConfigureAwait(false);
    }

    /// <summary>How many user objects (tables, sequences, views, indexes, functions) a database holds.</summary>
    public static Task<long> CountUserObjectsAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        PostgresSession.ScalarAsync<long>(
            connection,
            $"""
            SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {UserSchemaFilter})
                 + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {UserSchemaFilter})
            """,
            cancellationToken);

    public static async Task<bool> DatabaseExistsAsync(NpgsqlConnection maintenance, string database, CancellationToken cancellationToken) =>
        await PostgresSession.ScalarAsync<long>(
            maintenance, $"SELECT count(*) FROM pg_database WHERE datname = '{Literal(database)}'", cancellationToken).ConfigureAwait(false) > 0;

    private static string Literal(string value) => value.Replace("'", "''", StringComparison.Ordinal);
}
