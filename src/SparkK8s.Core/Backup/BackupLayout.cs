using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Backup;

/// <summary>
/// Object names: <c>{prefix}/{name}/{name}-{yyyyMMddTHHmmssZ}-{8 hex}.dump</c> (the pg_dump archive) and
/// <c>.manifest.json</c> beside it. The id is the file name without extension; its timestamp is the writer's start time
/// (a label only: order and age come from the S3 server's clock), and the random suffix keeps two runs in the same
/// second apart. Ids without the suffix (written before it existed) are still read.
/// </summary>
public static partial class BackupLayout
{
    public const string DumpSuffix = ".dump";
    public const string ManifestSuffix = ".manifest.json";
    private const string TimestampFormat = "yyyyMMdd'T'HHmmss'Z'";

    public static void ValidateName(string name, string flag = "--name")
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new UserInputException($"{flag}: '{name}' is not a valid backup name; use 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit.");
        }
    }

    /// <summary>A new id; <paramref name="suffix"/> (8 lowercase hex digits) defaults to a random one.</summary>
    public static string NewId(string name, DateTimeOffset startedAt, string? suffix = null)
    {
        suffix ??= Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        if (!SuffixPattern().IsMatch(suffix))
        {
            throw new ArgumentException($"id suffix '{suffix}' is not 8 lowercase hex digits.", nameof(suffix));
        }

        return $"{name}-{startedAt.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture)}-{suffix}";
    }

    public static string DumpKey(S3Target target, string name, string id) => $"{target.KeyPrefix}{name}/{id}{DumpSuffix}";

    public static string ManifestKey(S3Target target, string name, string id) => $"{target.KeyPrefix}{name}/{id}{ManifestSuffix}";

    /// <summary>Splits an object key into (name, id, isManifest); null when the key is not a backup object.</summary>
    public static (string Name, string Id, bool IsManifest)? ParseKey(S3Target target, string key)
    {
        if (!key.StartsWith(target.KeyPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var match = KeyPattern().Match(key[target.KeyPrefix.Length..]);
        if (!match.Success || !match.Groups["id"].Value.StartsWith(match.Groups["name"].Value + "-", StringComparison.Ordinal))
        {
            return null;
        }

        return (match.Groups["name"].Value, match.Groups["id"].Value, match.Groups["ext"].Value == ManifestSuffix);
    }

    /// <summary>The start time encoded in an id, or null.</summary>
    public static DateTimeOffset? TimestampOf(string id)
    {
        var match = IdTimestampPattern().Match(id);
        return match.Success && DateTimeOffset.TryParseExact(match.Groups["ts"].Value, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(?<name>[a-z0-9][a-z0-9_-]{0,62})/(?<id>[a-z0-9_-]+-\d{8}T\d{6}Z(-[0-9a-f]{8})?)(?<ext>\.dump|\.manifest\.json)$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"-(?<ts>\d{8}T\d{6}Z)(-[0-9a-f]{8})?$")]
    private static partial Regex IdTimestampPattern();

    [GeneratedRegex("^[0-9a-f]{8}$")]
    private static partial Regex SuffixPattern();
}
