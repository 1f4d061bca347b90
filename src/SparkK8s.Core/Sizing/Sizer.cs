using System.Globalization;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Sizing;

/// <summary>
/// Sizes a Spark job on Kubernetes from the data size, the workload class and a target duration. The model:
/// <list type="number">
/// <item>core-seconds needed = dataset / throughput per core (workload default or measured from history);</item>
/// <item>cores = core-seconds / (target × <see cref="SchedulingEfficiency"/>), rounded up to whole executors;</item>
/// <item>executor cores are chosen so executor pods fill the node's allocatable CPU (2-5 cores, nearest 4 on ties);</item>
/// <item>each pod takes an equal share of the node's allocatable memory, split into heap and overhead by Spark's rule;</item>
/// <item>partitions follow spark.sql.files.maxPartitionBytes (input) and the AQE advisory size (shuffle).</item>
/// </list>
/// </summary>
public static class Sizer
{
    /// <summary>Share of the executor core time that does task work in a well-sized job (stage barriers, stragglers, scheduling).</summary>
    public const double SchedulingEfficiency = 0.7;

    /// <summary>A CPU request may be this much below spark.executor.cores (spark.kubernetes.executor.request.cores) so pods fill a node.</summary>
    public const double MinCpuRequestShare = 0.9;

    public const long AdvisoryPartitionMiB = 64;
    public const long LegacyShufflePartitionMiB = 128;

    /// <summary>Spark refuses executor heaps below 1.5 × the 300 MiB reserve; 1 GiB is the practical floor.</summary>
    public const long MinimumHeapMiB = 1024;

    private const int PreferredCores = 4;

