using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Core.Validation.Schema;

/// <summary>
/// Strict validation of rendered objects against Kubernetes OpenAPI v2 definitions and CRD JSON schemas, like
/// kubeconform's strict mode: properties an object schema does not list are errors (unless it allows additional
/// properties or preserves unknown fields); types, required fields, enums, anyOf/oneOf/allOf/not and simple
/// string/number/array bounds are checked; <c>$ref</c>s are resolved; integers are accepted for IntOrString and
/// numbers for Quantity; null stands for "not set".
/// </summary>
public sealed class SchemaValidator(SchemaStore store)
{
    private const string QuantityDefinition = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    private const string IntOrStringDefinition = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

    public SchemaStore Store { get; } = store;

    /// <summary>Violations of one object; kinds listed in <paramref name="skipKinds"/> ("Kind" or "group/version/Kind") are not checked.</summary>
    public IReadOnlyList<SchemaViolation> Validate(KubeObject obj, IReadOnlyCollection<string>? skipKinds = null)
    {
        var gvk = SchemaStore.Key(obj.Group, obj.Version, obj.Kind);
        if (skipKinds is not null && (skipKinds.Contains(obj.Kind) || skipKinds.Contains(gvk)))
        {
            return [];
        }

        var schema = Store.Find(obj.Group, obj.Version, obj.Kind);
        if (schema is null)
        {
            var groupVersionKind = obj.Group.Length == 0 ? $"{obj.Version}/{obj.Kind}" : gvk;
            return [new SchemaViolation(ViolationKind.NoSchema, string.Empty,
                $"no schema for {groupVersionKind} in the {Store.Source.Description}" + (Store.Fallback is { } fallback ? $" or the {fallback.Source.Description}" : string.Empty))];
        }

        var errors = new List<SchemaViolation>();
        new Walker(schema.Definitions, errors).Check(obj.Body, schema.Schema, string.Empty);
        return errors;
    }

    private sealed class Walker(JsonElement? definitions, List<SchemaViolation> errors)
    {
        public void Check(JsonNode? value, JsonElement schema, string path)
        {
            if (schema.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (schema.TryGetProperty("$ref", out var reference))
            {
                var name = reference.GetString() ?? string.Empty;
                name = name[(name.LastIndexOf('/') + 1)..];
                if (name == QuantityDefinition)
                {
                    RequireKinds(value, path, "quantity (string or number)", JsonValueKind.String, JsonValueKind.Number);
                    return;
                }

                if (name == IntOrStringDefinition)
                {
                    CheckIntOrString(value, path);
                    return;
                }

                if (definitions is { } defs && defs.TryGetProperty(name, out var target))
                {
                    Check(value, target, path);
                }

                return;
            }

            if (value is null)
            {
                return;
            }

            if (IsTrue(schema, "x-kubernetes-int-or-string") || (schema.TryGetProperty("format", out var format) && format.GetString() == "int-or-string"))
            {
                CheckIntOrString(value, path);
                return;
            }

            if (schema.TryGetProperty("type", out var type) && !MatchesType(value, type))
            {
                Add(ViolationKind.WrongType, path, $"expected {TypeText(type)}, got {Describe(value)}");
                return;
            }

            if (schema.TryGetProperty("enum", out var allowed) && allowed.ValueKind == JsonValueKind.Array
                && !allowed.EnumerateArray().Any(option => JsonEquals(option, value)))
            {
                Add(ViolationKind.NotInEnum, path, $"value {value.ToJsonString()} is not one of {string.Join(", ", allowed.EnumerateArray().Select(o => o.GetRawText()))}");
            }

            switch (value)
            {
                case JsonObject obj:
                    CheckObject(obj, schema, path);
                    break;
                case JsonArray array:
                    CheckArray(array, schema, path);
                    break;
                case JsonValue scalar:
                    CheckScalar(scalar, schema, path);
                    break;
            }

            CheckCombinators(value, schema, path);
        }

        private void CheckObject(JsonObject obj, JsonElement schema, string path)
        {
            var hasProperties = schema.TryGetProperty("properties", out var properties);
            if (schema.TryGetProperty("required", out var required))
            {
                foreach (var name in required.EnumerateArray().Select(r => r.GetString() ?? string.Empty))
                {
                    if (obj[name] is null)
                    {
                        Add(ViolationKind.MissingRequired, Join(path, name), $"missing required field '{name}'");
                    }
                }
            }

            var preserveUnknown = IsTrue(schema, "x-kubernetes-preserve-unknown-fields");
            schema.TryGetProperty("additionalProperties", out var additional);
            foreach (var (key, child) in obj)
            {
                var childPath = Join(path, key);
                if (hasProperties && properties.TryGetProperty(key, out var childSchema))
                {
                    Check(child, childSchema, childPath);
                }
                else if (additional.ValueKind == JsonValueKind.Object)
                {
                    Check(child, additional, childPath);
                }
                else if (path.Length == 0 && key is "apiVersion" or "kind" or "metadata")
                {
                    // Implicit at the root of every object: a CRD's structural schema may leave them out and the API
                    // server still accepts and validates them ("Specifying a structural schema", Kubernetes CRD docs).
                    // The Apache Spark operator's published spark.apache.org schemas do so.
                }
                else if (additional.ValueKind == JsonValueKind.False || (additional.ValueKind == JsonValueKind.Undefined && hasProperties && !preserveUnknown))
                {
                    Add(ViolationKind.UnknownField, childPath, $"unknown field '{key}'{Suggest(key, hasProperties ? properties : default)}");
                }
            }

            CheckCount(obj.Count, schema, "minProperties", "maxProperties", path, "properties");
        }

        private void CheckArray(JsonArray array, JsonElement schema, string path)
        {
            if (schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    Check(array[i], items, $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]");
                }
            }

            CheckCount(array.Count, schema, "minItems", "maxItems", path, "items");
        }

