using System.Globalization;
using SparkK8s.Core.Cost;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Sizing;

/// <summary>The GPU executor layout `spark-k8s size --gpu` recommends for a GPU node type (see <see cref="GpuSizer"/>).</summary>
public sealed record GpuSizing
{
    public required string NodeType { get; init; }
    public required string GpuModel { get; init; }
    public required double GpuMemoryGiB { get; init; }
    public required int GpusPerNode { get; init; }
    public required int GpusPerExecutor { get; init; }
    public required int ExecutorsPerNode { get; init; }
    public required int ExecutorCores { get; init; }
    public required long ExecutorMemoryMiB { get; init; }
    public required long MemoryOverheadMiB { get; init; }
    public required long PinnedPoolMiB { get; init; }
    public required long ExecutorPodMemoryMiB { get; init; }
    public required string TaskGpuAmount { get; init; }
    public required int Executors { get; init; }
    public required int Nodes { get; init; }
    public required double NodeHourUsd { get; init; }
    public required double HourUsd { get; init; }
    public required IReadOnlyDictionary<string, string> SparkConf { get; init; }
    public required IReadOnlyDictionary<string, string> Values { get; init; }
    public required IReadOnlyList<string> Reasons { get; init; }
}

/// <summary>
/// GPU executors with the RAPIDS Accelerator on one GPU node type. RAPIDS' rules (NVIDIA/spark-rapids tuning guide):
/// one GPU per executor, so a node runs as many executors as it has GPUs and each takes its share of the node's
/// allocatable CPU and memory; spark.task.resource.gpu.amount is the reciprocal of the tasks an executor runs at once
/// (its cores). The project's rules, named in the reasons: the pinned host pool is a quarter of the executor pod's
/// memory, at most 8 GiB, and is carried by spark.executor.memoryOverhead (it is off-heap); the executor count keeps
/// the CPU sizing's total cores, an upper bound since GPU tasks run faster than CPU tasks.
/// </summary>
public static class GpuSizer
{
    public const long MaxPinnedPoolMiB = 8 * 1024;
    public const long MinOverheadMiB = 384;

    public static GpuSizing Recommend(NodeType node, SizingRecommendation cpu)
    {
        if (node.Gpus <= 0)
        {
            throw new UserInputException($"--gpu: node type '{node.Name}' has no GPUs in the price catalog; pick a GPU node type with --node-type, or add one with gpus, gpuModel and gpuMemoryGiB in --prices FILE.");
        }

        var reasons = new List<string>();
        var allocatable = NodeCapacity.Allocatable(node.Vcpu, node.MemoryGiB);
        reasons.Add(NodeCapacity.Describe(node.Vcpu, node.MemoryGiB, allocatable) + ".");
        var perNode = node.Gpus;
        reasons.Add(Invariant($"RAPIDS maps one GPU to one executor (tuning guide, \"Number of Executors\"): {perNode} {node.GpuModel} GPU(s) per node give {perNode} executor(s) per node, each with nvidia.com/gpu 1."));
        var cores = (int)Math.Max(1, allocatable.CpuMillis / 1000 / perNode);
        var podMiB = allocatable.MemoryMiB / perNode;
        reasons.Add(Invariant($"each executor gets the node's allocatable share: {cores} core(s) and {podMiB} MiB; more than one task per executor overlaps I/O with GPU work (tuning guide, \"Number of Tasks per Executor\")."));
        var pinned = Math.Min(MaxPinnedPoolMiB, podMiB / 4);
        var rest = podMiB - pinned;
        var heap = (long)Math.Floor(rest / 1.1);
        var overhead = Math.Max(MinOverheadMiB, rest - heap);
        heap = rest - overhead;
        if (heap < 1024)
        {
            throw new UserInputException(Invariant($"--node-type: {node.Name} leaves {podMiB} MiB per GPU executor, too little for an executor heap of 1 GiB next to its pinned pool; pick a GPU node type with more memory per GPU."));
        }

        reasons.Add(Invariant($"pinned host pool (spark.rapids.memory.pinnedPool.size) {pinned} MiB: a quarter of the executor pod's memory, at most {MaxPinnedPoolMiB} MiB (project rule); it is off-heap, so memoryOverhead carries it on top of {overhead} MiB (10% of the heap, at least {MinOverheadMiB} MiB)."));
        var taskAmount = (1.0 / cores).ToString("0.######", CultureInfo.InvariantCulture);
        reasons.Add(Invariant($"spark.task.resource.gpu.amount {taskAmount} = 1 / {cores} cores: every core runs a task and the tasks share the GPU."));
        var cpuCores = Math.Max(1, cpu.MaxExecutors * cpu.ExecutorCores);
        var executors = (int)Math.Ceiling(cpuCores / (double)cores);
        var nodes = (int)Math.Ceiling(executors / (double)perNode);
        reasons.Add(Invariant($"{executors} GPU executor(s) keep the {cpuCores} cores of the CPU sizing for {DurationText.Format(TimeSpan.FromSeconds(cpu.EstimatedDurationSeconds))}; an upper bound, as RAPIDS runs the SQL it supports faster (measure a run and lower connect.dynamicAllocation.maxExecutors)."));
        reasons.Add(Invariant($"{nodes} {node.Name} node(s) at {node.OnDemandUsdPerHour:0.####} USD/h on-demand ({node.Source})."));
        var memoryOverhead = overhead + pinned;
        return new GpuSizing
        {
            NodeType = node.Name,
            GpuModel = node.GpuModel,
            GpuMemoryGiB = node.GpuMemoryGiB,
            GpusPerNode = perNode,
            GpusPerExecutor = 1,
            ExecutorsPerNode = perNode,
            ExecutorCores = cores,
            ExecutorMemoryMiB = heap,
            MemoryOverheadMiB = memoryOverhead,
            PinnedPoolMiB = pinned,
            ExecutorPodMemoryMiB = heap + memoryOverhead,
            TaskGpuAmount = taskAmount,
            Executors = executors,
            Nodes = nodes,
            NodeHourUsd = node.OnDemandUsdPerHour,
            HourUsd = nodes * node.OnDemandUsdPerHour,
            SparkConf = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["spark.plugins"] = "com.nvidia.spark.SQLPlugin",
                ["spark.executor.cores"] = Invariant($"{cores}"),
                ["spark.executor.memory"] = ByteSize.ToSparkString(heap),
                ["spark.executor.memoryOverhead"] = ByteSize.ToSparkString(memoryOverhead),
                ["spark.executor.resource.gpu.amount"] = "1",
                ["spark.task.resource.gpu.amount"] = taskAmount,
                ["spark.rapids.memory.pinnedPool.size"] = ByteSize.ToSparkString(pinned),
            },
            // The chart adds gpu.pinnedPoolSize to connect.executor.memoryOverhead itself.
            Values = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["gpu.enabled"] = "true",
                ["gpu.pinnedPoolSize"] = ByteSize.ToSparkString(pinned),
                ["connect.executor.cores"] = Invariant($"{cores}"),
                ["connect.executor.memory"] = ByteSize.ToSparkString(heap),
                ["connect.executor.memoryOverhead"] = ByteSize.ToSparkString(overhead),
                ["connect.dynamicAllocation.maxExecutors"] = Invariant($"{executors}"),
            },
            Reasons = reasons,
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
