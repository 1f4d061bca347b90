using System.Globalization;
using SparkK8s.Core.Sizing;
using SparkK8s.Core.Units;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// The Spark Standalone workers of a render: the workload that runs <c>org.apache.spark.deploy.worker.Worker</c>, what each
/// offers to executors (SPARK_WORKER_CORES / --cores, SPARK_WORKER_MEMORY / --memory, heap only: the standalone master
/// counts spark.executor.memory and nothing else, docs/spark-standalone.md), its own heap (SPARK_DAEMON_MEMORY, default 1g),
/// its container memory limit, and how many there are (replicas, or a HorizontalPodAutoscaler's bounds).
/// </summary>
public sealed record StandaloneWorkers(
    string Object,
    string Field,
    int? Cores,
    long? MemoryMiB,
    long DaemonMiB,
    long? LimitBytes,
    int MinReplicas,
    int MaxReplicas)
{
    public const string WorkerClass = "org.apache.spark.deploy.worker.Worker";
    public const string MasterClass = "org.apache.spark.deploy.master.Master";

    /// <summary>The workers of the render, or null when it runs none.</summary>
    public static StandaloneWorkers? From(SparkRenderModel model)
    {
        var container = PodContainers.All(model).FirstOrDefault(c => !c.Field.Contains("initContainers", StringComparison.Ordinal)
            && c.CommandWords().Contains(WorkerClass, StringComparer.Ordinal));
        if (container is null)
        {
            return null;
        }

        var words = container.CommandWords().ToList();
        var cores = Int(Flag(words, "--cores", "-c") ?? container.Env("SPARK_WORKER_CORES"));
        var memory = ByteSize.TryParseSparkMiB(Flag(words, "--memory", "-m") ?? container.Env("SPARK_WORKER_MEMORY"));
        var daemon = ByteSize.TryParseSparkMiB(container.Env("SPARK_DAEMON_MEMORY")) ?? 1024;
        var limit = KubeQuantity.From(container.Limit("memory")) is { } bytes ? (long)bytes : (long?)null;
        var workload = model.Objects.First(o => o.DisplayName == container.Object);
        var replicas = Int(workload.Body["spec"]?["replicas"]?.ToJsonString()) ?? 1;
        var (min, max) = (replicas, replicas);
        var hpa = model.Objects.FirstOrDefault(o => o.Kind == "HorizontalPodAutoscaler"
            && (string?)o.Body["spec"]?["scaleTargetRef"]?["name"] == workload.Name
            && (string?)o.Body["spec"]?["scaleTargetRef"]?["kind"] == workload.Kind);
        if (hpa is not null)
        {
            min = Int(hpa.Body["spec"]?["minReplicas"]?.ToJsonString()) ?? 1;
            max = Int(hpa.Body["spec"]?["maxReplicas"]?.ToJsonString()) ?? min;
        }

        return new StandaloneWorkers(container.Object, container.Field, cores, memory, daemon, limit, min, max);
    }

    /// <summary>Executors of <paramref name="executorCores"/> cores and <paramref name="heapMiB"/> heap one worker can run (by cores and by memory), or null when unknown.</summary>
    public int? ExecutorsPerWorker(int executorCores, long heapMiB)
    {
        int? byCores = Cores is { } c && executorCores > 0 ? c / executorCores : null;
        int? byMemory = MemoryMiB is { } m && heapMiB > 0 ? (int)(m / heapMiB) : null;
        return (byCores, byMemory) switch
        {
            ({ } a, { } b) => Math.Min(a, b),
            ({ } a, null) => a,
            (null, { } b) => b,
            _ => null,
        };
    }

    private static string? Flag(IReadOnlyList<string> words, string longName, string shortName)
    {
        for (var i = 0; i < words.Count - 1; i++)
        {
            if (words[i] == longName || words[i] == shortName)
            {
                return words[i + 1];
            }
        }

        return null;
    }

    public static int? Int(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}

/// <summary>The executor shape of an application on a standalone master: cores, heap and what its JVM uses in all.</summary>
public sealed record StandaloneExecutor(SparkConf Conf, int Cores, long HeapMiB, long FootprintMiB, string Explain)
{
    /// <summary>The executor shape of the Connect server when its spark.master is spark://..., else null.</summary>
    public static StandaloneExecutor? From(SparkRenderModel model, string sparkVersion)
    {
        var conf = model.Connect;
        if (conf?.Get("spark.master") is not { } master || !master.StartsWith("spark://", StringComparison.Ordinal))
        {
            return null;
        }

        var memory = ExecutorMemory.From(conf, sparkVersion);
        var cores = StandaloneWorkers.Int(conf.Get("spark.executor.cores")) ?? 1;
        return new StandaloneExecutor(conf, cores, memory.Pod.HeapMiB, memory.TotalMiB, memory.Explain());
    }
}
