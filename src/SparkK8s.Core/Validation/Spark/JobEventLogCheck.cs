namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK051 (warning): a batch job that writes no event log while the render has a History Server. A finished job's pods
/// are deleted (TTL, owner references), so its event log is the only record of the run: without it neither the History
/// Server nor `spark-k8s cost` sees the job.
/// </summary>
public sealed class JobEventLogCheck() : SparkCheck(
    "SPK051",
    Severity.Warning,
    "A batch job writes no event log, so the History Server and `spark-k8s cost` never see its runs",
    "Leave spark.eventLog.enabled=true in the job's sparkConf (the chart points spark.eventLog.dir at the History Server's directory)")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        if (!context.Model.HasHistoryServer)
        {
            yield break;
        }

        foreach (var job in context.Model.Jobs.Where(j => !j.IsTrue("spark.eventLog.enabled")))
        {
            var property = job.Find("spark.eventLog.enabled") ?? job.Properties.First();
            yield return Found(property.Object, property.Field + (property.Key == "spark.eventLog.enabled" ? ": spark.eventLog.enabled" : string.Empty),
                $"job '{job.Job}' writes no event log (spark.eventLog.enabled is {job.Get("spark.eventLog.enabled") ?? "unset"}); its runs leave no history once its pods are deleted");
        }
    }
}
