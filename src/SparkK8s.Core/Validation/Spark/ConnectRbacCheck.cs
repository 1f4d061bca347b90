using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK004: a Spark Connect server that runs executors on Kubernetes (spark.master k8s://...) needs its pod's service account
/// bound (RoleBinding/ClusterRoleBinding) to a role granting pods create, delete, get, list and watch, and configmaps create
/// (the driver creates the executors' ConfigMap unless spark.kubernetes.executor.disableConfigMap is true).
/// </summary>
public sealed class ConnectRbacCheck() : SparkCheck(
    "SPK004",
    Severity.Error,
    "Spark Connect runs executors on Kubernetes without RBAC to manage executor pods",
    "Render a ServiceAccount, a Role granting pods create/delete/get/list/watch and configmaps create, and a RoleBinding to the Connect pod's service account")
{
    public static readonly IReadOnlyList<string> PodVerbs = ["create", "delete", "get", "list", "watch"];
    public static readonly IReadOnlyList<string> ConfigMapVerbs = ["create"];

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var model = context.Model;
        var conf = model.Connect;
        var master = conf?.Get("spark.master");
        if (conf is null || master is null || !master.StartsWith("k8s://", StringComparison.Ordinal))
        {
            yield break;
        }

        foreach (var workload in model.Workloads(c => c.Contains("connect", StringComparison.OrdinalIgnoreCase)))
        {
            var spec = workload.Object.PodSpec!;
            var account = (string?)spec["serviceAccountName"] ?? (string?)spec["serviceAccount"] ?? "default";
            var ns = workload.Object.Namespace;
            if (account != "default" && !model.Objects.Any(o => o.Kind == "ServiceAccount" && o.Name == account))
            {
                yield return Found(workload.Object.DisplayName, "spec.template.spec.serviceAccountName",
                    $"the Connect pod runs as service account '{account}', which the render does not create");
            }

            var objects = model.Objects.ToList();
            var missing = new List<string>();
            var pods = MissingVerbs(objects, account, ns, "pods", PodVerbs);
            if (pods.Count > 0)
            {
                missing.Add($"pods {string.Join("/", pods)}");
            }

            var configMaps = conf.IsTrue("spark.kubernetes.executor.disableConfigMap") ? [] : MissingVerbs(objects, account, ns, "configmaps", ConfigMapVerbs);
            if (configMaps.Count > 0)
            {
                missing.Add($"configmaps {string.Join("/", configMaps)}");
            }

            if (missing.Count > 0)
            {
                yield return Found(workload.Object.DisplayName, "spec.template.spec.serviceAccountName",
                    $"service account '{account}' is not bound to a role granting {string.Join(" and ", missing)} (spark.master={master})");
            }
        }
    }

    /// <summary>The <paramref name="required"/> verbs on core-group <paramref name="resource"/> the bindings of <paramref name="account"/> in the render do not grant.</summary>
    public static IReadOnlyList<string> MissingVerbs(IReadOnlyList<KubeObject> objects, string account, string? ns, string resource, IReadOnlyList<string> required)
    {
        var granted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var binding in objects.Where(o => o.Kind is "RoleBinding" or "ClusterRoleBinding"))
        {
            var subjects = binding.Body["subjects"] as JsonArray ?? [];
            var bound = subjects.OfType<JsonObject>().Any(s => (string?)s["kind"] == "ServiceAccount" && (string?)s["name"] == account
                && ((string?)s["namespace"] is null || ns is null || (string?)s["namespace"] == ns));
            if (!bound)
            {
                continue;
            }

            var roleKind = (string?)binding.Body["roleRef"]?["kind"];
            var roleName = (string?)binding.Body["roleRef"]?["name"];
            var role = objects.FirstOrDefault(o => o.Kind == roleKind && o.Name == roleName);
            foreach (var rule in (role?.Body["rules"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (Contains(rule["apiGroups"], "") && Contains(rule["resources"], resource))
                {
                    foreach (var verb in (rule["verbs"] as JsonArray ?? []).Select(v => v?.ToString() ?? string.Empty))
                    {
                        granted.Add(verb);
                    }
                }
            }
        }

        return granted.Contains("*") ? [] : required.Where(v => !granted.Contains(v)).ToList();
    }

    private static bool Contains(JsonNode? list, string value) =>
        (list as JsonArray ?? []).Any(v => v?.ToString() == value || v?.ToString() == "*");
}
