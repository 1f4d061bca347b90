using System.Globalization;
using SparkK8s.Core.Sizing;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// What the GPU checks (SPK120-SPK124) know about the NVIDIA RAPIDS Accelerator and Spark's GPU scheduling. Sources:
/// NVIDIA/spark-rapids docs/download.md (v26.06.0: Spark 3.5.0-3.5.8, 4.0.0-4.0.3 and 4.1.1; ShimLoader refuses any other
/// build), its tuning guide (one GPU per executor; spark.task.resource.gpu.amount = 1 / tasks per executor), and
/// apache/spark docs/configuration.md "Custom Resource Scheduling" (spark.{executor,task}.resource.gpu.amount).
/// </summary>
public static class Gpu
{
    public const string Plugin = "com.nvidia.spark.SQLPlugin";
    public const string ExecutorAmount = "spark.executor.resource.gpu.amount";
    public const string TaskAmount = "spark.task.resource.gpu.amount";
    public const string Vendor = "spark.executor.resource.gpu.vendor";
    public const string PinnedPool = "spark.rapids.memory.pinnedPool.size";

    /// <summary>The chart's Spark lines with a RAPIDS jar in spark.releases.&lt;line&gt;.componentJars.rapids (a test keeps
    /// this in step with values.yaml): 4.1 pins Spark 4.1.2, which RAPIDS 26.06.0 has no shim for.</summary>
    public static IReadOnlyList<string> SupportedLines { get; } = ["3.5"];

    /// <summary>The image naming convention of images/spark-gpu (images/versions.py tag spark-gpu): repository ending in
    /// spark-gpu, or a tag with -rapids&lt;version&gt;. Anything else is taken as an image without CUDA and RAPIDS.</summary>
    public static bool IsGpuImage(string image)
    {
        var reference = image.Split('@')[0];
        var slash = reference.LastIndexOf('/');
        var colon = reference.LastIndexOf(':');
        var repository = colon > slash ? reference[..colon] : reference;
        var tag = colon > slash ? reference[(colon + 1)..] : string.Empty;
        return repository.EndsWith("spark-gpu", StringComparison.Ordinal) || tag.Contains("-rapids", StringComparison.Ordinal);
    }

    /// <summary>Whether the application runs RAPIDS (spark.plugins names its plugin) or asks executors for GPUs.</summary>
    public static bool Uses(SparkConf conf) =>
        (conf.Get("spark.plugins") ?? string.Empty).Split(',').Any(p => p.Trim() == Plugin) || conf.Find(ExecutorAmount) is not null;

    public static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The executor container of the application's pod template, with its field path.</summary>
    public static (PodTemplate Template, System.Text.Json.Nodes.JsonObject Container, string Field)? ExecutorContainer(SparkRenderModel model, SparkConf conf)
    {
        if (ExecutorMemoryFitCheck.FindExecutorTemplate(model, conf) is not { } template
            || ExecutorMemoryFitCheck.ExecutorContainer(template, conf) is not ({ } container, var index))
        {
            return null;
        }

        return (template, container, $"{template.Field}: spec.containers[{index}]");
    }
}

