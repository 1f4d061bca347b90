using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Sizing;

/// <summary>
/// Default assumptions per workload class: input processed per core per second, executor memory wanted per core,
/// and the share of the input that is shuffled. They are deliberately round starting points for columnar
/// (Parquet/ORC) data on object storage; calibrate them with <c>--from-history</c>.
/// </summary>
public sealed record WorkloadProfile(string Name, double MiBPerCoreSecond, double MemoryGiBPerCore, double ShuffleFraction, string Description)
{
    public static readonly IReadOnlyList<WorkloadProfile> All =
    [
        new("scan", 100, 2, 0.0, "read and filter, no shuffle"),
        new("etl", 40, 4, 0.5, "parse, transform and write, about half the input shuffled"),
        new("aggregate", 30, 4, 0.3, "group-by aggregation; partial aggregation shrinks the shuffle"),
        new("join", 20, 6, 1.0, "sort-merge joins: the whole input is shuffled"),
        new("ml", 8, 8, 0.5, "feature engineering and iterative training, caching"),
    ];

    public static WorkloadProfile Parse(string name, string flag) =>
        All.FirstOrDefault(w => string.Equals(w.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new UserInputException($"{flag}: '{name}' is not a workload class; use one or more of {string.Join(", ", All.Select(w => w.Name))}.");

    /// <summary>
    /// A job that runs several classes over the same data takes the sum of their times, so the combined throughput is
    /// the harmonic combination 1 / Σ(1/tᵢ); memory per core and the shuffled share are the largest of the classes.
    /// </summary>
    public static WorkloadProfile Combine(IReadOnlyList<WorkloadProfile> workloads)
    {
        if (workloads.Count == 1)
        {
            return workloads[0];
        }

        return new WorkloadProfile(
            string.Join("+", workloads.Select(w => w.Name)),
            1 / workloads.Sum(w => 1 / w.MiBPerCoreSecond),
            workloads.Max(w => w.MemoryGiBPerCore),
            workloads.Max(w => w.ShuffleFraction),
            "the classes run one after another over the same data");
    }
}
