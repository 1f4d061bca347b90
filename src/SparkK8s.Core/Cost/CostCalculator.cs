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
        // Loops, not LINQ: a directory of thousands of logs gives thousands of applications, and LINQ's sort and grouping
        // over them are code ReadyToRun cannot precompile. The same order (start, then id, then input order) and the
        // same sums (each added in that order) as OrderBy/ThenBy, GroupBy and Sum.
        var entries = apps.Select((app, index) => new Ordered(app, index)).ToArray();
        Array.Sort(entries, static (a, b) => a.App.StartMs != b.App.StartMs ? a.App.StartMs.CompareTo(b.App.StartMs)
            : string.CompareOrdinal(a.App.AppId, b.App.AppId) is var byId and not 0 ? byId
            : a.Index.CompareTo(b.Index));
        var list = new List<AppCost>(entries.Length);
        foreach (var entry in entries)
        {
            list.Add(entry.App);
        }

        var byGroup = new Dictionary<string, GroupTotals>(StringComparer.Ordinal);
        double coreHours = 0, gibHours = 0, driverCost = 0, executorCost = 0, cost = 0, waste = 0;
        foreach (var app in list)
        {
            if (!byGroup.TryGetValue(app.Group, out var group))
            {
                byGroup[app.Group] = group = new GroupTotals();
            }

            group.Add(app);
            coreHours += app.CoreHours;
            gibHours += app.GibHours;
            driverCost += app.DriverCostUsd;
            executorCost += app.ExecutorCostUsd;
            cost += app.CostUsd;
            waste += app.WasteUsd;
        }

        var groups = new List<GroupCost>(byGroup.Count);
        foreach (var (name, group) in byGroup)
        {
            groups.Add(group.Cost(name));
        }

        groups.Sort((a, b) => b.CostUsd.CompareTo(a.CostUsd) is var byCost and not 0 ? byCost : string.CompareOrdinal(a.Group, b.Group));
        var totals = new CostTotals(list.Count, coreHours, gibHours, driverCost, executorCost, cost, waste, cost > 0 ? waste / cost * 100 : 0);
        var basis = new PricingBasis(options.Node.Name, options.Node.VcpuHourUsd, options.Node.GibHourUsd, options.Spot, options.SpotDiscount, options.CatalogDate, options.GroupBy.Key);
        return new CostReport(list, groups, totals, basis, [.. skipped]);
    }

    /// <summary>Apps whose waste is at least <paramref name="percent"/>% of their cost.</summary>
    public static IReadOnlyList<AppCost> OverWasteLimit(CostReport report, double percent) =>
        [.. report.Apps.Where(a => a.CostUsd > 0 && a.WasteUsd / a.CostUsd * 100 >= percent)];

    /// <summary>An application and its place in the input, the last key of the (stable) order.</summary>
    private sealed record Ordered(AppCost App, int Index);

    /// <summary>One group's sums, each added in the order of the report's applications.</summary>
    private sealed class GroupTotals
    {
        private int _apps;
        private double _coreHours, _gibHours, _taskRunSeconds, _cost, _waste;

        // Task run time over task-slot core time, across the group (slot time recovered from each app's utilization).
        private double _run, _slots;

        public void Add(AppCost app)
        {
            _apps++;
            _coreHours += app.CoreHours;
            _gibHours += app.GibHours;
            _taskRunSeconds += app.TaskRunSeconds;
            _cost += app.CostUsd;
            _waste += app.WasteUsd;
            if (app.Utilization > 0)
            {
                _run += app.TaskRunSeconds;
                _slots += app.TaskRunSeconds / app.Utilization;
            }
        }

        public GroupCost Cost(string group) =>
            new(group, _apps, _coreHours, _gibHours, _taskRunSeconds / 3600, _slots > 0 ? _run / _slots : 0, _cost, _waste);
    }

    private static double Charge(double coreHours, double gibHours, UnitPrices prices) =>
        (coreHours * prices.VcpuHourUsd) + (gibHours * prices.GibHourUsd);
}