/// <summary>
/// SPK120 (error): the GPU amounts disagree. RAPIDS runs one GPU per executor, so spark.executor.resource.gpu.amount must
/// be 1 and match the executor pod template's nvidia.com/gpu limit; spark.task.resource.gpu.amount must be set and
/// at most the executor's amount (Spark refuses a task that needs more than its executor has).
/// </summary>
public sealed class GpuAmountCheck() : SparkCheck(
    "SPK120",
    Severity.Error,
    "GPU amounts of task, executor and executor pod disagree",
    "Leave the GPU properties to gpu.enabled (docs/en/gpu.md): one GPU per executor, spark.task.resource.gpu.amount 1/spark.executor.cores, and the same nvidia.com/gpu limit in the pod template")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in context.Model.Applications.Where(Gpu.Uses))
        {
            var who = conf.Describe();
            var executor = conf.Find(Gpu.ExecutorAmount);
            var executorAmount = Gpu.Number(executor?.Value);
            if (executor is null || executorAmount is null)
            {
                yield return Found(conf.Find("spark.plugins") ?? conf.Properties.First(), $"{who} runs the RAPIDS plugin but sets no numeric {Gpu.ExecutorAmount}: its executors get no GPU and RAPIDS fails to start on them");
                continue;
            }

            if (executorAmount != 1)
            {
                yield return Found(executor, $"{who} asks for {executor.Value} GPUs per executor; RAPIDS uses one GPU per executor (tuning guide, \"Number of Executors\"), the others would sit idle");
            }

            var task = conf.Find(Gpu.TaskAmount);
            var taskAmount = Gpu.Number(task?.Value);
            if (task is null || taskAmount is null || taskAmount <= 0)
            {
                yield return Found(task ?? executor, $"{who} sets no positive {Gpu.TaskAmount}: Spark does not schedule tasks by GPU, so tasks share the GPU unaccounted");
            }
            else if (taskAmount > executorAmount)
            {
                yield return Found(task, $"{who}: a task needs {task.Value} GPUs but an executor has {executor.Value}; no task can ever be scheduled");
            }

            if (Gpu.ExecutorContainer(context.Model, conf) is var (template, container, field))
            {
                var limit = Gpu.Number(container["resources"]?["limits"]?["nvidia.com/gpu"]?.ToString());
                if (limit != executorAmount)
                {
                    yield return Found(template.Object, $"{field}.resources.limits.nvidia.com/gpu",
                        $"{who}: executors ask Spark for {executor.Value} GPU(s) but the executor pod template limits nvidia.com/gpu to {(limit is null ? "nothing" : limit.Value.ToString(CultureInfo.InvariantCulture))}");
                }
            }
        }
    }
}

/// <summary>
/// SPK121 (warning): the executor's cores and its GPU task slots disagree. Tasks per executor are limited by both
/// spark.executor.cores / spark.task.cpus and 1 / spark.task.resource.gpu.amount (apache/spark ResourceProfile); RAPIDS'
/// tuning guide sets the GPU amount to the reciprocal of the task concurrency. Fewer GPU slots than cores leaves cores
/// idle; more is impossible to use.
/// </summary>
public sealed class GpuTaskSlotsCheck() : SparkCheck(
    "SPK121",
    Severity.Warning,
    "Executor cores and GPU task slots disagree",
    "Set spark.task.resource.gpu.amount to 1/spark.executor.cores (gpu.enabled does), or size spark.executor.cores to the tasks the GPU should run at once")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in context.Model.Applications.Where(Gpu.Uses))
        {
            if (conf.Find(Gpu.TaskAmount) is not { } task || Gpu.Number(task.Value) is not { } amount || amount <= 0 || amount > 1
                || Gpu.Number(conf.Get("spark.executor.cores")) is not { } cores)
            {
                continue;
            }

            var taskCpus = Gpu.Number(conf.Get("spark.task.cpus")) ?? 1;
            var coreSlots = Math.Floor(cores / taskCpus);
            // Spark counts fractional amounts as whole parts of one GPU (ResourceUtils: floor(1 / amount)).
            var gpuSlots = Math.Floor((1 / amount) + 1e-9);
            if (gpuSlots < coreSlots)
            {
                yield return Found(task,
                    Invariant($"{conf.Describe()}: the GPU admits {gpuSlots} task(s) per executor but spark.executor.cores gives {coreSlots}; {coreSlots - gpuSlots} core(s) per executor stay idle"));
            }
            else if (gpuSlots > coreSlots)
            {
                yield return Found(task,
                    Invariant($"{conf.Describe()}: the GPU admits {gpuSlots} task(s) per executor but spark.executor.cores runs only {coreSlots}; the GPU is shared by fewer tasks than planned"));
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// SPK122 (error): GPU executors run an image without CUDA and RAPIDS. The check knows the spark-gpu image by its name
/// (<see cref="Gpu.IsGpuImage"/>: a repository ending in spark-gpu or a -rapids tag, as images/build.sh tags it).
/// </summary>
public sealed class GpuImageCheck() : SparkCheck(
    "SPK122",
    Severity.Error,
    "GPU executors run an image without the RAPIDS Accelerator",
    "Build images/spark-gpu (images/build.sh --image spark-gpu) and set gpu.image.repository to it; do not point spark.kubernetes.executor.container.image elsewhere")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in context.Model.Applications.Where(Gpu.Uses))
        {
            var image = conf.Find("spark.kubernetes.executor.container.image") ?? conf.Find("spark.kubernetes.container.image");
            if (image is not null && !Gpu.IsGpuImage(image.Value))
            {
                yield return Found(image, $"{conf.Describe()} runs GPU executors on {image.Value}, which is not a spark-gpu image (repository ending in spark-gpu or a -rapids tag): it has no RAPIDS jar or GPU discovery script");
            }

            if (Gpu.ExecutorContainer(context.Model, conf) is var (template, container, field)
                && (string?)container["image"] is { } templateImage && !Gpu.IsGpuImage(templateImage))
            {
                yield return Found(template.Object, $"{field}.image",
                    $"{conf.Describe()}: the executor pod template runs {templateImage}, which is not a spark-gpu image");
            }
        }
    }
}

