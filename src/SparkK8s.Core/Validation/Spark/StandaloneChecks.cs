using System.Globalization;
using SparkK8s.Core.Units;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK040: the Connect server's spark.master is spark://host:port, but the render has no Service of that name with that
/// port: the standalone master is not deployed (connect.backend: standalone without standalone.enabled), so the server
/// never gets executors.
/// </summary>
public sealed class StandaloneMasterCheck() : SparkCheck(
    "SPK040",
    Severity.Error,
    "Spark Connect uses a standalone master (spark://...) that the render does not deploy",
    "Set standalone.enabled: true (connect.backend: standalone runs its executors on the release's own master and workers)")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var property = context.Model.Connect?.Find("spark.master");
        if (property is null || !property.Value.StartsWith("spark://", StringComparison.Ordinal))
        {
            yield break;
        }

        var services = context.Model.Objects.Where(o => o.Kind == "Service").ToList();
        foreach (var address in property.Value["spark://".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = address.LastIndexOf(':');
            var host = (colon < 0 ? address : address[..colon]).Split('.')[0];
            var port = colon < 0 ? 7077 : StandaloneWorkers.Int(address[(colon + 1)..]) ?? -1;
            var service = services.FirstOrDefault(s => s.Name == host);
            if (service is null)
            {
                yield return Found(property, $"the render has no Service '{host}' for the standalone master {address}, so the server gets no executors");
            }
            else if (!(service.Body["spec"]?["ports"]?.AsArray() ?? []).Any(p => StandaloneWorkers.Int(p?["port"]?.ToString()) == port))
            {
                yield return Found(property, $"Service '{host}' has no port {port.ToString(CultureInfo.InvariantCulture)} for the standalone master {address}");
            }
        }
    }
}

/// <summary>
/// SPK041: an executor larger than a worker. The standalone master launches an executor only on a worker with
/// spark.executor.cores free cores and spark.executor.memory free memory (Master.scala, scheduleExecutorsOnWorkers);
/// larger executors never launch, and the application waits for resources forever.
/// </summary>
public sealed class ExecutorLargerThanWorkerCheck() : SparkCheck(
    "SPK041",
    Severity.Error,
    "An executor needs more cores or memory than one standalone worker offers",
    "Lower connect.executor.cores/memory, or raise standalone.worker.cores and standalone.worker.resources.limits.memory (or standalone.worker.memory)")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        if (StandaloneExecutor.From(context.Model, context.SparkVersion) is not { } executor || StandaloneWorkers.From(context.Model) is not { } workers)
        {
            yield break;
        }

        if (workers.Cores is { } cores && executor.Cores > cores)
        {
            yield return Found(workers.Object, $"{workers.Field}.env[SPARK_WORKER_CORES]",
                $"executors need {executor.Cores.ToString(CultureInfo.InvariantCulture)} cores (spark.executor.cores), but a worker offers {cores.ToString(CultureInfo.InvariantCulture)}: no executor ever launches");
        }

        if (workers.MemoryMiB is { } memory && executor.HeapMiB > memory)
        {
            yield return Found(workers.Object, $"{workers.Field}.env[SPARK_WORKER_MEMORY]",
                $"executors need {executor.HeapMiB.ToString(CultureInfo.InvariantCulture)}Mi (spark.executor.memory), but a worker offers {memory.ToString(CultureInfo.InvariantCulture)}Mi: no executor ever launches");
        }
    }
}

