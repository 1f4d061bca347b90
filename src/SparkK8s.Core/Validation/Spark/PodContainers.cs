using System.Text.Json.Nodes;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>One container of a rendered pod spec (workload or pod template in a ConfigMap) and where it sits.</summary>
public sealed record PodContainer(string Object, string Component, string Field, JsonObject Container, JsonObject PodSpec)
{
    public string Name => (string?)Container["name"] ?? "?";

    public JsonNode? Limit(string resource) => Container["resources"]?["limits"]?[resource];

    public JsonNode? Request(string resource) => Container["resources"]?["requests"]?[resource];

    /// <summary>The string value of a plain env var, or null.</summary>
    public string? Env(string name) =>
        (Container["env"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(e => (string?)e["name"] == name && e["value"] is JsonValue)
            .Select(e => e["value"]!.ToString()).LastOrDefault();

    public IEnumerable<(string Name, string Value)> EnvValues() =>
        (Container["env"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(e => e["value"] is JsonValue)
            .Select(e => ((string?)e["name"] ?? string.Empty, e["value"]!.ToString()));

    public IEnumerable<string> CommandWords() =>
        new[] { "command", "args" }.SelectMany(f => (Container[f] as JsonArray ?? []).Select(w => w?.ToString() ?? string.Empty));
}

/// <summary>The containers and pod specs of a render: every workload's pod template and every pod template kept in a ConfigMap.</summary>
public static class PodContainers
{
    /// <summary>(object, component, field prefix of the pod spec, pod spec) for every pod spec in the render.</summary>
    public static IEnumerable<(string Object, string Component, string Field, JsonObject Spec)> PodSpecs(SparkRenderModel model)
    {
        foreach (var document in model.Documents.Where(d => d.Object.PodSpec is not null))
        {
            var prefix = document.Object.Kind switch
            {
                "Pod" => "spec",
                "CronJob" => "spec.jobTemplate.spec.template.spec",
                _ => "spec.template.spec",
            };
            yield return (document.Object.DisplayName, document.Component, prefix, document.Object.PodSpec!);
        }

        foreach (var (component, template) in model.PodTemplates)
        {
            if (template.Spec is { } spec)
            {
                yield return (template.Object, component, $"{template.Field}: spec", spec);
            }
        }
    }

    /// <summary>Every container and init container of the render.</summary>
    public static IEnumerable<PodContainer> All(SparkRenderModel model)
    {
        foreach (var (obj, component, prefix, spec) in PodSpecs(model))
        {
            foreach (var list in new[] { "initContainers", "containers" })
            {
                var containers = spec[list] as JsonArray ?? [];
                for (var i = 0; i < containers.Count; i++)
                {
                    if (containers[i] is JsonObject container)
                    {
                        yield return new PodContainer(obj, component, $"{prefix}.{list}[{i}]", container, spec);
                    }
                }
            }
        }
    }
}
