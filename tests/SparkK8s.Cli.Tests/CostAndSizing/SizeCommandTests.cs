using System.Text.Json;
using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests.CostAndSizing;

public class SizeCommandTests
{
    [Fact]
    public async Task Json_is_one_object_with_the_agreed_fields()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync("size", "--dataset-size", "1TB", "--workload", "etl", "--workload", "join", "--target-duration", "15m", "--node-type", "m5.4xlarge", "--spot", "--output", "json");

        exit.Should().Be(0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        foreach (var field in new[] { "executorCores", "executorMemoryMiB", "memoryOverheadMiB", "minExecutors", "maxExecutors", "shufflePartitions", "driverCores", "driverMemoryMiB", "executorsPerNode", "costOnDemandUsd", "costSpotUsd", "reasons" })
        {
            root.TryGetProperty(field, out _).Should().BeTrue($"size must print '{field}'");
        }

        root.GetProperty("executorsPerNode").GetInt32().Should().Be(4);
        root.GetProperty("costSpotUsd").GetDouble().Should().BeLessThan(root.GetProperty("costOnDemandUsd").GetDouble());
        root.GetProperty("reasons").GetArrayLength().Should().BeGreaterThan(5);
    }

    [Fact]
    public async Task Table_prints_each_setting_and_why()
    {
        var (exit, stdout, _) = await CliRunner.RunAsync("size", "--dataset-size", "200GB", "--target-duration", "30m", "--node-cpu", "16", "--node-memory", "128GiB");

        exit.Should().Be(0);
        stdout.Should().Contain("spark.executor.cores").And.Contain("Why:").And.Contain("- executors:").And.Contain("priced at m5.2xlarge unit prices");
    }

    [Fact]
    public async Task From_history_says_it_calibrated()
    {
        var (exit, stdout, _) = await CliRunner.RunAsync("size", "--dataset-size", "1TB", "--workload", "scan", "--target-duration", "15m", "--from-history", RepoPaths.SparkEventLogs, "--output", "json");

        exit.Should().Be(0);
        using var json = JsonDocument.Parse(stdout);
        json.RootElement.GetProperty("calibratedFromHistory").GetBoolean().Should().BeTrue();
        json.RootElement.GetProperty("reasons")[0].GetString().Should().Contain("calibrated from 2 past run(s)");
    }

    [Fact]
    public async Task Write_values_writes_the_chart_overlay()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("values-size.yaml");

        var (exit, _, stderr) = await CliRunner.RunAsync("size", "--dataset-size", "1TB", "--target-duration", "1h", "--python", "--write-values", path);

        exit.Should().Be(0, stderr);
        var yaml = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        yaml.Should().Contain("connect:").And.Contain("  executor:").And.Contain("    cores: ").And.Contain("    pysparkMemory: \"")
            .And.Contain("  dynamicAllocation:").And.Contain("    enabled: true").And.Contain("  sparkConf:").And.Contain("\"spark.sql.shuffle.partitions\": \"");
        Directory.GetFiles(temp.Path).Should().ContainSingle("the temporary file is moved into place");
    }

    [Theory]
    [InlineData("--dataset-size", "1XB", "--dataset-size")]
    [InlineData("--target-duration", "-5m", "--target-duration")]
    [InlineData("--workload", "stream", "--workload")]
    [InlineData("--spark-version", "banana", "--spark-version")]
    [InlineData("--node-type", "m99.huge", "--node-type")]
    [InlineData("--node-cpu", "16", "--node-memory")]
    public async Task Bad_input_exits_2_naming_the_flag(string flag, string value, string named)
    {
        var args = new List<string> { "size", "--dataset-size", "1TB", "--target-duration", "15m" };
        var index = args.IndexOf(flag);
        if (index >= 0)
        {
            args[index + 1] = value;
        }
        else
        {
            args.AddRange([flag, value]);
        }

        var (exit, stdout, stderr) = await CliRunner.RunAsync([.. args]);

        exit.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().Contain(named).And.NotContain("   at ");
    }

    [Fact]
    public async Task A_node_too_small_for_one_executor_exits_2_and_writes_nothing()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("values.yaml");

        var (exit, stdout, stderr) = await CliRunner.RunAsync("size", "--dataset-size", "1TB", "--target-duration", "15m", "--node-cpu", "1", "--node-memory", "2GiB", "--write-values", path);

        exit.Should().Be(2);
        stdout.Should().BeEmpty();
        stderr.Should().Contain("too small for even one executor");
        File.Exists(path).Should().BeFalse();
    }

    [Fact]
    public async Task Missing_required_options_exit_2()
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("size", "--workload", "etl");

        exit.Should().Be(2);
        stderr.Should().Contain("--dataset-size");
    }

    [Fact]
    public async Task Write_values_keeps_a_file_it_did_not_write_unless_forced()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("values.yaml", "connect:\n  replicas: 3\n");

        var refused = await CliRunner.RunAsync("size", "--dataset-size", "1TB", "--target-duration", "1h", "--write-values", path);

        refused.ShouldBeUsageError("--write-values", "--force");
        (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).Should().Be("connect:\n  replicas: 3\n");

        var forced = await CliRunner.RunAsync("size", "--dataset-size", "1TB", "--target-duration", "1h", "--write-values", path, "--force");

        forced.ExitCode.Should().Be(0, forced.Stderr);
        (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).Should().StartWith("# Generated by `spark-k8s size`");
    }

    [Fact]
    public async Task Write_values_replaces_its_own_overlay_without_force()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("values-size.yaml");

        var first = await CliRunner.RunAsync("size", "--dataset-size", "1TB", "--target-duration", "1h", "--write-values", path);
        var second = await CliRunner.RunAsync("size", "--dataset-size", "2TB", "--target-duration", "1h", "--write-values", path);

        first.ExitCode.Should().Be(0, first.Stderr);
        second.ExitCode.Should().Be(0, second.Stderr);
    }

    [Fact]
    public async Task Sizing_300_petabytes_exits_2_and_writes_no_negative_partitions()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("values.yaml");

        var result = await CliRunner.RunAsync("size", "--dataset-size", "300PB", "--target-duration", "15m", "--write-values", path);

        result.ShouldBeUsageError("--dataset-size", "partitions");
        File.Exists(path).Should().BeFalse();
    }
}
