using System.Globalization;
using System.Text.RegularExpressions;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Sizing;

/// <summary>Durations typed by a person: <c>15m</c>, <c>1h30m</c>, <c>90s</c>, <c>2d</c>.</summary>
public static partial class DurationText
{
    [GeneratedRegex(@"^(?:(?<n>\d+(?:\.\d+)?)(?<u>ms|s|m|h|d|w))+$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static TimeSpan Parse(string text, string flag)
    {
        var trimmed = text.Trim();
        var match = Pattern().Match(trimmed);
        if (!match.Success)
        {
            throw new UserInputException($"{flag}: '{text}' is not a duration; give a positive duration such as 15m, 1h30m, 90s or 2d.");
        }

        var total = TimeSpan.Zero;
        for (var i = 0; i < match.Groups["n"].Captures.Count; i++)
        {
            var number = double.Parse(match.Groups["n"].Captures[i].Value, CultureInfo.InvariantCulture);
            total += match.Groups["u"].Captures[i].Value.ToLowerInvariant() switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                "h" => TimeSpan.FromHours(number),
                "d" => TimeSpan.FromDays(number),
                _ => TimeSpan.FromDays(7 * number),
            };
        }

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
