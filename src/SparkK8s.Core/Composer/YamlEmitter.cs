using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SparkK8s.Core.Composer;

/// <summary>
/// Writes a values tree as block-style YAML, keys in their insertion order, two-space indents. Strings stay plain
/// when YAML reads them back as the same string, are single-quoted otherwise, and double-quoted (JSON escapes) when
/// they hold a line break or a control character, so every value round-trips through helm.
/// </summary>
public static partial class YamlEmitter
{
    public static string Write(JsonObject values)
    {
        var text = new StringBuilder();
        WriteMapping(text, values, 0);
        return text.ToString();
    }

    private static void WriteMapping(StringBuilder text, JsonObject mapping, int indent)
    {
        foreach (var (key, value) in mapping)
        {
            text.Append(' ', indent).Append(Scalar(key)).Append(':');
            WriteValue(text, value, indent);
        }
    }

    private static void WriteValue(StringBuilder text, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject { Count: 0 }:
                text.Append(" {}\n");
                break;
            case JsonObject child:
                text.Append('\n');
                WriteMapping(text, child, indent + 2);
                break;
            case JsonArray { Count: 0 }:
                text.Append(" []\n");
                break;
            case JsonArray list:
                text.Append('\n');
                WriteSequence(text, list, indent);
                break;
            case JsonValue block when block.TryGetValue<string>(out var multiLine) && IsBlockSafe(multiLine):
                WriteLiteralBlock(text, multiLine, indent + 2);
                break;
            default:
                text.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    /// <summary>Sequence items at the parent key's indent ("- "), as helm's own values files do.</summary>
    private static void WriteSequence(StringBuilder text, JsonArray list, int indent)
    {
        foreach (var item in list)
        {
            text.Append(' ', indent).Append("- ");
            if (item is JsonObject { Count: > 0 } mapping)
            {
                var first = true;
                foreach (var (key, value) in mapping)
                {
                    if (!first)
                    {
                        text.Append(' ', indent + 2);
                    }

                    first = false;
                    text.Append(Scalar(key)).Append(':');
                    WriteValue(text, value, indent + 2);
                }
            }
            else if (item is JsonArray { Count: > 0 } nested)
            {
                text.Append('\n');
                WriteSequence(text, nested, indent + 2);
            }
            else
            {
                text.Append(item switch
                {
                    JsonObject => "{}",
                    JsonArray => "[]",
                    _ => Scalar(item),
                }).Append('\n');
            }
        }
    }

    /// <summary>
    /// A multi-line string as a literal block (" |", " |-" or " |+" by its trailing line breaks), as people write
    /// scripts and Python sources in values files.
    /// </summary>
    private static void WriteLiteralBlock(StringBuilder text, string value, int indent)
    {
        var trailing = value.Length - value.TrimEnd('\n').Length;
        text.Append(trailing switch
        {
            0 => " |-",
            1 => " |",
            _ => " |+",
        }).Append('\n');
        var lines = value.TrimEnd('\n').Split('\n');
        foreach (var line in lines)
        {
            if (line.Length > 0)
            {
                text.Append(' ', indent).Append(line);
            }

            text.Append('\n');
        }

        for (var extra = 1; extra < trailing; extra++)
        {
            text.Append('\n');
        }
    }

    /// <summary>A literal block keeps the text only when it has a line break, no other control character, and its first line does not start with a space.</summary>
    private static bool IsBlockSafe(string value) =>
        value.Contains('\n', StringComparison.Ordinal)
        && value.TrimEnd('\n').Length > 0
        && !value.Any(c => char.IsControl(c) && c != '\n')
        && !value.StartsWith(' ')
        && !value.StartsWith('\n');

    private static string Scalar(JsonNode? node)
    {
        if (node is null)
        {
            return "null";
        }

        var value = node.AsValue();
        if (value.TryGetValue<bool>(out var flag))
        {
            return flag ? "true" : "false";
        }

        if (value.TryGetValue<string>(out var text))
        {
            return Scalar(text);
        }

        // Numbers and anything else: their JSON text is valid YAML.
        return node.ToJsonString();
    }

    private static string Scalar(string text)
    {
        if (text.Any(c => char.IsControl(c)))
        {
            return JsonSerializer.Serialize(text);
        }

        return IsPlainSafe(text) ? text : "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>
    /// A plain scalar that YAML 1.1 and 1.2 both read back as this string: starts with a letter, digit or one of
    /// "./_", holds no ": " or " #", does not end with ":", and is not a boolean, null or number word.
    /// </summary>
    private static bool IsPlainSafe(string text) =>
        text.Length > 0
        && PlainText().IsMatch(text)
        && !text.Contains(": ", StringComparison.Ordinal)
        && !text.Contains(" #", StringComparison.Ordinal)
        && !text.EndsWith(':')
        && !text.EndsWith(' ')
        && !ReservedWord().IsMatch(text)
        && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        && !LooksNumeric().IsMatch(text);

    [GeneratedRegex(@"^[A-Za-z0-9./_][A-Za-z0-9 ./_:@+=,()<>*-]*$")]
    private static partial Regex PlainText();

    [GeneratedRegex(@"^(?i:y|n|yes|no|on|off|true|false|null|~|\.nan|\.inf|-\.inf)$")]
    private static partial Regex ReservedWord();

    /// <summary>Octal, hex, sexagesimal and underscore numbers of YAML 1.1 (0o17, 0x1F, 1:30, 1_000).</summary>
    [GeneratedRegex(@"^[-+]?(0[0-7_]+|0x[0-9a-fA-F_]+|0o[0-7]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?)$")]
    private static partial Regex LooksNumeric();
}
