using System.Text.Json;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Operations.Load;

/// <summary>One query compared with the baseline.</summary>
/// <param name="Change">relative change of the median wall time: +0.15 is 15% slower.</param>
/// <param name="NoiseBand">the larger relative spread (max-min)/median of the two runs' repetitions; null with one run each.</param>
public sealed record QueryComparison(string Name, double BaselineSeconds, double CurrentSeconds, double Change, double? NoiseBand, bool Regression, string Verdict);

public sealed record BaselineReport(double Threshold, IReadOnlyList<QueryComparison> Queries, IReadOnlyList<string> Warnings)
{
    public bool Regressed => Queries.Any(q => q.Regression);
}

/// <summary>
/// The seeds' rule: a query whose median wall time is more than 10% above the baseline's is a regression (exit 1).
/// The noise band (spread of the repeated runs) is reported next to each change; when it is wider than the threshold
/// the comparison cannot resolve 10% and says so.
/// </summary>
public static class BaselineComparison
{
    public const double DefaultThreshold = 0.10;

    public static LoadReport ReadBaseline(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"--baseline: cannot read '{path}': {ex.Message}", ex);
        }

        try
        {
            var report = JsonSerializer.Deserialize<LoadReport>(text, LoadReportJson.Options);
            if (report is null || report.SchemaVersion != LoadReport.CurrentSchemaVersion || report.Queries is null || report.Generation is null)
            {
                throw new UserInputException($"--baseline: '{path}' is not a spark-k8s load report (schemaVersion {LoadReport.CurrentSchemaVersion}); write one with `spark-k8s load --report FILE`.");
            }

            return report;
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"--baseline: '{path}' is not a spark-k8s load report: invalid JSON at line {(ex.LineNumber ?? 0) + 1}; write one with `spark-k8s load --report FILE`.", ex);
        }
    }

    /// <summary>Refuses baselines of another data set: their times are not comparable.</summary>
    public static void EnsureComparable(LoadReport baseline, long rows, long seed)
    {
        if (baseline.Rows != rows || baseline.Seed != seed)
        {
            throw new UserInputException($"--baseline: the baseline was measured with --rows {baseline.Rows} --seed {baseline.Seed}; this run uses --rows {rows} --seed {seed}. Run with the baseline's --rows and --seed.");
        }
    }

    public static BaselineReport Compare(LoadReport baseline, LoadReport current, double threshold = DefaultThreshold)
    {
        var warnings = new List<string>();
        var comparisons = new List<QueryComparison>();
        foreach (var query in current.Queries)
        {
            var before = baseline.Queries.FirstOrDefault(q => q.Name == query.Name);
            if (before is null)
            {
                warnings.Add($"{query.Name}: not in the baseline, not compared.");
                continue;
            }

            if (!query.Succeeded || !before.Succeeded || before.WallSeconds <= 0)
            {
                warnings.Add($"{query.Name}: {(query.Succeeded ? "failed in the baseline" : "failed in this run")}, not compared.");
                continue;
            }

            var change = (query.WallSeconds - before.WallSeconds) / before.WallSeconds;
            var noise = Max(Spread(before.RunSeconds), Spread(query.RunSeconds));
            var regression = change > threshold;
            var verdict = regression
                ? noise is { } band && band > threshold ? "regression (but the runs vary more than the threshold)" : "regression"
                : change < -threshold ? "faster" : "within threshold";
            comparisons.Add(new QueryComparison(query.Name, before.WallSeconds, query.WallSeconds, change, noise, regression, verdict));
        }

        foreach (var missing in baseline.Queries.Where(b => current.Queries.All(q => q.Name != b.Name)))
        {
            warnings.Add($"{missing.Name}: in the baseline but not run now.");
        }

        if (comparisons.Any(c => c.NoiseBand is null))
        {
            warnings.Add("one run per query: the noise band is unknown; use --repeat 3 or more for both runs.");
        }
        else if (comparisons.Any(c => c.NoiseBand > threshold))
        {
            warnings.Add($"the runs of some queries vary by more than {threshold * 100:0}%: a {threshold * 100:0}% change there is within noise; use more --repeat or a quieter cluster.");
        }

        return new BaselineReport(threshold, comparisons, warnings);
    }

    /// <summary>(max - min) / median of the runs; null for fewer than two.</summary>
    public static double? Spread(IReadOnlyList<double>? runs)
    {
        if (runs is null || runs.Count < 2)
        {
            return null;
        }

        var median = Median(runs);
        return median <= 0 ? null : (runs.Max() - runs.Min()) / median;
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}

public static class LoadReportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
