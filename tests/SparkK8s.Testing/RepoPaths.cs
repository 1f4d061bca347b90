namespace SparkK8s.Testing;

/// <summary>Well-known paths of the checkout and of the shared test data beside it (../shared).</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SparkK8s.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Could not find the repository root (SparkK8s.slnx) above " + AppContext.BaseDirectory);
    });

    public static string Root => LazyRoot.Value;
    public static string Chart => Path.Combine(Root, "charts", "spark-k8s");
    public static string Tools => Path.Combine(Root, ".tools");

    /// <summary>../shared beside the checkout (k8s-schemas, spark-event-logs). CI always provides it.</summary>
    public static string Shared
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("SPARK_K8S_SHARED");
            var shared = string.IsNullOrEmpty(fromEnvironment) ? Path.GetFullPath(Path.Combine(Root, "..", "shared")) : fromEnvironment;
            return Directory.Exists(shared)
                ? shared
                : throw new DirectoryNotFoundException($"Shared test data not found at {shared}; clone the repo beside ../shared or set SPARK_K8S_SHARED.");
        }
    }

    public static string K8sSchemas => Path.Combine(Shared, "k8s-schemas");
    /// <summary>Spark's own event-log fixtures, committed in tests/fixtures/spark-event-logs (see its README).</summary>
    public static string SparkEventLogs => Path.Combine(Root, "tests", "fixtures", "spark-event-logs");

    /// <summary>The same logs compressed with each codec the way Spark writes them (tests/fixtures/spark-event-logs-compressed).</summary>
    public static string CompressedSparkEventLogs => Path.Combine(Root, "tests", "fixtures", "spark-event-logs-compressed");
}
