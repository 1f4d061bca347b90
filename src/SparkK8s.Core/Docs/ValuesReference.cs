using System.Text.Json;
using System.Text.Json.Nodes;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Manifests;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SparkK8s.Core.Docs;

/// <summary>One documented (or undocumented) key of values.yaml.</summary>
public sealed record ValuesKey(string Path, string Type, string Default, string? Description, int Line);

/// <summary>
/// Reads values.yaml with its helm-docs comments: a <c># -- description</c> line directly above a key, continued by
/// the <c># ...</c> lines below it; <c># @default -- text</c> replaces the shown default. A key without a description is
/// covered when one of its parent maps has one.
/// </summary>
public static class ValuesReference
{
    public static async Task<IReadOnlyList<ValuesKey>> ReadAsync(string valuesPath, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(valuesPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"--chart: cannot read '{valuesPath}': {ex.Message}", ex);
        }

        var keys = Parse(text, valuesPath);
        var schemaPath = Path.Combine(Path.GetDirectoryName(valuesPath) ?? ".", "values.schema.json");
        if (!File.Exists(schemaPath))
        {
            return keys;
        }

        string schema;
        try
        {
            schema = await File.ReadAllTextAsync(schemaPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"--chart: cannot read '{schemaPath}': {ex.Message}", ex);
        }

        return WithMapEntries(keys, schema, schemaPath);
    }

    /// <summary>
    /// Adds the keys of each map entry that the schema describes but values.yaml cannot show (a map that is empty by
    /// default, such as <c>jobs</c>): for every top-level key whose schema has <c>additionalProperties</c> with
    /// properties, the entry's keys as <c>key.&lt;name&gt;.*</c>, right after the map's own row, from the schema's
    /// descriptions (its <c>type</c>, <c>default</c> and, where set, <c>enum</c>).
    /// </summary>
    public static IReadOnlyList<ValuesKey> WithMapEntries(IReadOnlyList<ValuesKey> keys, string schemaText, string sourceName)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(schemaText) as JsonObject;
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"{sourceName}: invalid JSON: {ex.Message}", ex);
        }

        var result = keys.ToList();
        foreach (var (name, node) in root?["properties"] as JsonObject ?? [])
        {
            if (node?["additionalProperties"] is not JsonObject entry || entry["properties"] is not JsonObject { Count: > 0 } properties)
            {
                continue;
            }

            var at = result.FindIndex(k => k.Path == name);
            if (at < 0)
            {
                continue;
            }

            var entries = new List<ValuesKey>();
            SchemaKeys(properties, $"{name}.<name>", result[at].Line, entries);
            result.InsertRange(at + 1, entries);
        }

        return result;
    }

    private static void SchemaKeys(JsonObject properties, string prefix, int line, List<ValuesKey> keys)
    {
        foreach (var (name, node) in properties)
        {
            if (node is not JsonObject schema)
            {
                continue;
            }

            var path = $"{prefix}.{name}";
            var type = SchemaType(schema);
            var allowed = schema["enum"] is JsonArray values ? $" One of: {string.Join(", ", values.Select(v => v?.ToJsonString()))}." : string.Empty;
            keys.Add(new ValuesKey(path, type, schema["default"] is { } fallback ? fallback.ToJsonString() : "-", (string?)schema["description"] + allowed, line));
            if (schema["properties"] is JsonObject children)
            {
                SchemaKeys(children, path, line, keys);
            }
            else if (schema["items"]?["properties"] is JsonObject itemProperties)
            {
                SchemaKeys(itemProperties, $"{path}[]", line, keys);
            }
        }
    }

    private static string SchemaType(JsonObject schema) => (string?)(schema["type"] as JsonValue) switch
    {
        "array" => "list",
        "boolean" => "bool",
        "integer" => "int",
        "number" => "float",
        { } other => other,
        null => "string",
    };

    public static IReadOnlyList<ValuesKey> Parse(string text, string sourceName)
    {
        var stream = new YamlStream();
        try
        {
            ManifestParser.CheckDepth(text, sourceName);
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new UserInputException($"{sourceName}: invalid YAML at line {ex.Start.Line}: {ManifestParser.YamlMessage(ex)}", ex);
        }

        var keys = new List<ValuesKey>();
        if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root)
        {
            Walk(root, string.Empty, text.Split('\n'), keys);
        }

        return keys;
    }

    /// <summary>Keys that have no description and no described parent map.</summary>
    public static IReadOnlyList<ValuesKey> Undocumented(IReadOnlyList<ValuesKey> keys)
    {
        var documented = keys.Where(k => k.Description is not null).Select(k => k.Path).ToHashSet(StringComparer.Ordinal);
        return keys.Where(k => k.Description is null && !documented.Any(d => k.Path.StartsWith(d + ".", StringComparison.Ordinal))).ToList();
    }

    private static void Walk(YamlMappingNode mapping, string prefix, string[] lines, List<ValuesKey> keys)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            var name = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            var path = prefix.Length == 0 ? Segment(name) : $"{prefix}.{Segment(name)}";
            var line = (int)keyNode.Start.Line;
            var (description, defaultOverride) = CommentAbove(lines, line);
            var json = ManifestParser.ToJson(value);
            keys.Add(new ValuesKey(path, TypeOf(json), defaultOverride ?? DefaultOf(json), description, line));
            if (value is YamlMappingNode child)
            {
                Walk(child, path, lines, keys);
            }
        }
    }

    private static string Segment(string name) =>
        name.Length > 0 && name.All(c => char.IsLetterOrDigit(c) || c is '_' or '-') ? name : $"\"{name}\"";

    /// <summary>The helm-docs comment block ending right above line <paramref name="line"/> (1-based).</summary>
    private static (string? Description, string? Default) CommentAbove(string[] lines, int line)
    {
        var block = new List<string>();
        for (var i = line - 2; i >= 0; i--)
        {
            var trimmed = lines[i].Trim();
            if (!trimmed.StartsWith('#'))
            {
                break;
            }

            block.Insert(0, trimmed);
            if (trimmed.StartsWith("# --", StringComparison.Ordinal))
            {
                break;
            }
        }

        if (block.Count == 0 || !block[0].StartsWith("# --", StringComparison.Ordinal))
        {
            return (null, null);
        }

        string? defaultOverride = null;
        var parts = new List<string> { block[0]["# --".Length..].Trim() };
        foreach (var comment in block.Skip(1))
        {
            var content = comment.TrimStart('#').Trim();
            if (content.StartsWith("@default --", StringComparison.Ordinal))
            {
                defaultOverride = content["@default --".Length..].Trim();
            }
            else if (content.Length > 0)
            {
                parts.Add(content);
            }
        }

        var description = string.Join(' ', parts.Where(p => p.Length > 0));
        return (description.Length == 0 ? null : description, defaultOverride);
    }

    private static string TypeOf(JsonNode? node) => node switch
    {
        JsonObject => "object",
        JsonArray => "list",
        null => "string",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "bool",
            JsonValueKind.Number => node.ToJsonString().Contains('.', StringComparison.Ordinal) ? "float" : "int",
            _ => "string",
        },
    };

    private static string DefaultOf(JsonNode? node) =>
        node is null ? "null" : node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
