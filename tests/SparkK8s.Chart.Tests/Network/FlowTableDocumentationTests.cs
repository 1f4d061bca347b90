using System.Globalization;
using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests.Network;

/// <summary>
/// docs/{en,ru}/security/network-policies.md show the flows between the release's pods; the table there must be what
/// the rendered policies allow (complete stack with every Job), so the doc and the component table cannot drift apart.
/// </summary>
public class FlowTableDocumentationTests
{
    private const string Marker = "<!-- flow-table: checked by FlowTableDocumentationTests -->";

    public static TheoryData<string> Languages() => new("en", "ru");

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task The_documented_flow_table_is_what_the_policies_allow(string language)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: ["presets/jupyter-connect-k8s.yaml"],
            Sets: ["spark.version=4.1", "backup.enabled=true", "backup.verify.enabled=true", "restore.enabled=true", "restore.backupId=latest"]));
        var pods = ReleaseNetwork.Pods(rendered);
        var allowed = ReleaseNetwork.Allowed(new NetworkPolicyEvaluator(rendered.Objects), pods);
        var numbers = pods.SelectMany(p => p.Ports.Select(port => (Component: ReleaseNetwork.Component(p), port.Name, port.Number)))
            .Distinct().ToDictionary(p => (p.Component, p.Name), p => p.Number);
        var expected = allowed
            .OrderBy(f => f.Destination, StringComparer.Ordinal).ThenBy(f => f.Source, StringComparer.Ordinal).ThenBy(f => f.Port, StringComparer.Ordinal)
            .Select(f => $"| {f.Source} | {f.Destination} | {f.Port} | {numbers[(f.Destination, f.Port)].ToString(CultureInfo.InvariantCulture)} |")
            .ToList();

        var documented = Rows(Path.Combine(RepoPaths.Root, "docs", language, "security", "network-policies.md"));

        documented.Should().Equal(expected, "the table must list exactly these rows, in this order:\n" + string.Join("\n", expected));
    }

    /// <summary>The data rows of the table right after the marker (header and separator skipped).</summary>
    private static List<string> Rows(string path)
    {
        var lines = File.ReadAllLines(path);
        var start = Array.IndexOf(lines, Marker);
        start.Should().BeGreaterThanOrEqualTo(0, $"{path} has the marker line {Marker}");
        return lines.Skip(start + 1).SkipWhile(l => l.Trim().Length == 0).TakeWhile(l => l.StartsWith('|')).Skip(2)
            .Select(l => "| " + string.Join(" | ", l.Trim('|').Split('|').Select(c => c.Trim().Trim('`'))) + " |")
            .ToList();
    }
}
