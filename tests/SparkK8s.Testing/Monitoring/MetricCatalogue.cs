using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace SparkK8s.Testing.Monitoring;

/// <summary>One series of the catalogue: the exact name as scraped, its type and where it comes from upstream.</summary>
public sealed class CatalogueMetric
{
    public string Name { get; set; } = "";
    public string Type { get; set; } = "";
    public string Help { get; set; } = "";
    public string From { get; set; } = "";

    /// <summary>The Spark lines that export the series, for Spark series that differ by line; empty means every line.</summary>
    public List<string> SparkLines { get; set; } = [];

    public bool IsOnLine(string? sparkLine) => sparkLine is null || SparkLines.Count == 0 || SparkLines.Contains(sparkLine);
}

/// <summary>One file of the catalogue (charts/spark-k8s/monitoring/catalogue/&lt;source&gt;.yaml): one exporter's series.</summary>
public sealed class CatalogueSource
{
    public string Source { get; set; } = "";
    public string Exporter { get; set; } = "";
    public string Reference { get; set; } = "";
    public List<CatalogueMetric> Metrics { get; set; } = [];
}

/// <summary>
/// The metric catalogue of the chart: every series the components really export (contracts.md "Monitoring").
/// PromQL in rules and dashboards may use only these names (and recording rules the chart defines); a histogram's or
/// summary's <c>_bucket</c>, <c>_sum</c> and <c>_count</c> series resolve to the catalogued base name.
/// </summary>
public sealed class MetricCatalogue
{
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal) { "counter", "gauge", "histogram", "summary", "untyped" };

    private static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    private readonly Dictionary<string, List<(CatalogueSource Source, CatalogueMetric Metric)>> byName;

    private MetricCatalogue(IReadOnlyList<CatalogueSource> sources)
    {
        Sources = sources;
        byName = new Dictionary<string, List<(CatalogueSource, CatalogueMetric)>>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (var metric in source.Metrics)
            {
                if (!byName.TryGetValue(metric.Name, out var list))
                {
                    byName[metric.Name] = list = [];
                }

                list.Add((source, metric));
            }
        }
    }

    public IReadOnlyList<CatalogueSource> Sources { get; }

    /// <summary>The default catalogue directory of the chart.</summary>
    public static string DefaultDirectory => Path.Combine(RepoPaths.Chart, "monitoring", "catalogue");

    public static MetricCatalogue LoadDefault() => Load(DefaultDirectory);

    /// <summary>Loads every *.yaml file of <paramref name="directory"/>; a malformed file fails with its name and field.</summary>
    public static MetricCatalogue Load(string directory)
    {
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        var sources = new List<CatalogueSource>();
        foreach (var file in Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            CatalogueSource source;
            try
            {
                source = deserializer.Deserialize<CatalogueSource>(File.ReadAllText(file)) ?? new CatalogueSource();
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                throw new FormatException($"{Path.GetFileName(file)}: {e.Message}", e);
            }

            var problems = Problems(source, Path.GetFileNameWithoutExtension(file)).ToList();
            if (problems.Count > 0)
            {
                throw new FormatException($"{Path.GetFileName(file)}: {string.Join("; ", problems)}");
            }

            sources.Add(source);
        }

        return new MetricCatalogue(sources);
    }

    /// <summary>What is wrong with one catalogue file (source must equal the file stem; every field set; known type).</summary>
    public static IEnumerable<string> Problems(CatalogueSource source, string stem)
    {
        if (source.Source != stem)
        {
            yield return $"source is '{source.Source}', expected the file stem '{stem}'";
        }

        if (string.IsNullOrWhiteSpace(source.Exporter))
        {
            yield return "exporter is empty";
        }

        if (string.IsNullOrWhiteSpace(source.Reference))
        {
            yield return "reference is empty";
        }

        if (source.Metrics.Count == 0)
        {
            yield return "metrics is empty";
        }

        foreach (var duplicate in source.Metrics.GroupBy(m => m.Name).Where(g => g.Count() > 1))
        {
            yield return $"metric {duplicate.Key} is listed {duplicate.Count()} times";
        }

        foreach (var metric in source.Metrics)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(metric.Name, "^[a-zA-Z_:][a-zA-Z0-9_:]*$"))
            {
                yield return $"metric name '{metric.Name}' is not a Prometheus metric name";
            }

            if (!Types.Contains(metric.Type))
            {
                yield return $"metric {metric.Name}: type '{metric.Type}' is not one of {string.Join(", ", Types)}";
            }

            if (string.IsNullOrWhiteSpace(metric.Help))
            {
                yield return $"metric {metric.Name}: help is empty";
            }

            if (string.IsNullOrWhiteSpace(metric.From))
            {
                yield return $"metric {metric.Name}: from is empty";
            }
        }
    }

    /// <summary>
    /// The catalogued metric a scraped name stands for (the name itself, or the base of a histogram/summary
    /// <c>_bucket/_sum/_count</c> series), or null. With <paramref name="sparkLine"/>, only series of that line.
    /// </summary>
    public CatalogueMetric? Resolve(string name, string? sparkLine = null)
    {
        if (Find(name, sparkLine) is { } direct)
        {
            return direct;
        }

        foreach (var suffix in HistogramSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal)
                && Find(name[..^suffix.Length], sparkLine) is { Type: "histogram" or "summary" } metric
                && (suffix != "_bucket" || metric.Type == "histogram"))
            {
                return metric;
            }
        }

        return null;
    }

    public bool Contains(string name, string? sparkLine = null) => Resolve(name, sparkLine) is not null;

    /// <summary>The source files that list a metric name (exactly), for messages.</summary>
    public IEnumerable<string> SourcesOf(string name) =>
        byName.TryGetValue(name, out var list) ? list.Select(e => e.Source.Source) : [];

    private CatalogueMetric? Find(string name, string? sparkLine) =>
        byName.TryGetValue(name, out var list) ? list.Select(e => e.Metric).FirstOrDefault(m => m.IsOnLine(sparkLine)) : null;
}
