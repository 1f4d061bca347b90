using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Chart.Tests.Infrastructure;

/// <summary>A Secret key a pod can read: through an env var's secretKeyRef or a secret volume's item.</summary>
public sealed record SecretKeyRef(string Secret, string Key)
{
    public override string ToString() => $"{Secret}/{Key}";
}

/// <summary>
/// Which Secret keys each pod of a render holds (env secretKeyRef, envFrom secretRef, secret and projected volumes), and
/// which Secret names and keys the render produces (Secrets, ExternalSecrets, SealedSecrets, VaultStaticSecrets).
/// </summary>
public static class SecretHoldings
{
    /// <summary>The keys every pod workload holds, by workload display name and component label.</summary>
    public static IReadOnlyList<(KubeObject Workload, string Component, IReadOnlySet<SecretKeyRef> Keys)> ByWorkload(Rendered rendered) =>
        rendered.PodWorkloads
            .Select(w => (w, w.PodLabels().GetValueOrDefault(Rendered.ComponentLabel) ?? w.Name, (IReadOnlySet<SecretKeyRef>)Of(w, rendered).ToHashSet()))
            .ToList();

    /// <summary>The keys held per component (union over the component's workloads).</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<SecretKeyRef>> ByComponent(Rendered rendered) =>
        ByWorkload(rendered).GroupBy(h => h.Component)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<SecretKeyRef>)g.SelectMany(h => h.Keys).ToHashSet());

    /// <summary>Every Secret key one workload's pod can read. A whole-Secret reference expands to the keys the render produces.</summary>
    public static IEnumerable<SecretKeyRef> Of(KubeObject workload, Rendered rendered)
    {
        var produced = Produced(rendered);
        IEnumerable<SecretKeyRef> Whole(string name) =>
            produced.Where(p => p.Secret == name) is var keys && keys.Any() ? keys : [new SecretKeyRef(name, "*")];

        foreach (var container in workload.AllContainers())
        {
            foreach (var env in container.Env())
            {
                if (env["valueFrom"]?["secretKeyRef"] is JsonObject r)
                {
                    yield return new SecretKeyRef((string)r["name"]!, (string)r["key"]!);
                }
            }

            foreach (var from in PodSpecs.Items(container, "envFrom"))
            {
                if (from["secretRef"]?["name"] is JsonNode name)
                {
                    foreach (var key in Whole((string)name!))
                    {
                        yield return key;
                    }
                }
            }
        }

        foreach (var volume in PodSpecs.Items(workload.PodSpec, "volumes"))
        {
            var sources = volume["secret"] is JsonObject secret
                ? [(Name: (string)secret["secretName"]!, Items: secret["items"] as JsonArray)]
                : PodSpecs.Items(volume["projected"], "sources").Select(s => s["secret"]).OfType<JsonObject>()
                    .Select(s => (Name: (string)s["name"]!, Items: s["items"] as JsonArray)).ToList();
            foreach (var (name, items) in sources)
            {
                if (items is null)
                {
                    foreach (var key in Whole(name))
                    {
                        yield return key;
                    }

                    continue;
                }

                foreach (var item in items.OfType<JsonObject>())
                {
                    yield return new SecretKeyRef(name, (string)item["key"]!);
                }
            }
        }
    }

    /// <summary>
    /// Secret names and keys the render makes exist: a Secret's data, an ExternalSecret's target and data secretKeys,
    /// a SealedSecret's template name and encryptedData, a VaultStaticSecret's destination and the keys it declares.
    /// </summary>
    public static IReadOnlySet<SecretKeyRef> Produced(Rendered rendered)
    {
        var produced = new HashSet<SecretKeyRef>();
        foreach (var obj in rendered.Objects)
        {
            var spec = obj.Body["spec"];
            switch (obj.Kind)
            {
                case "Secret":
                    foreach (var (key, _) in (obj.Body["data"] as JsonObject) ?? [])
                    {
                        produced.Add(new SecretKeyRef(obj.Name, key));
                    }

                    break;
                case "ExternalSecret":
                    var target = (string?)spec?["target"]?["name"] ?? obj.Name;
                    foreach (var item in PodSpecs.Items(spec, "data"))
                    {
                        produced.Add(new SecretKeyRef(target, (string)item["secretKey"]!));
                    }

                    break;
                case "SealedSecret":
                    var sealedName = (string?)spec?["template"]?["metadata"]?["name"] ?? obj.Name;
                    foreach (var (key, _) in (spec?["encryptedData"] as JsonObject) ?? [])
                    {
                        produced.Add(new SecretKeyRef(sealedName, key));
                    }

                    break;
                case "VaultStaticSecret":
                    var destination = (string)spec!["destination"]!["name"]!;
                    foreach (var key in ((string?)obj.Body["metadata"]?["annotations"]?["spark-k8s.io/secret-keys"] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
                    {
                        produced.Add(new SecretKeyRef(destination, key));
                    }

                    break;
            }
        }

        return produced;
    }
}
