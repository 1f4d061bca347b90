using SparkK8s.Core.Sizing;
using SparkK8s.Core.Units;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK008: a JVM heap larger than its container's memory limit (the kernel OOM-kills the container as the heap grows).
/// How each process sets its heap:
/// <list type="bullet">
/// <item>Spark Connect server (client-mode driver): spark-submit starts the driver JVM with -Xmx = spark.driver.memory
/// (launcher SparkSubmitCommandBuilder, apache/spark); the container also holds the JVM's native memory, counted with
/// Spark's driver overhead rule (spark.driver.memoryOverhead, else max(factor × heap, 384 MiB)).</item>
/// <item>History Server: spark-class starts it with -Xmx = SPARK_DAEMON_MEMORY, 1g when unset (launcher SparkClassCommandBuilder).</item>
/// <item>Hive Metastore and other JVMs: the last -Xmx in *_OPTS / JAVA_TOOL_OPTIONS env vars or the command line, else
/// HADOOP_HEAPSIZE (MiB; hadoop-functions.sh turns it into -Xmx). The apache/hive image's entrypoint
/// (packaging/src/docker/entrypoint.sh in apache/hive) runs with HADOOP_CLIENT_OPTS "-Xmx1G $SERVICE_OPTS", so an
/// apache/hive container without its own -Xmx gets a 1 GiB heap.</item>
/// </list>
/// </summary>
public sealed partial class HeapFitCheck() : SparkCheck(
    "SPK008",
    Severity.Error,
    "A JVM heap (plus the driver's overhead) is larger than its container's memory limit",
    "Lower the heap (connect.driver.memory, historyServer.daemonMemory, metastore.heap) or raise resources.limits.memory")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var container in PodContainers.All(context.Model))
        {
            if (KubeQuantity.From(container.Limit("memory")) is not { } limit || Heap(container, context) is not { } heap)
            {
                continue;
            }

            if (heap.NeedMiB * ByteSize.MiB > limit)
            {
                yield return Found(container.Object, $"{container.Field}.resources.limits.memory",
                    $"container {container.Name}: {heap.Explain} = {heap.NeedMiB}Mi, but the memory limit is {KubeQuantity.FormatBytes(limit)}");
            }
        }
    }

    private sealed record HeapNeed(long NeedMiB, string Explain);

    private static HeapNeed? Heap(PodContainer container, SparkCheckContext context)
    {
        var words = container.CommandWords().ToList();
        if (words.Any(w => w.EndsWith("start-connect-server.sh", StringComparison.Ordinal) || w.EndsWith("spark-submit", StringComparison.Ordinal))
            && context.Model.Connect is { } conf && container.Component.Contains("connect", StringComparison.OrdinalIgnoreCase))
        {
            var properties = conf.Properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            var version = Sizing.SparkVersion.TryParse(context.SparkVersion) ?? Sizing.SparkVersion.Default;
            var memory = SparkMemoryRules.Resolve(version, properties, SparkRole.Driver);
            return new HeapNeed(memory.HeapMiB + memory.OverheadMiB + memory.OffHeapMiB,
                $"driver heap spark.driver.memory {memory.HeapMiB}Mi + {memory.OverheadMiB}Mi overhead" + (memory.OffHeapMiB > 0 ? $" + {memory.OffHeapMiB}Mi off-heap" : string.Empty));
        }

        if (words.Any(w => w == "org.apache.spark.deploy.history.HistoryServer"))
        {
            var text = container.Env("SPARK_DAEMON_MEMORY");
            var mib = ByteSize.TryParseSparkMiB(text) ?? 1024;
            return new HeapNeed(mib, $"History Server heap SPARK_DAEMON_MEMORY {(text is null ? "unset (1g)" : text)}");
        }

        string? xmx = null;
        foreach (var (name, value) in container.EnvValues().Where(e => e.Name.EndsWith("_OPTS", StringComparison.Ordinal) || e.Name == "JAVA_TOOL_OPTIONS"))
        {
            xmx = LastXmx(value) ?? xmx;
        }

        xmx = LastXmx(string.Join(' ', words)) ?? xmx;
        if (xmx is not null && ByteSize.TryParseSparkMiB(xmx) is { } heapMiB)
        {
            return new HeapNeed(heapMiB, $"JVM heap -Xmx{xmx}");
        }

        if (container.Env("HADOOP_HEAPSIZE") is { } hadoop && ByteSize.TryParseSparkMiB(hadoop) is { } hadoopMiB)
        {
            return new HeapNeed(hadoopMiB, $"JVM heap HADOOP_HEAPSIZE={hadoop}");
        }

        var image = ImageReference.Parse((string?)container.Container["image"] ?? string.Empty).Repository;
        if (image == "apache/hive" || image.EndsWith("/apache/hive", StringComparison.Ordinal))
        {
            return new HeapNeed(1024, "JVM heap -Xmx1G (the apache/hive entrypoint's default; set -Xmx in SERVICE_OPTS)");
        }

        return null;
    }

    private static string? LastXmx(string text) =>
        XmxPattern().Matches(text).Select(m => m.Groups["size"].Value).LastOrDefault();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?:^|\s)-Xmx(?<size>[0-9]+[kKmMgGtT]?)(?=\s|$)")]
    private static partial System.Text.RegularExpressions.Regex XmxPattern();
}
