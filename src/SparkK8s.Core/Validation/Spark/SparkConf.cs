namespace SparkK8s.Core.Validation.Spark;

/// <summary>A Spark property and where in the render it was set; <paramref name="Job"/> names the batch job it belongs to, if any.</summary>
public sealed record SparkProperty(string Key, string Value, string Object, string Field, string? Job = null);

/// <summary>
/// The Spark properties one component or batch job of the render runs with (spark-defaults files, --conf args,
/// -D options, SparkApplication specs). <see cref="Job"/> is the job's name (label spark-k8s.io/job) for jobs, null otherwise.
/// </summary>
public sealed class SparkConf(string key = "", string? job = null)
{
    private readonly Dictionary<string, SparkProperty> _properties = new(StringComparer.Ordinal);

    /// <summary>The key of this conf in <see cref="SparkRenderModel.ConfByComponent"/>.</summary>
    public string Key { get; } = key;

    /// <summary>The batch job's name, or null for a long-running component (Connect, History Server).</summary>
    public string? Job { get; } = job;

    /// <summary>Whether the application's main resource is Python (Spark then adds spark.executor.pyspark.memory to executor pods).</summary>
    public bool PythonApp { get; set; }

    /// <summary>"job 'name'" for a job, "Connect" otherwise: how findings name the application.</summary>
    public string Describe(string component = "Connect") => Job is null ? component : $"job '{Job}'";

    public IEnumerable<SparkProperty> Properties => _properties.Values;
    public bool IsEmpty => _properties.Count == 0;

    public void Set(SparkProperty property) => _properties[property.Key] = Job is null || property.Job is not null ? property : property with { Job = Job };

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
