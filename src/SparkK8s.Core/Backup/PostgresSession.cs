using System.Net.Sockets;
using Npgsql;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Backup;

/// <summary>Opens Npgsql connections for a <see cref="PostgresUri"/> and turns connection failures into clear messages.</summary>
public static class PostgresSession
{
    public static async Task<NpgsqlConnection> OpenAsync(PostgresUri uri, BackupEnvironment environment, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(uri.ToNpgsqlConnectionString(environment));
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or SocketException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Translate(ex, uri);
        }
    }

    /// <summary>Maps a connection or authentication failure to an <see cref="OperationFailedException"/> naming the flag.</summary>
    public static OperationFailedException Translate(Exception ex, PostgresUri uri)
    {
        var where = $"{uri.Flag} ({uri.Display})";
        if (ex is PostgresException pg)
        {
            return pg.SqlState switch
            {
                PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification =>
                    new OperationFailedException($"PostgreSQL rejected the login for {where}: {pg.MessageText}. Check the user and the password in PGPASSWORD or PGPASSFILE.", ex),
                PostgresErrorCodes.InvalidCatalogName =>
                    new OperationFailedException($"database '{uri.Database}' does not exist on {uri.Host}:{uri.Port} ({uri.Flag}). Create it or fix the URI.", ex),
                _ => new OperationFailedException($"PostgreSQL error on {where}: {pg.MessageText}", ex),
            };
        }

        if (ex.Message.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            return new OperationFailedException($"PostgreSQL at {where} requires a password: set PGPASSWORD or PGPASSFILE. ({ex.Message})", ex);
        }

        var root = ex;
        while (root.InnerException is not null)
        {
            root = root.InnerException;
        }

        return new OperationFailedException($"cannot reach PostgreSQL at {where}: {root.Message}. Check the host and port, and that the server is running.", ex);
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
