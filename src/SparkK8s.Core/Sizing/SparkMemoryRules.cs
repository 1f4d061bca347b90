using System.Globalization;

namespace SparkK8s.Core.Sizing;

public enum SparkRole
{
    Driver,
    Executor,
}

/// <summary>The memory a Spark driver or executor container asks for, and the rule that produced it.</summary>
public sealed record ContainerMemory(long HeapMiB, long OverheadMiB, long PysparkMiB, long OffHeapMiB, string Rule)
{
    public long TotalMiB => HeapMiB + OverheadMiB + PysparkMiB + OffHeapMiB;
}

/// <summary>
/// Spark's own rule for the container memory of a driver or executor, per Spark version
/// (ResourceProfile.getResourcesForClusterManager and the Kubernetes feature steps):
/// <list type="bullet">
/// <item>overhead = spark.{role}.memoryOverhead if set, else max(factor × heap, minimum);</item>
/// <item>factor: spark.{role}.memoryOverheadFactor (3.3+) if set; else on Kubernetes (2.4+) spark.kubernetes.memoryOverheadFactor
/// (deprecated in 3.3) if set, else 0.4 for Python/R apps; else 0.10;</item>
/// <item>minimum: spark.{role}.minMemoryOverhead (4.0+, default 384m), 384 MiB before 4.0;</item>
/// <item>plus spark.executor.pyspark.memory (2.4+, Python apps, executors only) and spark.memory.offHeap.size when off-heap is enabled (3.0+).</item>
/// </list>
/// </summary>
public static class SparkMemoryRules
{
    public const long MinimumOverheadMiB = 384;
    public const double DefaultOverheadFactor = 0.10;
    public const double NonJvmOverheadFactor = 0.40;
    public const long DefaultHeapMiB = 1024;

    /// <summary>The container memory for <paramref name="role"/> from an application's Spark properties.</summary>
    public static ContainerMemory Resolve(SparkVersion version, IReadOnlyDictionary<string, string> properties, SparkRole role)
    {
        var prefix = role == SparkRole.Driver ? "spark.driver." : "spark.executor.";
        var heap = ByteSize.TryParseSparkMiB(Get(properties, prefix + "memory")) ?? DefaultHeapMiB;
        var explicitOverhead = ByteSize.TryParseSparkMiB(Get(properties, prefix + "memoryOverhead"))
            ?? ByteSize.TryParseSparkMiB(Get(properties, role == SparkRole.Driver ? "spark.yarn.driver.memoryOverhead" : "spark.yarn.executor.memoryOverhead"));
        var settings = new OverheadSettings(
            IsKubernetes(properties),
            IsNonJvm(properties),
            Double(Get(properties, prefix + "memoryOverheadFactor")),
            Double(Get(properties, "spark.kubernetes.memoryOverheadFactor")),
            ByteSize.TryParseSparkMiB(Get(properties, prefix + "minMemoryOverhead")));
        var pyspark = role == SparkRole.Executor && settings.NonJvm && version.AtLeast(2, 4)
            ? ByteSize.TryParseSparkMiB(Get(properties, "spark.executor.pyspark.memory")) ?? 0
            : 0;
        var offHeap = version.AtLeast(3, 0) && string.Equals(Get(properties, "spark.memory.offHeap.enabled"), "true", StringComparison.OrdinalIgnoreCase)
            ? (ByteSize.TryParseSpark(Get(properties, "spark.memory.offHeap.size"), 1) ?? 0) / ByteSize.MiB
            : 0;
        if (explicitOverhead is { } fixedOverhead)
        {
            return new ContainerMemory(heap, fixedOverhead, pyspark, offHeap, $"{prefix}memoryOverhead is set explicitly ({fixedOverhead} MiB)");
        }

        var (overhead, rule) = Overhead(version, heap, settings);
        return new ContainerMemory(heap, overhead, pyspark, offHeap, rule);
    }

    /// <summary>The factor-based overhead for a heap size, and a one-line description of the rule applied.</summary>
    public static (long OverheadMiB, string Rule) Overhead(SparkVersion version, long heapMiB, OverheadSettings settings)
    {
        var (factor, factorSource) = Factor(version, settings);
        var minimum = version.AtLeast(4, 0) ? settings.MinOverheadMiB ?? MinimumOverheadMiB : MinimumOverheadMiB;
        var minimumSource = version.AtLeast(4, 0) ? "minMemoryOverhead" : "fixed minimum before Spark 4.0";
        var overhead = Math.Max((long)(factor * heapMiB), minimum);
        var rule = string.Create(CultureInfo.InvariantCulture,
            $"Spark {version.Major}.{version.Minor} overhead = max({factor:0.##} × {heapMiB} MiB, {minimum} MiB) = {overhead} MiB (factor from {factorSource}; minimum: {minimumSource})");
        return (overhead, rule);
    }

    private static (double Factor, string Source) Factor(SparkVersion version, OverheadSettings settings)
    {
        if (version.AtLeast(3, 3) && settings.RoleFactor is { } roleFactor)
        {
            return (roleFactor, "memoryOverheadFactor");
        }

        if (settings.Kubernetes && version.AtLeast(2, 4))
        {
            if (settings.KubernetesFactor is { } kubernetesFactor)
            {
                return (kubernetesFactor, "spark.kubernetes.memoryOverheadFactor");
            }

            if (settings.NonJvm)
            {
                return (NonJvmOverheadFactor, "the Kubernetes default for Python/R apps");
            }
        }

        return (DefaultOverheadFactor, "the default 0.10");
    }

    public static bool IsKubernetes(IReadOnlyDictionary<string, string> properties) =>
        Get(properties, "spark.master")?.StartsWith("k8s://", StringComparison.OrdinalIgnoreCase) == true;

    public static bool IsNonJvm(IReadOnlyDictionary<string, string> properties) =>
        Get(properties, "spark.kubernetes.resource.type") is "python" or "r"
        || string.Equals(Get(properties, "spark.yarn.isPython"), "true", StringComparison.OrdinalIgnoreCase);

    private static string? Get(IReadOnlyDictionary<string, string> properties, string key) =>
        properties.TryGetValue(key, out var value) ? value : null;

    private static double? Double(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}

/// <summary>The inputs of the overhead rule besides the heap and the version.</summary>
/// <param name="RoleFactor">spark.{driver,executor}.memoryOverheadFactor, when set (read from Spark 3.3 on).</param>
/// <param name="KubernetesFactor">spark.kubernetes.memoryOverheadFactor, when set (Kubernetes, 2.4 on).</param>
/// <param name="MinOverheadMiB">spark.{driver,executor}.minMemoryOverhead, when set (read from Spark 4.0 on).</param>
public sealed record OverheadSettings(bool Kubernetes, bool NonJvm, double? RoleFactor = null, double? KubernetesFactor = null, long? MinOverheadMiB = null);
