using System.Globalization;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Sizing;

namespace SparkK8s.Core.Cost;

/// <summary>The <c>--since</c> bound: an ISO date/time, or a duration back from now.</summary>
public static class SinceFilter
{
    /// <summary>Epoch milliseconds, or null when no bound was given.</summary>
    public static long? Parse(string? text, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            return instant.ToUnixTimeMilliseconds();
        }

        try
        {
            return (now - DurationText.Parse(text, "--since")).ToUnixTimeMilliseconds();
        }
        catch (UserInputException)
        {
            throw new UserInputException($"--since: '{text}' is neither a date/time (2026-11-01, 2026-11-01T08:00Z) nor a duration back from now (7d, 24h).");
        }
    }
}
