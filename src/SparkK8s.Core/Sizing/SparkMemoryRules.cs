using System.Globalization;

namespace SparkK8s.Core.Sizing;

public enum SparkRole
{
    Driver,
    Executor,
}

/// <summary>The memory a Spark driver or executor container asks for, and the rule that produced it.</summary>
public sealed record ContainerMemory(long HeapMiB, long OverheadMiB, long PysparkMiB, long OffHeapMiB)
{
    private readonly Func<string>? _describe;
    private string? _rule;

    public ContainerMemory(long heapMiB, long overheadMiB, long pysparkMiB, long offHeapMiB, string rule)
        : this(heapMiB, overheadMiB, pysparkMiB, offHeapMiB) => _rule = rule;

    /// <summary>The rule written only when it is read: pricing thousands of applications never reads it.</summary>
    internal ContainerMemory(long heapMiB, long overheadMiB, long pysparkMiB, long offHeapMiB, Func<string> describe)
        : this(heapMiB, overheadMiB, pysparkMiB, offHeapMiB) => _describe = describe;

    /// <summary>How the overhead was found, in one line.</summary>
    public string Rule => _rule ??= _describe?.Invoke() ?? "";

    public long TotalMiB => HeapMiB + OverheadMiB + PysparkMiB + OffHeapMiB;

    // By value, the rule included, however it was given.
    public bool Equals(ContainerMemory? other) =>
        other is not null && HeapMiB == other.HeapMiB && OverheadMiB == other.OverheadMiB && PysparkMiB == other.PysparkMiB
        && OffHeapMiB == other.OffHeapMiB && Rule == other.Rule;

    public override int GetHashCode() => HashCode.Combine(HeapMiB, OverheadMiB, PysparkMiB, OffHeapMiB, Rule);
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
        var keys = role == SparkRole.Driver ? RoleKeys.Driver : RoleKeys.Executor;
        var heap = ByteSize.TryParseSparkMiB(Get(properties, keys.Memory)) ?? DefaultHeapMiB;
        var explicitOverhead = ByteSize.TryParseSparkMiB(Get(properties, keys.MemoryOverhead))
            ?? ByteSize.TryParseSparkMiB(Get(properties, keys.YarnMemoryOverhead));
        var settings = new OverheadSettings(
            IsKubernetes(properties),
            IsNonJvm(properties),
            Double(Get(properties, keys.MemoryOverheadFactor)),
            Double(Get(properties, "spark.kubernetes.memoryOverheadFactor")),
            ByteSize.TryParseSparkMiB(Get(properties, keys.MinMemoryOverhead)));
        var pyspark = role == SparkRole.Executor && settings.NonJvm && version.AtLeast(2, 4)
            ? ByteSize.TryParseSparkMiB(Get(properties, "spark.executor.pyspark.memory")) ?? 0
            : 0;
        var offHeap = version.AtLeast(3, 0) && string.Equals(Get(properties, "spark.memory.offHeap.enabled"), "true", StringComparison.OrdinalIgnoreCase)
            ? (ByteSize.TryParseSpark(Get(properties, "spark.memory.offHeap.size"), 1) ?? 0) / ByteSize.MiB
            : 0;
        if (explicitOverhead is { } fixedOverhead)
        {
            return new ContainerMemory(heap, fixedOverhead, pyspark, offHeap, $"{keys.MemoryOverhead} is set explicitly ({fixedOverhead} MiB)");
        }

        return new ContainerMemory(heap, OverheadMiB(version, heap, settings), pyspark, offHeap, () => Overhead(version, heap, settings).Rule);
    }

    /// <summary>The factor-based overhead for a heap size, and a one-line description of the rule applied.</summary>
    public static (long OverheadMiB, string Rule) Overhead(SparkVersion version, long heapMiB, OverheadSettings settings)
    {
        var (factor, factorSource) = Factor(version, settings);
        var minimum = Minimum(version, settings);
        var minimumSource = version.AtLeast(4, 0) ? "minMemoryOverhead" : "fixed minimum before Spark 4.0";
        var overhead = OverheadMiB(version, heapMiB, settings);
        var rule = string.Create(CultureInfo.InvariantCulture,
            $"Spark {version.Major}.{version.Minor} overhead = max({factor:0.##} × {heapMiB} MiB, {minimum} MiB) = {overhead} MiB (factor from {factorSource}; minimum: {minimumSource})");
        return (overhead, rule);
    }

    /// <summary>The factor-based overhead for a heap size, without its description.</summary>
    public static long OverheadMiB(SparkVersion version, long heapMiB, OverheadSettings settings) =>
        Math.Max((long)(Factor(version, settings).Factor * heapMiB), Minimum(version, settings));

    private static long Minimum(SparkVersion version, OverheadSettings settings) =>
        version.AtLeast(4, 0) ? settings.MinOverheadMiB ?? MinimumOverheadMiB : MinimumOverheadMiB;

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

    /// <summary>The keys of one role's memory settings, built once (not concatenated again for every application priced).</summary>
    private sealed record RoleKeys(string Memory, string MemoryOverhead, string YarnMemoryOverhead, string MemoryOverheadFactor, string MinMemoryOverhead)
    {
        public static readonly RoleKeys Driver = Of("driver");
        public static readonly RoleKeys Executor = Of("executor");

        private static RoleKeys Of(string role) =>
            new($"spark.{role}.memory", $"spark.{role}.memoryOverhead", $"spark.yarn.{role}.memoryOverhead", $"spark.{role}.memoryOverheadFactor", $"spark.{role}.minMemoryOverhead");
    }

    private static double? Double(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}

/// <summary>The inputs of the overhead rule besides the heap and the version.</summary>
/// <param name="RoleFactor">spark.{driver,executor}.memoryOverheadFactor, when set (read from Spark 3.3 on).</param>
/// <param name="KubernetesFactor">spark.kubernetes.memoryOverheadFactor, when set (Kubernetes, 2.4 on).</param>
/// <param name="MinOverheadMiB">spark.{driver,executor}.minMemoryOverhead, when set (read from Spark 4.0 on).</param>
public sealed record OverheadSettings(bool Kubernetes, bool NonJvm, double? RoleFactor = null, double? KubernetesFactor = null, long? MinOverheadMiB = null);
