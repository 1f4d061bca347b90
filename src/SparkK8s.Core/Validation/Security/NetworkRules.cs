using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Core.Validation.Security;

/// <summary>
/// SEC001: a pod of the release that no NetworkPolicy of the render selects for a direction (ingress or egress): every
/// pod in the cluster can reach it, or it can reach anything. Judged on the render, not on a values key: a policy counts
/// when its namespace is the pod's and its podSelector matches the pod's labels (Kubernetes semantics), and it covers the
/// directions of its policyTypes (ingress alone when unset and no egress rules, as the API server defaults them).
/// An error when the chart has NetworkPolicy templates (so their absence in a render means they were switched off or miss
/// a component); a warning for a chart that has none yet.
/// </summary>
public sealed class NetworkPolicyRule() : SecurityRule(
    "SEC001",
    Severity.Error,
    "A pod of the release is not selected by any NetworkPolicy",
    "Every pod of the release must be selected by a NetworkPolicy for ingress and egress; otherwise any pod in the cluster reaches its ports "
    + "(Spark Connect runs whatever its clients send) and it reaches anything, including the cloud metadata endpoint.",
    "Keep networkPolicy.enabled true (the default), or give the component's pods a NetworkPolicy of your own that selects their labels")
{
    public override IEnumerable<Finding> Run(SecurityCheckContext context)
    {
        var policies = context.Model.Objects.Where(o => o.Kind == "NetworkPolicy").ToList();
        var severity = context.ChartHasNetworkPolicies ? Severity.Error : Severity.Warning;
        var reason = context.ChartHasNetworkPolicies ? string.Empty : " (a warning: this chart has no NetworkPolicy templates)";
        foreach (var pod in RenderedPods.All(context.Model))
        {
            var missing = new List<string>();
            foreach (var direction in new[] { "Ingress", "Egress" })
            {
                if (!policies.Any(p => Covers(p, direction) && SameNamespace(p, pod) && RenderedPods.Selects(p.Body["spec"]?["podSelector"], pod.Labels)))
                {
                    missing.Add(direction.ToLowerInvariant());
                }
            }

            if (missing.Count > 0)
            {
                yield return Found(pod.Object, pod.LabelsField,
                    $"no NetworkPolicy selects the {pod.Component} pods for {string.Join(" and ", missing)}{reason}", severity: severity);
            }
        }
    }

    private static bool SameNamespace(KubeObject policy, RenderedPod pod) =>
        policy.Namespace is null || pod.Namespace is null || policy.Namespace == pod.Namespace;

    /// <summary>Whether a policy isolates the pods it selects in <paramref name="direction"/> (policyTypes, or the API server's default).</summary>
    public static bool Covers(KubeObject policy, string direction)
    {
        var spec = policy.Body["spec"] as JsonObject;
        if (spec?["policyTypes"] is JsonArray types)
        {
            return types.Any(t => (string?)t == direction);
        }

        return direction == "Ingress" || spec?["egress"] is not null;
    }
}

