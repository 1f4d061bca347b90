using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Validation.Schema;

/// <summary>
/// Where the Kubernetes OpenAPI v2 document (<c>kubernetes/*-swagger.json</c>) and CRD schemas
/// (<c>crds/&lt;group&gt;/&lt;kind&gt;_&lt;version&gt;.json</c>) live: <c>--schema-location DIR</c>, else the per-user cache
/// <c>$XDG_CACHE_HOME/spark-k8s/k8s-schemas</c> (or <c>~/.cache/spark-k8s/k8s-schemas</c>) that
/// <c>spark-k8s schemas fetch</c> fills, else the embedded bundle.
/// </summary>
public static class SchemaLocation
{
    public const string Flag = "--schema-location";

    public static string DefaultDirectory
    {
        get
        {
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrWhiteSpace(cache))
            {
                cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            }

            return Path.Combine(cache, "spark-k8s", "k8s-schemas");
        }
    }

    public static string HowToFill =>
        $"Pass {Flag} DIR with kubernetes/<version>-swagger.json (a Kubernetes OpenAPI v2 document) and optional CRD JSON schemas " +
        "under crds/<group>/<kind>_<version>.json; or drop it to use the cluster schemas stored by 'spark-k8s schemas fetch', else the embedded bundle. See docs/en/cli.md.";

    /// <summary>
    /// The schemas to validate against, in this order: the explicit directory (must be valid), else the user cache filled
    /// by <c>spark-k8s schemas fetch</c> (with the embedded bundle for kinds the cluster document lacks), else the embedded bundle.
    /// </summary>
    public static SchemaStore Open(string? explicitDirectory) => Open(explicitDirectory, DefaultDirectory);

    /// <summary><see cref="Open(string?)"/> with the cache directory given (tests).</summary>
    public static SchemaStore Open(string? explicitDirectory, string cacheDirectory)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            if (!Directory.Exists(explicitDirectory))
            {
                throw new UserInputException($"{Flag}: directory '{explicitDirectory}' does not exist. {HowToFill}");
            }

            return FindSwagger(explicitDirectory) is not null
                ? SchemaStore.Open(Path.GetFullPath(explicitDirectory))
                : throw new UserInputException($"{Flag}: '{explicitDirectory}' has no kubernetes/*swagger*.json. {HowToFill}");
        }

        return FindSwagger(cacheDirectory, latestWritten: true) is not null ? SchemaStore.OpenCache(cacheDirectory) : SchemaStore.Embedded;
    }

    /// <summary>
    /// The kubernetes/*swagger*.json of a location, or null: the newest Kubernetes version by name, or with
    /// <paramref name="latestWritten"/> (the cache) the one fetched last, so the last <c>schemas fetch</c> wins.
    /// </summary>
    public static string? FindSwagger(string directory, bool latestWritten = false)
    {
        var kubernetes = Path.Combine(directory, "kubernetes");
        if (!Directory.Exists(kubernetes))
        {
            return null;
        }

        var files = Directory.GetFiles(kubernetes, "*swagger*.json");
        return latestWritten
            ? files.OrderBy(File.GetLastWriteTimeUtc).ThenBy(f => f, new VersionedNameComparer()).LastOrDefault()
            : files.OrderBy(f => f, new VersionedNameComparer()).LastOrDefault();
    }

    private sealed class VersionedNameComparer : IComparer<string>
    {
        public int Compare(string? x, string? y) => Key(x).CompareTo(Key(y));

        private static Version Key(string? path)
        {
            var name = Path.GetFileName(path) ?? string.Empty;
            var match = System.Text.RegularExpressions.Regex.Match(name, @"v(\d+)\.(\d+)");
            return match.Success ? new Version(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)) : new Version(0, 0);
        }
    }
}
