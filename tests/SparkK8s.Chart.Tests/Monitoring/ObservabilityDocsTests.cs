using System.Text.RegularExpressions;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Testing;
using SparkK8s.Testing.Monitoring;
using Xunit;

namespace SparkK8s.Chart.Tests.Monitoring;

/// <summary>The alert table of docs/en/observability.md (and its Russian twin) is the rendered PrometheusRule's.</summary>
public sealed partial class ObservabilityDocsTests
{
    [Theory]
    [InlineData("en")]
    [InlineData("ru")]
    public async Task The_alert_table_lists_every_rendered_alert_with_its_severity_and_runbook(string language)
    {
        var rules = MonitoringRenders.RuleFile(await ChartRender.RenderAsync(MonitoringRenders.Full("4.1")));
        var rendered = System.Text.Json.Nodes.JsonNode.Parse(rules)!["groups"]!.AsArray()
            .SelectMany(g => g!["rules"]!.AsArray())
            .Where(r => r!["alert"] is not null)
            .GroupBy(r => (string)r!["alert"]!)
            .ToDictionary(
                g => g.Key,
                g => (Severities: string.Join(", ", g.Select(r => (string)r!["labels"]!["severity"]!).Distinct()),
                      Runbook: Path.GetFileName((string)g.First()!["annotations"]!["runbook_url"]!)));
        var documented = Row().Matches(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", language, "observability.md")))
            .ToDictionary(m => m.Groups["alert"].Value, m => (Severities: m.Groups["severity"].Value.Trim(), Runbook: m.Groups["runbook"].Value + ".md"));

        using var scope = new AssertionScope();
        documented.Keys.Should().BeEquivalentTo(rendered.Keys);
        foreach (var (alert, expected) in rendered)
        {
            documented.GetValueOrDefault(alert).Should().Be(expected, alert);
        }
    }

    [GeneratedRegex(@"^\| `(?<alert>[A-Za-z][A-Za-z0-9]*)` \| (?<severity>[a-z, ]+) \| .+ \| \[[a-z-]+\]\(runbooks/(?<runbook>[a-z-]+)\.md\) \|$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