/// <summary>
/// SPK042: the worker container's memory limit is below what it runs: the worker JVM's heap plus, for every executor the
/// worker can launch (by SPARK_WORKER_MEMORY and SPARK_WORKER_CORES), the executor's heap and its overhead, which the
/// standalone master does not count but the executor JVM uses inside the container. The kernel then OOM-kills the
/// worker pod with all its executors. Without a Spark Connect server, SPARK_WORKER_MEMORY plus the worker heap is checked.
/// </summary>
public sealed class WorkerMemoryFitCheck() : SparkCheck(
    "SPK042",
    Severity.Error,
    "The standalone worker's memory limit is below its own heap plus the heap and overhead of the executors it launches",
    "Leave standalone.worker.memory null (the chart computes it), lower it, or raise standalone.worker.resources.limits.memory")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        if (StandaloneWorkers.From(context.Model) is not { LimitBytes: { } limit, MemoryMiB: { } offered } workers)
        {
            yield break;
        }

        var limitMiB = limit / (1024 * 1024);
        string detail;
        long need;
        if (StandaloneExecutor.From(context.Model, context.SparkVersion) is { } executor && workers.ExecutorsPerWorker(executor.Cores, executor.HeapMiB) is { } count)
        {
            need = workers.DaemonMiB + (count * executor.FootprintMiB);
            detail = $"{workers.DaemonMiB.ToString(CultureInfo.InvariantCulture)}Mi worker heap + {count.ToString(CultureInfo.InvariantCulture)} executors × ({executor.Explain})";
        }
        else
        {
            need = workers.DaemonMiB + offered;
            detail = $"{workers.DaemonMiB.ToString(CultureInfo.InvariantCulture)}Mi worker heap + {offered.ToString(CultureInfo.InvariantCulture)}Mi SPARK_WORKER_MEMORY";
        }

        if (need > limitMiB)
        {
            yield return Found(workers.Object, $"{workers.Field}.resources.limits.memory",
                $"a worker needs {need.ToString(CultureInfo.InvariantCulture)}Mi ({detail}), but its container is limited to {KubeQuantity.FormatBytes(limit)}: the worker pod is OOM-killed with its executors");
        }
    }
}

/// <summary>
/// SPK043 (warning): the application asks for more than all workers hold: spark.cores.max, or dynamic allocation's
/// maxExecutors × spark.executor.cores (spark.executor.instances without it), above the workers' total cores, or more
/// executors than fit the workers' memory. Spark then runs with fewer executors than configured.
/// </summary>
public sealed class StandaloneCapacityCheck() : SparkCheck(
    "SPK043",
    Severity.Warning,
    "The application's executor bounds exceed the standalone workers' total capacity",
    "Add workers (standalone.worker.replicas or autoscaling.maxReplicas) or lower connect.dynamicAllocation.maxExecutors / spark.cores.max")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        if (StandaloneExecutor.From(context.Model, context.SparkVersion) is not { } executor || StandaloneWorkers.From(context.Model) is not { } workers)
        {
            yield break;
        }

        var conf = executor.Conf;
        var totalCores = workers.Cores * workers.MaxReplicas;
        var capacity = $"{workers.MaxReplicas.ToString(CultureInfo.InvariantCulture)} workers × {workers.Cores?.ToString(CultureInfo.InvariantCulture) ?? "?"} cores";
        if (conf.Find("spark.cores.max") is { } coresMax && StandaloneWorkers.Int(coresMax.Value) is { } max && totalCores is { } total && max > total)
        {
            yield return Found(coresMax, $"spark.cores.max {max.ToString(CultureInfo.InvariantCulture)} is above the workers' {total.ToString(CultureInfo.InvariantCulture)} cores ({capacity})");
        }

        var bound = conf.IsTrue("spark.dynamicAllocation.enabled") ? conf.Find("spark.dynamicAllocation.maxExecutors") : conf.Find("spark.executor.instances");
        if (bound is null || StandaloneWorkers.Int(bound.Value) is not { } executors || workers.ExecutorsPerWorker(executor.Cores, executor.HeapMiB) is not { } perWorker)
        {
            yield break;
        }

        var fit = perWorker * workers.MaxReplicas;
        if (executors > fit)
        {
            yield return Found(bound, $"{bound.Key} {executors.ToString(CultureInfo.InvariantCulture)}, but the workers fit {fit.ToString(CultureInfo.InvariantCulture)} executors of {executor.Cores.ToString(CultureInfo.InvariantCulture)} cores and {executor.HeapMiB.ToString(CultureInfo.InvariantCulture)}Mi ({perWorker.ToString(CultureInfo.InvariantCulture)} per worker, {capacity})");
        }
    }
}
