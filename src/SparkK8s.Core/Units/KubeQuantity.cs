using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SparkK8s.Core.Units;

/// <summary>
/// Kubernetes resource quantities parsed exactly (decimal, no floating point): "500m", "1.5", "2Gi", "1e3", "128974848".
/// </summary>
public static partial class KubeQuantity
{
    private static readonly Dictionary<string, decimal> Suffixes = new(StringComparer.Ordinal)
    {
        [""] = 1m,
        ["n"] = 0.000000001m,
        ["u"] = 0.000001m,
        ["m"] = 0.001m,
        ["k"] = 1000m,
        ["M"] = 1000_000m,
        ["G"] = 1000_000_000m,
        ["T"] = 1000_000_000_000m,
        ["P"] = 1000_000_000_000_000m,
        ["E"] = 1000_000_000_000_000_000m,
        ["Ki"] = 1024m,
        ["Mi"] = 1024m * 1024,
        ["Gi"] = 1024m * 1024 * 1024,
        ["Ti"] = 1024m * 1024 * 1024 * 1024,
        ["Pi"] = 1024m * 1024 * 1024 * 1024 * 1024,
        ["Ei"] = 1024m * 1024 * 1024 * 1024 * 1024 * 1024,
    };

    /// <summary>Longer texts are not quantities; bounding the length bounds the parsing time.</summary>
    public const int MaxLength = 64;

    /// <summary>decimal holds about 28 significant digits, so larger exponents cannot be represented exactly.</summary>
    private const int MaxExponent = 28;

    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
        {
            return false;
        }

        try
        {
            return TryParseBounded(text, out value);
        }
        catch (OverflowException)
        {
            // Larger than decimal holds (about 7.9e28): not a quantity any cluster has.
            value = 0;
            return false;
        }
    }

    private static bool TryParseBounded(string text, out decimal value)
    {
        value = 0;
        var match = Pattern().Match(text.Trim());
        if (!match.Success || !decimal.TryParse(match.Groups["number"].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        if (match.Groups["exponent"].Success)
        {
            if (!int.TryParse(match.Groups["exponent"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent)
                || Math.Abs(exponent) > MaxExponent)
            {
                return false;
            }

            value = number * Pow10(exponent);
            return true;
        }

        value = number * Suffixes[match.Groups["suffix"].Value];
        return true;
    }

    /// <summary>A quantity from a rendered field (a string or a plain number), or null when absent or malformed.</summary>
    public static decimal? From(JsonNode? node)
    {
        if (node is not JsonValue scalar)
        {
            return null;
        }

        if (scalar.GetValueKind() == JsonValueKind.Number)
        {
            return decimal.TryParse(scalar.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;
        }

        return TryParse(scalar.GetValueKind() == JsonValueKind.String ? scalar.GetValue<string>() : null, out var value) ? value : null;
    }

    /// <summary>CPU cores for people: "2", "0.5", "1.25".</summary>
    public static string FormatCpu(decimal cores) => decimal.Round(cores, 3).ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Bytes for people in binary units: "1.5Gi", "384Mi", "0".</summary>
    public static string FormatBytes(decimal bytes)
    {
        string[] units = ["", "Ki", "Mi", "Gi", "Ti", "Pi"];
        var unit = 0;
        while (Math.Abs(bytes) >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return decimal.Round(bytes, 2).ToString("0.##", CultureInfo.InvariantCulture) + units[unit];
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < Math.Abs(exponent); i++)
        {
            result = exponent > 0 ? result * 10 : result / 10;
        }

        return result;
    }

    [GeneratedRegex(@"^(?<number>[+-]?(\d+(\.\d*)?|\.\d+))((?<suffix>Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?|[eE](?<exponent>[+-]?\d+))$")]
    private static partial Regex Pattern();
}