/// <summary>
/// SEC002: Spark Connect reachable from outside the cluster without authentication: its Service is NodePort or
/// LoadBalancer, or an Ingress or Gateway API GRPCRoute/HTTPRoute sends traffic to it, and the server has no token
/// (<c>spark.connect.authenticate.token</c> or the SPARK_CONNECT_AUTHENTICATE_TOKEN environment variable, Spark 4.0+:
/// Connect.scala in apache/spark). SPK016 warns about any exposure beyond ClusterIP; this rule is the error for the
/// unauthenticated case, whatever exposes it.
/// </summary>
public sealed class ConnectExposureRule() : SecurityRule(
    "SEC002",
    Severity.Error,
    "Spark Connect is exposed beyond ClusterIP without authentication",
    "A Connect Service of type NodePort or LoadBalancer, or an Ingress/GRPCRoute/HTTPRoute to it, lets anyone who reaches it run code as the driver "
    + "unless the server requires a token (spark.connect.authenticate.token, Spark 4.0+; Spark 3.5 has no authentication).",
    "Keep connect.service.type ClusterIP and use kubectl port-forward, or enable Connect token authentication (Spark 4.x) before exposing it")
{
    /// <summary>The server's token property and its environment form (Connect.scala, apache/spark 4.0+).</summary>
    public const string TokenProperty = "spark.connect.authenticate.token";
    public const string TokenEnv = "SPARK_CONNECT_AUTHENTICATE_TOKEN";

    public override IEnumerable<Finding> Run(SecurityCheckContext context)
    {
        var model = context.Model;
        if (Authenticated(context))
        {
            yield break;
        }

        var connectServices = model.Documents
            .Where(d => d.Object.Kind == "Service" && d.Component.Contains("connect", StringComparison.OrdinalIgnoreCase))
            .Select(d => d.Object).ToList();
        foreach (var service in connectServices)
        {
            var type = (string?)service.Body["spec"]?["type"] ?? "ClusterIP";
            if (type is "NodePort" or "LoadBalancer")
            {
                yield return Found(service.DisplayName, "spec.type", $"Service type {type} exposes Spark Connect, and the server requires no token");
            }
        }

        var names = connectServices.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var obj in model.Objects)
        {
            var field = obj.Kind switch
            {
                "Ingress" => IngressBackends(obj).FirstOrDefault(b => names.Contains(b.Service)).Field,
                "GRPCRoute" or "HTTPRoute" or "TLSRoute" or "TCPRoute" => RouteBackends(obj).FirstOrDefault(b => names.Contains(b.Service)).Field,
                _ => null,
            };
            if (field is not null)
            {
                yield return Found(obj.DisplayName, field, $"{obj.Kind} {obj.Name} routes outside traffic to Spark Connect, and the server requires no token");
            }
        }
    }

    /// <summary>Whether the Connect server requires a token: the property in its conf, or the environment variable in its container.</summary>
    public static bool Authenticated(SecurityCheckContext context)
    {
        if (context.Model.Connect?.Find(TokenProperty) is not null)
        {
            return true;
        }

        return RenderedPods.All(context.Model)
            .Where(p => p.Component.Contains("connect", StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Containers())
            .Any(c => (c.Container["env"] as JsonArray ?? []).OfType<JsonObject>().Any(e => (string?)e["name"] == TokenEnv));
    }

    private static IEnumerable<(string Service, string Field)> IngressBackends(KubeObject ingress)
    {
        if ((string?)ingress.Body["spec"]?["defaultBackend"]?["service"]?["name"] is { } fallback)
        {
            yield return (fallback, "spec.defaultBackend.service.name");
        }

        var rules = ingress.Body["spec"]?["rules"] as JsonArray ?? [];
        for (var r = 0; r < rules.Count; r++)
        {
            var paths = rules[r]?["http"]?["paths"] as JsonArray ?? [];
            for (var p = 0; p < paths.Count; p++)
            {
                if ((string?)paths[p]?["backend"]?["service"]?["name"] is { } name)
                {
                    yield return (name, $"spec.rules[{r}].http.paths[{p}].backend.service.name");
                }
            }
        }
    }

    private static IEnumerable<(string Service, string Field)> RouteBackends(KubeObject route)
    {
        var rules = route.Body["spec"]?["rules"] as JsonArray ?? [];
        for (var r = 0; r < rules.Count; r++)
        {
            var refs = rules[r]?["backendRefs"] as JsonArray ?? [];
            for (var b = 0; b < refs.Count; b++)
            {
                if ((string?)refs[b]?["name"] is { } name && ((string?)refs[b]?["kind"] ?? "Service") == "Service")
                {
                    yield return (name, $"spec.rules[{r}].backendRefs[{b}].name");
                }
            }
        }
    }
}
