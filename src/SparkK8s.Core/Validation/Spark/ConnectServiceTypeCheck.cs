namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK016: a Spark Connect Service that is not ClusterIP (NodePort or LoadBalancer). Without client authentication (always
/// on Spark 3.5; on 4.x when connect.auth.enabled is false) anyone who reaches a node or the load balancer runs code as the
/// driver: an error. With the token it is a warning, because the server's gRPC port speaks plaintext and the token would
/// cross the network unencrypted.
/// </summary>
public sealed class ConnectServiceTypeCheck() : SparkCheck(
    "SPK016",
    Severity.Error,
    "The Spark Connect Service is reachable from outside the cluster (not ClusterIP)",
    "Keep connect.service.type ClusterIP and reach the server with kubectl port-forward, or publish it through a TLS Gateway or Ingress (docs/en/security/authentication.md)")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var authenticated = ConnectAuthentication.Required(context.Model, context.SparkVersion);
        foreach (var document in context.Model.Documents.Where(d => d.Object.Kind == "Service" && ConnectAuthentication.IsConnect(d.Component)))
        {
            var type = (string?)document.Object.Body["spec"]?["type"] ?? "ClusterIP";
            if (type is "ClusterIP")
            {
                continue;
            }

            yield return authenticated
                ? Found(document.Object.DisplayName, "spec.type",
                    $"Service type {type} exposes Spark Connect outside the cluster; its gRPC port speaks plaintext, so the client token crosses the network unencrypted",
                    severity: Severity.Warning)
                : Found(document.Object.DisplayName, "spec.type",
                    ConnectAuthentication.Supported(context.SparkVersion)
                        ? $"Service type {type} exposes Spark Connect without authentication (connect.auth.enabled is false): anyone who reaches it runs code as the driver"
                        : $"Service type {type} exposes Spark Connect {context.SparkVersion}, which has no client authentication: anyone who reaches it runs code as the driver");
        }
    }
}
