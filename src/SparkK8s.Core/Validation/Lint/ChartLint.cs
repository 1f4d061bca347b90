using System.Text.RegularExpressions;
using SparkK8s.Core.Helm;

namespace SparkK8s.Core.Validation.Lint;

/// <summary>
/// What <c>helm lint --strict</c> reports, and which of it depends only on the chart. helm lint (helm/helm
/// pkg/chart/v2/lint/lint.go, v4.1; pkg/lint/lint.go, v3.18) runs five rule sets: Chart.yaml metadata (chartfile.go),
/// values.yaml against values.schema.json (values.go), a lint-mode render with per-document checks (template.go,
/// deprecations.go), dependencies (dependencies.go) and crds/ (crds.go). The chart-level findings - Chart.yaml,
/// dependencies, crds/, the templates/ directory, template file extensions and, in helm 3, crd-install hooks and
/// .Release.Time in template sources - are the same for every value set, so <c>validate --all</c> lints each chart once.
/// The value-dependent ones are covered per render: a values or render error fails <c>helm template</c> too (HELM002),
/// and <see cref="RenderedLintChecks"/> repeats the per-document checks on the rendered output.
/// </summary>
public static partial class ChartLint
{
    public const string Hint = "Fix what helm lint --strict reports";

    /// <summary>Every finding of a failed lint, as <c>validate</c> reports them.</summary>
    public static IReadOnlyList<Finding> Findings(string output)
    {
        var findings = new List<Finding>();
        foreach (Match match in LintLine().Matches(output))
        {
            findings.Add(new Finding(ValidationStage.Lint, "HELM001", Severity.Error, match.Groups["where"].Value.Trim(), string.Empty,
                $"[{match.Groups["level"].Value}] {match.Groups["message"].Value.Trim()}", Hint));
        }

        if (findings.Count == 0)
        {
            findings.Add(new Finding(ValidationStage.Lint, "HELM001", Severity.Error, "chart", string.Empty, output, Hint));
        }

        return findings;
    }

    /// <summary>Lints the chart once with its own values and keeps the findings that do not depend on values.</summary>
    public static async Task<IReadOnlyList<Finding>> ChartLevelAsync(HelmClient helm, string chartDirectory, string @namespace, CancellationToken cancellationToken)
    {
        var lint = await helm.LintAsync(new HelmRenderRequest { ChartDirectory = chartDirectory, Namespace = @namespace }, strict: true, cancellationToken)
            .ConfigureAwait(false);
        return lint.Succeeded ? [] : Findings((lint.StandardOutput + "\n" + lint.StandardError).Trim()).Where(IsChartLevel).ToList();
    }

    /// <summary>False for what a render with other values could change; those are checked on each render instead.</summary>
    public static bool IsChartLevel(Finding finding)
    {
        var where = finding.Object;
        var message = finding.Message;
        if (where == "values.yaml")
        {
            return false;
        }

        if (where == "templates/")
        {
            return message.Contains("directory does not exist", StringComparison.Ordinal) || message.Contains("not a directory", StringComparison.Ordinal);
        }

        return !(where.StartsWith("templates/", StringComparison.Ordinal) && ValueDependentMessages.Any(m => message.Contains(m, StringComparison.Ordinal)));
    }

    /// <summary>The per-document rules of template.go and deprecations.go, which <see cref="RenderedLintChecks"/> repeats.</summary>
    private static readonly string[] ValueDependentMessages =
    [
        "object name does not conform",
        " is deprecated in v",
        "must contain matchLabels or matchExpressions",
        "within List objects are ignored",
        "document starts with an illegal indent",
        "unable to parse YAML",
    ];

    [GeneratedRegex(@"^\[(?<level>ERROR|WARNING)\]\s*(?<where>[^:]*):(?<message>.*)$", RegexOptions.Multiline)]
    private static partial Regex LintLine();
}
