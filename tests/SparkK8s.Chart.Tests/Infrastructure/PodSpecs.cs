using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Chart.Tests.Infrastructure;

/// <summary>Access to the containers of a rendered workload's pod spec.</summary>
public static class PodSpecs
{
    public static IEnumerable<JsonObject> Containers(this KubeObject workload) => Items(workload.PodSpec, "containers");

    public static IEnumerable<JsonObject> InitContainers(this KubeObject workload) => Items(workload.PodSpec, "initContainers");

    public static IEnumerable<JsonObject> AllContainers(this KubeObject workload) =>
        workload.InitContainers().Concat(workload.Containers());

    public static JsonObject Container(this KubeObject workload, string name) =>
        workload.AllContainers().Single(c => (string?)c["name"] == name);

    public static IEnumerable<JsonObject> Items(JsonNode? node, string property) =>
        (node?[property] as JsonArray)?.OfType<JsonObject>() ?? [];

    /// <summary>Labels on the pod template (the object's own labels for a bare Pod).</summary>
    public static IReadOnlyDictionary<string, string> PodLabels(this KubeObject workload)
    {
        var metadata = workload.Kind switch
        {
            "Pod" => workload.Body["metadata"],
            "CronJob" => workload.Body["spec"]?["jobTemplate"]?["spec"]?["template"]?["metadata"],
            _ => workload.Body["spec"]?["template"]?["metadata"],
        };
        return (metadata?["labels"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? string.Empty)
            ?? new Dictionary<string, string>();
    }

    public static string Describe(this KubeObject workload, JsonObject container) =>
        $"{workload.DisplayName} container {(string?)container["name"]}";

    public static IEnumerable<JsonObject> Env(this JsonObject container) => Items(container, "env");

    public static JsonObject EnvVar(this JsonObject container, string name) =>
        container.Env().Single(e => (string?)e["name"] == name);
}
