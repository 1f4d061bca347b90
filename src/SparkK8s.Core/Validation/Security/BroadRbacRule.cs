using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Core.Validation.Security;

/// <summary>
/// SEC014: a Role or ClusterRole of the render that grants more than a component can justify: a wildcard verb, resource or
/// API group; escalate, bind or impersonate (which let the holder give itself any right); or read access to Secrets
/// (get, list, watch) when the role is bound to the service account of a pod that runs user code (Spark, notebooks).
/// </summary>
public sealed class BroadRbacRule() : SecurityRule(
    "SEC014",
    Severity.Error,
    "A Role grants wildcard, escalate/bind/impersonate or Secret-reading rights",
    "A wildcard (*) verb, resource or API group grants rights that do not exist yet; escalate, bind and impersonate let the holder grant itself "
    + "anything; and Secret read rights in the Role of a pod that runs user code hand every credential of the namespace to that code.",
    "List the exact verbs and resources the component needs (the Spark driver: pods and configmaps), and never grant Secrets to a pod that runs user code")
{
    private static readonly string[] Escalating = ["escalate", "bind", "impersonate"];
    private static readonly string[] Reading = ["get", "list", "watch", "*"];

    public override IEnumerable<Finding> Run(SecurityCheckContext context)
    {
        var objects = context.Model.Objects.ToList();
        var userCodeAccounts = RenderedPods.All(context.Model)
            .Where(p => p.RunsSpark || p.Containers().Any(c => ((string?)c.Container["image"] ?? string.Empty).Contains("notebook", StringComparison.OrdinalIgnoreCase)
                || ((string?)c.Container["image"] ?? string.Empty).Contains("jupyter", StringComparison.OrdinalIgnoreCase)))
            .Select(p => (p.ServiceAccount, p.Namespace))
            .ToList();
        foreach (var role in objects.Where(o => o.Kind is "Role" or "ClusterRole"))
        {
            var rules = role.Body["rules"] as JsonArray ?? [];
            var userCode = BoundTo(objects, role).Any(s => userCodeAccounts.Any(a => a.ServiceAccount == s.Name && (s.Namespace is null || a.Namespace is null || s.Namespace == a.Namespace)));
            for (var i = 0; i < rules.Count; i++)
            {
                var verbs = Strings(rules[i]?["verbs"]);
                var resources = Strings(rules[i]?["resources"]);
                var groups = Strings(rules[i]?["apiGroups"]);
                if (verbs.Contains("*") || resources.Contains("*") || groups.Contains("*"))
                {
                    yield return Found(role.DisplayName, $"rules[{i}]", $"{role.Kind} {role.Name} grants a wildcard ({Describe(groups, resources, verbs)})");
                }

                if (verbs.Intersect(Escalating).ToList() is { Count: > 0 } escalating)
                {
                    yield return Found(role.DisplayName, $"rules[{i}].verbs", $"{role.Kind} {role.Name} grants {string.Join(", ", escalating)} on {string.Join(", ", resources)}");
                }

                if (userCode && (resources.Contains("secrets") || resources.Contains("*")) && (groups.Contains(string.Empty) || groups.Contains("*")) && verbs.Intersect(Reading).Any())
                {
                    yield return Found(role.DisplayName, $"rules[{i}].resources",
                        $"{role.Kind} {role.Name} lets the service account of a pod that runs user code read Secrets ({string.Join(", ", verbs)})");
                }
            }
        }
    }

    /// <summary>The service accounts bound to <paramref name="role"/> by the render's RoleBindings and ClusterRoleBindings.</summary>
    private static IEnumerable<(string Name, string? Namespace)> BoundTo(IReadOnlyList<KubeObject> objects, KubeObject role)
    {
        foreach (var binding in objects.Where(o => o.Kind is "RoleBinding" or "ClusterRoleBinding"))
        {
            if ((string?)binding.Body["roleRef"]?["kind"] != role.Kind || (string?)binding.Body["roleRef"]?["name"] != role.Name)
            {
                continue;
            }

            foreach (var subject in (binding.Body["subjects"] as JsonArray ?? []).OfType<JsonObject>().Where(s => (string?)s["kind"] == "ServiceAccount"))
            {
                yield return ((string?)subject["name"] ?? string.Empty, (string?)subject["namespace"] ?? binding.Namespace);
            }
        }
    }

    private static List<string> Strings(JsonNode? node) => (node as JsonArray ?? []).Select(n => n?.ToString() ?? string.Empty).ToList();

    private static string Describe(List<string> groups, List<string> resources, List<string> verbs) =>
        $"apiGroups [{string.Join(", ", groups.Select(g => g.Length == 0 ? "\"\"" : g))}], resources [{string.Join(", ", resources)}], verbs [{string.Join(", ", verbs)}]";
}
