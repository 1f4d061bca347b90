namespace SparkK8s.Core.Validation.Spark;

/// <summary>A Spark property and where in the render it was set.</summary>
public sealed record SparkProperty(string Key, string Value, string Object, string Field);

/// <summary>The Spark properties one component of the render runs with (spark-defaults files, --conf args, -D options).</summary>
public sealed class SparkConf
{
    private readonly Dictionary<string, SparkProperty> _properties = new(StringComparer.Ordinal);

    public IEnumerable<SparkProperty> Properties => _properties.Values;
    public bool IsEmpty => _properties.Count == 0;

    public void Set(SparkProperty property) => _properties[property.Key] = property;

    public SparkProperty? Find(string key) => _properties.GetValueOrDefault(key);

    public string? Get(string key) => Find(key)?.Value;

    public bool IsTrue(string key) => string.Equals(Get(key)?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    public bool IsFalse(string key) => string.Equals(Get(key)?.Trim(), "false", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses spark-defaults.conf text (java.util.Properties style: "key value", "key=value" or "key: value").</summary>
    public static IEnumerable<(string Key, string Value)> ParseDefaults(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            var end = line.IndexOfAny([' ', '\t', '=', ':']);
            if (end < 0)
            {
                yield return (line, string.Empty);
                continue;
            }

            var value = line[end..].TrimStart();
            if (value.Length > 0 && value[0] is '=' or ':')
            {
                value = value[1..].TrimStart();
            }

            yield return (line[..end], value);
        }
    }
}