    public static SizingRecommendation Recommend(SizingRequest request)
    {
        var reasons = new List<string>();
        var workload = WorkloadProfile.Combine(request.Workloads);
        var throughputBytes = request.Calibration?.BytesPerTaskSecond ?? workload.MiBPerCoreSecond * ByteSize.MiB;
        var shuffleFraction = request.Calibration is { ShuffleFraction: > 0 } measured ? measured.ShuffleFraction : workload.ShuffleFraction;
        if (request.Calibration is { } calibration)
        {
            reasons.Add($"throughput: {calibration.Describe()}; used instead of the '{workload.Name}' default of {Invariant($"{workload.MiBPerCoreSecond:0.#}")} MiB/core-s.");
        }
        else
        {
            reasons.Add(Invariant($"throughput: '{workload.Name}' ({workload.Description}) assumes {workload.MiBPerCoreSecond:0.#} MiB of input per core-second, {workload.MemoryGiBPerCore:0.#} GiB per core, {workload.ShuffleFraction * 100:0}% shuffled (defaults; calibrate with --from-history)."));
        }

        var allocatable = NodeCapacity.Allocatable(request.Node.Vcpu, request.Node.MemoryGiB);
        reasons.Add($"node: {NodeCapacity.Describe(request.Node.Vcpu, request.Node.MemoryGiB, allocatable)}.");
        var packing = Pack(request, allocatable, request.Calibration?.MemoryPressure == true, reasons);
        var memory = SplitMemory(request, packing.PodMemoryMiB, reasons);

        var memoryPerCoreGiB = memory.HeapMiB / 1024.0 / packing.Cores;
        if (memoryPerCoreGiB < workload.MemoryGiBPerCore * 0.75)
        {
            reasons.Add(Invariant($"warning: {memoryPerCoreGiB:0.#} GiB heap per core is below the {workload.MemoryGiBPerCore:0.#} GiB '{workload.Name}' wants; expect spill, or pick a memory-optimized node type."));
        }

        var coreSeconds = request.DatasetBytes / throughputBytes;
        var target = request.TargetDuration.TotalSeconds;
        var shuffleBytes = request.DatasetBytes * shuffleFraction;
        var aqe = request.SparkVersion.AtLeast(3, 0);
        var partitionMiB = aqe ? AdvisoryPartitionMiB : LegacyShufflePartitionMiB;

        // Computed in double and bounded before any cast: 300 PB would otherwise overflow int into negative partitions.
        var inputPartitionsExact = Math.Max(1, Math.Ceiling((double)request.DatasetBytes / request.MaxPartitionBytes));
        var shufflePartsExact = Math.Ceiling(shuffleBytes / (partitionMiB * ByteSize.MiB));
        var coresNeededExact = Math.Ceiling(coreSeconds / (target * SchedulingEfficiency));
        var executorsExact = Math.Max(1, Math.Ceiling(Math.Min(coresNeededExact, Math.Max(inputPartitionsExact, shufflePartsExact)) / packing.Cores));
        CheckBounds(request, inputPartitionsExact, shufflePartsExact, executorsExact, packing.Cores);
        var coresNeeded = (int)Math.Min(coresNeededExact, int.MaxValue);
        var inputPartitions = (int)inputPartitionsExact;
        var shuffleByteParts = (int)shufflePartsExact;
        var usefulCores = Math.Max(inputPartitions, shuffleByteParts);
        var maxExecutors = (int)executorsExact;
        reasons.Add(Invariant($"executors: {ByteSize.Format(request.DatasetBytes)} at {throughputBytes / ByteSize.MiB:0.#} MiB/core-s is {coreSeconds:0} core-seconds; in {DurationText.Format(request.TargetDuration)} at {SchedulingEfficiency:0%} scheduling efficiency that needs {coresNeeded} cores = {maxExecutors} executors of {packing.Cores} cores (maxExecutors)."));
        if (coresNeeded > usefulCores)
        {
            reasons.Add($"executors capped: the job has at most {usefulCores} tasks per stage ({inputPartitions} input partitions, {shuffleByteParts} shuffle partitions); more cores would sit idle.");
        }

        var minExecutors = Math.Max(1, (int)Math.Ceiling(maxExecutors * 0.1));
        var initialExecutors = Math.Min(maxExecutors, Math.Max(minExecutors, (int)Math.Ceiling(maxExecutors / 2.0)));
        reasons.Add($"dynamic allocation: min {minExecutors} (10% kept warm), initial {initialExecutors} (half, so the first stage starts wide), max {maxExecutors}; idle executors are released after spark.dynamicAllocation.executorIdleTimeout.");
        reasons.Add(Invariant($"input partitions: {ByteSize.Format(request.DatasetBytes)} / spark.sql.files.maxPartitionBytes {ByteSize.Format(request.MaxPartitionBytes)} = {inputPartitions} scan tasks, {Math.Ceiling((double)inputPartitions / (maxExecutors * packing.Cores)):0} wave(s) over {maxExecutors * packing.Cores} cores."));

        var totalCores = maxExecutors * packing.Cores;
        var shufflePartitions = RoundUpToMultiple(Math.Max(totalCores, shuffleByteParts), totalCores);
        var sparkConf = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["spark.sql.shuffle.partitions"] = shufflePartitions.ToString(CultureInfo.InvariantCulture),
        };
        if (aqe)
        {
            sparkConf["spark.sql.adaptive.enabled"] = "true";
            sparkConf["spark.sql.adaptive.advisoryPartitionSizeInBytes"] = $"{AdvisoryPartitionMiB}m";
            reasons.Add($"shuffle: {ByteSize.Format(shuffleBytes)} shuffled / AQE advisory {AdvisoryPartitionMiB} MiB → spark.sql.shuffle.partitions={shufflePartitions} (a multiple of the {totalCores} cores, at least one per core); AQE coalesces small partitions at run time (on by default since Spark 3.2).");
        }
        else
        {
            reasons.Add($"shuffle: Spark {request.SparkVersion} has no AQE, so partitions are fixed: {ByteSize.Format(shuffleBytes)} / {LegacyShufflePartitionMiB} MiB → spark.sql.shuffle.partitions={shufflePartitions} (a multiple of the {totalCores} cores).");
        }

        if (packing.CpuRequestMillis < packing.Cores * 1000L)
        {
            sparkConf["spark.kubernetes.executor.request.cores"] = $"{packing.CpuRequestMillis}m";
        }

        if (request.Spot)
        {
            SpotSettings(request.SparkVersion, sparkConf, reasons);
        }

        var driver = Driver(request, maxExecutors, workload, reasons);
        var nodes = (int)Math.Ceiling((double)maxExecutors / packing.PodsPerNode);
        var estimatedSeconds = coreSeconds / (totalCores * SchedulingEfficiency);
        var hours = estimatedSeconds / 3600;
        var executorCost = nodes * request.Node.HourUsd * hours;
        var driverCost = ((driver.Cores * request.Node.VcpuHourUsd) + ((driver.Memory.TotalMiB / 1024.0) * request.Node.GibHourUsd)) * hours;
        var spotCost = (executorCost * (1 - request.SpotDiscount)) + driverCost;
        reasons.Add(Invariant($"cost: {nodes} node(s) × {request.Node.HourUsd:0.####} USD/h × {hours * 60:0.#} min estimated run (whole nodes are paid for, packing waste included) + the driver's share; spot takes {request.SpotDiscount:0%} off executor nodes only, the driver stays on-demand."));
        if (estimatedSeconds > target * 1.05)
        {
            reasons.Add($"warning: the estimate ({DurationText.Format(TimeSpan.FromSeconds(estimatedSeconds))}) exceeds the target: the job has too few partitions to use more cores.");
        }

        return new SizingRecommendation
        {
            ExecutorCores = packing.Cores,
            ExecutorMemoryMiB = memory.HeapMiB,
            MemoryOverheadMiB = memory.OverheadMiB,
            PysparkMemoryMiB = memory.PysparkMiB,
            ExecutorPodMemoryMiB = memory.TotalMiB,
            ExecutorCpuRequestMillis = packing.CpuRequestMillis,
            MinExecutors = minExecutors,
            MaxExecutors = maxExecutors,
            InitialExecutors = initialExecutors,
            InputPartitions = inputPartitions,
            ShufflePartitions = shufflePartitions,
            AdvisoryPartitionSizeMiB = aqe ? AdvisoryPartitionMiB : 0,
            DriverCores = driver.Cores,
            DriverMemoryMiB = driver.Memory.HeapMiB,
            DriverMemoryOverheadMiB = driver.Memory.OverheadMiB,
            NodeType = request.Node.Name,
            ExecutorsPerNode = packing.PodsPerNode,
            Nodes = nodes,
            WastedCpuMillisPerNode = allocatable.CpuMillis - (packing.PodsPerNode * packing.CpuRequestMillis),
            WastedMemoryMiBPerNode = allocatable.MemoryMiB - (packing.PodsPerNode * memory.TotalMiB),
            ThroughputMiBPerCoreSecond = throughputBytes / ByteSize.MiB,
            CalibratedFromHistory = request.Calibration is not null,
            EstimatedDurationSeconds = estimatedSeconds,
            CostOnDemandUsd = executorCost + driverCost,
            CostSpotUsd = spotCost,
            SparkConf = sparkConf,
            Reasons = reasons,
        };
    }

    /// <summary>At most this many tasks in one stage: spark.sql.shuffle.partitions is an int, and far fewer keep a driver alive.</summary>
    public const int MaxPartitions = 20_000_000;

    /// <summary>At most this many executors: beyond it no driver or Kubernetes cluster keeps up.</summary>
    public const int MaxExecutors = 100_000;

    private static void CheckBounds(SizingRequest request, double inputPartitions, double shufflePartitions, double executors, int cores)
    {
        var size = ByteSize.Format(request.DatasetBytes);
        if (Math.Max(inputPartitions, shufflePartitions) * 2 > MaxPartitions || executors * cores > MaxPartitions)
        {
            throw new UserInputException(Invariant(
                $"--dataset-size: {size} needs {Math.Max(inputPartitions, shufflePartitions):0} partitions per stage, more than the {MaxPartitions} one Spark job can schedule; split the input into several jobs."));
        }

        if (executors > MaxExecutors)
        {
            throw new UserInputException(Invariant(
                $"--target-duration: {size} in {DurationText.Format(request.TargetDuration)} needs {executors:0} executors, more than the {MaxExecutors} one job can run; give a longer --target-duration or split the input."));
        }
    }

    private sealed record Packing(int Cores, int PodsPerNode, long CpuRequestMillis, long PodMemoryMiB);

    /// <summary>Chooses executor cores and pods per node so pods fill the node's CPU; memory is shared equally.</summary>
    private static Packing Pack(SizingRequest request, NodeAllocatable allocatable, bool memoryPressure, List<string> reasons)
    {
        var minimumPod = MinimumHeapMiB + SparkMemoryRules.MinimumOverheadMiB;
        if (allocatable.CpuMillis < 1000 * MinCpuRequestShare || allocatable.MemoryMiB < minimumPod)
        {
            throw new UserInputException(Invariant($"--node-type / --node-cpu / --node-memory: {request.Node.Name} ({request.Node.Vcpu:0.##} vCPU, {request.Node.MemoryGiB:0.##} GiB) is too small for even one executor: after the system reserve it offers {allocatable.CpuMillis}m CPU and {allocatable.MemoryMiB} MiB, and an executor needs at least {1000 * MinCpuRequestShare:0}m and {minimumPod} MiB. Choose a larger node."));
        }

        Packing? best = null;
        var maxCores = (int)Math.Min(5, Math.Floor(allocatable.CpuMillis / (1000 * MinCpuRequestShare)));
        for (var cores = Math.Min(2, maxCores); cores <= maxCores; cores++)
        {
            var pods = (int)Math.Floor(allocatable.CpuMillis / (cores * 1000 * MinCpuRequestShare));
            while (pods > 1 && allocatable.MemoryMiB / pods < minimumPod)
            {
                pods--;
            }

            var cpuRequest = Math.Min(cores * 1000L, allocatable.CpuMillis / pods / 10 * 10);
            var candidate = new Packing(cores, pods, cpuRequest, allocatable.MemoryMiB / pods);
            if (best is null || Better(candidate, best))
            {
                best = candidate;
            }
        }

        var chosen = best!;
        if (memoryPressure && chosen.Cores > 2)
        {
            var fewer = chosen with { Cores = chosen.Cores - 1, CpuRequestMillis = Math.Min((chosen.Cores - 1) * 1000L, chosen.CpuRequestMillis) };
            reasons.Add($"executor cores lowered from {chosen.Cores} to {fewer.Cores}: past runs spilled or spent over {HistoryCalibration.PressureThreshold:0%} of task time in GC, so each task gets more memory.");
            chosen = fewer;
        }

        reasons.Add(Invariant($"executor cores: {chosen.Cores} per executor, {chosen.PodsPerNode} executor pod(s) per node use {chosen.PodsPerNode * chosen.Cores} task slots of the node's {allocatable.CpuMillis}m CPU (2-5 cores keeps GC and object-store throughput healthy; ties go to the size nearest 4)")
            + (chosen.CpuRequestMillis < chosen.Cores * 1000L ? Invariant($"; each pod requests {chosen.CpuRequestMillis}m CPU (spark.kubernetes.executor.request.cores) so {chosen.PodsPerNode} fit.") : "."));
        return chosen;
    }

    private static bool Better(Packing candidate, Packing best)
    {
        var slots = candidate.Cores * candidate.PodsPerNode;
        var bestSlots = best.Cores * best.PodsPerNode;
        if (slots != bestSlots)
        {
            return slots > bestSlots;
        }

        var distance = Math.Abs(candidate.Cores - PreferredCores);
        var bestDistance = Math.Abs(best.Cores - PreferredCores);
        return distance != bestDistance ? distance < bestDistance : candidate.Cores > best.Cores;
    }

    /// <summary>Splits a pod's memory into pyspark memory, heap and overhead so that Spark's own rule reproduces the overhead.</summary>
    private static ContainerMemory SplitMemory(SizingRequest request, long podMemoryMiB, List<string> reasons)
    {
        var settings = new OverheadSettings(Kubernetes: true, NonJvm: request.Python);
        var pyspark = request.Python ? RoundDown((long)(podMemoryMiB * 0.2), 128) : 0;
        var forJvm = podMemoryMiB - pyspark;
        var factor = ProbeFactor(request.SparkVersion, settings);
        var heap = RoundDown((long)(forJvm / (1 + factor)), 128);
        while (heap > MinimumHeapMiB && heap + SparkMemoryRules.OverheadMiB(request.SparkVersion, heap, settings) > forJvm)
        {
            heap -= 128;
        }

        var (overhead, rule) = SparkMemoryRules.Overhead(request.SparkVersion, heap, settings);
        reasons.Add($"executor memory: each pod gets an equal share of the node's allocatable memory ({podMemoryMiB} MiB; memory not requested would sit idle on the node)"
            + (pyspark > 0 ? $", of which {pyspark} MiB (20%) is spark.executor.pyspark.memory for the Python workers" : "")
            + $"; heap {heap} MiB, {rule}.");
        var unified = (heap - 300) * 0.6;
        reasons.Add(Invariant($"memory model: unified memory (execution + storage) = (heap − 300 MiB reserved) × spark.memory.fraction 0.6 = {unified:0} MiB per executor, shared by its task slots; storage may keep 50% of it (spark.memory.storageFraction 0.5) from eviction."));
        return new ContainerMemory(heap, overhead, pyspark, 0, rule);
    }

    private static double ProbeFactor(SparkVersion version, OverheadSettings settings)
    {
        // The factor is what the rule yields for a heap big enough that the minimum does not bind.
        const long large = 1_000_000;
        return SparkMemoryRules.OverheadMiB(version, large, settings) / (double)large;
    }

    private static (int Cores, ContainerMemory Memory) Driver(SizingRequest request, int maxExecutors, WorkloadProfile workload, List<string> reasons)
    {
        var cores = maxExecutors > 200 ? 4 : maxExecutors > 20 ? 2 : 1;
        var heap = maxExecutors > 200 ? 8192 : maxExecutors > 50 || workload.Name.Contains("ml", StringComparison.Ordinal) ? 4096 : 2048;
        var (overhead, rule) = SparkMemoryRules.Overhead(request.SparkVersion, heap, new OverheadSettings(Kubernetes: true, NonJvm: request.Python));
        reasons.Add($"driver: {cores} core(s), {heap} MiB heap for {maxExecutors} executors (the driver tracks every task; more executors or ML collect more state); {rule}.");
        return (cores, new ContainerMemory(heap, overhead, 0, 0, rule));
    }

    /// <summary>Spot nodes are reclaimed with short notice: graceful decommissioning (Spark 3.1+) migrates shuffle and cached blocks off them.</summary>
    private static void SpotSettings(SparkVersion version, SortedDictionary<string, string> sparkConf, List<string> reasons)
    {
        if (!version.AtLeast(3, 1))
        {
            reasons.Add($"spot: Spark {version} has no graceful decommissioning (3.1+): a reclaimed node loses its shuffle files and stages re-run.");
            return;
        }

        sparkConf["spark.decommission.enabled"] = "true";
        sparkConf["spark.storage.decommission.enabled"] = "true";
        sparkConf["spark.storage.decommission.shuffleBlocks.enabled"] = "true";
        sparkConf["spark.storage.decommission.rddBlocks.enabled"] = "true";
        reasons.Add("spot: executors on spot nodes; graceful decommissioning moves shuffle and cached blocks off a node being reclaimed (spark.decommission.enabled, spark.storage.decommission.*). Keep the driver on on-demand nodes.");
    }

    private static int RoundUpToMultiple(int value, int multiple) => multiple <= 0 ? value : (value + multiple - 1) / multiple * multiple;

    private static long RoundDown(long value, long step) => value / step * step;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
