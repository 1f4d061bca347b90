namespace SparkK8s.Testing;

/// <summary>Well-known paths of the checkout; the repository carries all its test data.</summary>
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

    /// <summary>Spark's own event-log fixtures, committed in tests/fixtures/spark-event-logs (see its README).</summary>
    public static string SparkEventLogs => Path.Combine(Root, "tests", "fixtures", "spark-event-logs");

    /// <summary>The same logs compressed with each codec the way Spark writes them (tests/fixtures/spark-event-logs-compressed).</summary>
    public static string CompressedSparkEventLogs => Path.Combine(Root, "tests", "fixtures", "spark-event-logs-compressed");
}
