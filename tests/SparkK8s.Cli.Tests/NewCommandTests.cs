using System.Text.Json.Nodes;
using FluentAssertions;
using SparkK8s.Core.Composer;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Presets;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Schema;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests;

public class NewCommandTests
{
    private static readonly ComposeCatalog Catalog = ComposeCatalog.Load(RepoPaths.Chart);

    public static TheoryData<string> PresetNames() => new(new PresetCatalog(RepoPaths.Chart).PresetNames);

    [Fact]
    public void Every_preset_file_has_a_recipe_and_every_recipe_a_file()
    {
        Catalog.Presets.Select(p => p.Name).Should().BeEquivalentTo(new PresetCatalog(RepoPaths.Chart).PresetNames);
    }

    /// <summary>The contract: a preset is exactly what `spark-k8s new --from` writes (regenerate it with `-o ... --force`).</summary>
    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Each_preset_is_exactly_what_new_from_it_composes(string preset)
    {
        var composed = new PlatformComposer(Catalog).Compose(new ComposeRequest { From = preset });

        composed.Text.Should().Be(File.ReadAllText(Path.Combine(RepoPaths.Chart, "presets", preset + ".yaml")),
            $"run: ./spark-k8s new --from {preset} -o charts/spark-k8s/presets/{preset}.yaml --force");
    }

    /// <summary>
    /// And its values are what `new --with <its component list> --backend <its backend>` composes, where the component
    /// list is what `spark-k8s presets` shows (the enabled components, and jobs) plus the switchless features (spot).
    /// </summary>
    [Theory]
    [MemberData(nameof(PresetNames))]
    public async Task Each_preset_is_what_its_component_list_composes(string preset)
    {
        var catalog = new PresetCatalog(RepoPaths.Chart);
        var info = (await catalog.ListAsync(TestContext.Current.CancellationToken)).Single(p => p.Name == preset);
        var presetValues = await ValuesDocument.LoadAsync(info.Path, "preset", TestContext.Current.CancellationToken);
        var recipe = Catalog.FindPreset(preset)!;
        var features = recipe.With.Where(n => !Catalog.FindComponent(n)!.Switched && n != "jobs");

        var composed = new PlatformComposer(Catalog).Compose(new ComposeRequest { With = [.. info.Components, .. features], Backend = info.Backend });

        JsonNode.DeepEquals(composed.Values, presetValues).Should().BeTrue(composed.Text);
        composed.Components.Should().BeEquivalentTo(recipe.With.Select(n => Catalog.FindComponent(n)!.Name));
    }

    /// <summary>
    /// Every choice of up to three components on every backend is composed or refused with a reason, and every
    /// distinct composition of up to two chosen components (with what they pull in) validates with no error: all
    /// pairwise interactions, without rendering the power set of the catalog (2^17 choices per backend).
    /// </summary>
    [Fact]
    public async Task Every_choice_of_up_to_three_components_composes_or_is_refused_and_every_pair_validates()
    {
        var names = Catalog.Components.Select(c => c.Name).ToList();
        var composer = new PlatformComposer(Catalog);
        var composed = new Dictionary<string, ComposedPlatform>(StringComparer.Ordinal);
        var refused = 0;
        foreach (var backend in Catalog.Backends.Select(b => b.Name))
        {
            foreach (var with in Choices(names, 3))
            {
                try
                {
                    var platform = composer.Compose(new ComposeRequest { With = with, Backend = backend });
                    if (with.Count <= 2)
                    {
                        composed.TryAdd(platform.Text, platform);
                    }
                }
                catch (UserInputException ex)
                {
                    ex.Message.Should().MatchRegex("^--[a-z]+ ", "a refusal names the flag");
                    ex.Message.Length.Should().BeGreaterThan(40, "a refusal says why and what to do");
                    refused++;
                }
            }
        }

        composed.Should().NotBeEmpty();
        using var scratch = new TempDirectory("new-combinations");
        var store = SchemaLocation.Open(null);
        var failures = new List<string>();
        await Parallel.ForEachAsync(composed.Values.Select((p, i) => (p, i)), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (item, ct) =>
        {
            var file = scratch.WriteFile($"combination-{item.i}.yaml", item.p.Text);
            var (run, _) = await new ValidationRunner(TestHelm.Client).RunAsync(
                new RenderOptions { ChartDirectory = RepoPaths.Chart, Preset = file }, new ValidationSettings(store, new HashSet<string>()), ct);
            if (run.Errors > 0)
            {
                lock (failures)
                {
                    failures.Add($"{item.p.Command}: {string.Join("; ", run.Findings.Where(f => f.Severity == Severity.Error).Select(f => $"{f.Id} {f.Message}"))}");
                }
            }
        });
        failures.Should().BeEmpty($"{composed.Count} distinct compositions were validated and {refused} refused");
    }

    /// <summary>Every choice of 1 to <paramref name="most"/> distinct names, in catalog order.</summary>
    private static IEnumerable<List<string>> Choices(IReadOnlyList<string> names, int most)
    {
        for (var a = 0; a < names.Count; a++)
        {
            yield return [names[a]];
            for (var b = a + 1; b < names.Count && most >= 2; b++)
            {
                yield return [names[a], names[b]];
                for (var c = b + 1; c < names.Count && most >= 3; c++)
                {
                    yield return [names[a], names[b], names[c]];
                }
            }
        }
    }

