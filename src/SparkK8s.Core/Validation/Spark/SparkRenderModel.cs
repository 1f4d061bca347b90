using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Rendering;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>An executor (or driver) pod template found in a ConfigMap of the render.</summary>
public sealed record PodTemplate(JsonObject Pod, string Object, string Field)
{
    public JsonObject? Spec => Pod["spec"] as JsonObject;
}

/// <summary>
/// What the Spark-aware checks look at: the Spark properties of each component (ConfigMap <c>*.conf</c> data with
/// spark.* lines, <c>--conf k=v</c> container arguments, <c>-Dspark.k=v</c> in <c>SPARK_*_OPTS</c> environment
/// variables), pod templates kept in ConfigMaps, and the objects themselves.
/// </summary>
public sealed class SparkRenderModel
{
    private SparkRenderModel(IReadOnlyList<RenderedDocument> documents)
    {
        Documents = documents;
    }

    public IReadOnlyList<RenderedDocument> Documents { get; }
    public IEnumerable<KubeObject> Objects => Documents.Select(d => d.Object);
    public Dictionary<string, SparkConf> ConfByComponent { get; } = new(StringComparer.Ordinal);
    public List<(string Component, PodTemplate Template)> PodTemplates { get; } = [];

    /// <summary>The Spark Connect server's properties (component "connect" or containing it), or null.</summary>
    public SparkConf? Connect => ComponentConf(c => c.Contains("connect", StringComparison.OrdinalIgnoreCase));

    /// <summary>The History Server's properties (component containing "history", or any conf with spark.history.fs.logDirectory).</summary>
    public SparkConf? HistoryServer =>
        ComponentConf(c => c.Contains("history", StringComparison.OrdinalIgnoreCase))
        ?? ConfByComponent.Values.FirstOrDefault(c => c.Find("spark.history.fs.logDirectory") is not null);

    /// <summary>Whether the render has a History Server workload.</summary>
    public bool HasHistoryServer => Documents.Any(d => d.Object.PodSpec is not null
        && (d.Component.Contains("history", StringComparison.OrdinalIgnoreCase) || HistoryServerConfigured(d.Component)));

    public IEnumerable<RenderedDocument> Workloads(Func<string, bool> component) =>
        Documents.Where(d => d.Object.PodSpec is not null && component(d.Component));

    public static SparkRenderModel From(IReadOnlyList<RenderedDocument> documents)
    {
        var model = new SparkRenderModel(documents);
        foreach (var document in documents)
        {
            model.Collect(document);
        }

        return model;
    }

    private bool HistoryServerConfigured(string component) =>
        ConfByComponent.TryGetValue(component, out var conf) && conf.Find("spark.history.fs.logDirectory") is not null;

    private SparkConf? ComponentConf(Func<string, bool> match) =>
        ConfByComponent.Where(p => match(p.Key)).Select(p => p.Value).FirstOrDefault(c => !c.IsEmpty);

    private SparkConf ConfFor(string component)
    {
        if (!ConfByComponent.TryGetValue(component, out var conf))
        {
            conf = new SparkConf();
            ConfByComponent[component] = conf;
        }

        return conf;
    }

    private void Collect(RenderedDocument document)
    {
        var obj = document.Object;
        if (obj.Kind == "ConfigMap" && obj.Body["data"] is JsonObject data)
        {
            foreach (var (key, value) in data)
            {
                var text = value?.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : null;
                if (text is null)
                {
                    continue;
                }

                if (key.EndsWith(".conf", StringComparison.Ordinal) || key.EndsWith(".properties", StringComparison.Ordinal))
                {
                    foreach (var (k, v) in SparkConf.ParseDefaults(text).Where(p => p.Key.StartsWith("spark.", StringComparison.Ordinal)))
                    {
                        ConfFor(document.Component).Set(new SparkProperty(k, v, obj.DisplayName, $"data[{key}]"));
                    }
                }
                else if ((key.EndsWith(".yaml", StringComparison.Ordinal) || key.EndsWith(".yml", StringComparison.Ordinal)) && TryParsePod(text) is { } pod)
                {
                    PodTemplates.Add((document.Component, new PodTemplate(pod, obj.DisplayName, $"data[{key}]")));
                }
            }
        }

        if (obj.PodSpec is { } spec)
        {
            CollectContainers(document, spec);
        }
    }

    private void CollectContainers(RenderedDocument document, JsonObject spec)
    {
        if (spec["containers"] is not JsonArray containers)
        {
            return;
        }

        foreach (var container in containers.OfType<JsonObject>())
        {
            var name = (string?)container["name"] ?? "?";
            var words = new List<string>();
            foreach (var field in new[] { "command", "args" })
            {
                words.AddRange((container[field] as JsonArray ?? []).Select(w => w?.ToString() ?? string.Empty));
            }

            for (var i = 0; i < words.Count; i++)
            {
                var conf = words[i] == "--conf" && i + 1 < words.Count ? words[i + 1]
                    : words[i].StartsWith("--conf=", StringComparison.Ordinal) ? words[i]["--conf=".Length..] : null;
                if (conf is not null && conf.Contains('=', StringComparison.Ordinal))
                {
                    var eq = conf.IndexOf('=', StringComparison.Ordinal);
                    ConfFor(document.Component).Set(new SparkProperty(conf[..eq], conf[(eq + 1)..], document.Object.DisplayName, $"containers[{name}].args"));
                }
                else if (words[i] == "--master" && i + 1 < words.Count)
                {
                    ConfFor(document.Component).Set(new SparkProperty("spark.master", words[i + 1], document.Object.DisplayName, $"containers[{name}].args"));
                }
            }

            foreach (var env in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var envName = (string?)env["name"] ?? string.Empty;
                if (env["value"] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String
                    && (envName.EndsWith("_OPTS", StringComparison.Ordinal) || envName == "JAVA_TOOL_OPTIONS"))
                {
                    foreach (var option in value.GetValue<string>().Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(o => o.StartsWith("-Dspark.", StringComparison.Ordinal)))
                    {
                        var eq = option.IndexOf('=', StringComparison.Ordinal);
                        var key = eq < 0 ? option[2..] : option[2..eq];
                        ConfFor(document.Component).Set(new SparkProperty(key, eq < 0 ? string.Empty : option[(eq + 1)..], document.Object.DisplayName, $"containers[{name}].env[{envName}]"));
                    }
                }
            }
        }
    }

    private static JsonObject? TryParsePod(string text)
    {
        try
        {
            return ManifestParser.ParseYaml(text, "pod template") is JsonObject { } pod && (string?)pod["kind"] == "Pod" ? pod : null;
        }
        catch (Errors.UserInputException)
        {
            return null;
        }
    }
}
