using System.Text.Json.Nodes;
using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests.Contracts;

/// <summary>
/// The chart runs the CLI in its backup, verify and restore Jobs (images/tools: ENTRYPOINT spark-k8s). Every
/// command line the chart renders for that image must parse against the real command tree, so a renamed flag
/// breaks this test instead of a 2 AM backup.
/// </summary>
public class ChartCommandLineTests
{
    [Theory]
    [InlineData("4.1")]
    [InlineData("3.5")]
    public async Task Tools_image_command_lines_parse_against_the_cli(string sparkVersion)
    {
        var objects = await TestHelm.RenderAsync(
            setValues: [$"spark.version={sparkVersion}", "backup.enabled=true", "backup.verify.enabled=true", "restore.enabled=true", "restore.backupId=latest"],
            cancellationToken: TestContext.Current.CancellationToken);

        var commandLines = objects
            .Select(o => o.PodSpec)
            .OfType<JsonObject>()
            .SelectMany(spec => (spec["containers"] as JsonArray ?? []).Concat(spec["initContainers"] as JsonArray ?? []))
            .OfType<JsonObject>()
            .Where(c => ((string?)c["image"])?.Contains("/tools:", StringComparison.Ordinal) == true)
            .Select(c => (c["args"] as JsonArray ?? []).Select(a => (string)a!).ToArray())
            .ToList();

        commandLines.Should().HaveCountGreaterThanOrEqualTo(3, "a backup CronJob, a verify CronJob and a restore Job run the CLI");
        var root = CliApplication.BuildRootCommand();
        foreach (var args in commandLines)
        {
            root.Parse(args).Errors.Select(e => e.Message).Should().BeEmpty($"'spark-k8s {string.Join(' ', args)}' must be a valid command line");
        }
    }
}
