using System.Globalization;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Sizing;

namespace SparkK8s.Core.Cost;

/// <summary>The <c>--since</c> bound: an ISO date/time, or a duration back from now.</summary>
public static class SinceFilter
{
    /// <summary>ISO 8601 forms accepted for a point in time; a time without an offset is UTC.</summary>
    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mmK", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ssK",
    ];

    /// <summary>Epoch milliseconds, or null when no bound was given (<paramref name="text"/> is null).</summary>
    public static long? Parse(string? text, DateTimeOffset now)
    {
        if (text is null)
        {
            return null;
        }

        var trimmed = text.Trim();
        if (trimmed.Length > 0 && char.IsAsciiDigit(trimmed[0]) && trimmed.Contains('-', StringComparison.Ordinal)
            && DateTimeOffset.TryParseExact(trimmed, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return instant.ToUnixTimeMilliseconds();
        }

        try
        {
            if (trimmed.Length > 0)
            {
                return (now - DurationText.Parse(trimmed, "--since")).ToUnixTimeMilliseconds();
            }
        }
        catch (UserInputException)
        {
        }

        throw new UserInputException($"--since: '{text}' is neither an ISO date/time (2026-11-01, 2026-11-01T08:00Z) nor a duration back from now (7d, 24h).");
    }
}
