using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>SPK005 (warning): placeholder endpoints or secrets left in the render (example.invalid, CHANGE-ME, changeme).</summary>
public sealed partial class PlaceholderCheck() : SparkCheck(
    "SPK005",
    Severity.Warning,
    "A placeholder endpoint or secret (example.invalid, CHANGE-ME, changeme) is left in place",
    "Set the real endpoint or credential in your values (or an environment file) before deploying")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var obj in context.Model.Objects)
        {
            var hits = new List<(string Field, string Value)>();
            Walk(obj.Body, string.Empty, hits, obj.Kind == "Secret");
            foreach (var (field, value) in hits)
            {
                yield return Found(obj.DisplayName, field, $"placeholder '{value}' is still in place");
            }
        }
    }

    private static void Walk(JsonNode? node, string path, List<(string, string)> hits, bool secret)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    Walk(child, path.Length == 0 ? key : $"{path}.{key}", hits, secret);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{path}[{i}]", hits, secret);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                if (secret && path.StartsWith("data.", StringComparison.Ordinal))
                {
                    text = Decode(text);
                }

                var matches = Placeholder().Matches(text).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
                if (matches.Count > 0)
                {
                    hits.Add((path, string.Join("', '", matches)));
                }

                break;
        }
    }

    private static string Decode(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return base64;
        }
    }

    [GeneratedRegex(@"[A-Za-z0-9._:/-]*(example\.invalid|(?<![a-z])change[-_]?me(?![a-z]))[A-Za-z0-9._-]*", RegexOptions.IgnoreCase)]
    private static partial Regex Placeholder();
}
