using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SparkK8s.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SparkK8s.Core.Manifests;

/// <summary>Parses helm output (a multi-document YAML stream) into <see cref="KubeObject"/>s.</summary>
public static partial class ManifestParser
{
    public static IReadOnlyList<KubeObject> Parse(string manifests)
    {
        var objects = new List<KubeObject>();
        foreach (var (text, source) in SplitDocuments(manifests))
        {
            var node = ParseYaml(text, source ?? "manifest");
            if (node is JsonObject body && body.Count > 0)
            {
                objects.Add(new KubeObject(body, source));
            }
        }

        return objects;
    }

    /// <summary>Parses one YAML document into JSON, typing plain scalars by the YAML core schema.</summary>
    public static JsonNode? ParseYaml(string yaml, string sourceName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new UserInputException($"{sourceName}: invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}", ex);
        }

        return stream.Documents.Count == 0 ? null : ToJson(stream.Documents[0].RootNode);
    }

    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ToJsonObject(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => ToJsonScalar(scalar),
        _ => null,
    };

    private static JsonObject ToJsonObject(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            result[((YamlScalarNode)key).Value ?? string.Empty] = ToJson(value);
        }

        return result;
    }

    private static JsonNode? ToJsonScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }

    /// <summary>Splits a YAML stream at <c>---</c> lines, keeping each document's text and its <c># Source:</c> template.</summary>
    public static IEnumerable<(string Text, string? Source)> SplitDocuments(string manifests)
    {
        var current = new System.Text.StringBuilder();
        string? source = null;
        foreach (var line in manifests.Split('\n'))
        {
            if (line.TrimEnd() == "---")
            {
                if (current.Length > 0)
                {
                    yield return (current.ToString(), source);
                }

                current.Clear();
                source = null;
                continue;
            }

            if (line.StartsWith("# Source: ", StringComparison.Ordinal))
            {
                source = line["# Source: ".Length..].Trim();
            }

            current.Append(line).Append('\n');
        }

        if (current.ToString().Trim().Length > 0)
        {
            yield return (current.ToString(), source);
        }
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
