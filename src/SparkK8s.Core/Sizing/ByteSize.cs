using System.Globalization;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Sizing;

/// <summary>
/// Parses sizes. Two dialects: Spark's own size strings (<c>512m</c>, <c>2G</c>, a bare number in a default unit,
/// integers only, 1024-based, as Spark's JavaUtils.byteStringAs), and human sizes given on the command line
/// (<c>1TB</c>, <c>1.5 TiB</c>, <c>500GB</c>), which this tool also reads as 1024-based, like Spark.
/// </summary>
public static class ByteSize
{
    public const long KiB = 1024;
    public const long MiB = KiB * 1024;
    public const long GiB = MiB * 1024;
    public const long TiB = GiB * 1024;
    public const long PiB = TiB * 1024;

    /// <summary>A Spark size string in bytes, or null when it is not one. <paramref name="defaultUnit"/> applies to a bare number.</summary>
    public static long? TryParseSpark(string? text, long defaultUnit)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // Read in place (this runs for every memory setting of every application in a directory of thousands of logs):
        // what trimming and lower-casing a copy of the text would give.
        var trimmed = text.AsSpan().Trim();
        var digits = trimmed.IndexOfAnyExceptInRange('0', '9');
        digits = digits < 0 ? trimmed.Length : digits;
        if (digits == 0 || !long.TryParse(trimmed[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        // Every unit is at most two letters, and lower-casing keeps the length.
        var suffix = trimmed[digits..];
        if (suffix.Length > 2)
        {
            return null;
        }

        Span<char> lower = stackalloc char[2];
        var letters = lower[..suffix.ToLowerInvariant(lower)];
        long? unit = letters switch
        {
            "" => defaultUnit,
            "b" => 1,
            "k" or "kb" => KiB,
            "m" or "mb" => MiB,
            "g" or "gb" => GiB,
            "t" or "tb" => TiB,
            "p" or "pb" => PiB,
            _ => null,
        };
        // A size beyond what a long holds (8 EiB) is no size a Spark setting can have: "not a size", not a crash.
        return unit is null || value > long.MaxValue / unit.Value ? null : value * unit.Value;
    }

    /// <summary>A Spark size string read as MiB (the unit of spark.*.memory settings), or null.</summary>
    public static long? TryParseSparkMiB(string? text) => TryParseSpark(text, MiB) is { } bytes ? bytes / MiB : null;

    /// <summary>A size typed by a person: a positive number with a unit (B, KB, MB, GB, TB, PB, with or without 'i').</summary>
    /// <summary>The largest size typed by a person that this tool accepts: 1 EiB.</summary>
    public const long MaxHuman = PiB * 1024;

    public static long ParseHuman(string text, string flag)
    {
        var trimmed = text.Trim();
        if (trimmed.Length > 64)
        {
            throw new UserInputException($"{flag}: '{trimmed[..20]}...' is too long to be a size; give one such as 500GB or 1.5TB.");
        }

        var end = 0;
        while (end < trimmed.Length && (char.IsAsciiDigit(trimmed[end]) || trimmed[end] == '.'))
        {
            end++;
        }

        var unitText = trimmed[end..].Trim().ToUpperInvariant();
        long? unit = unitText switch
        {
            "B" => 1,
            "K" or "KB" or "KIB" => KiB,
            "M" or "MB" or "MIB" => MiB,
            "G" or "GB" or "GIB" => GiB,
            "T" or "TB" or "TIB" => TiB,
            "P" or "PB" or "PIB" => PiB,
            _ => null,
        };
        if (end == 0 || unit is null || !double.TryParse(trimmed.AsSpan(0, end), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            throw new UserInputException($"{flag}: '{text}' is not a size; give a positive number with a unit, for example 500GB or 1.5TB (units B, KB, MB, GB, TB, PB; 1024-based).");
        }

        var bytes = Math.Round(number * unit.Value);
        return bytes <= MaxHuman
            ? Math.Max(1, (long)bytes)
            : throw new UserInputException($"{flag}: '{text}' is more than 1 EiB (1024 PB), the largest size this tool plans for; check the number and its unit.");
    }

    /// <summary>MiB as a Spark size string: whole GiB as "8g", otherwise "8704m".</summary>
    public static string ToSparkString(long mebibytes) =>
        mebibytes % 1024 == 0 ? $"{mebibytes / 1024}g" : $"{mebibytes}m";

    /// <summary>Bytes for people: 1.5 GiB, 320 MiB.</summary>
    public static string Format(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        var index = 0;
        while (Math.Abs(bytes) >= 1024 && index < units.Length - 1)
        {
            bytes /= 1024;
            index++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{bytes:0.#} {units[index]}");
    }
}
