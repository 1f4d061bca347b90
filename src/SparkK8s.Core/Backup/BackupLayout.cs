using System.Globalization;
using System.Text.RegularExpressions;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Backup;

/// <summary>
/// Object names: <c>{prefix}/{name}/{name}-{yyyyMMddTHHmmssZ}.dump</c> (the pg_dump archive) and
/// <c>.manifest.json</c> beside it. The id is the file name without extension; its timestamp is the start time.
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

    public static string NewId(string name, DateTimeOffset startedAt) =>
        $"{name}-{startedAt.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture)}";

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
        var dash = id.LastIndexOf('-');
        return dash > 0 && DateTimeOffset.TryParseExact(id[(dash + 1)..], TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(?<name>[a-z0-9][a-z0-9_-]{0,62})/(?<id>[a-z0-9_-]+-\d{8}T\d{6}Z)(?<ext>\.dump|\.manifest\.json)$")]
    private static partial Regex KeyPattern();
}
