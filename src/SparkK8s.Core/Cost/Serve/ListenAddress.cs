using System.Globalization;
using System.Net;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Cost.Serve;

/// <summary>Where the exporter listens: <c>HOST:PORT</c>, <c>:PORT</c> (every interface), <c>[IPv6]:PORT</c>.</summary>
public sealed record ListenAddress(string Host, int Port)
{
    public const string Flag = "--listen";

    /// <summary>Every interface: an empty host, 0.0.0.0, :: or *.</summary>
    public bool AllInterfaces => Host is "" or "0.0.0.0" or "::" or "*" or "+";

    /// <summary>The HttpListener prefix: the wildcard for every interface, else the host as given.</summary>
    public string Prefix => AllInterfaces
        ? string.Create(CultureInfo.InvariantCulture, $"http://+:{Port}/")
        : string.Create(CultureInfo.InvariantCulture, $"http://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}/");

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal)
        ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    public static ListenAddress Parse(string? text)
    {
        var trimmed = (text ?? "").Trim();
        var colon = trimmed.LastIndexOf(':');
        if (colon < 0)
        {
            throw Invalid(text, "it has no port");
        }

        var host = trimmed[..colon];
        var portText = trimmed[(colon + 1)..];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                throw Invalid(text, $"'{host}' is not an IPv6 address");
            }
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            throw Invalid(text, "write an IPv6 address in brackets, e.g. [::1]:9108");
        }
        else if (host.Length > 0 && host is not "*" and not "+" && !IsHostName(host))
        {
            throw Invalid(text, $"'{host}' is not a host name or IP address");
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw Invalid(text, $"'{portText}' is not a port between 1 and 65535");
        }

        return new ListenAddress(host, port);
    }

    private static bool IsHostName(string host) =>
        host.Length <= 253 && Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4;

    private static UserInputException Invalid(string? text, string why) =>
        new($"{Flag}: '{text}' is not HOST:PORT ({why}); give for example :9108 (every interface) or 127.0.0.1:9108.");
}
