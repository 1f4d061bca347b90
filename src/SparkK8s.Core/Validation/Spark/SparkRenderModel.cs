using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Rendering;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// An executor (or driver) pod template found in a ConfigMap or a SparkApplication of the render; <paramref name="App"/>
/// is the key of the Spark application (<see cref="SparkConf.Key"/>) it belongs to.
/// </summary>
public sealed record PodTemplate(JsonObject Pod, string Object, string Field, string App = "")
{
    public JsonObject? Spec => Pod["spec"] as JsonObject;
}

/// <summary>
/// What the Spark-aware checks look at: the Spark properties of each component (ConfigMap <c>*.conf</c> data with
/// spark.* lines, <c>--conf k=v</c> container arguments, <c>-Dspark.k=v</c> in <c>SPARK_*_OPTS</c> environment
/// variables, SparkApplication specs), pod templates kept in ConfigMaps or SparkApplications, and the objects themselves.
/// Objects labelled spark-k8s.io/job (the chart's batch jobs) and operator applications are keyed by job ("job/name"),
/// so each job is its own Spark application next to the Connect server.
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

    /// <summary>Label naming a batch job on each of its objects and pods.</summary>
    public const string JobLabel = "spark-k8s.io/job";

    /// <summary>Kinds of the Spark operators' application objects.</summary>
    public static readonly IReadOnlySet<string> OperatorKinds = new HashSet<string>(StringComparer.Ordinal) { "SparkApplication", "ScheduledSparkApplication" };

    /// <summary>The Spark Connect server's properties (component "connect" or containing it), or null.</summary>
    public SparkConf? Connect => ComponentConf(c => c.Contains("connect", StringComparison.OrdinalIgnoreCase));

    /// <summary>The History Server's properties (component containing "history", or any conf with spark.history.fs.logDirectory).</summary>
    public SparkConf? HistoryServer =>
        ComponentConf(c => c.Contains("history", StringComparison.OrdinalIgnoreCase))
        ?? ConfByComponent.Values.FirstOrDefault(c => c.Job is null && c.Find("spark.history.fs.logDirectory") is not null);

    /// <summary>The batch jobs' properties (submit Jobs and CronJobs, operator applications), by job name.</summary>
    public IEnumerable<SparkConf> Jobs => ConfByComponent.Values.Where(c => c.Job is not null && !c.IsEmpty).OrderBy(c => c.Job, StringComparer.Ordinal);

    /// <summary>Every Spark application that runs executors: the Connect server (when rendered) and each job.</summary>
    public IEnumerable<SparkConf> Applications => (Connect is { } connect ? [connect] : Array.Empty<SparkConf>()).Concat(Jobs);

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
        ConfByComponent.Where(p => p.Value.Job is null && match(p.Key)).Select(p => p.Value).FirstOrDefault(c => !c.IsEmpty);

    /// <summary>The job a document belongs to: its spark-k8s.io/job label, else an operator application's own name.</summary>
    public static string? JobOf(KubeObject obj) =>
        obj.Labels.TryGetValue(JobLabel, out var job) && job.Length > 0 ? job
        : OperatorKinds.Contains(obj.Kind) ? obj.Name
        : null;

    private static string KeyOf(RenderedDocument document) => JobOf(document.Object) is { } job ? $"job/{job}" : document.Component;

    private SparkConf ConfFor(RenderedDocument document)
    {
        var key = KeyOf(document);
        if (!ConfByComponent.TryGetValue(key, out var conf))
        {
            conf = new SparkConf(key, JobOf(document.Object));
            ConfByComponent[key] = conf;
        }

        return conf;
    }

    private void Collect(RenderedDocument document)
    {
        var obj = document.Object;
        if (OperatorKinds.Contains(obj.Kind))
        {
            CollectOperatorApplication(document);
            return;
        }

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
                        ConfFor(document).Set(new SparkProperty(k, v, obj.DisplayName, $"data[{key}]"));
                    }
                }
                else if ((key.EndsWith(".yaml", StringComparison.Ordinal) || key.EndsWith(".yml", StringComparison.Ordinal)) && TryParsePod(text) is { } pod)
                {
                    PodTemplates.Add((document.Component, new PodTemplate(pod, obj.DisplayName, $"data[{key}]", KeyOf(document))));
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
                    ConfFor(document).Set(new SparkProperty(conf[..eq], conf[(eq + 1)..], document.Object.DisplayName, $"containers[{name}].args"));
                }
                else if (SubmitOptions.TryGetValue(words[i], out var property) && i + 1 < words.Count)
                {
                    ConfFor(document).Set(new SparkProperty(property, words[i + 1], document.Object.DisplayName, $"containers[{name}].args"));
                }
            }

            if (PrimaryResource(words) is { } resource && resource.EndsWith(".py", StringComparison.Ordinal))
            {
                ConfFor(document).PythonApp = true;
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
                        ConfFor(document).Set(new SparkProperty(key, eq < 0 ? string.Empty : option[(eq + 1)..], document.Object.DisplayName, $"containers[{name}].env[{envName}]"));
                    }
                }
            }
        }
    }

    /// <summary>spark-submit options that set a Spark property (SparkSubmitArguments in apache/spark).</summary>
    private static readonly Dictionary<string, string> SubmitOptions = new(StringComparer.Ordinal)
    {
        ["--master"] = "spark.master",
        ["--deploy-mode"] = "spark.submit.deployMode",
        ["--name"] = "spark.app.name",
    };

    /// <summary>spark-submit options that take a value (the primary resource is the first word after them that is no option).</summary>
    private static readonly HashSet<string> ValuedOptions = new(StringComparer.Ordinal)
    {
        "--master", "--deploy-mode", "--name", "--class", "--conf", "--py-files", "--jars", "--files", "--archives", "--packages",
        "--properties-file", "--driver-memory", "--executor-memory", "--driver-cores", "--executor-cores", "--num-executors",
    };

    /// <summary>The primary resource of a spark-submit command line, or null when the words are no spark-submit call.</summary>
    private static string? PrimaryResource(List<string> words)
    {
        var start = words.FindLastIndex(w => w.EndsWith("spark-submit", StringComparison.Ordinal));
        if (start < 0)
        {
            return null;
        }

        for (var i = start + 1; i < words.Count; i++)
        {
            if (ValuedOptions.Contains(words[i]))
            {
                i++;
            }
            else if (!words[i].StartsWith("--", StringComparison.Ordinal))
            {
                return words[i];
            }
        }

        return null;
    }

    /// <summary>
    /// A SparkApplication or ScheduledSparkApplication: spec.sparkConf, the typed sizing fields (kubeflow
    /// sparkoperator.k8s.io/v1beta2 driver/executor; they win over sparkConf there) and the pod templates
    /// (kubeflow spec.{driver,executor}.template, Apache spark.apache.org spec.{driver,executor}Spec.podTemplateSpec).
    /// </summary>
    private void CollectOperatorApplication(RenderedDocument document)
    {
        var obj = document.Object;
        var scheduled = obj.Kind == "ScheduledSparkApplication";
        var prefix = scheduled ? "spec.template" : "spec";
        if ((scheduled ? obj.Body["spec"]?["template"] : obj.Body["spec"]) is not JsonObject spec)
        {
            return;
        }

        var conf = ConfFor(document);
        foreach (var (key, value) in spec["sparkConf"] as JsonObject ?? [])
        {
            if (value is JsonValue v)
            {
                conf.Set(new SparkProperty(key, v.ToString(), obj.DisplayName, $"{prefix}.sparkConf"));
            }
        }

        var apache = obj.ApiVersion.StartsWith("spark.apache.org/", StringComparison.Ordinal);
        if (apache)
        {
            conf.PythonApp = spec["pyFiles"] is JsonValue && spec["mainClass"] is null;
        }
        else
        {
            conf.PythonApp = (string?)spec["type"] == "Python";
            foreach (var role in new[] { "driver", "executor" })
            {
                foreach (var field in new[] { "cores", "memory", "memoryOverhead", "instances" })
                {
                    if (spec[role]?[field] is JsonValue typed && !(role == "driver" && field == "instances"))
                    {
                        conf.Set(new SparkProperty($"spark.{role}.{field}", typed.ToString(), obj.DisplayName, $"{prefix}.{role}.{field}"));
                    }
                }
            }

            if ((string?)spec["driver"]?["serviceAccount"] is { } account)
            {
                conf.Set(new SparkProperty("spark.kubernetes.authenticate.driver.serviceAccountName", account, obj.DisplayName, $"{prefix}.driver.serviceAccount"));
            }
        }

        foreach (var role in new[] { "driver", "executor" })
        {
            var field = apache ? $"{role}Spec.podTemplateSpec" : $"{role}.template";
            var node = apache ? spec[$"{role}Spec"]?["podTemplateSpec"] : spec[role]?["template"];
            if (node is JsonObject template && template["spec"] is JsonObject)
            {
                var pod = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod" };
                foreach (var (k, v) in template)
                {
                    pod[k] = v?.DeepClone();
                }

                PodTemplates.Add((ComponentOf(pod, $"job-{role}"), new PodTemplate(pod, obj.DisplayName, $"{prefix}.{field}", KeyOf(document))));
            }
        }
    }

    private static string ComponentOf(JsonObject pod, string fallback) =>
        (string?)pod["metadata"]?["labels"]?[RenderedDocument.ComponentLabel] is { Length: > 0 } component ? component : fallback;

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
