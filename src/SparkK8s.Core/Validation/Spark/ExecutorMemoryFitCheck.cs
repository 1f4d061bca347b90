using System.Text.Json.Nodes;
using SparkK8s.Core.Units;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>SPK001: executor memory + overhead + pyspark memory must fit the executor pod template's limit and any LimitRange maximum.</summary>
public sealed class ExecutorMemoryFitCheck() : SparkCheck(
    "SPK001",
    Severity.Error,
    "Executor memory + overhead + pyspark memory exceeds the executor pod template's memory limit or a LimitRange maximum",
    "Lower spark.executor.memory/memoryOverhead/pyspark.memory, or raise the executor pod template's memory limit or the LimitRange max")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var model = context.Model;
        var applications = model.Applications.Where(c => c.Find("spark.executor.memory") is not null).ToList();
        if (applications.Count == 0 && model.ConfByComponent.Values.FirstOrDefault(c => c.Find("spark.executor.memory") is not null) is { } other)
        {
            applications.Add(other);
        }

        foreach (var conf in applications)
        {
            foreach (var finding in Check(model, conf, context.SparkVersion))
            {
                yield return finding;
            }
        }
    }

    private IEnumerable<Finding> Check(SparkRenderModel model, SparkConf conf, string sparkVersion)
    {
        var need = ExecutorMemory.From(conf, sparkVersion);
        var who = conf.Job is null ? "executor pods" : $"job '{conf.Job}': executor pods";
        if (FindExecutorTemplate(model, conf) is { } template && ExecutorContainer(template, conf) is var (container, index) && container is not null)
        {
            var limit = KubeQuantity.From(container["resources"]?["limits"]?["memory"]);
            if (limit is { } bytes && bytes < need.TotalBytes)
            {
                yield return Found(template.Object, $"{template.Field}: spec.containers[{index}].resources.limits.memory",
                    $"{who} need {need.Explain()}, but the executor pod template limits memory to {KubeQuantity.FormatBytes(bytes)}");
            }
        }

        foreach (var limitRange in model.Objects.Where(o => o.Kind == "LimitRange"))
        {
            var limits = limitRange.Body["spec"]?["limits"] as JsonArray ?? [];
            for (var i = 0; i < limits.Count; i++)
            {
                var type = (string?)limits[i]?["type"];
                if (type is not ("Container" or "Pod") || KubeQuantity.From(limits[i]?["max"]?["memory"]) is not { } max || max >= need.TotalBytes)
                {
                    continue;
                }

                yield return Found(limitRange.DisplayName, $"spec.limits[{i}].max.memory",
                    $"{who} need {need.Explain()}, but the LimitRange allows at most {KubeQuantity.FormatBytes(max)} per {type.ToLowerInvariant()}");
            }
        }
    }

    /// <summary>
    /// The executor pod template of an application: among its own templates (same <see cref="PodTemplate.App"/>), else
    /// all, the file spark.kubernetes.executor.podTemplateFile names, else one whose key or labels say executor.
    /// </summary>
    public static PodTemplate? FindExecutorTemplate(SparkRenderModel model, SparkConf conf)
    {
        var own = model.PodTemplates.Select(t => t.Template).Where(t => t.App == conf.Key).ToList();
        var candidates = own.Count > 0 || conf.Job is not null ? own : model.PodTemplates.Select(t => t.Template).ToList();
        var file = conf.Get("spark.kubernetes.executor.podTemplateFile");
        var fileName = file is null ? null : Path.GetFileName(file);
        return candidates.FirstOrDefault(t => fileName is not null && t.Field == $"data[{fileName}]")
            ?? candidates.FirstOrDefault(t =>
                t.Field.Contains("executor", StringComparison.OrdinalIgnoreCase)
                || (string?)t.Pod["metadata"]?["labels"]?["spark-role"] == "executor");
    }

    /// <summary>The container Spark uses as the executor: spark.kubernetes.executor.podTemplateContainerName, else the first.</summary>
    public static (JsonObject? Container, int Index) ExecutorContainer(PodTemplate template, SparkConf conf)
    {
        var containers = template.Spec?["containers"] as JsonArray ?? [];
        var name = conf.Get("spark.kubernetes.executor.podTemplateContainerName");
        for (var i = 0; i < containers.Count; i++)
        {
            if (name is null || (string?)containers[i]?["name"] == name)
            {
                return (containers[i] as JsonObject, i);
            }
        }

        return (null, 0);
    }
}
