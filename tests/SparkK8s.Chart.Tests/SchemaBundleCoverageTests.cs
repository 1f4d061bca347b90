using System.Text.RegularExpressions;
using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Validation.Schema;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>Every kind the chart renders has a schema in the CLI's embedded bundle, so strict validation needs no download.</summary>
public partial class SchemaBundleCoverageTests
{
    [Theory]
    [MemberData(nameof(PresetMatrixTests.Matrix), MemberType = typeof(PresetMatrixTests))]
    public async Task Every_rendered_kind_is_in_the_bundle(string preset, string environment, string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: [$"presets/{preset}.yaml", $"environments/{environment}.yaml"],
            Sets: [$"spark.version={version}"]));

        var missing = rendered.Objects.Concat(rendered.PodWorkloads)
            .Where(o => SchemaStore.Embedded.Find(o.Group, o.Version, o.Kind) is null)
            .Select(o => $"{o.ApiVersion} {o.Kind}")
            .Distinct()
            .ToList();

        missing.Should().BeEmpty("regenerate the bundle with scripts/generate-schema-bundle.sh including these kinds");
    }

    [Fact]
    public void Every_kind_a_template_declares_is_in_the_bundle()
    {
        var declared = new List<(string ApiVersion, string Kind, string File)>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Chart, "templates"), "*.yaml", SearchOption.AllDirectories))
        {
            foreach (Match match in ApiVersionAndKind().Matches(File.ReadAllText(file)))
            {
                declared.Add((match.Groups["api"].Value, match.Groups["kind"].Value, Path.GetRelativePath(RepoPaths.Chart, file)));
            }
        }

        declared.Should().NotBeEmpty();
        var missing = declared.Where(d => !NotInTheBundle.Contains($"{d.ApiVersion} {d.Kind}")).Where(d =>
        {
            var slash = d.ApiVersion.LastIndexOf('/');
            var group = slash < 0 ? string.Empty : d.ApiVersion[..slash];
            return SchemaStore.Embedded.Find(group, d.ApiVersion[(slash + 1)..], d.Kind) is null;
        }).Select(d => $"{d.File}: {d.ApiVersion} {d.Kind}");

        missing.Should().BeEmpty();
    }

    /// <summary>
    /// Kinds a template may declare without a schema in the bundle: OpenShift's Route (openshift.routes.*, off by default) is
    /// not a CRD of a public catalog; validate it with a cluster's schemas (spark-k8s schemas fetch) or --skip-kinds Route.
    /// </summary>
    private static readonly HashSet<string> NotInTheBundle = ["route.openshift.io/v1 Route"];

    /// <summary>A literal top-level apiVersion followed by kind (templated apiVersions are checked through the renders).</summary>
    [GeneratedRegex(@"^apiVersion:\s*(?<api>[A-Za-z0-9./-]+)\s*\r?\n(?:#.*\r?\n)*kind:\s*(?<kind>[A-Za-z0-9]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ApiVersionAndKind();
}
