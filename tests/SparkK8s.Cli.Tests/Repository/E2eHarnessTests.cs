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

    private static List<YamlMappingNode> Includes() =>
        Matrix().Children.TryGetValue(new YamlScalarNode("include"), out var include) ? ((YamlSequenceNode)include).Children.Cast<YamlMappingNode>().ToList() : [];

    /// <summary>
    /// Smoke's SMOKE009 needs a preset with jobs (backend submit or operator) and SMOKE010 the Airflow preset: the matrix
    /// runs both (as include entries on supported lines and versions), and kind.sh skips load and chaos for presets
    /// without Spark Connect instead of failing them.
    /// </summary>
    [Fact]
    public void The_matrix_runs_a_batch_preset_and_the_airflow_preset_and_the_script_skips_connect_only_steps_for_batch()
    {
        var included = Includes();
        var presets = new PresetCatalog(RepoPaths.Chart);
        var range = KubeVersionRange.FromChart(RepoPaths.Chart)!;
        included.Select(i => ((YamlScalarNode)i["preset"]).Value).Should().Contain(["batch-submit", "airflow-connect-k8s"]);
        presets.PresetNames.Should().Contain(included.Select(i => ((YamlScalarNode)i["preset"]).Value!), "every included preset exists");
        included.Select(i => ((YamlScalarNode)i["spark"]).Value).Should().OnlyContain(v => SparkVersions.Supported.Contains(v!));
        included.Select(i => ((YamlScalarNode)i["kubernetes"]).Value).Should().OnlyContain(v => range.Contains(KubeVersionRange.ParseVersion(v!)!));
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "e2e", "kind.sh"));
        script.Should().Contain("has_connect \"$preset\" || connect=0").And.Contain("[ \"$connect\" -eq 0 ] || \"$cli\" load");
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

    /// <summary>
    /// Every `"$cli" up|load|chaos|smoke ...` call of the script, with its variables and the target array filled in,
    /// parses against the real CLI: the flags the harness passes (-n, --release, --kube-context, --rows, --timeout)
    /// are the commands' own.
    /// </summary>
    [Fact]
    public void The_scripts_live_cluster_calls_parse_against_the_real_cli()
    {
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "e2e", "kind.sh")).Replace("\\\n", " ", StringComparison.Ordinal);
        var target = System.Text.RegularExpressions.Regex.Match(script, @"^\s*target=\((?<words>[^)]*)\)", System.Text.RegularExpressions.RegexOptions.Multiline);
        target.Success.Should().BeTrue("kind.sh sets target=(...) for the live-cluster calls");
        var values = new Dictionary<string, string>
        {
            ["\"${target[@]}\""] = target.Groups["words"].Value,
            ["\"$ns\""] = "e2e-ns",
            ["\"$context\""] = "kind-spark-e2e",
            ["\"$rows\""] = "1000000",
            ["\"$environment\""] = "dev",
            ["\"$line\""] = "3.5",
            ["\"$preset\""] = "connect-k8s-minimal",
        };
        var calls = System.Text.RegularExpressions.Regex.Matches(script, @"""\$cli"" (?<call>(up|load|chaos|smoke) [^;&|\n]*)")
            .Select(m => m.Groups["call"].Value)
            .ToList();
        calls.Select(c => c.Split(' ')[0]).Should().Contain(["up", "load", "chaos"]);

        var root = CliApplication.BuildRootCommand();
        foreach (var call in calls)
        {
            var expanded = values.Aggregate(call, (text, value) => text.Replace(value.Key, value.Value, StringComparison.Ordinal));
            expanded = values.Aggregate(expanded, (text, value) => text.Replace(value.Key, value.Value, StringComparison.Ordinal));
            var words = expanded.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            words.Should().NotContain(w => w.Contains('$'), $"every variable of '{call}' has a test value");
            root.Parse(words).Errors.Select(e => e.Message).Should().BeEmpty($"'{call}' must use the flags of 'spark-k8s {words[0]}'");
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
