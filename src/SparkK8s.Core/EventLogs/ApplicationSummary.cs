using SparkK8s.Core.Sizing;

namespace SparkK8s.Core.EventLogs;

/// <summary>An executor's life: added, removed (or the app's end when it never was), and its cores.</summary>
public sealed record ExecutorSpan(string Id, long AddedMs, long RemovedMs, int Cores, bool WasRemoved, string? RemovedReason)
{
    public long Milliseconds => Math.Max(0, RemovedMs - AddedMs);
    public double Seconds => Milliseconds / 1000.0;
    public double CoreSeconds => checked(Milliseconds * (long)Cores) / 1000.0;
}

/// <summary>Task-level totals over every task attempt that ended (succeeded, failed or killed).</summary>
public sealed record TaskTotals
{
    public long Count { get; init; }
    public long Failed { get; init; }
    public long Killed { get; init; }
    public long OnDriver { get; init; }
    public double RunSeconds { get; init; }
    public double GcSeconds { get; init; }
    public long InputBytes { get; init; }
    public long OutputBytes { get; init; }
    public long ShuffleReadBytes { get; init; }
    public long ShuffleWriteBytes { get; init; }
    public long MemorySpillBytes { get; init; }
    public long DiskSpillBytes { get; init; }
    public long? FirstLaunchMs { get; init; }
    public long? LastFinishMs { get; init; }
}

/// <summary>Everything derived from one application's event log.</summary>
public sealed record ApplicationSummary
{
    public required string Source { get; init; }
    public required string AppId { get; init; }
    public required string AppName { get; init; }
    public required string User { get; init; }
    public required string SparkVersion { get; init; }
    public required long StartMs { get; init; }
    public required long EndMs { get; init; }

    /// <summary>The log has SparkListenerApplicationEnd; otherwise EndMs is the last event timestamp seen.</summary>
    public required bool Completed { get; init; }

    public required bool TruncatedLastLine { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    public required IReadOnlyList<ExecutorSpan> Executors { get; init; }

    /// <summary>Driver cores: the local-mode driver's ExecutorAdded when present, else spark.driver.cores (default 1).</summary>
    public required int DriverCores { get; init; }

    public required TaskTotals Tasks { get; init; }
    public required int StageCount { get; init; }
    public required int FailedStages { get; init; }
    public required int MaxStageTasks { get; init; }
    public required int JobCount { get; init; }
    public required int FailedJobs { get; init; }
    public required ContainerMemory ExecutorMemory { get; init; }
    public required ContainerMemory DriverMemory { get; init; }
    public required string? Namespace { get; init; }
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    public required IReadOnlyDictionary<string, string> Properties { get; init; }

    public double DurationSeconds => Math.Max(0, EndMs - StartMs) / 1000.0;
    // Summed in whole milliseconds, then divided once, so 1696744 ms prints as 1696.744.
    public double ExecutorSeconds => ExecutorMilliseconds(perCore: false) / 1000.0;
    public double ExecutorCoreSeconds => ExecutorMilliseconds(perCore: true) / 1000.0;
    public double DriverCoreSeconds => DurationSeconds * DriverCores;

    /// <summary>Local mode: no executors, and the tasks ran on the driver.</summary>
    public bool DriverRanTasks => Executors.Count == 0 && Tasks.OnDriver > 0;

    /// <summary>The core-seconds that were available to tasks: executors', or the driver's in local mode.</summary>
    public double TaskSlotCoreSeconds => DriverRanTasks ? DriverCoreSeconds : ExecutorCoreSeconds;

    /// <summary>Task run time / task-slot core-seconds; 0 when there were no task slots.</summary>
    public double Utilization => TaskSlotCoreSeconds > 0 ? Tasks.RunSeconds / TaskSlotCoreSeconds : 0;

    public bool DynamicAllocation => string.Equals(Property("spark.dynamicAllocation.enabled"), "true", StringComparison.OrdinalIgnoreCase);

    public string? Property(string key) => Properties.TryGetValue(key, out var value) ? value : null;

    /// <summary>The executors' lifetimes added up (times their cores with <paramref name="perCore"/>); an overflow throws. A loop, not LINQ: pricing reads these several times per application.</summary>
    private long ExecutorMilliseconds(bool perCore)
    {
        long sum = 0;
        for (var i = 0; i < Executors.Count; i++)
        {
            var executor = Executors[i];
            sum = checked(sum + (perCore ? checked(executor.Milliseconds * (long)executor.Cores) : executor.Milliseconds));
        }

        return sum;
    }
}
