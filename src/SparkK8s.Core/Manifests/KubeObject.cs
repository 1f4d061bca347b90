using System.Text.Json.Nodes;

namespace SparkK8s.Core.Manifests;

/// <summary>One rendered Kubernetes object, with the template it came from.</summary>
public sealed record KubeObject(JsonObject Body, string? SourceTemplate)
{
    public string ApiVersion => Text(Body["apiVersion"]) ?? string.Empty;
    public string Kind => Text(Body["kind"]) ?? string.Empty;
    public string Name => Text(Body["metadata"]?["name"]) ?? string.Empty;
    public string? Namespace => Text(Body["metadata"]?["namespace"]);

    /// <summary>The API group, empty for the core group.</summary>
    public string Group => ApiVersion.Contains('/') ? ApiVersion[..ApiVersion.IndexOf('/')] : string.Empty;

    /// <summary>The API version without the group ("v1", "v1beta2").</summary>
    public string Version => ApiVersion.Contains('/') ? ApiVersion[(ApiVersion.IndexOf('/') + 1)..] : ApiVersion;

    /// <summary>Labels on the object's metadata.</summary>
    public IReadOnlyDictionary<string, string> Labels =>
        (Body["metadata"]?["labels"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? string.Empty)
        ?? new Dictionary<string, string>();

    /// <summary>"Kind/name", the way kubectl names an object.</summary>
    public string DisplayName => $"{Kind}/{Name}";

    /// <summary>The pod spec of a workload (Pod, Deployment, StatefulSet, Job, CronJob...), or null.</summary>
    public JsonObject? PodSpec => Kind switch
    {
        "Pod" => Body["spec"] as JsonObject,
        "CronJob" => Body["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"] as JsonObject,
        "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Job" => Body["spec"]?["template"]?["spec"] as JsonObject,
        _ => null,
    };

    /// <summary>A scalar as text, whatever its JSON type (a template may render <c>name: 2024</c> as a number); null when absent or not a scalar.</summary>
    private static string? Text(JsonNode? node) =>
        node is JsonValue value ? (value.TryGetValue<string>(out var text) ? text : value.ToJsonString()) : null;
}
