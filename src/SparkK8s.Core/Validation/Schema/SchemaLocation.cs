using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Validation.Schema;

/// <summary>
/// Where the Kubernetes OpenAPI v2 document (<c>kubernetes/*-swagger.json</c>) and CRD schemas
/// (<c>crds/&lt;group&gt;/&lt;kind&gt;_&lt;version&gt;.json</c>) live: <c>--schema-location DIR</c>, else the per-user cache
/// <c>$XDG_CACHE_HOME/spark-k8s/k8s-schemas</c> (or <c>~/.cache/spark-k8s/k8s-schemas</c>).
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
        $"Fill the cache: mkdir -p {DefaultDirectory}/kubernetes && cp <path>/v1.36-swagger.json {DefaultDirectory}/kubernetes/ " +
        $"(the Kubernetes OpenAPI v2 document, api/openapi-spec/swagger.json of a release), and CRD JSON schemas under {DefaultDirectory}/crds/<group>/<kind>_<version>.json; " +
        $"or pass {Flag} DIR. See docs/en/cli.md.";

    /// <summary>The explicit directory (must be valid), else the cache when it is filled, else null.</summary>
    public static string? Find(string? explicitDirectory)
    {
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            if (!Directory.Exists(explicitDirectory))
            {
                throw new UserInputException($"{Flag}: directory '{explicitDirectory}' does not exist. {HowToFill}");
            }

            return FindSwagger(explicitDirectory) is not null
                ? Path.GetFullPath(explicitDirectory)
                : throw new UserInputException($"{Flag}: '{explicitDirectory}' has no kubernetes/*swagger*.json. {HowToFill}");
        }

        var cache = DefaultDirectory;
        return Directory.Exists(cache) && FindSwagger(cache) is not null ? cache : null;
    }

    /// <summary>Like <see cref="Find"/>, but a missing location is a usage error that says how to fill it.</summary>
    public static string Require(string? explicitDirectory) =>
        Find(explicitDirectory) ?? throw new UserInputException(
            $"No Kubernetes schemas found: {Flag} was not given and the cache {DefaultDirectory} is empty. {HowToFill}");

    /// <summary>The newest kubernetes/*swagger*.json in a location, or null.</summary>
    public static string? FindSwagger(string directory)
    {
        var kubernetes = Path.Combine(directory, "kubernetes");
        return Directory.Exists(kubernetes)
            ? Directory.GetFiles(kubernetes, "*swagger*.json").OrderBy(f => f, new VersionedNameComparer()).LastOrDefault()
            : null;
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
