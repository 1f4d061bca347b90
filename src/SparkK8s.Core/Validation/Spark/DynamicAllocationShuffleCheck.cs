namespace SparkK8s.Core.Validation.Spark;

/// <summary>SPK002: dynamic allocation needs shuffle tracking or an external shuffle service, or executors holding shuffle data are lost.</summary>
public sealed class DynamicAllocationShuffleCheck : SparkCheck
{
    public override string Id => "SPK002";
    public override Severity Severity => Severity.Error;
    public override string Title => "Dynamic allocation is on without shuffle tracking or an external shuffle service";
    public override string Fix => "Set spark.dynamicAllocation.shuffleTracking.enabled=true (Kubernetes has no external shuffle service)";

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in context.Model.ConfByComponent.Values)
        {
            if (conf.IsTrue("spark.dynamicAllocation.enabled")
                && !conf.IsTrue("spark.dynamicAllocation.shuffleTracking.enabled")
                && !conf.IsTrue("spark.shuffle.service.enabled"))
            {
                yield return Found(conf.Find("spark.dynamicAllocation.enabled")!,
                    "spark.dynamicAllocation.enabled is true, but neither spark.dynamicAllocation.shuffleTracking.enabled nor spark.shuffle.service.enabled is");
            }
        }
    }
}
