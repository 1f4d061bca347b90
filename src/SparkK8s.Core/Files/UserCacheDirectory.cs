namespace SparkK8s.Core.Files;

/// <summary>
/// The per-user cache folder of the CLI's small caches: <c>$XDG_CACHE_HOME/spark-k8s/&lt;name&gt;</c>, or
/// <c>~/.cache/spark-k8s/&lt;name&gt;</c> when XDG_CACHE_HOME is unset (XDG Base Directory Specification).
/// </summary>
public static class UserCacheDirectory
{
    /// <summary>The folder of cache <paramref name="name"/>, or null when <paramref name="disableVariable"/> is set
    /// (to anything) or the user has no home folder.</summary>
    public static string? Resolve(string name, string disableVariable)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(disableVariable)))
        {
            return null;
        }

        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrWhiteSpace(cache))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home))
            {
                return null;
            }

            cache = Path.Combine(home, ".cache");
        }

        return Path.Combine(cache, "spark-k8s", name);
    }
}
