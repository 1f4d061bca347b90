using System.Text.Json.Nodes;
using SparkK8s.Core.Processes;

namespace SparkK8s.Testing.Monitoring;

/// <summary>
/// The promtool harness: <c>promtool check rules</c> and <c>promtool test rules</c> over rule groups taken from a
/// rendered PrometheusRule. promtool comes from the Debian package prometheus, which ./test.sh installs
/// (scripts/ensure-test-deps.sh); without it the tests fail with that instruction, they are never skipped.
/// Unit-test files live in tests/fixtures/alerts/&lt;group&gt;.test.yaml and name <c>rule_files: [rules.yaml]</c>: the
/// harness writes the rendered groups as rules.yaml next to a copy of the test file and runs promtool there.
/// </summary>
public static class Promtool
{
    public static string FixtureDirectory => Path.Combine(RepoPaths.Root, "tests", "fixtures", "alerts");

    public static string Executable =>
        ProcessRunner.FindOnPath("promtool")
        ?? throw new InvalidOperationException("promtool is not installed: apt-get install prometheus (./test.sh installs it when run as root)");

    /// <summary>A Prometheus rule file (JSON is YAML) holding the spec.groups of PrometheusRule objects.</summary>
    public static string RuleFile(IEnumerable<JsonObject> prometheusRuleBodies)
    {
        var groups = new JsonArray();
        foreach (var body in prometheusRuleBodies)
        {
            foreach (var group in body["spec"]?["groups"]?.AsArray() ?? [])
            {
                groups.Add(group!.DeepClone());
            }
        }

        return new JsonObject { ["groups"] = groups }.ToJsonString();
    }

    /// <summary>The group names of a rule file built by <see cref="RuleFile"/>.</summary>
    public static IReadOnlyList<string> GroupNames(string ruleFile) =>
        JsonNode.Parse(ruleFile)!["groups"]!.AsArray().Select(g => (string)g!["name"]!).ToList();

    public static async Task<ProcessResult> CheckRulesAsync(string ruleFile, CancellationToken cancellationToken)
    {
        using var dir = new TempDirectory("promtool");
        var path = dir.WriteFile("rules.yaml", ruleFile);
        return await ProcessRunner.RunAsync(Executable, ["check", "rules", path], cancellationToken, dir.Path).ConfigureAwait(false);
    }

    /// <summary>Runs one unit-test file of <see cref="FixtureDirectory"/> against <paramref name="ruleFile"/>.</summary>
    public static async Task<ProcessResult> TestRulesAsync(string ruleFile, string testFile, CancellationToken cancellationToken)
    {
        using var dir = new TempDirectory("promtool");
        dir.WriteFile("rules.yaml", ruleFile);
        var copy = dir.WriteFile(Path.GetFileName(testFile), await File.ReadAllTextAsync(testFile, cancellationToken).ConfigureAwait(false));
        return await ProcessRunner.RunAsync(Executable, ["test", "rules", copy], cancellationToken, dir.Path).ConfigureAwait(false);
    }

    /// <summary>Every expression of a rule file: (group, alert or record name, expr).</summary>
    public static IEnumerable<(string Group, string Rule, string Expr)> Expressions(string ruleFile)
    {
        foreach (var group in JsonNode.Parse(ruleFile)!["groups"]!.AsArray())
        {
            foreach (var rule in group!["rules"]!.AsArray())
            {
                yield return ((string)group["name"]!, (string?)rule!["alert"] ?? (string)rule["record"]!, (string)rule["expr"]!);
            }
        }
    }

    /// <summary>The recording rules a rule file defines.</summary>
    public static IReadOnlySet<string> RecordingRules(string ruleFile) =>
        JsonNode.Parse(ruleFile)!["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray())
            .Select(r => (string?)r!["record"]).OfType<string>().ToHashSet(StringComparer.Ordinal);
}
