using FluentAssertions;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Lint;
using SparkK8s.Core.Validation.Schema;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>
/// validate --all lints each chart once and makes helm lint's per-document checks on each render's output; these tests
/// prove every kept check still fires, and with helm's own words (they compare with a real helm lint --strict per render).
/// </summary>
public sealed class LintTests : IDisposable
{
    private readonly TempDirectory _temp = new("lint");

    public void Dispose() => _temp.Dispose();

    private const string Templates = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{ .Values.name }}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: svc-{{ .Values.name }}
        spec:
          ports: [{port: 80}]
        ---
        apiVersion: policy/v1beta1
        kind: PodDisruptionBudget
        metadata:
          name: pdb
        spec:
          minAvailable: 1
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: d
        spec:
          {{- if .Values.selector }}
          selector: {matchLabels: {a: b}}
          {{- end }}
          template:
            metadata: {labels: {a: b}}
            spec: {containers: [{name: c, image: x}]}
        """;

    private string Chart(string chartYaml = "apiVersion: v2\nname: c\nversion: 0.1.0\n")
    {
        _temp.WriteFile("c/Chart.yaml", chartYaml);
        _temp.WriteFile("c/values.yaml", "name: ok\nselector: true\n");
        _temp.WriteFile("c/presets/bad-name.yaml", "name: Bad_Name\n");
        _temp.WriteFile("c/presets/good.yaml", "name: fine\n");
        _temp.WriteFile("c/environments/dev.yaml", "selector: false\n");
        _temp.WriteFile("c/environments/prod.yaml", "selector: true\n");
        _temp.WriteFile("c/templates/all.yaml", Templates);
        return _temp.Combine("c");
    }

    private static ValidationSettings Settings(TempDirectory temp) => new(SchemaLocation.Open(null, temp.Combine("no-cache")), []);

    private static HashSet<string> LintFindings(ValidationRun run) =>
        run.Findings.Where(f => f.Stage == ValidationStage.Lint).Select(f => $"{f.Object}: {f.Message}").ToHashSet();

    [Fact]
    public async Task Validate_all_reports_what_helm_lint_strict_reports_for_each_render()
    {
        var chart = Chart();
        var runner = new ValidationRunner(TestHelm.Client);
        var template = new RenderOptions { ChartDirectory = chart, Preset = "(all)" };

        var all = await runner.RunAllAsync(template, Settings(_temp), parallelism: 2, progress: null, TestContext.Current.CancellationToken);

        all.Should().HaveCount(8);
        foreach (var run in all)
        {
            var single = await runner.RunAsync(template with { Preset = run.Preset, Environment = run.Environment, SparkVersion = run.SparkVersion },
                Settings(_temp), TestContext.Current.CancellationToken);
            LintFindings(run).Should().BeEquivalentTo(LintFindings(single.Run), $"{run.Preset} {run.Environment} {run.SparkVersion}");
        }

        var devBadName = LintFindings(all.Single(r => r.Preset == "bad-name" && r.Environment == "dev" && r.SparkVersion == "3.5"));
        devBadName.Should().Contain(f => f.Contains("object name does not conform", StringComparison.Ordinal) && f.Contains("\"Bad_Name\"", StringComparison.Ordinal));
        devBadName.Should().Contain(f => f.Contains("a DNS-1035 label", StringComparison.Ordinal));
        devBadName.Should().Contain("templates/all.yaml: [WARNING] policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+; use policy/v1 PodDisruptionBudget");
        devBadName.Should().Contain("templates/all.yaml: [ERROR] a Deployment must contain matchLabels or matchExpressions, and \"d\" does not");
        LintFindings(all.Single(r => r.Preset == "good" && r.Environment == "prod" && r.SparkVersion == "4.1"))
            .Should().BeEquivalentTo(["templates/all.yaml: [WARNING] policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+; use policy/v1 PodDisruptionBudget"]);
    }

    [Fact]
    public async Task A_bad_chart_yaml_fails_every_render_of_validate_all()
    {
        var chart = Chart("apiVersion: v2\nname: c\nversion: not-a-version\n");
        var all = await new ValidationRunner(TestHelm.Client).RunAllAsync(
            new RenderOptions { ChartDirectory = chart, Preset = "(all)" }, Settings(_temp), parallelism: 2, progress: null, TestContext.Current.CancellationToken);

        all.Should().OnlyContain(run => run.Findings.Any(f => f.Stage == ValidationStage.Lint && f.Object == "Chart.yaml" && f.Message.Contains("version", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_template_with_a_bad_file_extension_fails_every_render_of_validate_all()
    {
        var chart = Chart();
        _temp.WriteFile("c/templates/notes.md", "hello");
        var all = await new ValidationRunner(TestHelm.Client).RunAllAsync(
            new RenderOptions { ChartDirectory = chart, Preset = "(all)" }, Settings(_temp), parallelism: 2, progress: null, TestContext.Current.CancellationToken);

        all.Should().OnlyContain(run => run.Findings.Any(f => f.Object == "templates/notes.md" && f.Message.Contains("file extension '.md' not valid", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_template_that_dereferences_a_missing_value_fails_the_render_as_lint_did()
    {
        // helm lint --strict renders in lint mode, where a missing key prints nothing (helm/helm template.go sets
        // e.LintMode, not e.Strict); only a nil dereference fails, and helm template fails on it too.
        var chart = Chart();
        _temp.WriteFile("c/templates/missing.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\ndata:\n  a: \"{{ .Values.missing.deep }}\"\n");
        var all = await new ValidationRunner(TestHelm.Client).RunAllAsync(
            new RenderOptions { ChartDirectory = chart, Preset = "(all)" }, Settings(_temp), parallelism: 2, progress: null, TestContext.Current.CancellationToken);

        all.Should().OnlyContain(run => run.Findings.Any(f => f.Id == "HELM002" && f.Message.Contains(".Values.missing.deep", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_indented_template_start_and_a_list_with_resource_policy_are_reported()
    {
        var manifest = RenderedManifest.Parse("""
            ---
            # Source: c/templates/indented.yaml
              apiVersion: v1
              kind: ConfigMap
              metadata:
                name: indented
            ---
            # Source: c/templates/list.yaml
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: i
                  annotations: {"helm.sh/resource-policy": keep}
            """, new RenderOptions { ChartDirectory = _temp.Path, Preset = "x" });

        RenderedLintChecks.Run(manifest).Select(f => $"{f.Object}: {f.Message}").Should().BeEquivalentTo(
            "templates/indented.yaml: [WARNING] document starts with an illegal indent: \"  apiVersion: v1\", which may cause parsing problems",
            "templates/list.yaml: [WARNING] object name does not conform to Kubernetes naming requirements: \"\": metadata.name: Invalid value: \"\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            "templates/list.yaml: [ERROR] annotation 'helm.sh/resource-policy' within List objects are ignored");
    }

    [Theory]
    [InlineData("Chart.yaml", "[ERROR] version 'x' is not a valid SemVer", true)]
    [InlineData("templates/", "[WARNING] directory does not exist", true)]
    [InlineData("templates/x.json", "[ERROR] file extension '.json' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt", true)]
    [InlineData("templates/", "[ERROR] template: c/templates/a.yaml:1: nil pointer", false)]
    [InlineData("values.yaml", "[ERROR] - name: Invalid type", false)]
    [InlineData("templates/a.yaml", "[WARNING] object name does not conform to Kubernetes naming requirements", false)]
    [InlineData("templates/a.yaml", "[ERROR] a Deployment must contain matchLabels or matchExpressions, and \"d\" does not", false)]
    public void Chart_level_lint_findings_are_told_from_value_dependent_ones(string where, string message, bool chartLevel) =>
        ChartLint.IsChartLevel(new Finding(ValidationStage.Lint, "HELM001", Severity.Error, where, string.Empty, message, ChartLint.Hint))
            .Should().Be(chartLevel);
}