        private void CheckScalar(JsonValue scalar, JsonElement schema, string path)
        {
            if (scalar.GetValueKind() == JsonValueKind.String)
            {
                var text = scalar.GetValue<string>();
                CheckCount(text.Length, schema, "minLength", "maxLength", path, "characters");
                if (schema.TryGetProperty("pattern", out var pattern) && pattern.GetString() is { } regex && !Matches(regex, text))
                {
                    Add(ViolationKind.Constraint, path, $"'{text}' does not match the pattern {regex}");
                }
            }
            else if (scalar.GetValueKind() == JsonValueKind.Number)
            {
                var number = ToDouble(scalar);
                if (schema.TryGetProperty("minimum", out var min) && number < min.GetDouble())
                {
                    Add(ViolationKind.Constraint, path, $"{number.ToString(CultureInfo.InvariantCulture)} is less than the minimum {min.GetRawText()}");
                }

                if (schema.TryGetProperty("maximum", out var max) && number > max.GetDouble())
                {
                    Add(ViolationKind.Constraint, path, $"{number.ToString(CultureInfo.InvariantCulture)} is more than the maximum {max.GetRawText()}");
                }
            }
        }

        private void CheckCombinators(JsonNode value, JsonElement schema, string path)
        {
            if (schema.TryGetProperty("allOf", out var allOf))
            {
                foreach (var option in allOf.EnumerateArray())
                {
                    Check(value, option, path);
                }
            }

            if (schema.TryGetProperty("anyOf", out var anyOf))
            {
                var results = anyOf.EnumerateArray().Select(option => Try(value, option, path)).ToList();
                if (results.Count > 0 && results.All(r => r.Count > 0))
                {
                    errors.AddRange(results.OrderBy(r => r.Count).First());
                }
            }

            if (schema.TryGetProperty("oneOf", out var oneOf))
            {
                var results = oneOf.EnumerateArray().Select(option => Try(value, option, path)).ToList();
                var matching = results.Count(r => r.Count == 0);
                if (results.Count > 0 && matching == 0)
                {
                    errors.AddRange(results.OrderBy(r => r.Count).First());
                }
                else if (matching > 1)
                {
                    Add(ViolationKind.Constraint, path, $"matches {matching} of the mutually exclusive forms (oneOf); set only one of them");
                }
            }

            if (schema.TryGetProperty("not", out var not) && Try(value, not, path).Count == 0)
            {
                Add(ViolationKind.Constraint, path, $"must not match {Abbreviate(not.GetRawText())}");
            }
        }

        private List<SchemaViolation> Try(JsonNode value, JsonElement schema, string path)
        {
            var local = new List<SchemaViolation>();
            new Walker(definitions, local).Check(value, schema, path);
            return local;
        }

        private void CheckIntOrString(JsonNode? value, string path)
        {
            if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && !IsInteger(v))
            {
                Add(ViolationKind.WrongType, path, $"expected an integer or a string, got {Describe(value)}");
                return;
            }

