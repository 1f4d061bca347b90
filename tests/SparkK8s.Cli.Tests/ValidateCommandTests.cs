using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests;

public class ValidateCommandTests
{
    [Fact]
    public async Task All_presets_environments_and_versions_have_zero_errors()
    {
        var result = await CliRunner.RunAsync("validate", "--all", "--output", "json");

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
        using var json = result.Json();
        json.RootElement.GetProperty("errors").GetInt32().Should().Be(0);
        var runs = json.RootElement.GetProperty("runs").EnumerateArray().ToList();
        var presets = Directory.GetFiles(Path.Combine(RepoPaths.Chart, "presets"), "*.yaml").Length;
        presets.Should().BeGreaterThanOrEqualTo(4);
        runs.Should().HaveCount(presets * 3 * 2);
        runs.Select(r => r.GetProperty("preset").GetString()).Should().Contain(["batch-submit", "batch-operator"]);
        // A preset whose components work on some Spark lines only (compose.yaml sparkLines) is skipped on the others, with the reason.
        var skipped = runs.Where(r => r.GetProperty("skipped").ValueKind == System.Text.Json.JsonValueKind.String).ToList();
        skipped.Select(r => (r.GetProperty("preset").GetString(), r.GetProperty("sparkVersion").GetString())).Distinct()
            .Should().BeEquivalentTo(new[] { ("airflow-gpu-connect-k8s", "4.1"), ("jupyter-connect-k8s-gpu", "4.1") });
        skipped.Should().HaveCount(2 * 3).And.OnlyContain(r => r.GetProperty("skipped").GetString()!.Contains("works on Spark 3.5 only", StringComparison.Ordinal));
        runs.Except(skipped).Should().OnlyContain(r => r.GetProperty("schemaSource").GetString() == "embedded bundle (Kubernetes 1.36)", "strict validation runs with no --schema-location");
        json.RootElement.GetProperty("schemaSource").GetProperty("kind").GetString().Should().Be("bundle");
        var minimal = runs.Where(r => r.GetProperty("preset").GetString() == "connect-k8s-minimal");
        minimal.Should().OnlyContain(r => r.GetProperty("findings").EnumerateArray().Any(f => f.GetProperty("id").GetString() == "SPK005"),
            "the minimal preset's placeholders are flagged as warnings");
        var spot = runs.Where(r => r.GetProperty("preset").GetString() == "cost-optimized").ToList();
        spot.Should().HaveCount(3 * 2);
        spot.Should().OnlyContain(r => r.GetProperty("findings").EnumerateArray().Any(f => f.GetProperty("id").GetString() == "SPK005"
            && f.GetProperty("message").GetString()!.Contains("CHANGE-ME-spot", StringComparison.Ordinal)), "the spot node placeholders are flagged until set");
    }

    [Fact]
    public async Task Operator_preset_names_the_crds_it_needs_and_submit_preset_none()
    {
        var text = await CliRunner.RunAsync("validate", "batch-operator");
        var json = await CliRunner.RunAsync("validate", "batch-operator", "--output", "json");
        var submit = await CliRunner.RunAsync("validate", "batch-submit", "--output", "json");

        text.ExitCode.Should().Be(0, text.Stdout + text.Stderr);
        text.Stdout.Should().Contain("Needs CRDs").And.Contain("sparkapplications.sparkoperator.k8s.io")
            .And.Contain("scheduledsparkapplications.sparkoperator.k8s.io");
        using var doc = json.Json();
        doc.RootElement.GetProperty("runs")[0].GetProperty("requiredCrds").EnumerateArray().Select(c => c.GetProperty("name").GetString())
            .Should().Equal("scheduledsparkapplications.sparkoperator.k8s.io", "sparkapplications.sparkoperator.k8s.io");
        using var none = submit.Json();
        none.RootElement.GetProperty("errors").GetInt32().Should().Be(0);
        none.RootElement.GetProperty("runs")[0].GetProperty("requiredCrds").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task A_job_property_typo_names_the_job()
    {
        using var temp = new TempDirectory();
        var extra = temp.WriteFile("job.yaml", "jobs:\n  nightly:\n    mainApplicationFile: s3a://code/app.py\n    sparkConf:\n      spark.executor.memry: 2g\n");

        var result = await CliRunner.RunAsync("validate", "batch-submit", "-f", extra, "--output", "json");

        result.ExitCode.Should().Be(1, result.Stderr);
        result.ShouldHaveNoStackTrace();
        using var json = result.Json();
        json.RootElement.GetProperty("distinctFindings").EnumerateArray()
            .Should().Contain(f => f.GetProperty("id").GetString() == "SPK006" && f.GetProperty("message").GetString()!.StartsWith("job 'nightly': ", StringComparison.Ordinal)
                && f.GetProperty("message").GetString()!.Contains("spark.executor.memory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_misspelled_spark_property_fails_with_a_suggestion()
    {
        using var temp = new TempDirectory();
        var extra = temp.WriteFile("typo.yaml", "connect:\n  sparkConf:\n    spark.executor.memry: 2g\n");

        var result = await CliRunner.RunAsync("validate", "jupyter-connect-k8s", "-f", extra);

        result.ExitCode.Should().Be(1, result.Stderr);
        result.ShouldHaveNoStackTrace();
        result.Stdout.Should().Contain("SPK006").And.Contain("spark.executor.memory");
    }

    [Fact]
    public async Task Without_schema_location_validate_checks_against_the_embedded_bundle_and_says_so()
    {
        var result = await CliRunner.RunAsync("validate", "jupyter-connect-k8s");

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
        result.Stdout.Should().Contain("Schemas: embedded bundle (Kubernetes 1.36)").And.NotContain("skipped");
    }

    [Fact]
    public async Task Schema_location_overrides_the_bundle()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("kubernetes/v1.99-swagger.json", """{"swagger": "2.0", "definitions": {}}""");

        var result = await CliRunner.RunAsync("validate", "jupyter-connect-k8s", "--schema-location", temp.Path, "--output", "json");

        result.ExitCode.Should().Be(1, "a directory without the chart's kinds leaves every object without a schema");
        using var json = result.Json();
        json.RootElement.GetProperty("schemaSource").GetProperty("kind").GetString().Should().Be("directory");
        json.RootElement.GetProperty("schemaSource").GetProperty("kubernetesVersion").GetString().Should().Be("1.99");
        json.RootElement.GetProperty("runs")[0].GetProperty("findings").EnumerateArray()
            .Should().Contain(f => f.GetProperty("id").GetString() == "K8S000" && f.GetProperty("message").GetString()!.Contains("no schema for apps/v1/Deployment"));
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
        var result = await CliRunner.RunAsync("validate");

        result.ShouldBeUsageError("--all");
    }

    [Fact]
    public async Task Bad_spark_version_names_the_flag()
    {
        var result = await CliRunner.RunAsync("validate", "jupyter-connect-k8s", "--spark-version", "3.4");

        result.ShouldBeUsageError("--spark-version", "3.4");
    }
}
