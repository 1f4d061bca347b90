using System.Text.Json.Nodes;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Core.Composer;

/// <summary>A component `spark-k8s new` can add: the values key it switches, what it needs, and what it merges.</summary>
/// <param name="Switched">whether the component has an <c>enabled</c> switch under its values key (false: it only merges its overlay, e.g. example jobs).</param>
public sealed record CatalogComponent(
    string Name, string ValuesKey, string Description, IReadOnlyList<string> Requires, IReadOnlyList<string> Backends, JsonObject? Overlay,
    bool Switched = true)
{
    /// <summary>The Spark lines (spark.releases keys) the component works on; empty: every line. `new` pins the first one
    /// and refuses another with --spark-version; `validate --all` skips the other lines of presets that use it.</summary>
    public IReadOnlyList<string> SparkLines { get; init; } = [];
}

/// <summary>A backend `spark-k8s new --backend` can pick.</summary>
public sealed record CatalogBackend(string Name, string Description, IReadOnlyList<string> Requires, JsonObject? Overlay);

/// <summary>A preset's recipe: what `spark-k8s new --from` composes it from.</summary>
public sealed record PresetRecipe(string Name, string Description, IReadOnlyList<string> Notes, IReadOnlyList<string> With, string Backend);

/// <summary>
/// The component catalog of a chart (<c>compose.yaml</c> beside Chart.yaml): components, backends, the external-S3
/// fallback and the recipes of the chart's presets.
/// </summary>
public sealed class ComposeCatalog
{
    public const string FileName = "compose.yaml";

    /// <summary>The pseudo-requirement met by the minio component or by an external S3 endpoint.</summary>
    public const string S3 = "s3";

    public const string MinioComponent = "minio";

    private ComposeCatalog(
        IReadOnlyList<CatalogComponent> components, IReadOnlyList<CatalogBackend> backends, JsonObject? externalS3Overlay,
        IReadOnlyList<string> externalS3Notes, IReadOnlyList<PresetRecipe> presets)
    {
        Components = components;
        Backends = backends;
        ExternalS3Overlay = externalS3Overlay;
        ExternalS3Notes = externalS3Notes;
        Presets = presets;
    }

    /// <summary>Components in catalog order: the order of their blocks in a composed overlay.</summary>
    public IReadOnlyList<CatalogComponent> Components { get; }

    public IReadOnlyList<CatalogBackend> Backends { get; }

    public JsonObject? ExternalS3Overlay { get; }

    public IReadOnlyList<string> ExternalS3Notes { get; }

    public IReadOnlyList<PresetRecipe> Presets { get; }

    public static ComposeCatalog Load(string chartDirectory)
    {
        var path = Path.Combine(chartDirectory, FileName);
        if (!File.Exists(path))
        {
            throw new UserInputException($"--chart: '{chartDirectory}' has no {FileName}, the component catalog 'spark-k8s new' composes from; point --chart at charts/spark-k8s.");
        }

        var root = ManifestParser.ParseYaml(File.ReadAllText(path), path) as JsonObject
            ?? throw new UserInputException($"{path}: the catalog is not a YAML mapping.");
        var components = Section(root, "components", path)
            .Select(p => new CatalogComponent(
                p.Key,
                IsSwitched(p.Value) ? Text(p.Value, "values", $"components.{p.Key}", path) : string.Empty,
                Text(p.Value, "description", $"components.{p.Key}", path),
                List(p.Value, "requires"),
                List(p.Value, "backends"),
                p.Value?["overlay"] as JsonObject,
                IsSwitched(p.Value))
            {
                SparkLines = List(p.Value, "sparkLines"),
            })
            .ToList();
        var backends = Section(root, "backends", path)
            .Select(p => new CatalogBackend(p.Key, Text(p.Value, "description", $"backends.{p.Key}", path), List(p.Value, "requires"), p.Value?["overlay"] as JsonObject))
            .ToList();
        var external = root["s3"]?["external"];
        var presets = Section(root, "presets", path)
            .Select(p => new PresetRecipe(
                p.Key,
                Text(p.Value, "description", $"presets.{p.Key}", path),
                List(p.Value, "notes"),
                List(p.Value, "with"),
                Text(p.Value, "backend", $"presets.{p.Key}", path)))
            .ToList();
        var catalog = new ComposeCatalog(components, backends, external?["overlay"] as JsonObject, List(external, "notes"), presets);
        catalog.CheckConsistency(path);
        return catalog;
    }

    public CatalogComponent? FindComponent(string name) =>
        Components.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal))
        ?? Components.FirstOrDefault(c => c.Switched && string.Equals(c.ValuesKey, name, StringComparison.Ordinal));

    public CatalogBackend? FindBackend(string name) => Backends.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.Ordinal));

    public PresetRecipe? FindPreset(string name) => Presets.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));

    /// <summary>The Spark lines every one of the given components works on (null: no component restricts them).</summary>
    public static IReadOnlyList<string>? SparkLinesOf(IEnumerable<CatalogComponent> components)
    {
        IReadOnlyList<string>? lines = null;
        foreach (var component in components.Where(c => c.SparkLines.Count > 0))
        {
            lines = lines is null ? component.SparkLines : lines.Intersect(component.SparkLines, StringComparer.Ordinal).ToList();
        }

        return lines;
    }

    /// <summary>A catalog whose requirements name nothing it has is a chart bug: say where.</summary>
    private void CheckConsistency(string path)
    {
        foreach (var component in Components)
        {
            foreach (var required in component.Requires.Where(r => r != S3 && FindComponent(r) is null))
            {
                throw new UserInputException($"{path}: components.{component.Name}.requires names '{required}', which is not a component of the catalog.");
            }

            foreach (var backend in component.Backends.Where(b => FindBackend(b) is null))
            {
                throw new UserInputException($"{path}: components.{component.Name}.backends names '{backend}', which is not a backend of the catalog.");
            }
        }

        foreach (var backend in Backends)
        {
            foreach (var required in backend.Requires.Where(r => r != S3 && FindComponent(r) is null))
            {
                throw new UserInputException($"{path}: backends.{backend.Name}.requires names '{required}', which is not a component of the catalog.");
            }
        }

        foreach (var preset in Presets)
        {
            foreach (var name in preset.With.Where(n => FindComponent(n) is null))
            {
                throw new UserInputException($"{path}: presets.{preset.Name}.with names '{name}', which is not a component of the catalog.");
            }

            if (FindBackend(preset.Backend) is null)
            {
                throw new UserInputException($"{path}: presets.{preset.Name}.backend '{preset.Backend}' is not a backend of the catalog.");
            }
        }
    }

    /// <summary>A component has an `enabled` switch unless its entry says `switch: false`.</summary>
    private static bool IsSwitched(JsonNode? component) =>
        component?["switch"] is not JsonValue switched || !switched.TryGetValue<bool>(out var on) || on;

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Section(JsonObject root, string key, string path) =>
        root[key] as JsonObject ?? throw new UserInputException($"{path}: the '{key}' section is missing or is not a mapping.");

    private static string Text(JsonNode? node, string key, string where, string path) =>
        node?[key] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0
            ? text
            : throw new UserInputException($"{path}: {where}.{key} is missing; give it a text value.");

    private static IReadOnlyList<string> List(JsonNode? node, string key) =>
        node?[key] is JsonArray array ? array.Select(item => item?.GetValue<string>() ?? string.Empty).ToList() : [];
}
