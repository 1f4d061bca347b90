using System.Text.Json.Nodes;
using SparkK8s.Core.Units;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK010: a resource quantity Kubernetes rejects (not a Quantity, such as "4XB", or negative, such as "-1G") in container
/// requests and limits, PersistentVolumeClaim storage, emptyDir size limits, LimitRanges and ResourceQuotas.
/// </summary>
public sealed class ResourceQuantityCheck() : SparkCheck(
    "SPK010",
    Severity.Error,
    "A resource quantity is not a valid non-negative Kubernetes Quantity",
    "Write a non-negative number with an optional suffix: m (milli), k, M, G, T, P, E or Ki, Mi, Gi, Ti, Pi, Ei (e.g. 500m, 2Gi)")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var container in PodContainers.All(context.Model))
        {
            foreach (var kind in new[] { "requests", "limits" })
            {
                foreach (var finding in Quantities(container.Container["resources"]?[kind], container.Object, $"{container.Field}.resources.{kind}"))
                {
                    yield return finding;
                }
            }
        }

        foreach (var (obj, _, prefix, spec) in PodContainers.PodSpecs(context.Model))
        {
            var volumes = spec["volumes"] as JsonArray ?? [];
            for (var i = 0; i < volumes.Count; i++)
            {
                foreach (var finding in Quantities(volumes[i]?["emptyDir"], obj, $"{prefix}.volumes[{i}].emptyDir", only: "sizeLimit"))
                {
                    yield return finding;
                }
            }
        }

        foreach (var obj in context.Model.Objects)
        {
            var sources = obj.Kind switch
            {
                "PersistentVolumeClaim" => [("spec.resources.requests", obj.Body["spec"]?["resources"]?["requests"])],
                "StatefulSet" => (obj.Body["spec"]?["volumeClaimTemplates"] as JsonArray ?? [])
                    .Select((t, i) => ($"spec.volumeClaimTemplates[{i}].spec.resources.requests", t?["spec"]?["resources"]?["requests"])).ToList(),
                "ResourceQuota" => [("spec.hard", obj.Body["spec"]?["hard"])],
                "LimitRange" => (obj.Body["spec"]?["limits"] as JsonArray ?? [])
                    .SelectMany((l, i) => new[] { "max", "min", "default", "defaultRequest" }.Select(k => ($"spec.limits[{i}].{k}", l?[k]))).ToList(),
                _ => new List<(string, JsonNode?)>(),
            };
            foreach (var (field, node) in sources)
            {
                foreach (var finding in Quantities(node, obj.DisplayName, field))
                {
                    yield return finding;
                }
            }
        }
    }

    private IEnumerable<Finding> Quantities(JsonNode? node, string obj, string field, string? only = null)
    {
        if (node is not JsonObject map)
        {
            yield break;
        }

        foreach (var (key, value) in map)
        {
            if ((only is not null && key != only) || value is not JsonValue)
            {
                continue;
            }

            var text = value.ToString();
            if (KubeQuantity.From(value) is not { } parsed)
            {
                yield return Found(obj, $"{field}.{key}", $"'{text}' is not a Kubernetes Quantity");
            }
            else if (parsed < 0)
            {
                yield return Found(obj, $"{field}.{key}", $"'{text}' is negative");
            }
        }
    }
}