    [Fact]
    public async Task Writes_the_overlay_after_validating_it_and_reports_what_it_added()
    {
        using var temp = new TempDirectory("new");
        var target = temp.Combine("platform.yaml");

        var result = await CliRunner.RunAsync("new", "--with", "jupyter,metastore", "-o", target);

        result.ExitCode.Should().Be(0, result.Stderr + result.Stdout);
        result.Stdout.Should().Contain("added connect: jupyter needs it").And.Contain("added postgresql: metastore needs it");
        result.Stdout.Should().Contain("jupyter").And.Contain("--> connect").And.Contain("Wrote ");
        var text = await File.ReadAllTextAsync(target, TestContext.Current.CancellationToken);
        text.Should().Contain("# Composed by: spark-k8s new --with connect,metastore,postgresql,jupyter --backend k8s");
    }

    [Fact]
    public async Task Json_output_has_components_flows_plan_and_overlay()
    {
        var result = await CliRunner.RunAsync("new", "--with", "history,minio", "--output", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = result.Json();
        json.RootElement.GetProperty("components").EnumerateArray().Select(c => c.GetString()).Should().Equal("history", "minio");
        json.RootElement.GetProperty("flows").EnumerateArray().Should().Contain(f => f.GetProperty("to").GetString() == "minio");
        json.RootElement.GetProperty("overlay").GetString().Should().Contain("historyServer:\n  enabled: true");
        json.RootElement.GetProperty("plan").GetProperty("validation").GetProperty("errors").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task A_composition_with_errors_is_not_written()
    {
        using var chart = CopyChart();
        var catalogPath = Path.Combine(chart.Path, ComposeCatalog.FileName);
        // The connect component's overlay now gives the driver a heap far above its container limit (SPK008).
        File.WriteAllText(catalogPath, File.ReadAllText(catalogPath).Replace(
            "  connect:\n    values: connect\n", "  connect:\n    values: connect\n    overlay:\n      connect:\n        driver:\n          memory: 64g\n", StringComparison.Ordinal));
        var target = chart.Combine("out.yaml");

        var result = await CliRunner.RunAsync("new", "--chart", chart.Path, "--with", "connect,minio", "-o", target);

        result.ExitCode.Should().Be(1, result.Stdout);
        result.Stdout.Should().Contain("SPK008").And.Contain("Not written");
        File.Exists(target).Should().BeFalse();
    }

    [Fact]
    public async Task Refuses_a_component_the_environment_turns_off()
    {
        using var chart = CopyChart();
        var prod = Path.Combine(chart.Path, "environments", "prod.yaml");
        File.WriteAllText(prod, File.ReadAllText(prod).Replace("\njupyter:\n", "\njupyter:\n  enabled: false\n", StringComparison.Ordinal));

        var result = await CliRunner.RunAsync("new", "--chart", chart.Path, "--with", "jupyter", "--env", "prod");

        result.ShouldBeUsageError("--with jupyter", "prod environment");
    }

    [Fact]
    public async Task Refuses_minio_in_prod_where_external_S3_is_the_default()
    {
        var result = await CliRunner.RunAsync("new", "--with", "history,minio", "--env", "prod");

        result.ShouldBeUsageError("--with minio", "prod environment turns minio.enabled off");
    }

    [Theory]
    [InlineData(new[] { "new" }, "--with")]
    [InlineData(new[] { "new", "--with", "spark-ui" }, "spark-ui")]
    [InlineData(new[] { "new", "--with", "connect", "--backend", "yarn" }, "--backend")]
    [InlineData(new[] { "new", "--with", "connect", "-o", "json" }, "--output json")]
    [InlineData(new[] { "new", "--with", "connect", "--spark-version", "2.4" }, "--spark-version")]
    [InlineData(new[] { "new", "--with", "connect", "--env", "qa" }, "--env")]
    [InlineData(new[] { "new", "--from", "nope" }, "--from")]
    public async Task Bad_input_is_a_usage_error_naming_the_flag(string[] args, string mention)
    {
        var result = await CliRunner.RunAsync(args);

        result.ShouldBeUsageError(mention);
    }

    [Fact]
    public async Task Leaves_a_file_it_did_not_write_untouched()
    {
        using var temp = new TempDirectory("new");
        var target = temp.WriteFile("mine.yaml", "my: values\n");

        var result = await CliRunner.RunAsync("new", "--with", "connect", "-o", target);

        result.ShouldBeUsageError("--out", "--force");
        (await File.ReadAllTextAsync(target, TestContext.Current.CancellationToken)).Should().Be("my: values\n");
    }

    private static TempDirectory CopyChart()
    {
        var temp = new TempDirectory("chart");
        foreach (var file in Directory.GetFiles(RepoPaths.Chart, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoPaths.Chart, file);
            Directory.CreateDirectory(Path.GetDirectoryName(temp.Combine(relative))!);
            File.Copy(file, temp.Combine(relative));
        }

        return temp;
    }
}
