using SparkK8s.Core.Validation;

namespace SparkK8s.Core.Planning;

/// <summary>CPU (cores) and memory (bytes) requests and limits. A null limit means at least one container sets none (unbounded).</summary>
public sealed record ResourceTotals(decimal CpuRequest, decimal? CpuLimit, decimal MemoryRequest, decimal? MemoryLimit)
{
    public static readonly ResourceTotals Zero = new(0, 0, 0, 0);

    public ResourceTotals Add(ResourceTotals other) => new(
        CpuRequest + other.CpuRequest, CpuLimit + other.CpuLimit, MemoryRequest + other.MemoryRequest, MemoryLimit + other.MemoryLimit);

    public ResourceTotals Times(int count) => new(CpuRequest * count, CpuLimit * count, MemoryRequest * count, MemoryLimit * count);
}

public sealed record PlannedImage(string Reference, string Repository, string Tag);

/// <summary>A workload and what it runs; Jobs run once and are not counted in the platform totals.</summary>
public sealed record PlannedWorkload(string Component, string Kind, string Name, int Replicas, bool Counted, IReadOnlyList<PlannedImage> Images, ResourceTotals PerReplica, ResourceTotals Total);

/// <summary>A Service port: how to reach it inside the cluster and from a workstation.</summary>
public sealed record PlannedEndpoint(string Component, string Service, string PortName, int Port, string InClusterUrl, string PortForward);

/// <summary>Executor pods Spark Connect can start: per-pod cores and memory (heap + overhead + pyspark) × the executor count.</summary>
public sealed record ExecutorCapacity(
    bool DynamicAllocation,
    decimal CoresPerExecutor,
    long MemoryPerExecutorBytes,
    string MemoryRule,
    int MinExecutors,
    int? MaxExecutors,
    ResourceTotals AtMin,
    ResourceTotals? AtMax);

/// <summary>
/// Spark Standalone workers and what fits on them: per-worker cores and memory (what the master hands out), worker count
/// (HPA bounds when autoscaled), and how many executors of the Connect server's size fit on one worker and on all of them.
/// Executors run inside the worker pods, so their resources are already in the platform total.
/// </summary>
public sealed record StandaloneCapacity(
    int MinWorkers,
    int MaxWorkers,
    int? CoresPerWorker,
    long? MemoryPerWorkerBytes,
    int? ExecutorCores,
    long? ExecutorHeapBytes,
    int? ExecutorsPerWorker,
    int? ExecutorsAtMaxWorkers);

/// <summary>What deploying a preset would create, what it needs, and whether it validates.</summary>
public sealed record DeploymentPlan(
    string Preset,
    string? Environment,
    string SparkVersion,
    string Release,
    string Namespace,
    IReadOnlyList<string> Components,
    IReadOnlyList<PlannedWorkload> Workloads,
    IReadOnlyList<PlannedImage> Images,
    IReadOnlyList<PlannedEndpoint> Endpoints,
    ResourceTotals PlatformTotal,
    ExecutorCapacity? Executors,
    ValidationRun Validation,
    StandaloneCapacity? Standalone = null)
{
    /// <summary>The batch jobs of the render: one row per job, with the object that runs it.</summary>
    public IReadOnlyList<PlannedJob> Jobs { get; init; } = [];

    /// <summary>CRDs the release needs in the cluster before it installs (the Spark operators' kinds).</summary>
    public IReadOnlyList<Validation.Spark.RequiredCrd> RequiredCrds => Validation.RequiredCrds;

    /// <summary>What plan learned from the cluster of --kube-context, e.g. that it is OpenShift; null without a cluster.</summary>
    public string? Cluster { get; init; }
}

/// <summary>A batch job: its name, backend ("submit" or "operator"), the kind that runs it and its cron schedule, if any.</summary>
public sealed record PlannedJob(string Name, string Backend, string Kind, string Object, string? Schedule);
