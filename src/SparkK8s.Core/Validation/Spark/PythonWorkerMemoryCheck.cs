namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK007: spark.executor.pyspark.memory is added to executor pods only for Python applications (Spark's Kubernetes
/// BasicExecutorFeatureStep). The Connect server is a JVM application, so its Python UDF workers live inside the
/// memory overhead; when the overhead does not hold the Python memory plus Spark's 384 MiB minimum for the JVM,
/// the executor pod is OOM-killed under Python load.
/// </summary>
public sealed class PythonWorkerMemoryCheck() : SparkCheck(
    "SPK007",
    Severity.Error,
    "Python workers' memory is not in the executor pod: a JVM application's overhead must hold it",
    "Raise spark.executor.memoryOverhead to at least spark.executor.pyspark.memory + 384 MiB (the chart adds connect.executor.pysparkMemory to the overhead)")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in context.Model.ConfByComponent.Values)
        {
            if (conf.Find("spark.executor.pyspark.memory") is not { } pyspark)
            {
                continue;
            }

            var memory = ExecutorMemory.From(conf, context.SparkVersion);
            var jvmShare = memory.Pod.OverheadMiB - memory.PysparkSetting;
            if (memory.PythonApp || memory.PysparkSetting == 0 || jvmShare >= Sizing.SparkMemoryRules.MinimumOverheadMiB)
            {
                continue;
            }

            yield return Found(conf.Find("spark.executor.memoryOverhead") ?? pyspark,
                $"Python workers may use {memory.PysparkSetting} MiB, which Spark does not add to executor pods of a JVM application such as the Connect server; "
                + $"the {memory.Pod.OverheadMiB} MiB overhead leaves the JVM {Math.Max(jvmShare, 0)} MiB (less than {Sizing.SparkMemoryRules.MinimumOverheadMiB} MiB)");
        }
    }
}
