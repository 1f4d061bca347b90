namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK002: dynamic allocation needs a way to keep shuffle data when executors go away: shuffle tracking, an external
/// shuffle service, shuffle-block decommissioning, or a ShuffleDataIO plugin with reliable storage. Shuffle tracking
/// defaults to true since Spark 3.4 (Spark's core migration guide, "Upgrading from Core 3.3 to 3.4"), so an unset
/// value counts as on for every supported version and only an explicit false (with no alternative) is an error.
/// </summary>
public sealed class DynamicAllocationShuffleCheck() : SparkCheck(
    "SPK002",
    Severity.Error,
    "Dynamic allocation is on without shuffle tracking, an external shuffle service or shuffle-block decommissioning",
    "Set spark.dynamicAllocation.shuffleTracking.enabled=true (Kubernetes has no external shuffle service)")
{
    private const string ShuffleTracking = "spark.dynamicAllocation.shuffleTracking.enabled";

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var trackingDefault = TrackingIsOnByDefault(context.SparkVersion);
        foreach (var conf in context.Model.ConfByComponent.Values)
        {
            if (!conf.IsTrue("spark.dynamicAllocation.enabled"))
            {
                continue;
            }

            var tracking = conf.Get(ShuffleTracking) is not null ? conf.IsTrue(ShuffleTracking) : trackingDefault;
            var decommission = conf.IsTrue("spark.decommission.enabled") && !conf.IsFalse("spark.storage.decommission.shuffleBlocks.enabled");
            if (!tracking && !decommission && !conf.IsTrue("spark.shuffle.service.enabled") && conf.Get("spark.shuffle.sort.io.plugin.class") is null)
            {
                yield return Found(conf.Find(ShuffleTracking) ?? conf.Find("spark.dynamicAllocation.enabled")!,
                    $"spark.dynamicAllocation.enabled is true, but {ShuffleTracking} is {(conf.Get(ShuffleTracking) is null ? $"unset (false before Spark 3.4)" : "false")} and neither spark.shuffle.service.enabled nor shuffle-block decommissioning is on");
            }
        }
    }

    /// <summary>spark.dynamicAllocation.shuffleTracking.enabled became true by default in Spark 3.4.</summary>
    internal static bool TrackingIsOnByDefault(string sparkVersion) =>
        Version.TryParse(sparkVersion.Count(c => c == '.') == 0 ? sparkVersion + ".0" : sparkVersion, out var version)
        && version >= new Version(3, 4);
}
