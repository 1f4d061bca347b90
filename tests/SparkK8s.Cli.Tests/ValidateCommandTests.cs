using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests;

public class ValidateCommandTests
{
    [Fact]
    public async Task All_presets_environments_and_versions_have_zero_errors()
    {
        var result = await CliRunner.RunAsync("validate", "--all", "--schema-location", RepoPaths.K8sSchemas, "--output", "json");

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
        using var json = result.Json();
        json.RootElement.GetProperty("errors").GetInt32().Should().Be(0);
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
        runs.Should().HaveCount(2 * 3 * 2);
        runs.Should().OnlyContain(r => r.GetProperty("schemaSkipped").ValueKind == System.Text.Json.JsonValueKind.Null);
        var minimal = runs.Where(r => r.GetProperty("preset").GetString() == "connect-k8s-minimal");
        minimal.Should().OnlyContain(r => r.GetProperty("findings").EnumerateArray().Any(f => f.GetProperty("id").GetString() == "SPK005"),
            "the minimal preset's placeholders are flagged as warnings");
    }

    [Fact]
    public async Task A_misspelled_spark_property_fails_with_a_suggestion()
    {
        using var temp = new TempDirectory();
        var extra = temp.WriteFile("typo.yaml", "connect:\n  sparkConf:\n    spark.executor.memry: 2g\n");

        var result = await CliRunner.RunAsync("validate", "jupyter-connect-k8s", "-f", extra, "--schema-location", RepoPaths.K8sSchemas);

        result.ExitCode.Should().Be(1, result.Stderr);
        result.ShouldHaveNoStackTrace();
        result.Stdout.Should().Contain("SPK006").And.Contain("spark.executor.memory");
    }

    [Fact]
    public async Task Missing_schema_location_is_a_usage_error_saying_how_to_fill_it()
    {
        var result = await CliRunner.RunAsync("validate", "jupyter-connect-k8s");

        result.ShouldBeUsageError("--schema-location", "spark-k8s/k8s-schemas");
    }

    [Fact]
    public async Task Nonexistent_schema_location_names_the_flag()
    {
        var result = await CliRunner.RunAsync("validate", "jupyter-connect-k8s", "--schema-location", "/nonexistent/schemas");

        result.ShouldBeUsageError("--schema-location", "/nonexistent/schemas");
    }

    [Fact]
    public async Task Preset_or_all_is_required()
    {
        var result = await CliRunner.RunAsync("validate", "--schema-location", RepoPaths.K8sSchemas);

        result.ShouldBeUsageError("--all");
    }

    [Fact]
    public async Task Bad_spark_version_names_the_flag()
    {
        var result = await CliRunner.RunAsync("validate", "jupyter-connect-k8s", "--spark-version", "3.4", "--schema-location", RepoPaths.K8sSchemas);

        result.ShouldBeUsageError("--spark-version", "3.4");
    }
}
