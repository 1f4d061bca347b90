namespace SparkK8s.Core.Sizing;

/// <summary>The node executors run on: its shape and its prices.</summary>
public sealed record NodeOffer(string Name, double Vcpu, double MemoryGiB, double VcpuHourUsd, double GibHourUsd)
{
    public double HourUsd => (Vcpu * VcpuHourUsd) + (MemoryGiB * GibHourUsd);
}

/// <summary>Inputs of <see cref="Sizer"/>.</summary>
public sealed record SizingRequest
{
    public required long DatasetBytes { get; init; }
    public required IReadOnlyList<WorkloadProfile> Workloads { get; init; }
    public required TimeSpan TargetDuration { get; init; }
    public required NodeOffer Node { get; init; }
    public required SparkVersion SparkVersion { get; init; }
    public bool Spot { get; init; }
    public double SpotDiscount { get; init; }

    /// <summary>A PySpark job: reserves pyspark memory and applies the non-JVM overhead factor on Kubernetes.</summary>
    public bool Python { get; init; }

    public HistoryCalibration? Calibration { get; init; }

    /// <summary>spark.sql.files.maxPartitionBytes (default 128 MiB).</summary>
    public long MaxPartitionBytes { get; init; } = 128 * ByteSize.MiB;
}

/// <summary>
/// The recommendation. JSON names are the camelCase of these properties; <see cref="ExecutorMemoryMiB"/> is the heap
/// (spark.executor.memory) and the pod asks for heap + overhead + pyspark memory.
/// </summary>
public sealed record SizingRecommendation
{
    public required int ExecutorCores { get; init; }
    public required long ExecutorMemoryMiB { get; init; }
    public required long MemoryOverheadMiB { get; init; }
    public required long PysparkMemoryMiB { get; init; }
    public required long ExecutorPodMemoryMiB { get; init; }
    public required long ExecutorCpuRequestMillis { get; init; }
    public required int MinExecutors { get; init; }
    public required int MaxExecutors { get; init; }
    public required int InitialExecutors { get; init; }
    public required int InputPartitions { get; init; }
    public required int ShufflePartitions { get; init; }
    public required long AdvisoryPartitionSizeMiB { get; init; }
    public required int DriverCores { get; init; }
    public required long DriverMemoryMiB { get; init; }
    public required long DriverMemoryOverheadMiB { get; init; }
    public required string NodeType { get; init; }
    public required int ExecutorsPerNode { get; init; }
    public required int Nodes { get; init; }
    public required long WastedCpuMillisPerNode { get; init; }
    public required long WastedMemoryMiBPerNode { get; init; }
    public required double ThroughputMiBPerCoreSecond { get; init; }
    public required bool CalibratedFromHistory { get; init; }
    public required double EstimatedDurationSeconds { get; init; }
    public required double CostOnDemandUsd { get; init; }
    public required double CostSpotUsd { get; init; }
    public required IReadOnlyDictionary<string, string> SparkConf { get; init; }
    public required IReadOnlyList<string> Reasons { get; init; }
}
