using SparkK8s.Core.Sizing;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// The memory an executor pod needs: heap and overhead by Spark's own per-version rule (<see cref="SparkMemoryRules"/>),
/// off-heap memory when enabled, and the Python workers' memory (spark.executor.pyspark.memory). Spark adds the
/// Python memory to the pod request only for Python applications; the Connect server is a JVM application whose
/// Python UDF workers still run in the executor pod, so it is always counted here.
/// </summary>
public sealed record ExecutorMemory(long MemoryMiB, long OverheadMiB, long PysparkMiB, long OffHeapMiB, string Rule)
{
    public long TotalMiB => MemoryMiB + OverheadMiB + PysparkMiB + OffHeapMiB;
    public long TotalBytes => TotalMiB * ByteSize.MiB;

    public string Explain() =>
        $"{MemoryMiB}Mi memory + {OverheadMiB}Mi overhead" + (PysparkMiB > 0 ? $" + {PysparkMiB}Mi pyspark" : string.Empty)
        + (OffHeapMiB > 0 ? $" + {OffHeapMiB}Mi off-heap" : string.Empty) + $" = {TotalMiB}Mi";

    public static ExecutorMemory From(SparkConf conf, string sparkVersion)
    {
        var properties = conf.Properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var version = Sizing.SparkVersion.TryParse(sparkVersion) ?? Sizing.SparkVersion.Default;
        var resolved = SparkMemoryRules.Resolve(version, properties, SparkRole.Executor);
        var pyspark = resolved.PysparkMiB > 0 ? resolved.PysparkMiB : ByteSize.TryParseSparkMiB(conf.Get("spark.executor.pyspark.memory")) ?? 0;
        return new ExecutorMemory(resolved.HeapMiB, resolved.OverheadMiB, pyspark, resolved.OffHeapMiB, resolved.Rule);
    }
}
