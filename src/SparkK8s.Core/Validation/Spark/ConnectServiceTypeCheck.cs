namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK016: a Spark Connect Service that is not ClusterIP (NodePort or LoadBalancer). Spark Connect has no authentication
/// by default, so such a Service lets anyone who reaches a node or the load balancer run code as the driver.
/// </summary>
public sealed class ConnectServiceTypeCheck() : SparkCheck(
    "SPK016",
    Severity.Warning,
    "The Spark Connect Service is reachable from outside the cluster (not ClusterIP)",
    "Keep connect.service.type ClusterIP and reach the server with kubectl port-forward, or put an authenticating proxy in front")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var document in context.Model.Documents.Where(d => d.Object.Kind == "Service" && d.Component.Contains("connect", StringComparison.OrdinalIgnoreCase)))
        {
            var type = (string?)document.Object.Body["spec"]?["type"] ?? "ClusterIP";
            if (type is not "ClusterIP")
            {
                yield return Found(document.Object.DisplayName, "spec.type", $"Service type {type} exposes Spark Connect, which has no authentication, outside the cluster");
            }
        }
    }
}
