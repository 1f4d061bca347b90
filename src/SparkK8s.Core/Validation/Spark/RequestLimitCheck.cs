using System.Text.Json.Nodes;
using SparkK8s.Core.Units;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>SPK009: a container requests more of a resource than its limit (the API server rejects the pod: requests must not exceed limits).</summary>
public sealed class RequestLimitCheck() : SparkCheck(
    "SPK009",
    Severity.Error,
    "A container requests more of a resource than its limit",
    "Lower resources.requests or raise resources.limits of that container so that requests <= limits")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var container in PodContainers.All(context.Model))
        {
            if (container.Container["resources"]?["requests"] is not JsonObject requests)
            {
                continue;
            }

            foreach (var (resource, requestNode) in requests)
            {
                if (KubeQuantity.From(requestNode) is { } request && KubeQuantity.From(container.Limit(resource)) is { } limit && request > limit)
                {
                    yield return Found(container.Object, $"{container.Field}.resources.requests.{resource}",
                        $"container {container.Name} requests {requestNode} {resource}, more than its limit {container.Limit(resource)}");
                }
            }
        }
    }
}
