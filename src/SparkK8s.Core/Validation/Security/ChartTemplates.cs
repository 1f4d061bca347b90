using System.Collections.Concurrent;

namespace SparkK8s.Core.Validation.Security;

/// <summary>What a chart's templates can render, independent of values (read once per chart directory).</summary>
public static class ChartTemplates
{
    private static readonly ConcurrentDictionary<string, bool> NetworkPolicies = new(StringComparer.Ordinal);

    /// <summary>Whether any template under templates/ renders a NetworkPolicy (so SEC001 is an error rather than a warning).</summary>
    public static bool HasNetworkPolicies(string chartDirectory) =>
        NetworkPolicies.GetOrAdd(Path.GetFullPath(chartDirectory), static directory =>
        {
            var templates = Path.Combine(directory, "templates");
            return Directory.Exists(templates)
                && Directory.EnumerateFiles(templates, "*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".tpl", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                    .Any(f => File.ReadAllText(f).Contains("kind: NetworkPolicy", StringComparison.Ordinal));
        });
}
