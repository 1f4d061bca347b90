using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace SparkK8s.Cli.Tests.CostAndSizing;

/// <summary>`spark-k8s size --gpu`: GPU executors for a GPU node type of the price catalog.</summary>
public class SizeGpuCommandTests
{
    private static readonly string[] Base = ["size", "--dataset-size", "500GB", "--target-duration", "30m", "--gpu"];

    [Fact]
    public async Task Json_has_the_gpu_layout_and_the_cpu_baseline()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync([.. Base, "--node-type", "g5.xlarge", "--output", "json"]);

        exit.Should().Be(0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var gpu = json.RootElement.GetProperty("gpu");
        gpu.GetProperty("gpusPerExecutor").GetInt32().Should().Be(1);
        gpu.GetProperty("executorsPerNode").GetInt32().Should().Be(1);
        gpu.GetProperty("executorCores").GetInt32().Should().BeGreaterThan(1);
        gpu.GetProperty("pinnedPoolMiB").GetInt64().Should().BeGreaterThan(0);
        gpu.GetProperty("sparkConf").GetProperty("spark.plugins").GetString().Should().Be("com.nvidia.spark.SQLPlugin");
        gpu.GetProperty("values").GetProperty("gpu.enabled").GetString().Should().Be("true");
        gpu.GetProperty("hourUsd").GetDouble().Should().BeGreaterThan(0);
        json.RootElement.GetProperty("cpuBaseline").GetProperty("executorCores").GetInt32().Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Table_prints_the_gpu_settings_values_and_why()
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync([.. Base, "--node-type", "g5.xlarge"]);

        exit.Should().Be(0, stderr);
        stdout.Should().Contain("GPU executors (RAPIDS)").And.Contain("spark.task.resource.gpu.amount").And.Contain("gpu.pinnedPoolSize=")
            .And.Contain("NVIDIA A10G").And.Contain("Why:");
    }

    [Theory]
    [InlineData("--node-type", "m5.2xlarge", "has no GPUs")]
    [InlineData("--node-cpu", "16", "--node-type")]
    public async Task A_node_without_gpus_is_a_usage_error_naming_the_flag(string flag, string value, string hint)
    {
        string[] extra = flag == "--node-cpu" ? [flag, value, "--node-memory", "64GiB"] : [flag, value];

        var result = await CliRunner.RunAsync([.. Base, .. extra]);

        result.ShouldBeUsageError("--gpu", hint);
        result.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Gpu_without_a_node_type_names_the_gpu_node_types()
    {
        var result = await CliRunner.RunAsync(Base);

        result.ShouldBeUsageError("--gpu", "--node-type", "g5.xlarge");
    }
}
