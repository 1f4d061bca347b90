using SparkK8s.Core.Sizing;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// The memory Spark requests for each executor pod, by Spark's own per-version rule (<see cref="SparkMemoryRules"/>):
/// heap + overhead, plus off-heap memory when enabled, plus spark.executor.pyspark.memory for Python applications only
/// (Kubernetes BasicExecutorFeatureStep). <see cref="PysparkSetting"/> keeps the configured Python memory either way.
/// </summary>
public sealed record ExecutorMemory(ContainerMemory Pod, long PysparkSetting, bool PythonApp)
{
    public long TotalMiB => Pod.TotalMiB;
    public long TotalBytes => TotalMiB * ByteSize.MiB;

    public string Explain() =>
        $"{Pod.HeapMiB}Mi memory + {Pod.OverheadMiB}Mi overhead" + (Pod.PysparkMiB > 0 ? $" + {Pod.PysparkMiB}Mi pyspark" : string.Empty)
        + (Pod.OffHeapMiB > 0 ? $" + {Pod.OffHeapMiB}Mi off-heap" : string.Empty) + $" = {TotalMiB}Mi";

    public static ExecutorMemory From(SparkConf conf, string sparkVersion)
    {
        var properties = conf.Properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        if (conf.PythonApp)
        {
            // What spark-submit sets for a Python main resource (KubernetesConf.createDriverConf, apache/spark).
            properties.TryAdd("spark.kubernetes.resource.type", "python");
        }

        var version = Sizing.SparkVersion.TryParse(sparkVersion) ?? Sizing.SparkVersion.Default;
        return new ExecutorMemory(
            SparkMemoryRules.Resolve(version, properties, SparkRole.Executor),
            ByteSize.TryParseSparkMiB(conf.Get("spark.executor.pyspark.memory")) ?? 0,
            SparkMemoryRules.IsNonJvm(properties));
    }
}
