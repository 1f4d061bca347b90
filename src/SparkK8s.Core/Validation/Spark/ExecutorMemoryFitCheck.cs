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
        var conf = model.Connect ?? model.ConfByComponent.Values.FirstOrDefault(c => c.Find("spark.executor.memory") is not null);
        if (conf is null)
        {
            yield break;
        }

        var need = ExecutorMemory.From(conf, context.SparkVersion);
        if (FindExecutorTemplate(model, conf) is { } template && ExecutorContainer(template, conf) is var (container, index) && container is not null)
        {
            var limit = KubeQuantity.From(container["resources"]?["limits"]?["memory"]);
            if (limit is { } bytes && bytes < need.TotalBytes)
            {
                yield return Found(template.Object, $"{template.Field}: spec.containers[{index}].resources.limits.memory",
                    $"executor pods need {need.Explain()}, but the executor pod template limits memory to {KubeQuantity.FormatBytes(bytes)}");
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
                    $"executor pods need {need.Explain()}, but the LimitRange allows at most {KubeQuantity.FormatBytes(max)} per {type.ToLowerInvariant()}");
            }
        }
    }

    /// <summary>The executor pod template: the file spark.kubernetes.executor.podTemplateFile names, else one whose key or labels say executor.</summary>
    public static PodTemplate? FindExecutorTemplate(SparkRenderModel model, SparkConf conf)
    {
        var file = conf.Get("spark.kubernetes.executor.podTemplateFile");
        var fileName = file is null ? null : Path.GetFileName(file);
        return model.PodTemplates.Select(t => t.Template).FirstOrDefault(t => fileName is not null && t.Field == $"data[{fileName}]")
            ?? model.PodTemplates.Select(t => t.Template).FirstOrDefault(t =>
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
