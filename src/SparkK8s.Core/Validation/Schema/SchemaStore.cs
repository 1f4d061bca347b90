using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Validation.Schema;

/// <summary>A schema to validate one kind against, with the document its <c>$ref</c>s point into.</summary>
public sealed record KindSchema(JsonElement Schema, JsonElement? Definitions, string Source);

/// <summary>
/// The schemas of one location, loaded once per process: the Kubernetes OpenAPI v2 definitions indexed by
/// <c>x-kubernetes-group-version-kind</c>, and CRD schemas read on first use.
/// </summary>
public sealed class SchemaStore
{
    private static readonly ConcurrentDictionary<string, Lazy<SchemaStore>> Stores = new(StringComparer.Ordinal);

    private readonly Dictionary<string, string> _definitionByKind = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KindSchema?> _crds = new(StringComparer.Ordinal);
    private readonly JsonElement _definitions;

    private SchemaStore(string directory)
    {
        Directory = directory;
        SwaggerPath = SchemaLocation.FindSwagger(directory)
            ?? throw new UserInputException($"{SchemaLocation.Flag}: '{directory}' has no kubernetes/*swagger*.json. {SchemaLocation.HowToFill}");
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(SwaggerPath);
            document = JsonDocument.Parse(stream);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new UserInputException($"{SchemaLocation.Flag}: cannot read '{SwaggerPath}': {ex.Message}", ex);
        }

        if (!document.RootElement.TryGetProperty("definitions", out _definitions))
        {
            throw new UserInputException($"{SchemaLocation.Flag}: '{SwaggerPath}' is not an OpenAPI v2 document (no 'definitions').");
        }

        foreach (var definition in _definitions.EnumerateObject())
        {
            if (!definition.Value.TryGetProperty("x-kubernetes-group-version-kind", out var kinds))
            {
                continue;
            }

            foreach (var gvk in kinds.EnumerateArray())
            {
                var key = Key(gvk.GetProperty("group").GetString() ?? string.Empty, gvk.GetProperty("version").GetString() ?? string.Empty, gvk.GetProperty("kind").GetString() ?? string.Empty);
                _definitionByKind.TryAdd(key, definition.Name);
            }
        }
    }

    public string Directory { get; }
    public string SwaggerPath { get; }

    public static SchemaStore Open(string directory) =>
        Stores.GetOrAdd(Path.GetFullPath(directory), d => new Lazy<SchemaStore>(() => new SchemaStore(d))).Value;

    public static string Key(string group, string version, string kind) => $"{group}/{version}/{kind}";

    /// <summary>The schema of a kind, or null when the location has none.</summary>
    public KindSchema? Find(string group, string version, string kind)
    {
        if (_definitionByKind.TryGetValue(Key(group, version, kind), out var name))
        {
            return new KindSchema(_definitions.GetProperty(name), _definitions, $"{Path.GetFileName(SwaggerPath)}#{name}");
        }

        return group.Length == 0 ? null : _crds.GetOrAdd(Key(group, version, kind), _ => LoadCrd(group, version, kind));
    }

    private KindSchema? LoadCrd(string group, string version, string kind)
    {
        var path = Path.Combine(Directory, "crds", group, $"{kind.ToLower(CultureInfo.InvariantCulture)}_{version}.json");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var root = JsonDocument.Parse(File.ReadAllText(path)).RootElement;
            JsonElement? definitions = root.TryGetProperty("definitions", out var d) ? d : root.TryGetProperty("$defs", out var defs) ? defs : null;
            return new KindSchema(root, definitions, Path.GetRelativePath(Directory, path));
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"{SchemaLocation.Flag}: '{path}' is not valid JSON: {ex.Message}", ex);
        }
    }
}
