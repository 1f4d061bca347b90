using FluentAssertions;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Validation.Schema;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests;

/// <summary>spark-k8s policy export: YAML on stdout, --out FILE with a table, --output json, and usage errors (exit 2).</summary>
public class PolicyCommandTests
{
    [Fact]
    public async Task Export_prints_a_schema_valid_kyverno_cluster_policy()
    {
        var result = await CliRunner.RunAsync("policy", "export", "--format", "kyverno");

        result.ExitCode.Should().Be(0, result.Stderr);
        var policy = ManifestParser.ParseYaml(result.Stdout, "stdout")!.AsObject();
        new SchemaValidator(SchemaStore.Embedded).Validate(new KubeObject(policy, null)).Should().BeEmpty();
        result.Stdout.Should().Contain("kind: ClusterPolicy").And.Contain("sec012-no-privilege-escalation").And.NotContain("sec006");
    }

    [Fact]
    public async Task Export_to_a_file_writes_the_yaml_and_prints_the_rules()
    {
        using var temp = new TempDirectory();
        var file = Path.Combine(temp.Path, "policy.yaml");

        var result = await CliRunner.RunAsync("policy", "export", "--format", "kyverno", "--env", "prod", "--failure-action", "audit", "--out", file);

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Contain("SEC006").And.Contain("sec006-image-digests").And.Contain(file);
        var written = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        written.Should().Contain("failureAction: Audit").And.NotContain("failureAction: Enforce");
        Directory.GetFiles(temp.Path).Should().ContainSingle("the temporary file is moved over the target");
    }

    [Fact]
    public async Task Json_output_lists_the_rules_and_carries_the_policy()
    {
        var result = await CliRunner.RunAsync("policy", "export", "--format", "kyverno", "--release", "spark", "--output", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = result.Json();
        json.RootElement.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString())
            .Should().Equal("SEC005", "SEC008", "SEC009", "SEC010", "SEC011", "SEC012", "SEC013");
        json.RootElement.GetProperty("policy").GetProperty("spec").GetProperty("rules")[0].GetProperty("match").GetProperty("any")[0]
            .GetProperty("resources").GetProperty("selector").GetProperty("matchLabels").GetProperty("app.kubernetes.io/instance").GetString().Should().Be("spark");
    }

    [Theory]
    [InlineData("--format", "--format")]
    [InlineData("--format opa", "opa")]
    [InlineData("--format kyverno --failure-action block", "--failure-action")]
    [InlineData("--format kyverno --env production", "--env")]
    [InlineData("--format kyverno --release Bad_Name", "--release")]
    [InlineData("--format kyverno --name Bad_Name", "--name")]
    [InlineData("--format kyverno --out /nonexistent/dir/policy.yaml", "--out")]
    [InlineData("--format kyverno --output csv", "--output")]
    public async Task Bad_flags_are_usage_errors(string args, string mention)
    {
        var result = await CliRunner.RunAsync(["policy", "export", .. args.Split(' ')]);

        result.ShouldBeUsageError(mention);
    }

    [Theory]
    [InlineData("policy export", "<table|json>")]
    [InlineData("validate", "<table|json|sarif>")]
    [InlineData("cost", "<table|json|csv>")]
    public async Task Help_lists_only_the_output_formats_the_command_takes(string command, string formats)
    {
        var result = await CliRunner.RunAsync([.. command.Split(' '), "--help"]);

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Contain($"--output {formats}").And.NotContain("Sarif").And.NotContain("Csv|");
    }

    [Fact]
    public async Task Out_naming_a_directory_is_a_usage_error_and_writes_nothing()
    {
        using var temp = new TempDirectory();

        (await CliRunner.RunAsync("policy", "export", "--format", "kyverno", "--out", temp.Path)).ShouldBeUsageError("--out", "directory");
        Directory.GetFileSystemEntries(temp.Path).Should().BeEmpty();
    }
}
