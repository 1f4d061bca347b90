using System.Text.Json;
using FluentAssertions;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Schema;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>
/// validate --all parses and schema-checks each distinct rendered document once per run (RenderedDocumentCache): the
/// findings must be exactly those of checking every render on its own, and a document that differs is checked afresh.
/// </summary>
public sealed class SharedDocumentTests : IDisposable
{
    private readonly TempDirectory _temp = new("shared-docs");

    public void Dispose() => _temp.Dispose();

    private ValidationSettings Settings() => new(SchemaLocation.Open(null, _temp.Combine("no-cache")), []);

    /// <summary>Everything a run reports (what validate --all --output json prints of it), as JSON text.</summary>
    private static string Report(ValidationRun run) => JsonSerializer.Serialize(new
    {
        run.Preset,
        run.Environment,
        run.SparkVersion,
        Findings = run.Findings.Select(f => new { f.Stage, f.Id, f.Severity, f.Object, f.Field, f.Message, f.Fix }),
        run.ObjectCount,
        run.SchemaSource,
        Sources = run.Sources.OrderBy(s => s.Key, StringComparer.Ordinal),
        run.RequiredCrds,
    });

    [Fact]
    public async Task Validate_all_of_the_chart_reports_the_same_with_and_without_shared_documents()
    {
        var runner = new ValidationRunner(TestHelm.Client);
        var template = new RenderOptions { ChartDirectory = RepoPaths.Chart, Preset = "(all)", Namespace = "spark" };
        var token = TestContext.Current.CancellationToken;

        var shared = await runner.RunAllAsync(template, Settings(), parallelism: 3, progress: null, shareDocuments: true, token);
        var separate = await runner.RunAllAsync(template, Settings(), parallelism: 3, progress: null, shareDocuments: false, token);

        shared.Select(Report).Should().Equal(separate.Select(Report));
        // Runs skipped for a Spark line their preset's components do not support (compose.yaml sparkLines) render nothing.
        shared.Should().HaveCountGreaterThan(10).And.OnlyContain(run => run.ObjectCount > 0 || run.Skipped != null);
        shared.Where(run => run.Skipped is null).Should().HaveCountGreaterThan(10);
    }

    private string Chart()
    {
        _temp.WriteFile("c/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
        _temp.WriteFile("c/values.yaml", "replicas: 1\n");
        _temp.WriteFile("c/presets/one.yaml", "replicas: 1\n");
        _temp.WriteFile("c/presets/two.yaml", "replicas: two\n");
        _temp.WriteFile("c/environments/dev.yaml", "{}\n");
        // The ConfigMap is the same in every render (and wrong: data values are strings); the Deployment follows the values.
        _temp.WriteFile("c/templates/all.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: same
            data:
              count: 1
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              replicas: {{ .Values.replicas }}
              selector: {matchLabels: {a: b}}
              template:
                metadata: {labels: {a: b}}
                spec: {containers: [{name: c, image: "x:1"}]}
            """);
        return _temp.Combine("c");
    }

    private static IEnumerable<string> SchemaFindings(ValidationRun run) =>
        run.Findings.Where(f => f.Stage == ValidationStage.Schema).Select(f => $"{f.Object} {f.Field}: {f.Message}");

    [Fact]
    public async Task A_shared_document_reports_its_schema_error_in_every_render_and_a_changed_one_is_checked_afresh()
    {
        var all = await new ValidationRunner(TestHelm.Client).RunAllAsync(
            new RenderOptions { ChartDirectory = Chart(), Preset = "(all)" }, Settings(), parallelism: 2, progress: null, TestContext.Current.CancellationToken);

        all.Should().HaveCount(4);
        all.Should().OnlyContain(run => SchemaFindings(run).Any(f => f.StartsWith("ConfigMap/same data.count:", StringComparison.Ordinal)));
        all.Where(run => run.Preset == "one").Should().OnlyContain(run => !SchemaFindings(run).Any(f => f.StartsWith("Deployment/d", StringComparison.Ordinal)));
        all.Where(run => run.Preset == "two").Should().OnlyContain(run => SchemaFindings(run).Any(f => f.StartsWith("Deployment/d spec.replicas:", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_cache_parses_a_text_once_and_other_text_again()
    {
        var cache = new RenderedDocumentCache();
        const string Text = "# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";

        var first = cache.Body(Text, "a.yaml");
        var again = cache.Body(Text, "a.yaml");
        var changed = cache.Body(Text.Replace("name: a", "name: b", StringComparison.Ordinal), "a.yaml");

        again.Should().BeSameAs(first);
        changed.Should().NotBeSameAs(first);
        changed!["metadata"]!["name"]!.GetValue<string>().Should().Be("b");
        cache.Parsed.Should().Be(2);
        cache.Body("# only a comment\n", "empty.yaml").Should().BeNull();
    }

    [Fact]
    public void The_cache_keeps_no_result_of_a_document_that_fails_to_parse()
    {
        var cache = new RenderedDocumentCache();

        var parse = () => cache.Body("a: [unclosed\n", "bad.yaml");

        parse.Should().Throw<Errors.UserInputException>().WithMessage("bad.yaml: invalid YAML*");
        parse.Should().Throw<Errors.UserInputException>();
        cache.Parsed.Should().Be(0);
    }
}
