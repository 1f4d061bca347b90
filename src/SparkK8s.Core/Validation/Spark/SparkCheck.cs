namespace SparkK8s.Core.Validation.Spark;

/// <summary>What a Spark-aware check gets: the render's Spark model, the Spark version and its known properties.</summary>
public sealed record SparkCheckContext(SparkRenderModel Model, string SparkVersion, KnownSparkProperties Known);

/// <summary>A Spark-aware check over a render: a stable id, a default severity, what it finds and how to fix it (one line each).</summary>
public abstract class SparkCheck(string id, Severity severity, string title, string fix)
{
    public string Id { get; } = id;
    public Severity Severity { get; } = severity;
    public string Title { get; } = title;
    public string Fix { get; } = fix;

    public abstract IEnumerable<Finding> Run(SparkCheckContext context);

    protected Finding Found(string obj, string field, string message, string? fix = null, Severity? severity = null) =>
        new(ValidationStage.Spark, Id, severity ?? Severity, obj, field, message, fix ?? Fix);

    /// <summary>A finding on a property; a job's property names the job first.</summary>
    protected Finding Found(SparkProperty property, string message, string? fix = null, Severity? severity = null) =>
        Found(property.Object, $"{property.Field}: {property.Key}", property.Job is null ? message : $"job '{property.Job}': {message}", fix, severity);
}

/// <summary>Every Spark-aware check, in id order.</summary>
public static class SparkChecks
{
    public static IReadOnlyList<SparkCheck> All { get; } =
    [
        new ExecutorMemoryFitCheck(),
        new DynamicAllocationShuffleCheck(),
        new EventLogReadableCheck(),
        new ConnectRbacCheck(),
        new PlaceholderCheck(),
        new PropertyNameCheck(),
        new PythonWorkerMemoryCheck(),
        new HeapFitCheck(),
        new RequestLimitCheck(),
        new ResourceQuantityCheck(),
        new ExecutorBoundsCheck(),
        new PortClashCheck(),
        new DuplicateObjectCheck(),
        new ObjectNameCheck(),
        new SparkTagFallbackCheck(),
        new ConnectServiceTypeCheck(),
        new UnownedImageCheck(),
        new MetastoreVersionCheck(),
        new JavaProcessExecCheck(),
        new PythonWorkerLimitCheck(),
        new UnpinnedJarCheck(),
        new GeneratedSecretCheck(),
        new OperatorSparkLineCheck(),
        new JobEventLogCheck(),
        new JobRbacCheck(),
        new StandaloneMasterCheck(),
        new ExecutorLargerThanWorkerCheck(),
        new WorkerMemoryFitCheck(),
        new StandaloneCapacityCheck(),
        new DecommissionSettingsCheck(),
        new VolcanoSchedulerCheck(),
        new ConnectWithoutAuthenticationCheck(),
        new ExampleOperatorDagLineCheck(),
        new ExampleOperatorDagTemplateCheck(),
        new TracingAgentImageCheck(),
        new JobMetricsCheck(),
        new AirflowSparkConnectConnectionCheck(),
        new AirflowJobServiceAccountCheck(),
        new AirflowOperatorFlavourCheck(),
        new AirflowConnectClientCheck(),
        new IcebergRuntimeLineCheck(),
        new IcebergExtensionsCheck(),
        new IcebergHiveMetastoreCheck(),
        new IcebergCatalogSecretCheck(),
        new IcebergHiveUriCheck(),
        new DataQualityMissingSuiteCheck(),
        new DataQualitySuiteFileCheck(),
        new CelebornShuffleTrackingCheck(),
        new CelebornExternalShuffleServiceCheck(),
        new CelebornMasterEndpointsCheck(),
        new CelebornMasterQuorumCheck(),
        new CelebornReplicationCheck(),
        new GpuAmountCheck(),
        new GpuTaskSlotsCheck(),
        new GpuImageCheck(),
        new GpuSparkLineCheck(),
        new GpuPinnedPoolCheck(),
    ];

    public static IReadOnlyList<Finding> Run(SparkCheckContext context) =>
        All.SelectMany(check => check.Run(context)).ToList();
}
