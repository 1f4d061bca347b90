using System.Globalization;
using Npgsql;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Backup;

/// <summary>
/// A libpq connection URI (<c>postgresql://user@host:port/db?sslmode=require</c>) given by a flag.
/// The password never comes from the URI: it comes from PGPASSWORD or PGPASSFILE, as libpq does.
/// </summary>
public sealed record PostgresUri
{
    private static readonly string[] SupportedParameters = ["sslmode", "connect_timeout", "application_name", "host"];

    private PostgresUri(string flag, string host, int port, string user, string database, IReadOnlyDictionary<string, string> parameters)
    {
        Flag = flag;
        Host = host;
        Port = port;
        User = user;
        Database = database;
        Parameters = parameters;
    }

    /// <summary>The flag the URI came from (<c>--database</c>, <c>--scratch</c>), named in every error.</summary>
    public string Flag { get; }
    public string Host { get; }
    public int Port { get; }
    public string User { get; }
    public string Database { get; }
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>Where the database is, without credentials: safe to print and to store in a manifest.</summary>
    public string Display => $"{User}@{Host}:{Port.ToString(CultureInfo.InvariantCulture)}/{Database}";

    public static PostgresUri Parse(string? text, string flag, BackupEnvironment environment)
    {
        const string example = "postgresql://user@host:5432/dbname";
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UserInputException($"{flag} is required: give a connection URI such as {example}.");
        }

        if (!text.StartsWith("postgresql://", StringComparison.Ordinal) && !text.StartsWith("postgres://", StringComparison.Ordinal))
        {
            throw new UserInputException($"{flag}: '{text}' is not a PostgreSQL connection URI; use the form {example}.");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw new UserInputException($"{flag}: '{Redact(text)}' is not a valid URI; use the form {example}.");
        }

        var userInfo = uri.UserInfo;
        if (userInfo.Contains(':', StringComparison.Ordinal))
        {
            throw new UserInputException(
                $"{flag}: the URI contains a password. Remove it from the command line and set PGPASSWORD or PGPASSFILE instead.");
        }

        var parameters = ParseQuery(uri.Query, flag);
        var host = parameters.TryGetValue("host", out var socketHost) ? socketHost : uri.Host.Trim('[', ']');
        if (string.IsNullOrEmpty(host))
        {
            host = environment.Get("PGHOST") ?? "localhost";
        }

        var port = uri.IsDefaultPort || uri.Port <= 0
            ? int.TryParse(environment.Get("PGPORT"), NumberStyles.None, CultureInfo.InvariantCulture, out var envPort) ? envPort : 5432
            : uri.Port;
        var user = Uri.UnescapeDataString(userInfo);
        if (string.IsNullOrEmpty(user))
        {
            user = environment.Get("PGUSER") ?? Environment.UserName;
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (string.IsNullOrEmpty(database))
        {
            throw new UserInputException($"{flag}: the URI names no database; add it as the path, e.g. {example}.");
        }

        return new PostgresUri(flag, host, port, user, database, parameters);
    }

    /// <summary>The same server and user, another database (for CREATE/DROP DATABASE via <c>postgres</c>).</summary>
    public PostgresUri WithDatabase(string database) => new(Flag, Host, Port, User, database, Parameters);

    /// <summary>The URI handed to pg_dump/pg_restore as <c>--dbname</c>; it carries no password.</summary>
    public string ToLibpqUri()
    {
        var host = Host.StartsWith('/') ? string.Empty : Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        var query = Parameters.Where(p => p.Key != "host" || Host.StartsWith('/'))
            .Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")
            .ToList();
        var suffix = query.Count == 0 ? string.Empty : "?" + string.Join('&', query);
        return $"postgresql://{Uri.EscapeDataString(User)}@{host}:{Port.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(Database)}{suffix}";
    }

    public string ToNpgsqlConnectionString(BackupEnvironment environment)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = User,
            Database = Database,
            Timeout = 10,
            CommandTimeout = 0,
            Pooling = false,
            ApplicationName = "spark-k8s-backup",
        };
        var password = environment.Get("PGPASSWORD");
        if (password is not null)
        {
            builder.Password = password;
        }

        var passfile = environment.Get("PGPASSFILE");
        if (passfile is not null)
        {
            builder.Passfile = passfile;
        }

        if (Parameters.TryGetValue("sslmode", out var sslMode))
        {
            builder.SslMode = sslMode switch
            {
                "disable" => SslMode.Disable,
                "allow" => SslMode.Allow,
                "prefer" => SslMode.Prefer,
                "require" => SslMode.Require,
                "verify-ca" => SslMode.VerifyCA,
                "verify-full" => SslMode.VerifyFull,
                _ => throw new UserInputException($"{Flag}: sslmode '{sslMode}' is not one of disable, allow, prefer, require, verify-ca, verify-full."),
            };
        }

        if (Parameters.TryGetValue("connect_timeout", out var timeout) && int.TryParse(timeout, CultureInfo.InvariantCulture, out var seconds))
        {
            builder.Timeout = seconds;
        }

        return builder.ConnectionString;
    }

    /// <summary>Environment for pg_dump/pg_restore: only the libpq password settings we were given, and no prompt.</summary>
    public IReadOnlyDictionary<string, string?> ToolEnvironment(BackupEnvironment environment) => new Dictionary<string, string?>
    {
        ["PGPASSWORD"] = environment.Get("PGPASSWORD"),
        ["PGPASSFILE"] = environment.Get("PGPASSFILE"),
        ["PGCONNECT_TIMEOUT"] = environment.Get("PGCONNECT_TIMEOUT") ?? "10",
    };

    private static Dictionary<string, string> ParseQuery(string query, string flag)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(parts[0]);
            if (key == "password")
            {
                throw new UserInputException($"{flag}: the URI contains a password. Remove it and set PGPASSWORD or PGPASSFILE instead.");
            }

            if (!SupportedParameters.Contains(key))
            {
                throw new UserInputException($"{flag}: URI parameter '{key}' is not supported; use only {string.Join(", ", SupportedParameters)}.");
            }

            result[key] = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
        }

        return result;
    }

    private static string Redact(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme > 0 && at > scheme ? text[..(scheme + 3)] + "***" + text[at..] : text;
    }
}
