using System.Globalization;
using FluentAssertions;
using SparkK8s.Core.Sizing;
using Xunit;

namespace SparkK8s.Core.Tests.Sizing;

/// <summary>Spark sizes and versions read in place give what the string-splitting readers they replaced gave, kept here as the reference.</summary>
public class SizingParseTests
{
    private static readonly string[] Pieces = ["", " ", "\t", "0", "1", "12", "007", "9223372036854775807", "9223372036854775808", "4", "v", "V",
        "b", "B", "k", "K", "kb", "KB", "kB", "m", "mb", "MB", "g", "G", "gb", "GB", "t", "tb", "p", "pb", "PB", "e", "x", "kib", "\u212A",
        ".", "-", "+", "SNAPSHOT", "1.5", "ü", "\u0660", "-1"];

    [Fact]
    public void Sizes_are_read_as_before()
    {
        foreach (var text in Texts(20_000, 1))
        {
            foreach (var unit in new[] { 1L, ByteSize.KiB, ByteSize.MiB })
            {
                ByteSize.TryParseSpark(text, unit).Should().Be(ReferenceSize(text, unit), "'{0}' with unit {1}", text, unit);
            }
        }
    }

    [Fact]
    public void Versions_are_read_as_before()
    {
        foreach (var text in Texts(20_000, 2).Concat(["3.5.1", "v4.1.0", " 3.5 ", "3", "3.", "3.5-", "3.5.1-SNAPSHOT", "3.1.1.119", "2.1.0-SNAPSHOT", "4-1", "4+1+2", ".5", ""]))
        {
            SparkVersion.TryParse(text).Should().Be(ReferenceVersion(text), "'{0}'", text);
        }
    }

    /// <summary>Random concatenations of the pieces above, with a fixed seed.</summary>
    private static IEnumerable<string?> Texts(int count, int seed)
    {
        var random = new Random(seed);
        yield return null;
        for (var i = 0; i < count; i++)
        {
            yield return string.Concat(Enumerable.Range(0, random.Next(1, 6)).Select(_ => Pieces[random.Next(Pieces.Length)]));
        }
    }

    private static long? ReferenceSize(string? text, long defaultUnit)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var trimmed = text.Trim().ToLowerInvariant();
        var digits = 0;
        while (digits < trimmed.Length && char.IsAsciiDigit(trimmed[digits]))
        {
            digits++;
        }

        if (digits == 0 || !long.TryParse(trimmed.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }

        long? unit = trimmed[digits..] switch
        {
            "" => defaultUnit,
            "b" => 1,
            "k" or "kb" => ByteSize.KiB,
            "m" or "mb" => ByteSize.MiB,
            "g" or "gb" => ByteSize.GiB,
            "t" or "tb" => ByteSize.TiB,
            "p" or "pb" => ByteSize.PiB,
            _ => null,
        };
        return unit is null || value > long.MaxValue / unit.Value ? null : value * unit.Value;
    }

    private static SparkVersion? ReferenceVersion(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Trim().TrimStart('v').Split('.', '-', '+');
        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return null;
        }

        var patch = parts.Length > 2 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        return new SparkVersion(major, minor, patch);
    }
}
