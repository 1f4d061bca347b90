using System.Globalization;
using System.Text.RegularExpressions;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Sizing;

/// <summary>Durations typed by a person: <c>15m</c>, <c>1h30m</c>, <c>90s</c>, <c>2d</c>.</summary>
public static partial class DurationText
{
    [GeneratedRegex(@"^(?:(?<n>\d+(?:\.\d+)?)(?<u>ms|s|m|h|d|w))+$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    /// <summary>The longest duration accepted: ten years. Longer inputs are typos, and would overflow a TimeSpan.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(3650);

    /// <summary>Longer texts are not durations; bounding the length bounds the parsing time.</summary>
    public const int MaxLength = 64;

    public static TimeSpan Parse(string text, string flag)
    {
        var trimmed = text.Trim();
        if (trimmed.Length > MaxLength)
        {
            throw new UserInputException($"{flag}: '{trimmed[..20]}...' is too long to be a duration; give one such as 15m, 1h30m, 90s or 2d.");
        }

        var match = Pattern().Match(trimmed);
        if (!match.Success)
        {
            throw new UserInputException($"{flag}: '{text}' is not a duration; give a positive duration such as 15m, 1h30m, 90s or 2d.");
        }

        var seconds = 0.0;
        for (var i = 0; i < match.Groups["n"].Captures.Count; i++)
        {
            var number = double.Parse(match.Groups["n"].Captures[i].Value, CultureInfo.InvariantCulture);
            seconds += number * match.Groups["u"].Captures[i].Value.ToLowerInvariant() switch
            {
                "ms" => 0.001,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86400,
                _ => 7 * 86400,
            };
        }

        if (!(seconds <= Max.TotalSeconds))
        {
            throw new UserInputException($"{flag}: '{text}' is longer than {Max.TotalDays:0} days (ten years); give a shorter duration such as 15m or 2d.");
        }

        var total = TimeSpan.FromSeconds(Math.Round(seconds, 3));
        return total > TimeSpan.Zero
            ? total
            : throw new UserInputException($"{flag}: '{text}' must be longer than zero; give a duration such as 15m.");
    }

    public static string Format(TimeSpan span) => span.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:00}m")
        : span.TotalMinutes >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m{span.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#}s");
}
