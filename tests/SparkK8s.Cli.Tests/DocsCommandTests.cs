using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests;

public class DocsCommandTests
{
    [Theory]
    [InlineData("en")]
    [InlineData("ru")]
    public async Task Committed_values_reference_is_current_and_every_key_is_documented(string lang)
    {
        var result = await CliRunner.RunAsync("docs", "values", "--lang", lang, "--check");

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task Check_reports_a_stale_file_and_an_undocumented_key()
    {
        using var temp = new TempDirectory();
        var chart = temp.Combine("chart");
        Directory.CreateDirectory(chart);
        File.WriteAllText(Path.Combine(chart, "Chart.yaml"), "apiVersion: v2\nname: x\nversion: 0.1.0\n");
        File.WriteAllText(Path.Combine(chart, "values.yaml"), "# -- Documented.\na: 1\nb: two\n");
        var target = temp.Combine("values.md");

        var write = await CliRunner.RunAsync("docs", "values", "--chart", chart, "--out", target);
        var check = await CliRunner.RunAsync("docs", "values", "--chart", chart, "--out", target, "--check", "-o", "json");

        write.ExitCode.Should().Be(1, "key 'b' has no description");
        write.Stdout.Should().Contain("'b' has no '# --' description");
        File.ReadAllText(target).Should().Contain("| `a` | int | `1` | Documented. |");
        check.ExitCode.Should().Be(1);
        using var json = check.Json();
        json.RootElement.GetProperty("stale").GetBoolean().Should().BeFalse();
        json.RootElement.GetProperty("undocumented").EnumerateArray().Single().GetProperty("key").GetString().Should().Be("b");
    }

    [Fact]
    public async Task Unsupported_language_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync("docs", "values", "--lang", "de", "--check");

        result.ShouldBeUsageError("--lang", "de");
    }

    [Fact]
    public async Task Out_keeps_a_file_it_did_not_write_unless_forced()
    {
        using var temp = new TempDirectory();
        var target = temp.WriteFile("README.md", "# My notes\n");

        var refused = await CliRunner.RunAsync("docs", "values", "--out", target);

        refused.ShouldBeUsageError("--out", "--force");
        File.ReadAllText(target).Should().Be("# My notes\n");

        var forced = await CliRunner.RunAsync("docs", "values", "--out", target, "--force");
        var again = await CliRunner.RunAsync("docs", "values", "--out", target);

        forced.ExitCode.Should().Be(0, forced.Stderr);
        again.ExitCode.Should().Be(0, "a file docs values wrote is replaced without --force: " + again.Stderr);
        File.ReadAllText(target).Should().Contain("spark-k8s docs values");
    }
}