/// <summary>
/// SPK123 (error): RAPIDS on a Spark line it does not support. Its ShimLoader stops the application at start ("This RAPIDS
/// Plugin build does not support Spark build ...", NVIDIA/spark-rapids sql-plugin-api ShimLoader.scala).
/// </summary>
public sealed class GpuSparkLineCheck() : SparkCheck(
    "SPK123",
    Severity.Error,
    "The RAPIDS Accelerator does not support this Spark line",
    "Use a Spark line with a RAPIDS jar in spark.releases.<line>.componentJars.rapids (spark.version: \"3.5\"), or remove the RAPIDS plugin")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        if (Gpu.SupportedLines.Contains(context.SparkVersion, StringComparer.Ordinal))
        {
            yield break;
        }

        foreach (var conf in context.Model.Applications.Where(Gpu.Uses))
        {
            yield return Found(conf.Find("spark.plugins") ?? conf.Find(Gpu.ExecutorAmount) ?? conf.Properties.First(),
                $"{conf.Describe()} runs GPU executors on Spark {context.SparkVersion}; the RAPIDS Accelerator of the chart supports Spark {string.Join(", ", Gpu.SupportedLines)} only and refuses to start on this line");
        }
    }
}

/// <summary>
/// SPK124 (warning): RAPIDS' pinned host memory pool (spark.rapids.memory.pinnedPool.size, off-heap) is larger than the
/// executor's memoryOverhead, the only part of the pod's memory outside the heap: the pod is killed for memory.
/// </summary>
public sealed class GpuPinnedPoolCheck() : SparkCheck(
    "SPK124",
    Severity.Warning,
    "RAPIDS' pinned memory pool does not fit the executor memoryOverhead",
    "Raise spark.executor.memoryOverhead by the pinned pool size (gpu.enabled adds gpu.pinnedPoolSize to it), or lower gpu.pinnedPoolSize")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in context.Model.Applications.Where(Gpu.Uses))
        {
            if (conf.Find(Gpu.PinnedPool) is not { } pool || ByteSize.TryParseSpark(pool.Value, 1) is not { } poolBytes || poolBytes == 0)
            {
                continue;
            }

            var overhead = conf.Get("spark.executor.memoryOverhead") is { } text && ByteSize.TryParseSpark(text, ByteSize.MiB) is { } bytes ? bytes : (long?)null;
            if (overhead is { } value && value < poolBytes)
            {
                yield return Found(pool, $"{conf.Describe()}: the pinned pool ({pool.Value}) is larger than spark.executor.memoryOverhead ({conf.Get("spark.executor.memoryOverhead")}), which must hold it and the JVM's other off-heap memory");
            }
        }
    }
}
