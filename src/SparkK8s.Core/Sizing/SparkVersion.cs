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

        var parts = text.Trim().TrimStart('v').Split('.', '-', '+');
        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return null;
        }

        var patch = parts.Length > 2 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        return new SparkVersion(major, minor, patch);
    }

    public bool AtLeast(int major, int minor) => CompareTo(new SparkVersion(major, minor, 0)) >= 0;

    public int CompareTo(SparkVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor != other.Minor ? Minor.CompareTo(other.Minor) : Patch.CompareTo(other.Patch);

    public override string ToString() => $"{Major}.{Minor}.{Patch}";
}
