using System.Text.Json;
using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;
using SparkK8s.Testing;

namespace SparkK8s.Chart.Tests.Infrastructure;

/// <summary>
/// Strict structural check of rendered objects against the Kubernetes OpenAPI v2 definitions in
/// ../shared/k8s-schemas (like kubeconform -strict): unknown fields, wrong types and missing required
/// fields are reported; IntOrString takes integers and Quantity takes numbers.
/// </summary>
public static class KubeSchema
{
    private const string Prefix = "#/definitions/";
    private static readonly Lazy<(JsonObject Definitions, Dictionary<(string, string, string), string> ByKind)> Loaded = new(Load);

    public static IReadOnlyList<string> Validate(KubeObject obj)
    {
        var (definitions, byKind) = Loaded.Value;
        var problems = new List<string>();
        if (!byKind.TryGetValue((obj.Group, obj.Version, obj.Kind), out var name))
        {
            problems.Add($"{obj.DisplayName}: no schema for {obj.ApiVersion} {obj.Kind}");
            return problems;
        }

        Check(obj.Body, definitions[name]!.AsObject(), obj.DisplayName, definitions, problems);
        return problems;
    }

    private static void Check(JsonNode? value, JsonObject schema, string path, JsonObject definitions, List<string> problems)
    {
        if (schema["$ref"] is JsonValue reference)
        {
            var target = ((string)reference!)[Prefix.Length..];
            Check(value, definitions[target]!.AsObject(), path, definitions, problems);
            return;
        }

        if (value is null)
        {
            return;
        }

        var type = (string?)schema["type"];
        var format = (string?)schema["format"];
        switch (value)
        {
            case JsonObject obj when schema["properties"] is JsonObject properties:
                foreach (var required in (schema["required"] as JsonArray ?? []).Select(r => (string)r!))
                {
                    if (!obj.ContainsKey(required))
                    {
                        problems.Add($"{path}: missing required field {required}");
                    }
                }

                foreach (var (key, child) in obj)
                {
                    if (properties[key] is JsonObject childSchema)
                    {
                        Check(child, childSchema, $"{path}.{key}", definitions, problems);
                    }
                    else
                    {
                        problems.Add($"{path}: unknown field {key}");
                    }
                }

                break;
            case JsonObject obj when schema["additionalProperties"] is JsonObject values:
                foreach (var (key, child) in obj)
                {
                    Check(child, values, $"{path}.{key}", definitions, problems);
                }

                break;
            case JsonObject when type is not null and not "object":
                problems.Add($"{path}: object where {type} is expected");
                break;
            case JsonArray array when type == "array":
                var items = schema["items"]?.AsObject();
                for (var i = 0; items is not null && i < array.Count; i++)
                {
                    Check(array[i], items, $"{path}[{i}]", definitions, problems);
                }

                break;
            case JsonArray when type is not null:
                problems.Add($"{path}: array where {type} is expected");
                break;
            case JsonValue scalar:
                var kind = scalar.GetValueKind();
                var ok = type switch
                {
                    "string" => kind == JsonValueKind.String
                        || (format == "int-or-string" && kind == JsonValueKind.Number)
                        || (schema["description"]?.ToString().StartsWith("Quantity", StringComparison.Ordinal) == true && kind == JsonValueKind.Number),
                    "integer" => kind == JsonValueKind.Number && scalar.TryGetValue<long>(out _),
                    "number" => kind == JsonValueKind.Number,
                    "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
                    "object" or "array" => false,
                    _ => true,
                };
                if (!ok)
                {
                    problems.Add($"{path}: {kind} where {type} is expected");
                }

                break;
        }
    }

    private static (JsonObject, Dictionary<(string, string, string), string>) Load()
    {
        var file = Path.Combine(RepoPaths.K8sSchemas, "kubernetes", "v1.36-swagger.json");
        var definitions = JsonNode.Parse(File.ReadAllText(file))!["definitions"]!.AsObject();
        var byKind = new Dictionary<(string, string, string), string>();
        foreach (var (name, definition) in definitions)
        {
            foreach (var gvk in definition?["x-kubernetes-group-version-kind"] as JsonArray ?? [])
            {
                byKind.TryAdd(((string)gvk!["group"]!, (string)gvk["version"]!, (string)gvk["kind"]!), name);
            }
        }

        return (definitions, byKind);
    }
}