            RequireKinds(value, path, "integer or string", JsonValueKind.String, JsonValueKind.Number);
        }

        private void RequireKinds(JsonNode? value, string path, string expected, params JsonValueKind[] kinds)
        {
            if (value is not null && !kinds.Contains(value.GetValueKind()))
            {
                Add(ViolationKind.WrongType, path, $"expected {expected}, got {Describe(value)}");
            }
        }

        private void CheckCount(int count, JsonElement schema, string minName, string maxName, string path, string unit)
        {
            if (schema.TryGetProperty(minName, out var min) && count < min.GetInt32())
            {
                Add(ViolationKind.Constraint, path, $"has {count} {unit}, fewer than the minimum {min.GetInt32()}");
            }

            if (schema.TryGetProperty(maxName, out var max) && count > max.GetInt32())
            {
                Add(ViolationKind.Constraint, path, $"has {count} {unit}, more than the maximum {max.GetInt32()}");
            }
        }

        private void Add(ViolationKind kind, string path, string message) => errors.Add(new SchemaViolation(kind, path, message));
    }

    private static bool MatchesType(JsonNode value, JsonElement type) => type.ValueKind switch
    {
        JsonValueKind.String => MatchesType(value, type.GetString() ?? string.Empty),
        JsonValueKind.Array => type.EnumerateArray().Any(t => MatchesType(value, t.GetString() ?? string.Empty)),
        _ => true,
    };

    private static bool MatchesType(JsonNode value, string type) => type switch
    {
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => value.GetValueKind() == JsonValueKind.String,
        "boolean" => value.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "integer" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && IsInteger(v),
        "number" => value.GetValueKind() == JsonValueKind.Number,
        "null" => false,
        _ => true,
    };

    private static double ToDouble(JsonValue value) =>
        value.TryGetValue<long>(out var l) ? l
        : value.TryGetValue<int>(out var i) ? i
        : value.TryGetValue<double>(out var d) ? d
        : value.TryGetValue<JsonElement>(out var e) && e.TryGetDouble(out var ed) ? ed
        : double.NaN;

    private static bool IsInteger(JsonValue value) =>
        value.TryGetValue<long>(out _) || value.TryGetValue<int>(out _)
        || (value.TryGetValue<double>(out var d) && Math.Abs(d % 1) < double.Epsilon)
        || (value.TryGetValue<JsonElement>(out var e) && e.TryGetInt64(out _));

    private static string TypeText(JsonElement type) =>
        type.ValueKind == JsonValueKind.Array ? string.Join(" or ", type.EnumerateArray().Select(t => t.GetString())) : type.GetString() ?? "?";

    private static string Describe(JsonNode value) => value switch
    {
        JsonObject => "an object",
        JsonArray => "an array",
        _ => value.GetValueKind() switch
        {
            JsonValueKind.String => $"string {Abbreviate(value.ToJsonString())}",
            JsonValueKind.Number => $"number {value.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => $"boolean {value.ToJsonString()}",
            _ => value.ToJsonString(),
        },
    };

    private static bool JsonEquals(JsonElement option, JsonNode value) => option.ValueKind switch
    {
        JsonValueKind.String => value.GetValueKind() == JsonValueKind.String && option.GetString() == value.GetValue<string>(),
        JsonValueKind.Number => value.GetValueKind() == JsonValueKind.Number && value is JsonValue number && option.GetDouble() == ToDouble(number),
        _ => JsonNode.DeepEquals(JsonNode.Parse(option.GetRawText()), value),
    };

    private static bool IsTrue(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var flag) && flag.ValueKind == JsonValueKind.True;

    private static bool Matches(string pattern, string text)
    {
        try
        {
            return Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromMilliseconds(200));
        }
        catch (ArgumentException)
        {
            return true; // A pattern .NET cannot compile is not the object's fault.
        }
        catch (RegexMatchTimeoutException)
        {
            return true;
        }
    }

    private static string Suggest(string key, JsonElement properties)
    {
        if (properties.ValueKind != JsonValueKind.Object)
        {
            return string.Empty;
        }

        var best = Text.EditDistance.Closest(key, properties.EnumerateObject().Select(p => p.Name), maxDistance: 3);
        return best is null ? string.Empty : $" (did you mean '{best}'?)";
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string Abbreviate(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
