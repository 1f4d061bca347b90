using System.Globalization;

namespace SparkK8s.Core.Sizing;

/// <summary>A Spark release as major.minor.patch; suffixes such as -SNAPSHOT or vendor builds (3.1.1.119) are ignored.</summary>
public readonly record struct SparkVersion(int Major, int Minor, int Patch) : IComparable<SparkVersion>
{
    /// <summary>What the tool assumes when a log or the user does not say: the chart's default Spark line.</summary>
    public static readonly SparkVersion Default = new(4, 1, 0);

    public static SparkVersion? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        // The first three of the parts between '.', '-' and '+' (read in place, not split into strings: this runs once
        // per application in a directory of thousands of logs).
        var rest = text.AsSpan().Trim().TrimStart('v');
        var majorText = NextPart(ref rest, out var more);
        if (!more || !int.TryParse(majorText, NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            return null;
        }

        if (!int.TryParse(NextPart(ref rest, out more), NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return null;
        }

        var patch = more && int.TryParse(NextPart(ref rest, out _), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        return new SparkVersion(major, minor, patch);
    }

    /// <summary>The text up to the next separator (or the end), and whether a separator followed it.</summary>
    private static ReadOnlySpan<char> NextPart(ref ReadOnlySpan<char> rest, out bool more)
    {
        var separator = rest.IndexOfAny('.', '-', '+');
        more = separator >= 0;
        var part = more ? rest[..separator] : rest;
        rest = more ? rest[(separator + 1)..] : [];
        return part;
    }

    public bool AtLeast(int major, int minor) => CompareTo(new SparkVersion(major, minor, 0)) >= 0;

    public int CompareTo(SparkVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor != other.Minor ? Minor.CompareTo(other.Minor) : Patch.CompareTo(other.Patch);

    public override string ToString() => $"{Major}.{Minor}.{Patch}";
}
