using System.Globalization;
using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Core.Composer;

/// <summary>One arrow of the composed platform: who calls whom, and what for.</summary>
public sealed record PlatformFlow(string From, string To, string What);

/// <summary>
/// The flows between a composed platform's components. They are read from the render's NetworkPolicies, which the
/// chart computes from its component table (templates/_components.tpl), so the diagram shows exactly what the release
/// allows; a render without policies (networkPolicy.enabled false) falls back to the catalog's requirements.
/// </summary>
public static class FlowDiagram
{
    public const string ExternalS3 = "external S3";

    private const string ComponentLabel = "app.kubernetes.io/component";

    public static IReadOnlyList<PlatformFlow> Flows(ComposeCatalog catalog, ComposedPlatform platform, IEnumerable<KubeObject>? rendered = null)
    {
        var fromPolicies = rendered is null ? [] : FromNetworkPolicies(rendered);
        return fromPolicies.Count > 0 ? fromPolicies : FromRequirements(catalog, platform);
    }

    /// <summary>Egress rules of each component's policy to another component's pods, by port number.</summary>
    public static IReadOnlyList<PlatformFlow> FromNetworkPolicies(IEnumerable<KubeObject> objects)
    {
        var flows = new List<PlatformFlow>();
        foreach (var policy in objects.Where(o => o.Kind == "NetworkPolicy"))
        {
            var spec = policy.Body["spec"];
            if ((string?)spec?["podSelector"]?["matchLabels"]?[ComponentLabel] is not { } source)
            {
                continue;
            }

            foreach (var rule in spec?["egress"] as JsonArray ?? [])
            {
                var ports = (rule?["ports"] as JsonArray ?? []).Select(Port).Where(p => p.Length > 0).ToList();
                foreach (var peer in rule?["to"] as JsonArray ?? [])
                {
                    if ((string?)peer?["podSelector"]?["matchLabels"]?[ComponentLabel] is { } target && peer?["namespaceSelector"] is null)
                    {
                        flows.Add(new PlatformFlow(source, target, ports.Count == 0 ? "any port" : "port " + string.Join(", ", ports)));
                    }
                }
            }
        }

        return flows.Distinct().OrderBy(f => f.From, StringComparer.Ordinal).ThenBy(f => f.To, StringComparer.Ordinal).ToList();
    }

    private static string Port(JsonNode? port)
    {
        var number = port?["port"]?.ToString() ?? string.Empty;
        return port?["endPort"] is { } end ? string.Create(CultureInfo.InvariantCulture, $"{number}-{end}") : number;
    }

    /// <summary>The catalog's requirements: each chosen component to what it needs.</summary>
    public static IReadOnlyList<PlatformFlow> FromRequirements(ComposeCatalog catalog, ComposedPlatform platform)
    {
        var flows = new List<PlatformFlow>();
        var s3 = platform.ExternalS3 ? ExternalS3 : ComposeCatalog.MinioComponent;
        foreach (var name in platform.Components)
        {
            var component = catalog.FindComponent(name)!;
            foreach (var requirement in component.Requires)
            {
                var target = requirement == ComposeCatalog.S3 ? s3 : requirement;
                var description = requirement == ComposeCatalog.S3 ? "S3 API" : catalog.FindComponent(requirement)!.Description.Split(',')[0].Split('(')[0].Trim();
                flows.Add(new PlatformFlow(name, target, description));
            }
        }

        return flows;
    }
}
