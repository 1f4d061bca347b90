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

    /// <summary>
    /// At most this many values come out of one document. YAML aliases (<c>*name</c>) repeat an anchored node each time
    /// they are used, so a few lines of nested aliases ("billion laughs") would otherwise expand to gigabytes.
    /// </summary>
    public const int MaxValues = 1_000_000;

    /// <summary>Nesting deeper than this is refused (a deeper tree would exhaust the stack).</summary>
    public const int MaxDepth = 256;

    /// <summary>Parses one YAML document into JSON, typing plain scalars by the YAML core schema.</summary>
    public static JsonNode? ParseYaml(string yaml, string sourceName)
    {
        var stream = new YamlStream();
        try
        {
            // One pass: the depth guard sits between the parser and the document model, so YAML is read once.
            stream.Load(new DepthLimitedParser(new Parser(new StringReader(yaml)), sourceName));
        }
        catch (YamlException ex)
        {
            throw new UserInputException($"{sourceName}: invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {YamlMessage(ex)}", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or InsufficientExecutionStackException)
        {
            throw new UserInputException($"{sourceName}: the YAML could not be read ({ex.Message.TrimEnd('.')}). Check anchors (&name), aliases (*name) and nesting.", ex);
        }

        return stream.Documents.Count == 0 ? null : ToJson(stream.Documents[0].RootNode, sourceName);
    }

    /// <summary>
    /// Walks the parser's events (which needs no recursion) and refuses nesting deeper than <see cref="MaxDepth"/>
    /// before the document model is built: building it recurses once per level and would overflow the stack.
    /// </summary>
    public static void CheckDepth(string yaml, string sourceName)
    {
        var parser = new Parser(new StringReader(yaml));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    if (++depth > MaxDepth)
                    {
                        throw new UserInputException(string.Create(CultureInfo.InvariantCulture, $"{sourceName}: the YAML nests deeper than {MaxDepth} levels; flatten it."));
                    }

                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
            }
        }
    }

    /// <summary>
    /// Passes a parser's events on and refuses nesting deeper than <see cref="MaxDepth"/> as they stream by, before the
    /// document model (which recurses once per level) goes deeper; the same guard as <see cref="CheckDepth"/>.
    /// </summary>
    private sealed class DepthLimitedParser(IParser inner, string sourceName) : IParser
    {
        private int _depth;

        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            switch (inner.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    if (++_depth > MaxDepth)
                    {
                        throw new UserInputException(string.Create(CultureInfo.InvariantCulture, $"{sourceName}: the YAML nests deeper than {MaxDepth} levels; flatten it."));
                    }

                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    _depth--;
                    break;
            }

            return true;
        }
    }

    /// <summary>Converts a YAML node to JSON within <see cref="MaxValues"/> and <see cref="MaxDepth"/>.</summary>
    public static JsonNode? ToJson(YamlNode node, string sourceName = "YAML")
    {
        var budget = new Budget(sourceName);
        return ToJson(node, budget, 0);
    }

    /// <summary>A YamlDotNet message without its "(Line: 1, Col: 2, Idx: 3) - (...)" position suffix, which the caller gives.</summary>
    public static string YamlMessage(YamlException ex)
    {
        var message = (ex.InnerException?.Message ?? ex.Message).Trim();
        var cut = message.IndexOf("(Line:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim().TrimStart(':', ' ').Trim();
    }

    private sealed class Budget(string sourceName)
    {
        private int _values;

        public void Take(int depth)
        {
            if (++_values > MaxValues)
            {
                throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                    $"{sourceName}: the YAML expands to more than {MaxValues} values; aliases (*name) repeat their anchor's whole subtree each time. Write the values out, or use fewer nested aliases."));
            }

            if (depth > MaxDepth)
            {
                throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                    $"{sourceName}: the YAML nests deeper than {MaxDepth} levels (or an alias refers to itself); flatten it."));
            }
        }
    }

    private static JsonNode? ToJson(YamlNode node, Budget budget, int depth)
    {
        budget.Take(depth);
        return node switch
        {
            YamlMappingNode mapping => ToJsonObject(mapping, budget, depth),
            YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(c => ToJson(c, budget, depth + 1)).ToArray()),
            YamlScalarNode scalar => ToJsonScalar(scalar),
            _ => null,
        };
    }

    private static JsonObject ToJsonObject(YamlMappingNode mapping, Budget budget, int depth)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            result[key is YamlScalarNode scalarKey ? scalarKey.Value ?? string.Empty : key.ToString()] = ToJson(value, budget, depth + 1);
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
            _ when FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => JsonValue.Create(d),
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
