using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Helm;

/// <summary>
/// Finds the spark-k8s chart: an explicit directory, <c>SPARK_K8S_CHART</c>, or <c>charts/spark-k8s</c>
/// in the current directory or one of its parents, or beside the installed tool.
/// </summary>
public static class ChartLocator
{
    public const string EnvironmentVariable = "SPARK_K8S_CHART";
    public const string RelativeChartPath = "charts/spark-k8s";

    public static string Locate(string? explicitDirectory)
    {
        var candidate = !string.IsNullOrWhiteSpace(explicitDirectory)
            ? explicitDirectory
            : Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(candidate))
        {
            return File.Exists(Path.Combine(candidate, "Chart.yaml"))
                ? Path.GetFullPath(candidate)
                : throw new UserInputException($"--chart: '{candidate}' is not a chart directory (no Chart.yaml). Point it at charts/spark-k8s.");
        }

        var root = FindRepositoryRoot();
        return root is not null
            ? Path.Combine(root, RelativeChartPath)
            : throw new UserInputException(
                $"Could not find {RelativeChartPath}. Run from the project checkout, or pass --chart DIR (or set {EnvironmentVariable}).");
    }

    /// <summary>The nearest directory holding charts/spark-k8s/Chart.yaml, from the working directory or the tool's own location.</summary>
    public static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, RelativeChartPath, "Chart.yaml")))
                {
                    return directory.FullName;
                }
            }
        }

        return null;
    }
}
