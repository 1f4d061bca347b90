using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluentAssertions;
using SparkK8s.Core.Manifests;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>values.yaml documents every key ("# --" right above it) and values.schema.json covers every key, closed.</summary>
public partial class ValuesDocumentationTests
{
    private static string ValuesPath => Path.Combine(RepoPaths.Chart, "values.yaml");

    [Fact]
    public void Every_key_has_a_helm_docs_comment_directly_above_it()
    {
        var lines = File.ReadAllLines(ValuesPath);
        var undocumented = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!KeyLine().IsMatch(lines[i]))
            {
                continue;
            }

            // Walk up over "# " continuation lines to the "# --" line.
            var j = i - 1;
            while (j >= 0 && ContinuationLine().IsMatch(lines[j]) && !DocLine().IsMatch(lines[j]))
            {
                j--;
            }

            if (j < 0 || !DocLine().IsMatch(lines[j]))
            {
                undocumented.Add($"line {i + 1}: {lines[i].Trim()}");
            }
        }

        undocumented.Should().BeEmpty();
    }

    [Fact]
    public void Schema_covers_every_key_and_closes_every_object()
    {
        var values = ManifestParser.ParseYaml(File.ReadAllText(ValuesPath), "values.yaml")!.AsObject();
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Chart, "values.schema.json")))!.AsObject();
        var problems = new List<string>();
        Check(values, schema, "", problems);

        problems.Should().BeEmpty();
    }

    private static void Check(JsonNode? value, JsonObject schema, string path, List<string> problems)
    {
        if (string.IsNullOrEmpty((string?)schema["description"]) && path.Length > 0)
        {
            problems.Add($"{path}: no description");
        }

        if (value is not JsonObject obj)
        {
            return;
        }

        if (schema["properties"] is not JsonObject properties)
        {
            // A map's values have a schema: additionalProperties, or patternProperties (keys constrained by the pattern).
            if (schema["additionalProperties"] is not JsonObject && schema["patternProperties"] is not JsonObject { Count: > 0 })
            {
                problems.Add($"{path}: map without a schema for its values");
            }

            return;
        }

        if (schema["additionalProperties"]?.GetValue<bool>() != false)
        {
            problems.Add($"{path}: object is not closed (additionalProperties: false)");
        }

        foreach (var (key, child) in obj)
        {
            if (properties[key] is JsonObject childSchema)
            {
                Check(child, childSchema, path.Length == 0 ? key : $"{path}.{key}", problems);
            }
            else
            {
                problems.Add($"{path}.{key}: not in the schema");
            }
        }
    }

    [Fact]
    public void Schema_descriptions_match_the_values_comments()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Chart, "values.schema.json")))!.AsObject();
        var mismatches = new List<string>();
        foreach (var (path, comment) in DocComments())
        {
            JsonNode? node = schema;
            foreach (var segment in path)
            {
                node = node?["properties"]?[segment];
            }

            var description = (string?)node?["description"];
            if (description != comment)
            {
                mismatches.Add($"{string.Join('.', path)}: values.yaml says '{comment}', schema says '{description}'");
            }
        }

        mismatches.Should().BeEmpty();
    }

    /// <summary>Each key's path with its "# --" comment (continuation lines joined by spaces).</summary>
    private static IEnumerable<(IReadOnlyList<string> Path, string Comment)> DocComments()
    {
        var stack = new List<(int Indent, string Key)>();
        var pending = new List<string>();
        foreach (var line in File.ReadLines(ValuesPath))
        {
            if (DocLine().IsMatch(line))
            {
                pending = [line.Trim()["# -- ".Length..]];
            }
            else if (pending.Count > 0 && ContinuationLine().IsMatch(line))
            {
                pending.Add(line.Trim()[2..]);
            }
            else if (KeyLine().Match(line) is { Success: true } key)
            {
                var indent = line.Length - line.TrimStart().Length;
                stack.RemoveAll(s => s.Indent >= indent);
                stack.Add((indent, key.Groups[1].Value.Trim('"')));
                if (pending.Count > 0)
                {
                    yield return (stack.Select(s => s.Key).ToList(), string.Join(' ', pending));
                }

                pending = [];
            }
            else if (!line.TrimStart().StartsWith('#'))
            {
                pending = [];
            }
        }
    }

    [GeneratedRegex(@"^\s*(""[^""]+""|[A-Za-z0-9_.\-]+):( |$)")]
    private static partial Regex KeyLine();

    [GeneratedRegex(@"^\s*# -- \S")]
    private static partial Regex DocLine();

    [GeneratedRegex(@"^\s*# ")]
    private static partial Regex ContinuationLine();
}
