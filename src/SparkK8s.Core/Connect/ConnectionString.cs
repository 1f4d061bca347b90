using System.Globalization;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Connect;

/// <summary>
/// A Spark Connect connection string, <c>sc://host:port/;param=value;...</c>, as the client specification defines
/// it (sql/connect/docs/client-connection-string.md in apache/spark): the scheme is fixed, the path is empty,
/// parameters are case-sensitive path parameters, the port defaults to 15002. <see cref="ToString"/> never
/// contains the token.
/// </summary>
public sealed record ConnectionString
{
    public const int DefaultPort = 15002;

    /// <summary>The parameters the specification defines; anything else is refused rather than silently ignored.</summary>
    public static readonly IReadOnlyList<string> KnownParameters =
        ["token", "use_ssl", "user_id", "user_agent", "session_id", "grpc_max_message_size"];

    public required string Host { get; init; }
    public int Port { get; init; } = DefaultPort;

    /// <summary>Bearer token for `spark.connect.authenticate.token` (Spark 4.x); null when none.</summary>
    public string? Token { get; init; }

    /// <summary>TLS: use_ssl=true, or a token without an explicit use_ssl=false (the specification: a token enables SSL).</summary>
    public bool UseTls { get; init; }
    public string? UserId { get; init; }
    public string? UserAgent { get; init; }
    public Guid? SessionId { get; init; }
    public int MaxMessageSize { get; init; } = 128 * 1024 * 1024;

    /// <summary>The endpoint without any secret, e.g. <c>sc://127.0.0.1:15002</c>.</summary>
    public string Endpoint => $"sc://{HostForUri}:{Port.ToString(CultureInfo.InvariantCulture)}";

    public Uri HttpAddress => new($"{(UseTls ? "https" : "http")}://{HostForUri}:{Port.ToString(CultureInfo.InvariantCulture)}");

    private string HostForUri => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;

    public override string ToString() => Endpoint + (UseTls ? "/;use_ssl=true" : string.Empty) + (Token is null ? string.Empty : ";token=***");

    /// <summary>A plain endpoint on loopback (a port-forward), with an optional token sent without TLS: the bytes never leave the machine.</summary>
    public static ConnectionString Loopback(int port, string? token) => new() { Host = "127.0.0.1", Port = port, Token = token, UseTls = false };

    /// <param name="value">the connection string.</param>
    /// <param name="flag">the flag it came from, named in every error (e.g. "--connect").</param>
    public static ConnectionString Parse(string? value, string flag)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new UserInputException($"{flag}: give a Spark Connect URL such as sc://spark-connect.example.svc:15002.");
        }

        var text = value.Trim();
        const string scheme = "sc://";
        if (!text.StartsWith(scheme, StringComparison.Ordinal))
        {
            throw Invalid(flag, "it must start with sc:// (for example sc://localhost:15002)");
        }

        var rest = text[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var semicolon = rest.IndexOf(';', StringComparison.Ordinal);
        var authorityEnd = slash >= 0 && (semicolon < 0 || slash < semicolon) ? slash : semicolon;
        var authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        var tail = authorityEnd < 0 ? string.Empty : rest[authorityEnd..];
        if (tail.StartsWith('/'))
        {
            tail = tail[1..];
        }

        if (tail.Length > 0 && !tail.StartsWith(';'))
        {
            throw Invalid(flag, "the path must be empty: put parameters after '/;' (sc://host:port/;use_ssl=true); a path prefix is not allowed");
        }

        var (host, port) = ParseAuthority(authority, flag);
        var parameters = ParseParameters(tail, flag);
        var useSsl = parameters.TryGetValue("use_ssl", out var ssl) ? ParseBool(ssl, flag) : (bool?)null;
        var token = parameters.GetValueOrDefault("token");
        if (token is { Length: 0 })
        {
            throw Invalid(flag, "token is empty: give token=<value> or leave the parameter out");
        }

        Guid? session = null;
        if (parameters.TryGetValue("session_id", out var sessionText))
        {
            session = Guid.TryParseExact(sessionText, "D", out var parsed)
                ? parsed
                : throw Invalid(flag, $"session_id '{sessionText}' is not a UUID (00112233-4455-6677-8899-aabbccddeeff)");
        }

        var maxMessage = 128 * 1024 * 1024;
        if (parameters.TryGetValue("grpc_max_message_size", out var sizeText)
            && (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out maxMessage) || maxMessage <= 0))
        {
            throw Invalid(flag, $"grpc_max_message_size '{sizeText}' is not a positive number of bytes");
        }

        return new ConnectionString
        {
            Host = host,
            Port = port,
            Token = token,
            UseTls = useSsl ?? token is not null,
            UserId = parameters.GetValueOrDefault("user_id"),
            UserAgent = parameters.GetValueOrDefault("user_agent"),
            SessionId = session,
            MaxMessageSize = maxMessage,
        };
    }

    private static (string Host, int Port) ParseAuthority(string authority, string flag)
    {
        if (authority.Length == 0)
        {
            throw Invalid(flag, "the host is missing (sc://<host>:<port>)");
        }

        if (authority.Contains('@', StringComparison.Ordinal))
        {
            throw Invalid(flag, "user information before the host is not allowed: pass user_id=<name> as a parameter");
        }

        string host;
        string? portText = null;
        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Invalid(flag, "the IPv6 address has no closing ']'");
            }

            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length > 0)
            {
                portText = after.StartsWith(':') ? after[1..] : throw Invalid(flag, $"unexpected '{after}' after the host");
            }
        }
        else
        {
            var parts = authority.Split(':');
            if (parts.Length > 2)
            {
                throw Invalid(flag, $"'{authority}' should be <host>:<port> (an IPv6 address goes in brackets)");
            }

            host = parts[0];
            portText = parts.Length == 2 ? parts[1] : null;
        }

        if (host.Length == 0)
        {
            throw Invalid(flag, "the host is missing (sc://<host>:<port>)");
        }

        if (Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            throw Invalid(flag, $"'{host}' is not a valid host name or IP address");
        }

        var port = DefaultPort;
        if (portText is not null
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw Invalid(flag, $"port '{portText}' is not a number from 1 to 65535");
        }

        return (host, port);
    }

    private static Dictionary<string, string> ParseParameters(string tail, string flag)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in tail.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Invalid(flag, $"parameter '{Redact(pair)}' must be name=value");
            }

            var name = pair[..equals];
            var raw = pair[(equals + 1)..];
            if (!KnownParameters.Contains(name))
            {
                throw Invalid(flag, $"unknown parameter '{name}' (parameters are case-sensitive; known: {string.Join(", ", KnownParameters)})");
            }

            if (!parameters.TryAdd(name, Uri.UnescapeDataString(raw)))
            {
                throw Invalid(flag, $"parameter '{name}' is given twice");
            }
        }

        return parameters;
    }

    private static bool ParseBool(string text, string flag) => text.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw Invalid(flag, $"use_ssl '{text}' must be true or false"),
    };

    // A malformed pair may hold the token; show only its name.
    private static string Redact(string pair) => pair.StartsWith("token", StringComparison.Ordinal) ? "token..." : pair;

    private static UserInputException Invalid(string flag, string reason) =>
        new($"{flag}: not a valid Spark Connect URL: {reason}.");
}
