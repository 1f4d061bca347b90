using System.Collections.Concurrent;
using SparkK8s.Core.Text;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// The Spark property names of one Spark version, from the embedded lists <c>Properties/spark-&lt;version&gt;.txt</c>
/// (curated from Spark's configuration docs). Lines ending in '.' are prefixes under which any name passes (spark.hadoop., ...).
/// </summary>
public sealed class KnownSparkProperties
{
    private static readonly ConcurrentDictionary<string, KnownSparkProperties> Cache = new(StringComparer.Ordinal);

    private readonly HashSet<string> _names;
    private readonly List<string> _prefixes;

    private KnownSparkProperties(string version, IEnumerable<string> lines)
    {
        Version = version;
        var entries = lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        _prefixes = entries.Where(e => e.EndsWith('.')).ToList();
        _names = entries.Where(e => !e.EndsWith('.')).ToHashSet(StringComparer.Ordinal);
    }

    public string Version { get; }
    public IReadOnlyCollection<string> Names => _names;
    public IReadOnlyList<string> Prefixes => _prefixes;

    public static KnownSparkProperties For(string version) => Cache.GetOrAdd(version, Load);

    public bool IsKnown(string key) => _names.Contains(key) || _prefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

    /// <summary>The nearest known name within a few edits (scaled with the name's length), or null.</summary>
    public string? Suggest(string key) => EditDistance.Closest(key, _names, maxDistance: Math.Clamp(key.Length / 12, 1, 2));

    private static KnownSparkProperties Load(string version)
    {
        var resource = $"SparkK8s.Core.Validation.Spark.Properties.spark-{version}.txt";
        using var stream = typeof(KnownSparkProperties).Assembly.GetManifestResourceStream(resource)
            ?? throw new Errors.UserInputException($"--spark-version: no known-property list for Spark {version}. Use one of: {string.Join(", ", Rendering.SparkVersions.Supported)}.");
        using var reader = new StreamReader(stream);
        return new KnownSparkProperties(version, reader.ReadToEnd().Split('\n'));
    }
}
