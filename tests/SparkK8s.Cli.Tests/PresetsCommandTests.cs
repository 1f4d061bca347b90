using FluentAssertions;
using Xunit;

namespace SparkK8s.Cli.Tests;

public class PresetsCommandTests
{
    [Fact]
    public async Task Lists_presets_with_description_components_and_backend()
    {
        var result = await CliRunner.RunAsync("presets");

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Contain("jupyter-connect-k8s").And.Contain("connect-k8s-minimal").And.Contain("k8s");
    }

    [Fact]
    public async Task Json_output_parses_and_derives_components_from_values()
    {
        var result = await CliRunner.RunAsync("presets", "--output", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = result.Json();
        var presets = json.RootElement.GetProperty("presets").EnumerateArray().ToList();
        var jupyter = presets.Single(p => p.GetProperty("name").GetString() == "jupyter-connect-k8s");
        jupyter.GetProperty("description").GetString().Should().NotBeNullOrEmpty();
        jupyter.GetProperty("components").EnumerateArray().Select(c => c.GetString()).Should().Contain(["connect", "jupyter"]);
        jupyter.GetProperty("backend").GetString().Should().Be("k8s");
        var batch = presets.Single(p => p.GetProperty("name").GetString() == "batch-submit");
        batch.GetProperty("backend").GetString().Should().Be("submit");
        batch.GetProperty("components").EnumerateArray().Select(c => c.GetString()).Should().Contain("jobs").And.NotContain("connect");
        presets.Single(p => p.GetProperty("name").GetString() == "batch-operator").GetProperty("backend").GetString().Should().Be("operator");
        var standalone = presets.Single(p => p.GetProperty("name").GetString() == "jupyter-connect-standalone");
        standalone.GetProperty("backend").GetString().Should().Be("standalone");
        standalone.GetProperty("components").EnumerateArray().Select(c => c.GetString()).Should().Contain(["connect", "standalone", "jupyter"]);
        presets.Single(p => p.GetProperty("name").GetString() == "cost-optimized").GetProperty("backend").GetString().Should().Be("k8s");
        json.RootElement.GetProperty("environments").EnumerateArray().Select(e => e.GetString()).Should().BeEquivalentTo(["dev", "prod", "staging"]);
    }

    /// <summary>Components are the switched components of compose.yaml; chart-wide switches (networkPolicy.enabled) are not.</summary>
    [Fact]
    public async Task Chart_wide_switches_are_not_listed_as_components()
    {
        var result = await CliRunner.RunAsync("presets", "--output", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = result.Json();
        var components = json.RootElement.GetProperty("presets").EnumerateArray()
            .SelectMany(p => p.GetProperty("components").EnumerateArray().Select(c => c.GetString())).ToHashSet();
        components.Should().NotContain(["networkPolicy", "openshift"]).And.Contain(["connect", "standalone", "jobs"]);
    }

    /// <summary>The second run is served from the preset-list cache: table and JSON are byte for byte the parsed ones.</summary>
    [Fact]
    public async Task Cached_output_is_the_parsed_output()
    {
        string parsedTable, parsedJson;
        Environment.SetEnvironmentVariable(SparkK8s.Core.Presets.PresetListCache.DisableVariable, "1");
        try
        {
            parsedTable = (await CliRunner.RunAsync("presets")).Stdout;
            parsedJson = (await CliRunner.RunAsync("presets", "--output", "json")).Stdout;
        }
        finally
        {
            Environment.SetEnvironmentVariable(SparkK8s.Core.Presets.PresetListCache.DisableVariable, null);
        }

        await CliRunner.RunAsync("presets");
        (await CliRunner.RunAsync("presets")).Stdout.Should().Be(parsedTable);
        (await CliRunner.RunAsync("presets", "--output", "json")).Stdout.Should().Be(parsedJson);
        Directory.GetFiles(Path.Combine(CliRunner.EmptyCache, "spark-k8s", "presets")).Should().NotBeEmpty();
    }

    [Fact]
    public async Task Bad_output_format_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("presets", "--output", "xml");

        result.ShouldBeUsageError("--output", "xml");
    }

    [Fact]
    public async Task Bad_chart_directory_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("presets", "--chart", "/nonexistent/chart");

        result.ShouldBeUsageError("--chart");
    }
}
