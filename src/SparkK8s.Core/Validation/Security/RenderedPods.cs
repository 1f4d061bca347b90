using System.Text.Json.Nodes;
using SparkK8s.Core.Validation.Spark;

namespace SparkK8s.Core.Validation.Security;

/// <summary>A Secret key a pod can read: through an env var, envFrom (Key null: every key) or a volume.</summary>
public sealed record SecretKeyUse(string Secret, string? Key, string Field, string Container);

/// <summary>
/// One pod of the render: a workload's pod template or a pod template kept in a ConfigMap (the executors'), with its
/// labels, the field path of its spec and what kind of pod it is.
/// </summary>
public sealed record RenderedPod(string Object, string Component, string SpecField, JsonObject Spec, IReadOnlyDictionary<string, string> Labels, string? Namespace)
{
    /// <summary>Where the pod's labels are set (the field a NetworkPolicy's podSelector must match).</summary>
    public string LabelsField { get; init; } = "metadata.labels";

    /// <summary>Spark launchers and paths in a container's command that mark a Spark JVM (driver, executor, History Server, workers).</summary>
    private static readonly string[] SparkMarkers = ["spark-submit", "spark-class", "/opt/spark/", "/opt/entrypoint.sh"];

    public IEnumerable<(string Field, JsonObject Container)> Containers()
    {
        foreach (var list in new[] { "initContainers", "containers" })
        {
            var containers = Spec[list] as JsonArray ?? [];
            for (var i = 0; i < containers.Count; i++)
            {
                if (containers[i] is JsonObject container)
                {
                    yield return ($"{SpecField}.{list}[{i}]", container);
                }
            }
        }
    }

    /// <summary>
    /// Whether the pod runs Spark (and so the code Spark Connect clients or jobs send): a pod template from a ConfigMap
    /// (executors), or a pod whose main containers run a Spark launcher or the Spark image's entrypoint.
    /// </summary>
    public bool RunsSpark =>
        FromConfigMap
        || (Spec["containers"] as JsonArray ?? []).OfType<JsonObject>().Any(c =>
            new[] { "command", "args" }.SelectMany(f => (c[f] as JsonArray ?? []).Select(w => w?.ToString() ?? string.Empty))
                .Any(w => SparkMarkers.Any(m => w.Contains(m, StringComparison.Ordinal))));

    /// <summary>True for a pod template kept in a ConfigMap (Spark's executor pod template), which Spark itself creates.</summary>
    public bool FromConfigMap { get; init; }

    public string ServiceAccount => (string?)Spec["serviceAccountName"] ?? (string?)Spec["serviceAccount"] ?? "default";

