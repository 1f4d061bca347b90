using System.Globalization;
using SparkK8s.Core.Units;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// The memory Spark asks for per executor pod, by Spark's rule: spark.executor.memory + overhead + spark.executor.pyspark.memory,
/// where overhead is spark.executor.memoryOverhead when set, else max(factor × memory, minimum overhead) with factor
/// spark.executor.memoryOverheadFactor (0.10 by default) and minimum 384 MiB (spark.executor.minMemoryOverhead on 4.x),
/// plus spark.memory.offHeap.size when spark.memory.offHeap.enabled is true.
/// </summary>
public sealed record ExecutorMemory(long MemoryMiB, long OverheadMiB, long PysparkMiB, long OffHeapMiB = 0)
{
    public const long MinimumOverheadMiB = 384;
    public const double DefaultOverheadFactor = 0.10;

    public long TotalMiB => MemoryMiB + OverheadMiB + PysparkMiB + OffHeapMiB;
    public long TotalBytes => TotalMiB * SparkSize.MiB;

    public string Explain() =>
        $"{MemoryMiB}Mi memory + {OverheadMiB}Mi overhead" + (PysparkMiB > 0 ? $" + {PysparkMiB}Mi pyspark" : string.Empty)
        + (OffHeapMiB > 0 ? $" + {OffHeapMiB}Mi off-heap" : string.Empty) + $" = {TotalMiB}Mi";

    public static ExecutorMemory From(SparkConf conf)
    {
        var memory = MiB(conf.Get("spark.executor.memory"), 1024);
        long overhead;
        if (conf.Get("spark.executor.memoryOverhead") is { } explicitOverhead)
        {
            overhead = MiB(explicitOverhead, 0);
        }
        else
        {
            var factorText = conf.Get("spark.executor.memoryOverheadFactor") ?? conf.Get("spark.kubernetes.memoryOverheadFactor");
            var factor = double.TryParse(factorText, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : DefaultOverheadFactor;
            var minimum = MiB(conf.Get("spark.executor.minMemoryOverhead"), MinimumOverheadMiB);
            overhead = Math.Max((long)(factor * memory), minimum);
        }

        var offHeap = conf.IsTrue("spark.memory.offHeap.enabled") ? MiB(conf.Get("spark.memory.offHeap.size"), 0, defaultUnit: 1) : 0;
        return new ExecutorMemory(memory, overhead, MiB(conf.Get("spark.executor.pyspark.memory"), 0), offHeap);
    }

    /// <summary>A Spark size in MiB; plain numbers are in <paramref name="defaultUnit"/> bytes (MiB for the memory settings, bytes for off-heap).</summary>
    private static long MiB(string? text, long fallback, long defaultUnit = SparkSize.MiB) =>
        text is not null && SparkSize.TryParseBytes(text, defaultUnit, out var bytes) ? bytes / SparkSize.MiB : fallback;
}
