namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK044 (warning): decommissioning settings that do nothing. spark.storage.decommission.* migrates blocks only when
/// spark.decommission.enabled is on, shuffle and RDD block migration only with spark.storage.decommission.enabled, and the
/// fallback storage only with storage decommissioning (core/.../internal/config/package.scala; BlockManagerDecommissioner).
/// A fallback path without a trailing '/' is an error: Spark's config check refuses it at start.
/// </summary>
public sealed class DecommissionSettingsCheck() : SparkCheck(
    "SPK044",
    Severity.Warning,
    "A block-migration setting is on while the decommissioning it depends on is off",
    "Set spark.decommission.enabled: true (the values key spark.decommission.enabled sets every property it needs)")
{
    private static readonly (string Key, string Needs)[] Dependencies =
    [
        ("spark.storage.decommission.enabled", "spark.decommission.enabled"),
        ("spark.storage.decommission.shuffleBlocks.enabled", "spark.storage.decommission.enabled"),
        ("spark.storage.decommission.rddBlocks.enabled", "spark.storage.decommission.enabled"),
    ];

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in context.Model.ConfByComponent.Values)
        {
            foreach (var (key, needs) in Dependencies)
            {
                if (conf.IsTrue(key) && !conf.IsTrue(needs))
                {
                    yield return Found(conf.Find(key)!, $"{key} is true but {needs} is not, so no block is migrated when an executor goes away");
                }
            }

            if (conf.Find("spark.storage.decommission.fallbackStorage.path") is not { Value.Length: > 0 } path)
            {
                continue;
            }

            if (!conf.IsTrue("spark.storage.decommission.enabled"))
            {
                yield return Found(path, "a fallback storage path is set but spark.storage.decommission.enabled is not true, so nothing is written there");
            }

            // STORAGE_DECOMMISSION_FALLBACK_STORAGE_PATH checks endsWith(File.separator) (core/.../internal/config/package.scala).
            if (!path.Value.EndsWith('/'))
            {
                yield return Found(path, $"the fallback storage path '{path.Value}' does not end with '/': Spark refuses to start (\"Path should end with separator\")",
                    "End spark.decommission.fallbackStorage.path with '/'", Severity.Error);
            }
        }
    }
}

/// <summary>
/// SPK045: Volcano as batch scheduler in a way that cannot work. The VolcanoFeatureStep creates the PodGroup in the driver's
/// feature steps (running-on-kubernetes.md, "Using Volcano as Customized Scheduler"), which a client-mode driver such as the
/// Connect server never runs: its executors point at a PodGroup nobody creates and stay Pending (error). Without the feature
/// step on the executors, Volcano schedules them one by one, with no gang or queue (warning).
/// </summary>
public sealed class VolcanoSchedulerCheck() : SparkCheck(
    "SPK045",
    Severity.Error,
    "Volcano is the executors' scheduler in client mode, or without the VolcanoFeatureStep",
    "Use Volcano for cluster-mode jobs with spark.kubernetes.{driver,executor}.pod.featureSteps=org.apache.spark.deploy.k8s.features.VolcanoFeatureStep (a Spark build with -Pvolcano), or YuniKorn for the Connect server")
{
    private const string Step = "org.apache.spark.deploy.k8s.features.VolcanoFeatureStep";

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in context.Model.ConfByComponent.Values)
        {
            if (conf.Find("spark.kubernetes.scheduler.name") is not { Value: "volcano" } scheduler)
            {
                continue;
            }

            var executorSteps = conf.Get("spark.kubernetes.executor.pod.featureSteps") ?? string.Empty;
            var hasStep = executorSteps.Split(',', StringSplitOptions.TrimEntries).Contains(Step, StringComparer.Ordinal);
            if (hasStep && conf.Get("spark.submit.deployMode") == "client")
            {
                yield return Found(scheduler, "a client-mode driver does not run the driver feature step that creates the Volcano PodGroup, so the executors stay Pending");
            }
            else if (!hasStep)
            {
                yield return Found(scheduler, $"spark.kubernetes.executor.pod.featureSteps lacks {Step}: Volcano schedules the executors without a PodGroup (no gang scheduling, no queue)",
                    severity: Severity.Warning);
            }
        }
    }
}
