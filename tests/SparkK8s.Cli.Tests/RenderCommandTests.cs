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

    [Theory]
    [InlineData("the current directory", ".")]
    [InlineData("the current directory, trailing slash", "./")]
    [InlineData("the chart", "{chart}")]
    [InlineData("the chart, trailing slash", "{chart}/")]
    [InlineData("a parent of the chart", "{chart}/..")]
    [InlineData("the checkout holding the chart", "{chart}/../..")]
    [InlineData("inside the chart", "{chart}/templates/rendered")]
    public async Task Out_never_touches_the_current_directory_the_chart_or_their_parents(string why, string target)
    {
        var before = Directory.GetFileSystemEntries(RepoPaths.Chart, "*", SearchOption.AllDirectories).Length;

        var result = await CliRunner.RunAsync("render", "jupyter-connect-k8s", "--out", target.Replace("{chart}", RepoPaths.Chart, StringComparison.Ordinal));

        result.ShouldBeUsageError("--out");
        Directory.GetFileSystemEntries(RepoPaths.Chart, "*", SearchOption.AllDirectories).Length.Should().Be(before, why);
        File.Exists(Path.Combine(RepoPaths.Chart, "Chart.yaml")).Should().BeTrue(why);
    }

    [Fact]
    public async Task Out_refuses_a_non_empty_directory_it_did_not_write_and_leaves_it_untouched()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("work");
        var precious = temp.WriteFile("work/.git/HEAD", "ref: refs/heads/main\n");

        var result = await CliRunner.RunAsync("render", "jupyter-connect-k8s", "--out", target);

        result.ShouldBeUsageError("--out", "not empty", ".spark-k8s-render");
        Directory.GetFileSystemEntries(target, "*", SearchOption.AllDirectories).Should().BeEquivalentTo([Path.GetDirectoryName(precious), precious]);
        File.ReadAllText(precious).Should().Be("ref: refs/heads/main\n");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Out_replaces_its_own_earlier_render()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("out");

        var first = await CliRunner.RunAsync("render", "jupyter-connect-k8s", "--out", target, "-o", "json");
        first.ExitCode.Should().Be(0, first.Stderr);
        Directory.GetFiles(target, "secret-*.yaml", SearchOption.AllDirectories).Should().NotBeEmpty()
            .And.OnlyContain(f => File.GetUnixFileMode(f) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), "Secrets are for the owner's eyes only");
        var second = await CliRunner.RunAsync("render", "connect-k8s-minimal", "--out", target, "-o", "json");

        second.ExitCode.Should().Be(0, second.Stderr);
        File.Exists(Path.Combine(target, ".spark-k8s-render")).Should().BeTrue();
        Directory.GetDirectories(target).Should().NotContain(d => d.EndsWith("jupyter", StringComparison.Ordinal), "the earlier render was replaced as a whole");
    }
}
