using System.Text.Json;
using FluentAssertions;
using SparkK8s.Cli.Commands;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Validation;
using Xunit;

namespace SparkK8s.Cli.Tests;

/// <summary>Tables stay readable at 80 and 120 columns; commands, URLs and image references are never split.</summary>
public class TableLayoutTests
{
    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public async Task Plan_fits_the_width_and_keeps_images_urls_and_commands_whole(int width)
    {
        var json = await CliRunner.RunAsync("plan", "jupyter-connect-k8s", "-o", "json");
        json.ExitCode.Should().Be(0, json.Stderr);
        using var plan = json.Json();
        var root = plan.RootElement;
        var whole = root.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("reference").GetString()!)
            .Concat(root.GetProperty("endpoints").EnumerateArray().SelectMany(e => new[] { e.GetProperty("inClusterUrl").GetString()!, e.GetProperty("portForward").GetString()! }))
            .Concat(root.GetProperty("workloads").EnumerateArray().Select(w => $"{w.GetProperty("kind").GetString()}/{w.GetProperty("name").GetString()}"))
            .ToList();

        var result = await CliRunner.RunAtWidthAsync(width, "plan", "jupyter-connect-k8s");

        result.ExitCode.Should().Be(0, result.Stderr);
        ShouldFit(result.Stdout, width);
        ShouldKeepWhole(result.Stdout, whole);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public async Task Size_fits_the_width_and_prints_spark_settings_on_their_own_lines(int width)
    {
        var result = await CliRunner.RunAtWidthAsync(width, "size", "--dataset-size", "1TB", "--target-duration", "15m", "--spot", "--python");

        result.ExitCode.Should().Be(0, result.Stderr);
        ShouldFit(result.Stdout, width);
        ShouldKeepWhole(result.Stdout, ["spark.storage.decommission.shuffleBlocks.enabled=true", "spark.sql.adaptive.advisoryPartitionSizeInBytes=64m", "(spark.executor.memoryOverhead)"]);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public async Task Presets_and_render_fit_the_width(int width)
    {
        using var temp = new SparkK8s.Testing.TempDirectory();

        var presets = await CliRunner.RunAtWidthAsync(width, "presets");
        var render = await CliRunner.RunAtWidthAsync(width, "render", "jupyter-connect-k8s", "--out", temp.Combine("out"));

        presets.ExitCode.Should().Be(0, presets.Stderr);
        render.ExitCode.Should().Be(0, render.Stderr);
        ShouldFit(presets.Stdout, width);
        ShouldFit(render.Stdout, width);
        ShouldKeepWhole(presets.Stdout, ["jupyter-connect-k8s", "connect-k8s-minimal"]);
        ShouldKeepWhole(render.Stdout, ["connect/deployment-spark-spark-k8s-connect.yaml", "spark-spark-k8s-history-server"]);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public void Validate_all_groups_identical_findings_and_fits_the_width(int width)
    {
        var placeholder = new Finding(ValidationStage.Spark, "SPK005", Severity.Warning, "ConfigMap/spark-spark-k8s-connect", "data.spark-defaults.conf",
            "placeholder 's3a://CHANGE-ME-events' is still in place", "Set the real endpoint, e.g. --set connect.eventLog.dir=s3a://my-bucket/spark-events");
        var runs = new[] { "dev", "staging", "prod" }
            .SelectMany(env => new[] { "3.5", "4.1" }.Select(v => new ValidationRun("connect-k8s-minimal", env, v, [placeholder], 7, null)))
            .Append(new ValidationRun("jupyter-connect-k8s", "dev", "4.1", [placeholder with { Id = "SPK003" }], 25, null))
            .ToList();
        using var stdout = new StringWriter();
        Terminal.UseWidth(width);
        try
        {
            FindingsView.Write(Terminal.Create(stdout, TextWriter.Null), runs);
        }
        finally
        {
            Terminal.UseWidth(null);
        }

        var text = stdout.ToString();
        text.Split("SPK005").Should().HaveCount(2, "the six identical findings are reported once");
        text.Should().Contain("(in 6 of 7 renders)").And.Contain("connect-k8s-minimal (all 6)");
        ShouldFit(text, width);
        ShouldKeepWhole(text, ["--set", "connect.eventLog.dir=s3a://my-bucket/spark-events", "ConfigMap/spark-spark-k8s-connect", "data.spark-defaults.conf"]);
        FindingGroup.Of(runs).Should().HaveCount(2);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public async Task Cost_by_app_fits_the_width_and_keeps_application_ids_whole(int width)
    {
        using var temp = new SparkK8s.Testing.TempDirectory();
        string[] ids = ["application_1506645932520_24630151", "app-20161116163331-0000"];
        foreach (var id in ids)
        {
            temp.WriteFile(id, SparkK8s.Testing.SparkEventLogBuilder.SimpleApp(id).Build());
        }

        var result = await CliRunner.RunAtWidthAsync(width, "cost", temp.Path, "--by-app");

        result.ExitCode.Should().Be(0, result.Stderr);
        ShouldFit(result.Stdout, width);
        ShouldKeepWhole(result.Stdout, ids);
    }

    [Fact]
    public void Wrapping_never_splits_a_word_longer_than_the_line()
    {
        var url = "https://" + new string('x', 100) + ".example";

        var wrapped = Terminal.Wrap($"see {url} for details", 40);

        wrapped.Split('\n').Select(line => line.Trim()).Should().Contain(url);
    }

    private static void ShouldFit(string output, int width)
    {
        // A line may be longer only to hold one word that no line could (a long path or URL), which is never split.
        output.Split('\n').Should().OnlyContain(line => line.TrimEnd().Length <= width || line.Split(' ').Any(word => word.Length > width - 12),
            $"every line fits {width} columns:\n{output}");
    }

    private static void ShouldKeepWhole(string output, IEnumerable<string> tokens)
    {
        var lines = output.Split('\n');
        foreach (var token in tokens)
        {
            lines.Should().Contain(line => line.Contains(token, StringComparison.Ordinal), $"'{token}' is printed whole on one line:\n{output}");
        }
    }
}
