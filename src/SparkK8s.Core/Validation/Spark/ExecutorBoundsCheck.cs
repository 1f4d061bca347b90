using System.Globalization;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK011: dynamic allocation bounds Spark refuses at start (ExecutorAllocationManager.validateSettings in apache/spark):
/// spark.dynamicAllocation.minExecutors above maxExecutors, or maxExecutors 0.
/// </summary>
public sealed class ExecutorBoundsCheck() : SparkCheck(
    "SPK011",
    Severity.Error,
    "spark.dynamicAllocation.minExecutors is above maxExecutors, or maxExecutors is 0",
    "Set connect.dynamicAllocation.minExecutors <= maxExecutors and maxExecutors >= 1")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in context.Model.ConfByComponent.Values.Where(c => c.IsTrue("spark.dynamicAllocation.enabled")))
        {
            var min = Int(conf.Get("spark.dynamicAllocation.minExecutors")) ?? 0;
            var maxProperty = conf.Find("spark.dynamicAllocation.maxExecutors");
            var max = Int(maxProperty?.Value) ?? int.MaxValue;
            if (min > max)
            {
                yield return Found(conf.Find("spark.dynamicAllocation.minExecutors")!,
                    $"minExecutors {min} is above maxExecutors {max}: Spark refuses to start");
            }
            else if (max == 0 && maxProperty is not null)
            {
                yield return Found(maxProperty, "maxExecutors is 0: Spark refuses to start with dynamic allocation and no executors");
            }
        }
    }

    private static int? Int(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
