using System.Globalization;
using System.Text.RegularExpressions;

namespace SparkK8s.Core.Backup;

/// <summary>A PostgreSQL version as reported by the server (<c>15.14 (Debian ...)</c>) or a tool (<c>pg_dump (PostgreSQL) 15.14</c>).</summary>
public sealed partial record PgVersion(int Major, int Minor) : IComparable<PgVersion>
{
    public static PgVersion? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var major = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var minor = match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        return new PgVersion(major, minor);
    }

    public int CompareTo(PgVersion? other) =>
        other is null ? 1 : Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public override string ToString() => $"{Major}.{Minor}";

    [GeneratedRegex(@"(?<![\d.])(\d{1,2})(?:\.(\d+))?(?:\.\d+)?(?:beta\d*|rc\d*|devel)?(?=\s|$|\))")]
    private static partial Regex Pattern();
}
