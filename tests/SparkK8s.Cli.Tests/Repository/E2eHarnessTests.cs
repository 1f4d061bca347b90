using FluentAssertions;
using SparkK8s.Core.Operations.Doctor;
using SparkK8s.Core.Presets;
using SparkK8s.Core.Processes;
using SparkK8s.Core.Rendering;
using SparkK8s.Testing;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace SparkK8s.Cli.Tests.Repository;

/// <summary>
/// The kind harness cannot run here (no Docker); these keep it honest: the workflow's matrix names real presets,
/// supported Spark lines and Kubernetes versions inside the chart's range, and the script calls real commands.
/// (shellcheck and strict mode: <see cref="ShellScriptTests"/>, which includes e2e/.)
/// </summary>
public class E2eHarnessTests
{
    private static YamlMappingNode Matrix()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(RepoPaths.Root, ".github", "workflows", "e2e.yml"))));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var job = (YamlMappingNode)((YamlMappingNode)root["jobs"])["kind"];
        return (YamlMappingNode)((YamlMappingNode)job["strategy"])["matrix"];
    }

    private static List<string> Values(string axis) => ((YamlSequenceNode)Matrix()[axis]).Children.Select(n => ((YamlScalarNode)n).Value!).ToList();

    [Fact]
    public void The_matrix_names_real_presets()
    {
        var presets = new PresetCatalog(RepoPaths.Chart).PresetNames;
        Values("preset").Should().NotBeEmpty().And.OnlyContain(p => presets.Contains(p));
    }

    [Fact]
    public void The_matrix_uses_supported_spark_lines_and_kubernetes_versions_in_the_charts_range()
    {
        Values("spark").Should().BeEquivalentTo(SparkVersions.Supported);
        var range = KubeVersionRange.FromChart(RepoPaths.Chart)!;
        Values("kubernetes").Should().HaveCountGreaterThan(1).And.OnlyContain(v => range.Contains(KubeVersionRange.ParseVersion(v)!));
    }

    [Fact]
    public void The_script_runs_real_cli_commands_and_the_workflow_runs_the_script()
    {
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "e2e", "kind.sh"));
        foreach (var command in new[] { "\"$cli\" up ", "\"$cli\" load ", "\"$cli\" chaos ", "\"$cli\" doctor ", "\"$cli\" plan ", "\"$cli\" presets " })
        {
            script.Should().Contain(command);
        }

        script.Should().Contain("--rows").And.Contain("kind-config.yaml").And.NotContain("|| true");
        File.ReadAllText(Path.Combine(RepoPaths.Root, ".github", "workflows", "e2e.yml")).Should().Contain("e2e/kind.sh").And.Contain("upload-artifact");
        var root = CliApplication.BuildRootCommand();
        foreach (var name in new[] { "up", "chaos", "doctor", "upgrade-test" })
        {
            root.Subcommands.Should().Contain(c => c.Name == name);
        }
    }

    [Fact]
    public async Task The_script_prints_its_usage_without_a_cluster()
    {
        var result = await ProcessRunner.RunAsync(Path.Combine(RepoPaths.Root, "e2e", "kind.sh"), ["--help"], TestContext.Current.CancellationToken);
        result.ExitCode.Should().Be(0, result.StandardError);
        result.StandardOutput.Should().Contain("--kubernetes").And.Contain("--preset");

        var wrong = await ProcessRunner.RunAsync(Path.Combine(RepoPaths.Root, "e2e", "kind.sh"), ["--bogus"], TestContext.Current.CancellationToken);
        wrong.ExitCode.Should().Be(2);
        wrong.StandardError.Should().Contain("unknown option '--bogus'");
    }
}
