using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests;

public class RenderCommandTests
{
    [Fact]
    public async Task Prints_the_yaml_stream_without_out()
    {
        var result = await CliRunner.RunAsync("render", "jupyter-connect-k8s", "--env", "dev", "--spark-version", "3.5");

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Contain("kind: Deployment").And.Contain("3.5.");
    }

    [Fact]
    public async Task Writes_one_file_per_object_by_component()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("out");

        var result = await CliRunner.RunAsync("render", "jupyter-connect-k8s", "--out", target + "/", "-o", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = result.Json();
        var files = json.RootElement.GetProperty("objects").EnumerateArray().Select(o => o.GetProperty("file").GetString()!).ToList();
        files.Should().Contain(f => f.StartsWith("connect/deployment-", StringComparison.Ordinal));
        files.Should().OnlyContain(f => File.Exists(Path.Combine(target, f)));
        Directory.GetDirectories(temp.Path).Should().ContainSingle("the staging directory is moved into place");
    }

    [Fact]
    public async Task Accepts_a_preset_given_as_a_file()
    {
        var result = await CliRunner.RunAsync("render", Path.Combine(RepoPaths.Chart, "presets", "connect-k8s-minimal.yaml"), "-o", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = result.Json();
        json.RootElement.GetProperty("objects").GetArrayLength().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Failed_render_leaves_no_output_directory()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("out");

        var result = await CliRunner.RunAsync("render", "jupyter-connect-k8s", "--out", target, "--spark-version", "9.9");

        result.ShouldBeUsageError("--spark-version", "9.9", "3.5", "4.1");
        Directory.Exists(target).Should().BeFalse();
    }

    [Theory]
    [InlineData("unknown preset lists the known ones", "no-such-preset", "", "no-such-preset|jupyter-connect-k8s")]
    [InlineData("unknown environment names the flag", "jupyter-connect-k8s", "--env|qa", "--env|qa|dev")]
    [InlineData("unreadable values file names the flag", "jupyter-connect-k8s", "-f|/nonexistent/extra.yaml", "-f|/nonexistent/extra.yaml")]
    [InlineData("missing helm names the flag", "jupyter-connect-k8s", "--helm|/nonexistent/helm", "--helm|/nonexistent/helm")]
    [InlineData("--set without '=' names the flag", "jupyter-connect-k8s", "--set|connect.replicas", "--set|connect.replicas")]
    public async Task Bad_input_is_a_usage_error_naming_the_cause(string why, string preset, string flags, string mentions)
    {
        string[] args = ["render", preset, .. flags.Split('|', StringSplitOptions.RemoveEmptyEntries)];

        var result = await CliRunner.RunAsync(args);

        result.ShouldBeUsageError(mentions.Split('|'));
        why.Should().NotBeEmpty();
    }

    [Fact]
    public async Task Typo_in_set_key_passes_helms_schema_error_through()
    {
        var result = await CliRunner.RunAsync("render", "jupyter-connect-k8s", "--set", "connect.replicass=2");

        result.ShouldBeUsageError("replicass", "connect", "schema");
    }
}
