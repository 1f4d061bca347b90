using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Validation.Schema;

/// <summary>
/// Builds the structural-only schema bundle from an upstream Kubernetes OpenAPI v2 document and a CRD schema directory
/// (<c>crds/&lt;group&gt;/&lt;kind&gt;_&lt;version&gt;.json</c>, the datreeio/CRDs-catalog layout): every definition and every
/// CRD, keeping only what <see cref="SchemaValidator"/> and JSON-schema validation read (types, properties, required,
/// items, additionalProperties, $ref, enum, format, bounds, combinators, the int-or-string and preserve-unknown-fields
/// markers, x-kubernetes-group-version-kind); descriptions, examples, defaults, patch and list hints are dropped.
/// </summary>
public static partial class SchemaBundleBuilder
{
    public const int Format = 1;

    /// <summary>Keywords whose value is kept as is.</summary>
    private static readonly HashSet<string> LiteralKeywords = new(StringComparer.Ordinal)
    {
        "type", "required", "enum", "const", "format", "$ref", "pattern", "nullable",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
        "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-group-version-kind",
    };

    /// <summary>Keywords whose value is one schema (or, for items, possibly an array of schemas; for additionalProperties, possibly a boolean).</summary>
    private static readonly HashSet<string> SchemaKeywords = new(StringComparer.Ordinal) { "items", "additionalProperties", "additionalItems", "not" };

    /// <summary>Keywords whose value maps names to schemas.</summary>
    private static readonly HashSet<string> SchemaMapKeywords = new(StringComparer.Ordinal) { "properties", "patternProperties", "definitions", "$defs" };

    /// <summary>Keywords whose value is an array of schemas.</summary>
    private static readonly HashSet<string> SchemaArrayKeywords = new(StringComparer.Ordinal) { "allOf", "anyOf", "oneOf" };

    /// <summary>Reads the sources and returns the bundle document (uncompressed JSON object).</summary>
    public static async Task<JsonObject> BuildAsync(string openApiPath, string crdDirectory, string? kubernetesVersion, CancellationToken cancellationToken)
    {
        if (!File.Exists(openApiPath))
        {
            throw new UserInputException($"openapi: file '{openApiPath}' does not exist; give the Kubernetes OpenAPI v2 document (api/openapi-spec/swagger.json of a release).");
        }

        if (!Directory.Exists(crdDirectory))
        {
            throw new UserInputException($"crds: directory '{crdDirectory}' does not exist; give a directory with <group>/<kind>_<version>.json CRD schemas.");
        }

        var version = kubernetesVersion ?? VersionFromName(Path.GetFileName(openApiPath))
            ?? throw new UserInputException($"kubernetes-version: cannot tell the Kubernetes version from '{Path.GetFileName(openApiPath)}'; name it v<major>.<minor>-swagger.json or pass the version.");
        var sources = new JsonArray();
        var openApi = await ReadAsync(openApiPath, "openapi", cancellationToken).ConfigureAwait(false);
        if (openApi.Node is not JsonObject root || root["definitions"] is not JsonObject upstreamDefinitions)
        {
            throw new UserInputException($"openapi: '{openApiPath}' is not an OpenAPI v2 document (no 'definitions').");
        }

        sources.Add(Source($"kubernetes/{Path.GetFileName(openApiPath)}", openApi.Sha256));
        var definitions = StripMap(upstreamDefinitions);

        var crds = new JsonObject();
        foreach (var file in Directory.EnumerateFiles(crdDirectory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(crdDirectory, file).Replace('\\', '/');
            if (relative.Count(c => c == '/') != 1 || !CrdFileName().IsMatch(Path.GetFileName(file)))
            {
                throw new UserInputException($"crds: '{relative}' is not in the layout <group>/<kind>_<version>.json.");
            }

            var crd = await ReadAsync(file, "crds", cancellationToken).ConfigureAwait(false);
            crds[relative[..^".json".Length].ToLowerInvariant()] = Strip(crd.Node);
            sources.Add(Source($"crds/{relative}", crd.Sha256));
        }

        return new JsonObject
        {
            ["format"] = Format,
            ["kubernetesVersion"] = version,
            ["licence"] = "Apache-2.0 (Kubernetes and the projects that publish these CRDs)",
            ["generator"] = "scripts/generate-schema-bundle.sh",
            ["sources"] = sources,
            ["definitions"] = definitions,
            ["crds"] = crds,
        };
    }

    /// <summary>The bundle as gzip-compressed JSON, byte-for-byte the same for the same sources.</summary>
    public static byte[] Compress(JsonObject bundle)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        using (var writer = new Utf8JsonWriter(gzip))
        {
            bundle.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    /// <summary>A schema without the keywords validation does not read; null for anything that is not a schema object.</summary>
    public static JsonNode? Strip(JsonNode? schema)
    {
        if (schema is not JsonObject obj)
        {
            return schema?.DeepClone();
        }

        var result = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (LiteralKeywords.Contains(key))
            {
                result[key] = value?.DeepClone();
            }
            else if (SchemaKeywords.Contains(key))
            {
                result[key] = value is JsonArray array ? new JsonArray([.. array.Select(Strip)]) : Strip(value);
            }
            else if (SchemaMapKeywords.Contains(key) && value is JsonObject map)
            {
                result[key] = StripMap(map);
            }
            else if (SchemaArrayKeywords.Contains(key) && value is JsonArray options)
            {
                result[key] = new JsonArray([.. options.Select(Strip)]);
            }
        }

        return result;
    }

    /// <summary>The Kubernetes version in a name such as v1.36-swagger.json, or null.</summary>
    public static string? VersionFromName(string name)
    {
        var match = VersionInName().Match(name);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static JsonObject StripMap(JsonObject map)
    {
        var result = new JsonObject();
        foreach (var (name, schema) in map)
        {
            result[name] = Strip(schema);
        }

        return result;
    }

    private static JsonObject Source(string path, string sha256) => new() { ["path"] = path, ["sha256"] = sha256 };

    private static async Task<(JsonNode? Node, string Sha256)> ReadAsync(string path, string argument, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            return (JsonNode.Parse(bytes), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"{argument}: '{path}' is not valid JSON: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{argument}: cannot read '{path}': {ex.Message}", ex);
        }
    }

    [GeneratedRegex(@"^[a-z0-9.-]+_v[0-9a-z]+\.json$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CrdFileName();

    [GeneratedRegex(@"v(\d+\.\d+(?:\.\d+)?)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionInName();
}
