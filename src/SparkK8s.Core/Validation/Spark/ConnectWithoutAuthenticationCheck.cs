namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK060: a Spark Connect server that accepts every client: Spark 3.5 (no client authentication exists) or Spark 4.x
/// with the token off. The NetworkPolicy (networkPolicy.enabled, networkPolicy.connectClients) is then the only guard.
/// </summary>
public sealed class ConnectWithoutAuthenticationCheck() : SparkCheck(
    "SPK060",
    Severity.Warning,
    "Spark Connect accepts clients without authentication",
    "On Spark 4.x keep connect.auth.enabled true; on 3.5 keep networkPolicy.enabled and list the clients in networkPolicy.connectClients")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        if (ConnectAuthentication.Required(context.Model, context.SparkVersion))
        {
            yield break;
        }

        var policies = context.Model.Objects.Any(o => o.Kind == "NetworkPolicy");
        var guard = policies ? "the NetworkPolicy is the only guard" : "and the render has no NetworkPolicy: every pod that reaches it runs code as the driver";
        foreach (var workload in context.Model.Workloads(ConnectAuthentication.IsConnect).Where(w => w.Object.Kind is "Deployment" or "StatefulSet" or "Pod"))
        {
            yield return ConnectAuthentication.Supported(context.SparkVersion)
                ? Found(workload.Object.DisplayName, "env: " + ConnectAuthentication.TokenEnvVar,
                    $"the Spark Connect server requires no token (connect.auth.enabled is false); {guard}",
                    fix: "Set connect.auth.enabled true (the chart then gives the server and Jupyter the token from <fullname>-connect-auth)")
                : Found(workload.Object.DisplayName, "spark.version",
                    $"Spark Connect {context.SparkVersion} has no client authentication; {guard}",
                    fix: policies
                        ? "Keep networkPolicy.enabled and list the clients in networkPolicy.connectClients, or move to Spark 4.x (token authentication)"
                        : "Set networkPolicy.enabled true, or move to Spark 4.x (token authentication)");
        }
    }
}
