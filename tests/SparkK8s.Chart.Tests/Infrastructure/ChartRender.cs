using System.Collections.Concurrent;
using SparkK8s.Core.Manifests;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests.Infrastructure;

/// <summary>One set of inputs to <c>helm template</c>: values files (relative to the chart), --set pairs, inline YAML.</summary>
public sealed record RenderInput(
    IReadOnlyList<string>? Files = null,
    IReadOnlyList<string>? Sets = null,
    string? ValuesYaml = null,
    string Release = "spark",
    string Namespace = "spark")
{
    public string Key => string.Join(
        "\u001f",
        Release,
        Namespace,
        string.Join(",", Files ?? []),
        string.Join(",", Sets ?? []),
        ValuesYaml ?? string.Empty);

    public static RenderInput Version(string sparkVersion, params string[] sets) =>
        new(Sets: [$"spark.version={sparkVersion}", .. sets]);
}

/// <summary>
/// Renders the chart with the real helm binary (TestHelm) and caches each distinct input for the whole run,
/// so parallel tests that need the same render share one helm process.
/// </summary>
public static class ChartRender
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<Rendered>>> Cache = new();

    public static Task<Rendered> RenderAsync(RenderInput input) =>
        Cache.GetOrAdd(
            input.Key,
            _ => new Lazy<Task<Rendered>>(() => RenderUncachedAsync(input), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    public static Task<Rendered> RenderAsync(string sparkVersion, params string[] sets) =>
        RenderAsync(RenderInput.Version(sparkVersion, sets));

    /// <summary>Renders without caching; for inputs that are expected to fail.</summary>
    /// <summary>The output of a render that must fail (helm's error text); a render that succeeds fails the test.</summary>
    public static async Task<string> RenderErrorAsync(RenderInput input)
    {
        try
        {
            await RenderUncachedAsync(input);
        }
        catch (SparkK8s.Core.Helm.HelmException ex)
        {
            return ex.HelmOutput;
        }

        Assert.Fail("the render succeeded, but it should have been refused");
        return string.Empty;
    }

    /// <summary>The error text of a render of these values alone.</summary>
    public static Task<string> RenderErrorAsync(string values) => RenderErrorAsync(new RenderInput(ValuesYaml: values));

    public static async Task<Rendered> RenderUncachedAsync(RenderInput input)
    {
        var objects = await TestHelm.RenderAsync(
            input.Files,
            input.Sets,
            input.Release,
            input.Namespace,
            input.ValuesYaml,
            CancellationToken.None);
        return new Rendered(objects, input);
    }

    public static readonly string[] SparkVersions = ["3.5", "4.1"];

    public static TheoryData<string> Versions() => new(SparkVersions);
}

/// <summary>A rendered release with queries the tests share.</summary>
public sealed class Rendered(IReadOnlyList<KubeObject> objects, RenderInput input)
{
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string InstanceLabel = "app.kubernetes.io/instance";
    public const string ExecutorTemplateName = "executor-pod-template";

    public IReadOnlyList<KubeObject> Objects { get; } = objects;
    public RenderInput Input { get; } = input;

    public IEnumerable<KubeObject> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    public IEnumerable<KubeObject> WithComponent(string component) =>
        Objects.Where(o => o.Labels.TryGetValue(ComponentLabel, out var c) && c == component);

    public KubeObject Single(string kind, string component)
    {
        var matches = OfKind(kind).Where(o => o.Labels.GetValueOrDefault(ComponentLabel) == component).ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new InvalidOperationException($"expected one {kind} with component {component}, found {matches.Count}");
    }

    /// <summary>Workloads rendered by the chart, plus the executor pod template as a Pod.</summary>
    public IEnumerable<KubeObject> PodWorkloads =>
        Objects.Where(o => o.PodSpec is not null).Concat(ExecutorPodTemplateOrNull is { } t ? [t] : []);

    public string ConfigData(string component, string key) =>
        (string?)Single("ConfigMap", component).Body["data"]?[key]
        ?? throw new InvalidOperationException($"ConfigMap of {component} has no data key {key}");

    public IReadOnlyDictionary<string, string> SparkDefaults(string component) =>
        SparkDefaultsFile.Parse(ConfigData(component, "spark-defaults.conf"));

    public KubeObject ExecutorPodTemplate =>
        ExecutorPodTemplateOrNull ?? throw new InvalidOperationException("no executor pod template rendered");

    /// <summary>Every pod template Spark builds pods from: Connect's executor template and each submit job's driver and executor templates.</summary>
    public IEnumerable<KubeObject> SparkPodTemplates
    {
        get
        {
            if (ExecutorPodTemplateOrNull is { } executor)
            {
                yield return executor;
            }

            // The Airflow KubernetesExecutor's task pod template (component airflow-worker).
            foreach (var map in OfKind("ConfigMap").Where(o => o.Name.EndsWith("-airflow-pod-template", StringComparison.Ordinal)))
            {
                if ((string?)map.Body["data"]?["pod_template.yaml"] is { } text)
                {
                    var name = $"{map.Name}-worker";
                    var body = (System.Text.Json.Nodes.JsonObject)ManifestParser.ParseYaml(text, name)!;
                    body["metadata"]!["name"] = name;
                    yield return new KubeObject(body, name);
                }
            }

            foreach (var map in OfKind("ConfigMap").Where(o => o.Labels.GetValueOrDefault(ComponentLabel) == "job-submitter"))
            {
                foreach (var role in new[] { "driver", "executor" })
                {
                    if ((string?)map.Body["data"]?[$"{role}-pod-template.yaml"] is { } text)
                    {
                        var name = $"{map.Name}-{role}-template";
                        var body = (System.Text.Json.Nodes.JsonObject)ManifestParser.ParseYaml(text, name)!;
                        body["metadata"]!["name"] = name;
                        yield return new KubeObject(body, name);
                    }
                }
            }

            // The operators' applications: kubeflow's spec.driver/executor.template (ScheduledSparkApplication: under
            // spec.template), Apache's spec.driverSpec/executorSpec.podTemplateSpec.
            foreach (var app in Objects.Where(o => o.Kind is "SparkApplication" or "ScheduledSparkApplication"))
            {
                var spec = app.Kind == "ScheduledSparkApplication" ? app.Body["spec"]?["template"] : app.Body["spec"];
                foreach (var role in new[] { "driver", "executor" })
                {
                    var template = spec?[role]?["template"] ?? spec?[$"{role}Spec"]?["podTemplateSpec"];
                    if (template is System.Text.Json.Nodes.JsonObject body)
                    {
                        var name = $"{app.Name}-{role}-template";
                        var pod = (System.Text.Json.Nodes.JsonObject)body.DeepClone();
                        pod["apiVersion"] = "v1";
                        pod["kind"] = "Pod";
                        pod["metadata"] ??= new System.Text.Json.Nodes.JsonObject();
                        pod["metadata"]!["name"] = name;
                        yield return new KubeObject(pod, name);
                    }
                }
            }
        }
    }

    private KubeObject? ExecutorPodTemplateOrNull
    {
        get
        {
            var cm = OfKind("ConfigMap").FirstOrDefault(o => o.Labels.GetValueOrDefault(ComponentLabel) == "connect");
            var text = (string?)cm?.Body["data"]?["executor-pod-template.yaml"];
            if (text is null)
            {
                return null;
            }

            // The template has no name (Spark names executor pods); give it one for test messages.
            var body = (System.Text.Json.Nodes.JsonObject)ManifestParser.ParseYaml(text, ExecutorTemplateName)!;
            body["metadata"]!["name"] = ExecutorTemplateName;
            return new KubeObject(body, ExecutorTemplateName);
        }
    }
}

/// <summary>Parses spark-defaults.conf: "key value" (whitespace-separated), one per line, # comments.</summary>
public static class SparkDefaultsFile
{
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var split = line.IndexOfAny([' ', '\t']);
            if (split < 0)
            {
                throw new FormatException($"spark-defaults.conf line without a value: '{line}'");
            }

            var key = line[..split];
            if (!result.TryAdd(key, line[split..].Trim()))
            {
                throw new FormatException($"spark-defaults.conf has {key} twice");
            }
        }

        return result;
    }
}
