using System.Globalization;
using SparkK8s.Core.EventLogs;

namespace SparkK8s.Core.Cost;

/// <summary>Says in one line why an application's executors sat idle. Checks run from the most specific cause to the most general.</summary>
public static class WasteDiagnosis
{
    /// <summary>Below this utilization an application is flagged.</summary>
    public const double LowUtilization = 0.5;

    /// <summary>An idle stretch counts when it is at least this share of the run.</summary>
    private const double IdleShare = 0.25;

    public static string? Explain(ApplicationSummary app)
    {
        if (app.TaskSlotCoreSeconds <= 0 || app.Utilization >= LowUtilization)
        {
            return null;
        }

        var duration = Math.Max(app.DurationSeconds, 1e-9);
        var utilization = Percent(app.Utilization);
        if (app.Tasks.Count == 0)
        {
            return $"no task ran: the executors were paid for and never used (utilization 0%).";
        }

        var idleTail = app.Tasks.LastFinishMs is { } last ? Math.Max(0, app.EndMs - last) / 1000.0 : 0;
        if (idleTail / duration >= IdleShare)
        {
            return app.DynamicAllocation
                ? Invariant($"idle executors kept by dynamic allocation: {idleTail:0} s ({Percent(idleTail / duration)} of the run) after the last task (minExecutors={app.Property("spark.dynamicAllocation.minExecutors") ?? "0"}, executorIdleTimeout={app.Property("spark.dynamicAllocation.executorIdleTimeout") ?? "60s"}); utilization {utilization}.")
                : Invariant($"executors idle for {idleTail:0} s ({Percent(idleTail / duration)} of the run) after the last task: the app (or session) stayed up holding them; stop it when done or enable dynamic allocation; utilization {utilization}.");
        }

        var peakCores = PeakConcurrentCores(app);
        if (app.MaxStageTasks > 0 && peakCores > app.MaxStageTasks)
        {
            return Invariant($"too many executors for too few partitions: the largest stage had {app.MaxStageTasks} tasks for {peakCores} executor cores; utilization {utilization}.");
        }

        var idleHead = app.Tasks.FirstLaunchMs is { } first ? Math.Max(0, first - app.StartMs) / 1000.0 : 0;
        if (idleHead / duration >= IdleShare && app.Executors.Count > 0)
        {
            return Invariant($"executors idle before the first task for {idleHead:0} s ({Percent(idleHead / duration)} of the run): driver-side work (planning, listing, collecting) ran while executors waited; utilization {utilization}.");
        }

        if (app.Executors.Count > 0 && app.DynamicAllocation)
        {
            return Invariant($"idle executors kept by dynamic allocation between jobs (executorIdleTimeout={app.Property("spark.dynamicAllocation.executorIdleTimeout") ?? "60s"}); utilization {utilization}.");
        }

        return app.DriverRanTasks
            ? Invariant($"local mode: tasks used {utilization} of the driver's {app.DriverCores} cores; a smaller driver (local[N]) would do the same work.")
            : Invariant($"tasks used {utilization} of the executor core time: fewer or smaller executors would do the same work.");
    }

    /// <summary>The most executor cores alive at the same moment.</summary>
    public static long PeakConcurrentCores(ApplicationSummary app)
    {
        var changes = app.Executors.SelectMany(e => new[] { (Time: e.AddedMs, Delta: (long)e.Cores), (Time: e.RemovedMs, Delta: -(long)e.Cores) })
            .OrderBy(c => c.Time).ThenBy(c => c.Delta);
        long current = 0, peak = 0;
        foreach (var change in changes)
        {
            current = checked(current + change.Delta);
            peak = Math.Max(peak, current);
        }

        return peak;
    }

    private static string Percent(double fraction) => Invariant($"{fraction * 100:0.#}%");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
