using System.Text.Json;
using FluentAssertions;
using NJsonSchema;
using SparkK8s.Core.Validation.Security;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests;

/// <summary>
/// validate --output sarif: SARIF 2.1.0 on stdout, valid against the OASIS schema (tests/fixtures/sarif/sarif-schema-2.1.0.json,
/// see its README), with every SEC rule described and each finding pointing at its template and object/field.
/// </summary>
public class SarifOutputTests
{
    private static readonly Lazy<Task<JsonSchema>> Schema = new(() =>
        JsonSchema.FromFileAsync(Path.Combine(RepoPaths.Root, "tests", "fixtures", "sarif", "sarif-schema-2.1.0.json")));

    private static async Task<IReadOnlyList<string>> SchemaErrorsAsync(string json) =>
        (await Schema.Value).Validate(json).Select(e => $"{e.Path}: {e.Kind}").ToList();

    [Fact]
    public async Task Validate_writes_sarif_that_matches_the_sarif_2_1_0_schema()
    {
        var result = await CliRunner.RunAsync("validate", "jupyter-connect-k8s", "--env", "prod", "--output", "sarif");

        result.ExitCode.Should().Be(0, result.Stderr);
        (await SchemaErrorsAsync(result.Stdout)).Should().BeEmpty();
        using var json = result.Json();
        json.RootElement.GetProperty("version").GetString().Should().Be("2.1.0");
        var run = json.RootElement.GetProperty("runs").EnumerateArray().Should().ContainSingle().Subject;
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
        foreach (var rule in SecurityRules.All)
        {
            var descriptor = rules.Should().ContainSingle(r => r.GetProperty("id").GetString() == rule.Id).Subject;
            descriptor.GetProperty("shortDescription").GetProperty("text").GetString().Should().Be(rule.Title);
            descriptor.GetProperty("fullDescription").GetProperty("text").GetString().Should().Be(rule.Description);
            descriptor.GetProperty("helpUri").GetString().Should().EndWith("security/policy.md#" + rule.Id.ToLowerInvariant());
            descriptor.GetProperty("defaultConfiguration").GetProperty("level").GetString().Should().Be(rule.Severity.ToString().ToLowerInvariant());
        }

        var results = run.GetProperty("results").EnumerateArray().ToList();
        results.Should().Contain(r => r.GetProperty("ruleId").GetString() == "SEC006", "prod warns about images without digests");
        var digest = results.First(r => r.GetProperty("ruleId").GetString() == "SEC006");
        digest.GetProperty("level").GetString().Should().Be("warning");
        var location = digest.GetProperty("locations")[0];
        location.GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()
            .Should().MatchRegex(@"charts/spark-k8s/templates/[a-z-]+/[a-z-]+\.yaml$");
        location.GetProperty("logicalLocations").EnumerateArray().Select(l => l.GetProperty("kind").GetString()).Should().Equal("resource", "property");
        results.Should().OnlyContain(r => rules[r.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString() == r.GetProperty("ruleId").GetString());
    }

    [Fact]
    public async Task Sarif_results_carry_errors_with_level_error_and_the_exit_code_stays_1()
    {
        using var temp = new TempDirectory();
        var exposed = temp.WriteFile("exposed.yaml", "spark:\n  version: \"3.5\"\nconnect:\n  service:\n    type: LoadBalancer\n");

        var result = await CliRunner.RunAsync("validate", "jupyter-connect-k8s", "-f", exposed, "--output", "sarif");

        result.ExitCode.Should().Be(1, "SEC002 is an error: Spark 3.5 Connect has no authentication");
        (await SchemaErrorsAsync(result.Stdout)).Should().BeEmpty();
        using var json = result.Json();
        json.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Should().Contain(r => r.GetProperty("ruleId").GetString() == "SEC002" && r.GetProperty("level").GetString() == "error");
    }

    [Fact]
    public async Task The_schema_check_is_not_vacuous()
    {
        var errors = await SchemaErrorsAsync("""{"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"level": "fatal", "message": {}}]}]}""");

        errors.Should().NotBeEmpty("a driver without a name, an unknown level and a message without text break the schema");
    }

    [Fact]
    public async Task Sarif_is_refused_by_commands_that_do_not_support_it()
    {
        (await CliRunner.RunAsync("plan", "jupyter-connect-k8s", "--output", "sarif")).ShouldBeUsageError("--output", "sarif");
    }
}
