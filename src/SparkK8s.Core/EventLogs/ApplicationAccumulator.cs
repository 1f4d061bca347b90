using System.Globalization;
using SparkK8s.Core.Sizing;

namespace SparkK8s.Core.EventLogs;

/// <summary>One ended task attempt, as read from SparkListenerTaskEnd.</summary>
internal struct TaskEndRecord
{
    public bool Success;
    public bool Killed;
    public bool OnDriver;
    public long LaunchMs;
    public long FinishMs;
    public long RunMs;
    public long GcMs;
    public long InputBytes;
    public long OutputBytes;
    public long ShuffleReadBytes;
    public long ShuffleWriteBytes;
    public long MemorySpillBytes;
    public long DiskSpillBytes;
}

/// <summary>Collects the events of one application and derives its <see cref="ApplicationSummary"/>. Memory is bounded by the number of executors.</summary>
internal sealed class ApplicationAccumulator(string source)
{
    private readonly Dictionary<string, ExecutorState> _executors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _properties = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];
    private TaskEndRecord _totals;
    private long _taskCount;
    private long _failedTasks;
    private long _killedTasks;
    private long _tasksOnDriver;
    private long? _firstLaunch;
    private long? _lastFinish;
    private int? _localDriverCores;

    public string? AppId { get; set; }
    public string? AppName { get; set; }
    public string? User { get; set; }
    public string? SparkVersion { get; set; }
    public long? StartMs { get; set; }
    public long? EndMs { get; set; }
    public long LastEventMs { get; private set; }
    public bool TruncatedLastLine { get; private set; }
    public bool SawEvent { get; set; }
    public int StageCount { get; set; }
    public int FailedStages { get; set; }
    public int MaxStageTasks { get; set; }
    public int JobCount { get; set; }
    public int FailedJobs { get; set; }

    public void Seen(long timestampMs)
    {
        if (timestampMs > LastEventMs)
        {
            LastEventMs = timestampMs;
        }
    }

    public void SetProperty(string key, string value) => _properties[key] = value;

    public void ExecutorAdded(string id, long timestampMs, int cores)
    {
        Seen(timestampMs);
        if (id == "driver")
        {
            _localDriverCores = cores;
            return;
        }

        _executors.TryAdd(id, new ExecutorState(timestampMs, cores));
    }

    public void ExecutorRemoved(string id, long timestampMs, string? reason)
    {
        Seen(timestampMs);
        if (_executors.TryGetValue(id, out var state) && state.RemovedMs is null)
        {
            state.RemovedMs = timestampMs;
            state.Reason = reason;
        }
    }

    public void TaskEnded(in TaskEndRecord task)
    {
        _taskCount++;
        if (task.Killed)
        {
            _killedTasks++;
        }
        else if (!task.Success)
        {
            _failedTasks++;
        }

        if (task.OnDriver)
        {
            _tasksOnDriver++;
        }

        if (task.LaunchMs > 0 && (_firstLaunch is null || task.LaunchMs < _firstLaunch))
        {
            _firstLaunch = task.LaunchMs;
        }

        if (task.FinishMs > 0 && (_lastFinish is null || task.FinishMs > _lastFinish))
        {
            _lastFinish = task.FinishMs;
        }

        Seen(task.FinishMs);
        _totals.RunMs += task.RunMs;
        _totals.GcMs += task.GcMs;
        _totals.InputBytes += task.InputBytes;
        _totals.OutputBytes += task.OutputBytes;
        _totals.ShuffleReadBytes += task.ShuffleReadBytes;
        _totals.ShuffleWriteBytes += task.ShuffleWriteBytes;
        _totals.MemorySpillBytes += task.MemorySpillBytes;
        _totals.DiskSpillBytes += task.DiskSpillBytes;
    }

    public void MarkTruncated(long lineNumber, string partName)
    {
        TruncatedLastLine = true;
        _warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{partName}: the last line ({lineNumber}) is incomplete, as in the log of a running application; it was ignored."));
    }

    public ApplicationSummary Build(bool markedInProgress)
    {
        var end = EndMs ?? LastEventMs;
        var start = StartMs ?? (_executors.Count > 0 ? _executors.Values.Min(e => e.AddedMs) : end);
        if (EndMs is null)
        {
            _warnings.Add(markedInProgress
                ? "the application is still running (in-progress log): its end is the last event timestamp."
                : "the log has no SparkListenerApplicationEnd: its end is the last event timestamp.");
        }

        var version = Sizing.SparkVersion.TryParse(SparkVersion) ?? Sizing.SparkVersion.Default;
        var labels = Labels();
        return new ApplicationSummary
        {
            Source = source,
            AppId = AppId ?? Path.GetFileName(source),
            AppName = AppName ?? Property("spark.app.name") ?? "",
            User = User ?? "",
            SparkVersion = SparkVersion ?? "",
            StartMs = start,
            EndMs = end,
            Completed = EndMs is not null,
            TruncatedLastLine = TruncatedLastLine,
            Warnings = _warnings,
            Executors = [.. _executors.OrderBy(e => e.Value.AddedMs).ThenBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => new ExecutorSpan(e.Key, e.Value.AddedMs, Math.Max(e.Value.AddedMs, e.Value.RemovedMs ?? end), e.Value.Cores, e.Value.RemovedMs is not null, e.Value.Reason))],
            DriverCores = _localDriverCores ?? (int.TryParse(Property("spark.driver.cores"), NumberStyles.None, CultureInfo.InvariantCulture, out var cores) && cores > 0 ? cores : 1),
            Tasks = new TaskTotals
            {
                Count = _taskCount,
                Failed = _failedTasks,
                Killed = _killedTasks,
                OnDriver = _tasksOnDriver,
                RunSeconds = _totals.RunMs / 1000.0,
                GcSeconds = _totals.GcMs / 1000.0,
                InputBytes = _totals.InputBytes,
                OutputBytes = _totals.OutputBytes,
                ShuffleReadBytes = _totals.ShuffleReadBytes,
                ShuffleWriteBytes = _totals.ShuffleWriteBytes,
                MemorySpillBytes = _totals.MemorySpillBytes,
                DiskSpillBytes = _totals.DiskSpillBytes,
                FirstLaunchMs = _firstLaunch,
                LastFinishMs = _lastFinish,
            },
            StageCount = StageCount,
            FailedStages = FailedStages,
            MaxStageTasks = MaxStageTasks,
            JobCount = JobCount,
            FailedJobs = FailedJobs,
            ExecutorMemory = SparkMemoryRules.Resolve(version, _properties, SparkRole.Executor),
            DriverMemory = SparkMemoryRules.Resolve(version, _properties, SparkRole.Driver),
            Namespace = Property("spark.kubernetes.namespace") ?? (SparkMemoryRules.IsKubernetes(_properties) ? "default" : null),
            Labels = labels,
            Properties = _properties,
        };
    }

    /// <summary>spark.kubernetes.driver.label.* first, then executor labels for keys the driver does not set.</summary>
    private SortedDictionary<string, string> Labels()
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var prefix in new[] { "spark.kubernetes.driver.label.", "spark.kubernetes.executor.label." })
        {
            foreach (var (key, value) in _properties)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length)
                {
                    labels.TryAdd(key[prefix.Length..], value);
                }
            }
        }

        return labels;
    }

    private string? Property(string key) => _properties.TryGetValue(key, out var value) ? value : null;

    private sealed class ExecutorState(long addedMs, int cores)
    {
        public long AddedMs { get; } = addedMs;
        public int Cores { get; } = cores;
        public long? RemovedMs { get; set; }
        public string? Reason { get; set; }
    }
}
