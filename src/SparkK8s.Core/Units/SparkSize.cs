using System.Globalization;
using System.Text.RegularExpressions;

namespace SparkK8s.Core.Units;

/// <summary>
/// Spark byte-size strings as Spark parses them ("4g", "512m", "1024k", "2t", with an optional "b": "4gb"),
/// where a plain number is in the property's default unit (MiB for executor memory and overhead).
/// </summary>
public static partial class SparkSize
{
    public const long MiB = 1024 * 1024;

    public static bool TryParseBytes(string? text, long defaultUnitBytes, out long bytes)
    {
        bytes = 0;
        var match = Pattern().Match((text ?? string.Empty).Trim().ToLowerInvariant());
        if (!match.Success || !long.TryParse(match.Groups["number"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var multiplier = match.Groups["unit"].Value switch
        {
            "" => defaultUnitBytes,
            "b" => 1L,
            "k" or "kb" => 1024L,
            "m" or "mb" => MiB,
            "g" or "gb" => 1024L * MiB,
            "t" or "tb" => 1024L * 1024 * MiB,
            "p" or "pb" => 1024L * 1024 * 1024 * MiB,
            _ => 0,
        };
        bytes = number * multiplier;
        return multiplier > 0;
    }

    [GeneratedRegex(@"^(?<number>\d+)(?<unit>b|kb?|mb?|gb?|tb?|pb?)?$")]
    private static partial Regex Pattern();
}
