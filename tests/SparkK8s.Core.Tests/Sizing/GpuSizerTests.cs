using FluentAssertions;
using SparkK8s.Core.Cost;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Sizing;
using Xunit;

namespace SparkK8s.Core.Tests.Sizing;

/// <summary>`size --gpu`: one GPU per executor (RAPIDS tuning guide), the node's share of CPU and memory, the pinned pool in memoryOverhead.</summary>
public class GpuSizerTests
{
    private static SizingRecommendation Cpu(NodeOffer node) => Sizer.Recommend(new SizingRequest
    {
        DatasetBytes = 500 * ByteSize.GiB,
        Workloads = [WorkloadProfile.Parse("etl", "--workload")],
        TargetDuration = TimeSpan.FromMinutes(30),
        Node = node,
        SparkVersion = new SparkVersion(3, 5, 8),
        SpotDiscount = 0.65,
    });

    private static NodeType Gpu(string name, double vcpu, double gib, int gpus, double price) =>
        new(name, "aws", "us-east-1", vcpu, gib, price / ((vcpu * 7.46) + gib) * 7.46, price / ((vcpu * 7.46) + gib), "test", "2026")
        {
            Gpus = gpus,
            GpuModel = "NVIDIA L4",
            GpuMemoryGiB = 24,
        };

    [Fact]
    public void A_four_gpu_node_runs_four_executors_with_a_quarter_each()
    {
        var node = Gpu("g6.12xlarge-test", 48, 192, 4, 4.6);
        var allocatable = NodeCapacity.Allocatable(48, 192);

        var g = GpuSizer.Recommend(node, Cpu(new NodeOffer("m5.4xlarge", 16, 64, 0.031246, 0.004188)));

        g.ExecutorsPerNode.Should().Be(4);
        g.GpusPerExecutor.Should().Be(1);
        g.ExecutorCores.Should().Be((int)(allocatable.CpuMillis / 1000 / 4));
        g.ExecutorPodMemoryMiB.Should().Be(allocatable.MemoryMiB / 4);
        g.PinnedPoolMiB.Should().Be(GpuSizer.MaxPinnedPoolMiB, "a quarter of ~44 GiB is above the 8 GiB cap");
        g.MemoryOverheadMiB.Should().BeGreaterThanOrEqualTo(g.PinnedPoolMiB + GpuSizer.MinOverheadMiB, "the off-heap pinned pool is part of memoryOverhead");
        g.TaskGpuAmount.Should().Be((1.0 / g.ExecutorCores).ToString("0.######", System.Globalization.CultureInfo.InvariantCulture));
        g.SparkConf["spark.executor.resource.gpu.amount"].Should().Be("1");
        g.Values["gpu.pinnedPoolSize"].Should().Be("8g");
        g.Nodes.Should().Be((int)Math.Ceiling(g.Executors / 4.0));
        g.HourUsd.Should().BeApproximately(g.Nodes * 4.6, 1e-9);
    }

    [Fact]
    public void The_executor_count_keeps_the_cpu_sizings_cores()
    {
        var cpu = Cpu(new NodeOffer("m5.2xlarge", 8, 32, 0.031246, 0.004188));

        var g = GpuSizer.Recommend(Gpu("g5.xlarge-test", 4, 16, 1, 1.006), cpu);

        g.Executors.Should().Be((int)Math.Ceiling(cpu.MaxExecutors * cpu.ExecutorCores / (double)g.ExecutorCores));
    }

    [Fact]
    public void A_node_without_gpus_is_refused_naming_the_flag()
    {
        var cpuNode = new NodeType("m5.2xlarge", "aws", "us-east-1", 8, 32, 0.031246, 0.004188, "test", "2026");

        var act = () => GpuSizer.Recommend(cpuNode, Cpu(new NodeOffer("m5.2xlarge", 8, 32, 0.031246, 0.004188)));

        act.Should().Throw<UserInputException>().WithMessage("--gpu: node type 'm5.2xlarge' has no GPUs*");
    }

    [Fact]
    public void The_built_in_catalog_lists_gpu_nodes_with_their_source()
    {
        var catalog = PriceCatalog.Load(null);
        var gpuNodes = catalog.NodeTypes.Values.Where(n => n.Gpus > 0).ToList();

        gpuNodes.Should().NotBeEmpty();
        gpuNodes.Should().OnlyContain(n => n.GpuModel.Length > 0 && n.GpuMemoryGiB > 0 && n.Source.StartsWith("https://", StringComparison.Ordinal) && n.PriceDate.Length > 0);
        catalog.NodeTypes["g5.xlarge"].Gpus.Should().Be(1);
        catalog.NodeTypes["g5.xlarge"].OnDemandUsdPerHour.Should().BeApproximately(1.006, 1e-9);
    }

    [Theory]
    [InlineData("gpus: 1.5", "gpus 1.5")]
    [InlineData("gpus: 65", "gpus 65")]
    [InlineData("gpus: -1", "must not be negative")]
    public void Bad_gpu_counts_in_a_user_catalog_name_the_key(string line, string message)
    {
        var path = Path.Combine(Path.GetTempPath(), $"prices-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"nodeTypes:\n  x1:\n    vcpu: 4\n    memoryGiB: 16\n    onDemandUsdPerHour: 1\n    {line}\n");
        try
        {
            var act = () => PriceCatalog.Load(path);

            act.Should().Throw<UserInputException>().Which.Message.Should().Contain(message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
