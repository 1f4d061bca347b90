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
                ? string.Create(CultureInfo.InvariantCulture, $"idle executors kept by dynamic allocation: {idleTail:0} s ({Percent(idleTail / duration)} of the run) after the last task (minExecutors={app.Property("spark.dynamicAllocation.minExecutors") ?? "0"}, executorIdleTimeout={app.Property("spark.dynamicAllocation.executorIdleTimeout") ?? "60s"}); utilization {utilization}.")
                : string.Create(CultureInfo.InvariantCulture, $"executors idle for {idleTail:0} s ({Percent(idleTail / duration)} of the run) after the last task: the app (or session) stayed up holding them; stop it when done or enable dynamic allocation; utilization {utilization}.");
        }

        var peakCores = PeakConcurrentCores(app);
        if (app.MaxStageTasks > 0 && peakCores > app.MaxStageTasks)
        {
            return string.Create(CultureInfo.InvariantCulture, $"too many executors for too few partitions: the largest stage had {app.MaxStageTasks} tasks for {peakCores} executor cores; utilization {utilization}.");
        }

        var idleHead = app.Tasks.FirstLaunchMs is { } first ? Math.Max(0, first - app.StartMs) / 1000.0 : 0;
        if (idleHead / duration >= IdleShare && app.Executors.Count > 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"executors idle before the first task for {idleHead:0} s ({Percent(idleHead / duration)} of the run): driver-side work (planning, listing, collecting) ran while executors waited; utilization {utilization}.");
        }

        if (app.Executors.Count > 0 && app.DynamicAllocation)
        {
            return string.Create(CultureInfo.InvariantCulture, $"idle executors kept by dynamic allocation between jobs (executorIdleTimeout={app.Property("spark.dynamicAllocation.executorIdleTimeout") ?? "60s"}); utilization {utilization}.");
        }

        return app.DriverRanTasks
            ? string.Create(CultureInfo.InvariantCulture, $"local mode: tasks used {utilization} of the driver's {app.DriverCores} cores; a smaller driver (local[N]) would do the same work.")
            : string.Create(CultureInfo.InvariantCulture, $"tasks used {utilization} of the executor core time: fewer or smaller executors would do the same work.");
    }

    /// <summary>
    /// The most executor cores alive at the same moment: the running total after all the additions and removals of each
    /// instant (at one instant, removals before additions). Plain arrays and loops: this runs once per application, and
    /// LINQ over value tuples is code that ReadyToRun cannot precompile (docs/en/performance.md).
    /// </summary>
    public static long PeakConcurrentCores(ApplicationSummary app)
    {
        var executors = app.Executors;
        var count = executors.Count;
        var added = new long[count];
        var addedCores = new long[count];
        var removed = new long[count];
        var removedCores = new long[count];
        for (var i = 0; i < count; i++)
        {
            added[i] = executors[i].AddedMs;
            addedCores[i] = executors[i].Cores;
            removed[i] = executors[i].RemovedMs;
            removedCores[i] = executors[i].Cores;
        }

        SortByTime(added, addedCores);
        SortByTime(removed, removedCores);
        long current = 0, peak = 0;
        int a = 0, r = 0;
        while (a < count || r < count)
        {
            var instant = r == count || (a < count && added[a] < removed[r]) ? added[a] : removed[r];
            for (; r < count && removed[r] == instant; r++)
            {
                current = checked(current - removedCores[r]);
            }

            for (; a < count && added[a] == instant; a++)
            {
                current = checked(current + addedCores[a]);
            }

            peak = Math.Max(peak, current);
        }

        return peak;
    }

    /// <summary>Orders the times (and their cores with them); usually already in order, so the sort is then skipped.</summary>
    private static void SortByTime(long[] times, long[] cores)
    {
        for (var i = 1; i < times.Length; i++)
        {
            if (times[i] < times[i - 1])
            {
                Array.Sort(times, cores);
                return;
            }
        }
    }

    private static string Percent(double fraction) => string.Create(CultureInfo.InvariantCulture, $"{fraction * 100:0.#}%");
}
