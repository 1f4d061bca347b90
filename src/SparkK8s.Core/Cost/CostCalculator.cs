using SparkK8s.Core.EventLogs;

namespace SparkK8s.Core.Cost;

/// <summary>What to price and how to group.</summary>
public sealed record CostOptions(NodeType Node, bool Spot, double SpotDiscount, AttributionKey GroupBy, string CatalogDate);

/// <summary>
/// Prices applications: cost = core-hours × price per vCPU-hour + GiB-hours × price per GiB-hour, separately for the
/// driver (whole run × driver cores and container memory) and the executors (each executor's lifetime × its cores and
/// container memory). Waste = (1 − utilization) × the cost of the task slots (the executors; the driver in local mode).
/// Spot discounts apply to executors only: the driver is assumed on-demand, as it should be.
/// </summary>
public static class CostCalculator
{
    public static AppCost Price(ApplicationSummary app, CostOptions options)
    {
        var onDemand = new UnitPrices(options.Node.VcpuHourUsd, options.Node.GibHourUsd);
        var executorPrices = options.Spot ? onDemand.Discounted(options.SpotDiscount) : onDemand;

        var driverCoreHours = app.DriverCoreSeconds / 3600;
        var driverGibHours = app.DurationSeconds * app.DriverMemory.TotalMiB / 1024.0 / 3600;
        var executorCoreHours = app.ExecutorCoreSeconds / 3600;
        var executorGibHours = app.ExecutorSeconds * app.ExecutorMemory.TotalMiB / 1024.0 / 3600;
        var driverCost = Charge(driverCoreHours, driverGibHours, onDemand);
        var executorCost = Charge(executorCoreHours, executorGibHours, executorPrices);
        var slotCost = app.DriverRanTasks ? driverCost : executorCost;
        var waste = (1 - Math.Clamp(app.Utilization, 0, 1)) * slotCost;

        return new AppCost
        {
            AppId = app.AppId,
            AppName = app.AppName,
            User = app.User,
            SparkVersion = app.SparkVersion,
            StartMs = app.StartMs,
            EndMs = app.EndMs,
            Completed = app.Completed,
            Namespace = app.Namespace,
            Group = options.GroupBy.ValueOf(app),
            ExecutorCount = app.Executors.Count,
            ExecutorSeconds = app.ExecutorSeconds,
            ExecutorCoreSeconds = app.ExecutorCoreSeconds,
            ExecutorMemoryMiB = app.ExecutorMemory.TotalMiB,
            DriverCores = app.DriverCores,
            DriverMemoryMiB = app.DriverMemory.TotalMiB,
            TaskCount = app.Tasks.Count,
            FailedTasks = app.Tasks.Failed,
            KilledTasks = app.Tasks.Killed,
            FailedStages = app.FailedStages,
            TaskRunSeconds = app.Tasks.RunSeconds,
            GcSeconds = app.Tasks.GcSeconds,
            InputBytes = app.Tasks.InputBytes,
            OutputBytes = app.Tasks.OutputBytes,
            ShuffleReadBytes = app.Tasks.ShuffleReadBytes,
            ShuffleWriteBytes = app.Tasks.ShuffleWriteBytes,
            MemorySpillBytes = app.Tasks.MemorySpillBytes,
            DiskSpillBytes = app.Tasks.DiskSpillBytes,
            Utilization = app.Utilization,
            CoreHours = driverCoreHours + executorCoreHours,
            GibHours = driverGibHours + executorGibHours,
            DriverCostUsd = driverCost,
            ExecutorCostUsd = executorCost,
            CostUsd = driverCost + executorCost,
            WasteUsd = waste,
            Finding = WasteDiagnosis.Explain(app),
            Labels = app.Labels,
            Warnings = app.Warnings,
            Source = app.Source,
        };
    }

    public static CostReport Report(IEnumerable<AppCost> apps, IEnumerable<SkippedLog> skipped, CostOptions options)
    {
        var list = apps.OrderBy(a => a.StartMs).ThenBy(a => a.AppId, StringComparer.Ordinal).ToList();
        var groups = list.GroupBy(a => a.Group, StringComparer.Ordinal)
            .Select(g => new GroupCost(
                g.Key,
                g.Count(),
                g.Sum(a => a.CoreHours),
                g.Sum(a => a.GibHours),
                g.Sum(a => a.TaskRunSeconds) / 3600,
                WeightedUtilization(g),
                g.Sum(a => a.CostUsd),
                g.Sum(a => a.WasteUsd)))
            .OrderByDescending(g => g.CostUsd)
            .ThenBy(g => g.Group, StringComparer.Ordinal)
            .ToList();
        var cost = list.Sum(a => a.CostUsd);
        var waste = list.Sum(a => a.WasteUsd);
        var totals = new CostTotals(
            list.Count,
            list.Sum(a => a.CoreHours),
            list.Sum(a => a.GibHours),
            list.Sum(a => a.DriverCostUsd),
            list.Sum(a => a.ExecutorCostUsd),
            cost,
            waste,
            cost > 0 ? waste / cost * 100 : 0);
        var basis = new PricingBasis(options.Node.Name, options.Node.VcpuHourUsd, options.Node.GibHourUsd, options.Spot, options.SpotDiscount, options.CatalogDate, options.GroupBy.Key);
        return new CostReport(list, groups, totals, basis, [.. skipped]);
    }

    /// <summary>Apps whose waste is at least <paramref name="percent"/>% of their cost.</summary>
    public static IReadOnlyList<AppCost> OverWasteLimit(CostReport report, double percent) =>
        [.. report.Apps.Where(a => a.CostUsd > 0 && a.WasteUsd / a.CostUsd * 100 >= percent)];

    /// <summary>Task run time over task-slot core time, across the group (slot time recovered from each app's utilization).</summary>
    private static double WeightedUtilization(IEnumerable<AppCost> apps)
    {
        double run = 0, slots = 0;
        foreach (var app in apps.Where(a => a.Utilization > 0))
        {
            run += app.TaskRunSeconds;
            slots += app.TaskRunSeconds / app.Utilization;
        }

        return slots > 0 ? run / slots : 0;
    }

    private static double Charge(double coreHours, double gibHours, UnitPrices prices) =>
        (coreHours * prices.VcpuHourUsd) + (gibHours * prices.GibHourUsd);
}
