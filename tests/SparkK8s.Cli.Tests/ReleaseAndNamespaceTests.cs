using FluentAssertions;
using Xunit;

namespace SparkK8s.Cli.Tests;

/// <summary>--release and --namespace are checked against Helm's release name rule and the DNS-1123 label rule before helm runs.</summary>
public class ReleaseAndNamespaceTests
{
    public static TheoryData<string, string, string> BadNames() => new()
    {
        { "render", "--release", "Spark_Prod" },
        { "render", "--release", new string('a', 54) },
        { "plan", "--release", "-spark" },
        { "validate", "--release", "spark prod" },
        { "render", "--namespace", "Data.Team" },
        { "plan", "--namespace", "data_team" },
        { "validate", "-n", new string('n', 64) },
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task An_invalid_name_is_a_usage_error_naming_the_flag(string command, string flag, string value)
    {
        var result = await CliRunner.RunAsync(command, "jupyter-connect-k8s", flag, value);

        var named = flag == "-n" ? "--namespace" : flag;
        result.ShouldBeUsageError(named, value);
    }

    [Fact]
    public async Task A_53_character_release_name_renders()
    {
        var result = await CliRunner.RunAsync("render", "jupyter-connect-k8s", "--release", new string('a', 53), "--namespace", "data-team");

        result.ExitCode.Should().Be(0, result.Stderr);
    }
}
