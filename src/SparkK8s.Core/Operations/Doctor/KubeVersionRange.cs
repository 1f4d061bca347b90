using System.Globalization;
using System.Text.RegularExpressions;

namespace SparkK8s.Core.Operations.Doctor;

/// <summary>
/// The chart's supported Kubernetes range, from Chart.yaml kubeVersion: comparators such as "&gt;=1.25.0-0 &lt;1.37.0-0"
/// (space or comma separated; all must hold), as Helm reads them (Masterminds semver). A "-0" pre-release suffix lets
/// providers' versions like v1.30.4-eks-a737599 match, which is why charts write it; the suffix is ignored here.
/// </summary>
public sealed partial record KubeVersionRange(string Text, IReadOnlyList<(string Op, Version Version)> Comparators)
{
    public static KubeVersionRange? FromChart(string chartDirectory)
    {
        var file = Path.Combine(chartDirectory, "Chart.yaml");
        if (!File.Exists(file))
        {
            return null;
        }

        var match = KubeVersionLine().Match(File.ReadAllText(file));
        return match.Success ? Parse(match.Groups["range"].Value.Trim()) : null;
    }

    public static KubeVersionRange Parse(string text)
    {
        var comparators = new List<(string, Version)>();
        foreach (Match m in Comparator().Matches(text))
        {
            comparators.Add((m.Groups["op"].Value.Length == 0 ? "=" : m.Groups["op"].Value, ParseVersion(m.Groups["version"].Value)!));
        }

        return new KubeVersionRange(text, comparators);
    }

    /// <summary>"v1.33.1", "v1.30.4-eks-a737599" or "1.31" as major.minor.patch; null when it is not a version.</summary>
    public static Version? ParseVersion(string text)
    {
        var match = VersionText().Match(text);
        if (!match.Success)
        {
            return null;
        }

        int Part(string group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        return new Version(Part("major"), Part("minor"), Part("patch"));
    }

    public bool Contains(Version version) => Comparators.All(c => c.Op switch
    {
        ">=" => version >= c.Version,
        ">" => version > c.Version,
        "<=" => version <= c.Version,
        "<" => version < c.Version,
        "!=" => version != c.Version,
        _ => version == c.Version,
    });

    [GeneratedRegex("""^kubeVersion:\s*["']?(?<range>[^"'\n#]+)["']?""", RegexOptions.Multiline)]
    private static partial Regex KubeVersionLine();

    [GeneratedRegex(@"(?<op>>=|<=|!=|>|<|=)?\s*v?(?<version>\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?)")]
    private static partial Regex Comparator();

    [GeneratedRegex(@"^v?(?<major>\d+)(\.(?<minor>\d+))?(\.(?<patch>\d+))?")]
    private static partial Regex VersionText();
}