    /// <summary>Every Secret key the pod's containers can read, and where.</summary>
    public IEnumerable<SecretKeyUse> SecretKeys()
    {
        var volumes = (Spec["volumes"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        foreach (var (field, container) in Containers())
        {
            var name = (string?)container["name"] ?? "?";
            foreach (var env in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (env["valueFrom"]?["secretKeyRef"] is JsonObject reference && (string?)reference["name"] is { } secret)
                {
                    yield return new SecretKeyUse(secret, (string?)reference["key"], $"{field}.env[{(string?)env["name"]}]", name);
                }
            }

            var fromList = container["envFrom"] as JsonArray ?? [];
            for (var i = 0; i < fromList.Count; i++)
            {
                if ((string?)fromList[i]?["secretRef"]?["name"] is { } secret)
                {
                    yield return new SecretKeyUse(secret, null, $"{field}.envFrom[{i}]", name);
                }
            }

            foreach (var mount in (container["volumeMounts"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var volumeName = (string?)mount["name"];
                var volume = volumes.FirstOrDefault(v => (string?)v["name"] == volumeName);
                if (volume is null)
                {
                    continue;
                }

                foreach (var (secret, keys) in VolumeSecrets(volume))
                {
                    foreach (var key in keys)
                    {
                        yield return new SecretKeyUse(secret, key, $"{field}.volumeMounts[{volumeName}]", name);
                    }
                }
            }
        }
    }

    /// <summary>Secrets a volume projects and which keys (null: all of them).</summary>
    private static IEnumerable<(string Secret, IReadOnlyList<string?> Keys)> VolumeSecrets(JsonObject volume)
    {
        if (volume["secret"] is JsonObject secret && (string?)secret["secretName"] is { } name)
        {
            yield return (name, Keys(secret));
        }

        foreach (var source in (volume["projected"]?["sources"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (source["secret"] is JsonObject projected && (string?)projected["name"] is { } projectedName)
            {
                yield return (projectedName, Keys(projected));
            }
        }
    }

    private static IReadOnlyList<string?> Keys(JsonObject source) =>
        source["items"] is JsonArray { Count: > 0 } items ? items.Select(i => (string?)i?["key"]).ToList() : [null];
}

/// <summary>The pods of a render, with their labels (what NetworkPolicies and the credential rules look at).</summary>
public static class RenderedPods
{
    public static IReadOnlyList<RenderedPod> All(SparkRenderModel model)
    {
        var pods = new List<RenderedPod>();
        foreach (var document in model.Documents.Where(d => d.Object.PodSpec is not null))
        {
            var obj = document.Object;
            var (prefix, metadata) = obj.Kind switch
            {
                "Pod" => ("spec", obj.Body["metadata"]),
                "CronJob" => ("spec.jobTemplate.spec.template.spec", obj.Body["spec"]?["jobTemplate"]?["spec"]?["template"]?["metadata"]),
                _ => ("spec.template.spec", obj.Body["spec"]?["template"]?["metadata"]),
            };
            pods.Add(new RenderedPod(obj.DisplayName, document.Component, prefix, obj.PodSpec!, Labels(metadata), obj.Namespace)
            {
                LabelsField = prefix == "spec" ? "metadata.labels" : prefix[..^"spec".Length] + "metadata.labels",
            });
        }

        foreach (var (component, template) in model.PodTemplates)
        {
            if (template.Spec is { } spec)
            {
                var labels = new Dictionary<string, string>(Labels(template.Pod["metadata"]), StringComparer.Ordinal);
                // Spark adds spark.kubernetes.executor.label.* to the executor pods it creates from the template.
                foreach (var property in model.ConfByComponent.TryGetValue(component, out var conf) ? conf.Properties : [])
                {
                    const string prefix = "spark.kubernetes.executor.label.";
                    if (property.Key.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        labels[property.Key[prefix.Length..]] = property.Value;
                    }
                }

                var own = labels.TryGetValue(Rendering.RenderedDocument.ComponentLabel, out var c) && c.Length > 0 ? c : component;
                pods.Add(new RenderedPod(template.Object, own, $"{template.Field}: spec", spec, labels, null)
                {
                    FromConfigMap = true,
                    LabelsField = $"{template.Field}: metadata.labels",
                });
            }
        }

        return pods;
    }

    private static Dictionary<string, string> Labels(JsonNode? metadata) =>
        (metadata?["labels"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? string.Empty, StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Kubernetes label selector semantics (matchLabels and matchExpressions); an empty selector selects every pod.</summary>
    public static bool Selects(JsonNode? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is not JsonObject s)
        {
            return true;
        }

        foreach (var (key, value) in s["matchLabels"] as JsonObject ?? [])
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value?.ToString())
            {
                return false;
            }
        }

        foreach (var expression in (s["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = (string?)expression["key"] ?? string.Empty;
            var values = (expression["values"] as JsonArray ?? []).Select(v => v?.ToString()).ToHashSet(StringComparer.Ordinal);
            var has = labels.TryGetValue(key, out var actual);
            var ok = (string?)expression["operator"] switch
            {
                "In" => has && values.Contains(actual),
                "NotIn" => !has || !values.Contains(actual),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
