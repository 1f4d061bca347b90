using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Validation.Schema;

/// <summary>
/// A schema to validate one kind against, with the document its <c>$ref</c>s point into; <paramref name="FromFallback"/>
/// when the store's own documents lack the kind and the embedded bundle supplied it.
/// </summary>
public sealed record KindSchema(JsonElement Schema, JsonElement? Definitions, string Source, bool FromFallback = false);

/// <summary>
/// The schemas of one source — a directory, the user cache (with the embedded bundle behind it for kinds the cluster
/// document lacks) or the embedded bundle — loaded once per process: the Kubernetes OpenAPI v2 definitions indexed by
/// <c>x-kubernetes-group-version-kind</c>, and CRD schemas looked up on first use.
/// </summary>
public sealed class SchemaStore
{
    private static readonly ConcurrentDictionary<string, Lazy<SchemaStore>> Stores = new(StringComparer.Ordinal);
    private static readonly Lazy<SchemaStore> LazyEmbedded = new(() => FromBundle(SchemaBundle.Embedded));

    private readonly Dictionary<string, string> _definitionByKind = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KindSchema?> _crds = new(StringComparer.Ordinal);
    private readonly JsonElement _definitions;
    private readonly string _definitionsName;
    private readonly Func<string, KindSchema?> _loadCrd;

    private SchemaStore(SchemaSource source, JsonElement definitions, string definitionsName, Func<string, KindSchema?> loadCrd, SchemaStore? fallback)
    {
        Source = source;
        Fallback = fallback;
        _definitions = definitions;
        _definitionsName = definitionsName;
        _loadCrd = loadCrd;
        foreach (var definition in _definitions.EnumerateObject())
        {
            if (!definition.Value.TryGetProperty("x-kubernetes-group-version-kind", out var kinds) || kinds.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var gvk in kinds.EnumerateArray())
            {
                var key = Key(Text(gvk, "group"), Text(gvk, "version"), Text(gvk, "kind"));
                _definitionByKind.TryAdd(key, definition.Name);
            }
        }
    }

    public SchemaSource Source { get; }

    /// <summary>The store asked for kinds this one lacks (the embedded bundle behind the cache), or null.</summary>
    public SchemaStore? Fallback { get; }

    /// <summary>The directory, or "embedded" for the bundle.</summary>
    public string Directory => Source.Location;

    /// <summary>The embedded structural-only bundle.</summary>
    public static SchemaStore Embedded => LazyEmbedded.Value;

    /// <summary>A directory given with <c>--schema-location</c>: only its own documents count.</summary>
    public static SchemaStore Open(string directory) => OpenDirectory(directory, SchemaSourceKind.Directory);

    /// <summary>The user cache filled by <c>schemas fetch</c>; kinds it lacks come from the embedded bundle.</summary>
    public static SchemaStore OpenCache(string directory) => OpenDirectory(directory, SchemaSourceKind.Cache);

    /// <summary>A store over a bundle (the embedded one, or one a test built).</summary>
    public static SchemaStore FromBundle(SchemaBundle bundle)
    {
        return new SchemaStore(
            new SchemaSource(SchemaSourceKind.Bundle, "embedded", bundle.KubernetesVersion),
            bundle.Definitions,
            "bundle:" + Path.GetFileName(bundle.DefinitionsSource),
            key => bundle.Crds.TryGetProperty(key, out var schema)
                ? new KindSchema(schema, DefinitionsOf(schema), $"bundle:crds/{key}.json")
                : null,
            fallback: null);
    }

    public static string Key(string group, string version, string kind) => $"{group}/{version}/{kind}";

    /// <summary>The schema of a kind, or null when neither this store nor its fallback has one.</summary>
    public KindSchema? Find(string group, string version, string kind)
    {
        var own = FindOwn(group, version, kind);
        if (own is not null || Fallback is null)
        {
            return own;
        }

        return Fallback.Find(group, version, kind) is { } fallback ? fallback with { FromFallback = true } : null;
    }

    private KindSchema? FindOwn(string group, string version, string kind)
    {
        if (_definitionByKind.TryGetValue(Key(group, version, kind), out var name))
        {
            return new KindSchema(_definitions.GetProperty(name), _definitions, $"{_definitionsName}#{name}");
        }

        return group.Length == 0
            ? null
            : _crds.GetOrAdd(Key(group, version, kind), _ => _loadCrd($"{group}/{kind.ToLower(CultureInfo.InvariantCulture)}_{version}"));
    }

    private static SchemaStore OpenDirectory(string directory, SchemaSourceKind kind) =>
        Stores.GetOrAdd($"{kind}:{Path.GetFullPath(directory)}", _ => new Lazy<SchemaStore>(() => LoadDirectory(Path.GetFullPath(directory), kind))).Value;

    private static SchemaStore LoadDirectory(string directory, SchemaSourceKind kind)
    {
        // A broken cache is fixed by fetching again; a broken --schema-location by pointing it elsewhere.
        var what = kind == SchemaSourceKind.Cache ? "schema cache" : SchemaLocation.Flag;
        var fix = kind == SchemaSourceKind.Cache
            ? $" Run 'spark-k8s schemas fetch' again, or delete {Path.Combine(directory, "kubernetes")} to use the embedded bundle."
            : string.Empty;
        var swaggerPath = SchemaLocation.FindSwagger(directory, latestWritten: kind == SchemaSourceKind.Cache)
            ?? throw new UserInputException($"{SchemaLocation.Flag}: '{directory}' has no kubernetes/*swagger*.json. {SchemaLocation.HowToFill}");
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(swaggerPath);
            document = JsonDocument.Parse(stream);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new UserInputException($"{what}: cannot read '{swaggerPath}': {ex.Message.TrimEnd('.')}.{fix}", ex);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("definitions", out var definitions) || definitions.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"{what}: '{swaggerPath}' is not an OpenAPI v2 document (no 'definitions').{fix}");
        }

        var name = Path.GetFileName(swaggerPath);
        var source = new SchemaSource(kind, directory, SchemaBundleBuilder.VersionFromName(name) ?? "unknown");
        return new SchemaStore(source, definitions, name, key => LoadCrd(directory, key), kind == SchemaSourceKind.Cache ? Embedded : null);
    }

    private static KindSchema? LoadCrd(string directory, string key)
    {
        var path = Path.Combine(directory, "crds", key + ".json");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
            return new KindSchema(root, DefinitionsOf(root), Path.GetRelativePath(directory, path));
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"{SchemaLocation.Flag}: '{path}' is not valid JSON: {ex.Message}", ex);
        }
    }

    private static JsonElement? DefinitionsOf(JsonElement schema) =>
        schema.ValueKind != JsonValueKind.Object ? null
        : schema.TryGetProperty("definitions", out var d) ? d
        : schema.TryGetProperty("$defs", out var defs) ? defs
        : null;

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;
}
