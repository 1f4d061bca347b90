using FluentAssertions;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Security;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests.Repository;

/// <summary>Every SEC rule is listed, with its severity, in docs/{en,ru}/security/policy.md and docs/{en,ru}/cli.md.</summary>
public class SecurityDocsTests
{
    public static TheoryData<string> Pages() => new("docs/en/security/policy.md", "docs/ru/security/policy.md", "docs/en/cli.md", "docs/ru/cli.md");

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_security_rule_has_a_table_row_with_its_severity(string page)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, page));
        var english = page.Contains("/en/", StringComparison.Ordinal);
        foreach (var rule in SecurityRules.All)
        {
            var row = lines.Should().ContainSingle(l => l.StartsWith($"| {rule.Id} |", StringComparison.Ordinal), $"{page} lists {rule.Id}").Subject;
            var severity = row.Split('|')[2].Trim();
            var word = (rule.Severity, english) switch
            {
                (Severity.Error, true) => "error",
                (Severity.Warning, true) => "warning",
                (Severity.Error, false) => "ошибка",
                _ => "предупреждение",
            };
            severity.Should().StartWith(word, $"{page}: {rule.Id} is {rule.Severity}");
        }

        lines.Where(l => l.StartsWith("| SEC", StringComparison.Ordinal)).Should().HaveCount(SecurityRules.All.Count, "no row for a rule that does not exist");
    }
}
