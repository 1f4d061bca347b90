using System.Globalization;
using System.Runtime.CompilerServices;
using SparkK8s.Core.Sizing;

namespace SparkK8s.Core.EventLogs;

/// <summary>One ended task attempt, as read from SparkListenerTaskEnd.</summary>
internal struct TaskEndRecord
{
    public bool Success;
    public bool Killed;
    public bool OnDriver;
    public long StageId;
    public long StageAttempt;
    public long TaskId;
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

/// <summary>
/// Collects the events of one application and derives its <see cref="ApplicationSummary"/>. Memory is bounded by the
/// number of executors and of distinct task attempts (kept to drop duplicate task ends).
/// Values a real Spark cannot have (negative or huge cores, memory, timestamps, run times, byte counts) are rejected with
/// one summarised warning per kind, so one bad value cannot price an app at millions. Sums are checked: an overflow fails
/// this log only.
/// </summary>
internal sealed class ApplicationAccumulator(string source)
{
    /// <summary>Timestamps outside [2000-01-01, 2100-01-01) are not real event times.</summary>
    internal const long MinTimestampMs = 946_684_800_000;
    internal const long MaxTimestampMs = 4_102_444_800_000;

    /// <summary>More cores than any node has: a corrupt value.</summary>
    internal const long MaxCores = 4096;

    /// <summary>One task running longer than a year is a corrupt value.</summary>
    internal const long MaxTaskMs = 366L * 24 * 3600 * 1000;

    /// <summary>A container above 64 TiB of memory is a corrupt value.</summary>
    internal const long MaxContainerMiB = 64L * 1024 * 1024;

    private readonly Dictionary<string, ExecutorState> _executors = new(StringComparer.Ordinal);
    private const string KubernetesPrefix = "spark.kubernetes.";
    private const string DriverLabelPrefix = "spark.kubernetes.driver.label.";
    private const string ExecutorLabelPrefix = "spark.kubernetes.executor.label.";
    private static readonly string[] DriverMemoryKeys = ["spark.driver.memory", "spark.driver.memoryOverhead", "spark.driver.minMemoryOverhead", "spark.executor.pyspark.memory", "spark.memory.offHeap.size"];
    private static readonly string[] ExecutorMemoryKeys = ["spark.executor.memory", "spark.executor.memoryOverhead", "spark.executor.minMemoryOverhead", "spark.executor.pyspark.memory", "spark.memory.offHeap.size"];

    private readonly Dictionary<string, string> _properties = new(StringComparer.Ordinal);

    // The spark.kubernetes.{driver,executor}.label.* keys, in the order first set.
    private List<string>? _labelKeys;
    private readonly TaskAttemptSet _taskAttempts = new();
    private readonly List<string> _warnings = [];
    // Created at the first rejected value: most logs have none, and a sorted dictionary costs code that ReadyToRun cannot
    // precompile (it is a set of key-value pairs, docs/en/performance.md) in every application otherwise.
    private SortedDictionary<string, RejectedValues>? _rejected;
    private TaskEndRecord _totals;
    private long _taskCount;
    private long _failedTasks;
    private long _killedTasks;
    private long _tasksOnDriver;
    private long _duplicateTaskEnds;
    private long? _firstLaunch;
    private long? _lastFinish;
    private int? _localDriverCores;

    public string? AppId { get; set; }
    public string? AppName { get; set; }
    public string? User { get; set; }
    public string? SparkVersion { get; set; }
    public long? StartMs { get; private set; }
    public long? EndMs { get; private set; }
    public long LastEventMs { get; private set; }
    public bool TruncatedLastLine { get; private set; }
    public bool SawEvent { get; set; }
    public int StageCount { get; set; }
    public int FailedStages { get; set; }
    public int MaxStageTasks { get; set; }
    public int JobCount { get; set; }
    public int FailedJobs { get; set; }

    public void Warn(string warning) => _warnings.Add(warning);

    /// <summary>A timestamp of an event; a value outside the plausible range is rejected and reported.</summary>
    public void Seen(long timestampMs)
    {
        // 0 is how some Spark versions write a time they do not know.
        if (timestampMs != 0 && ValidTimestamp(timestampMs, "event timestamp") && timestampMs > LastEventMs)
        {
            LastEventMs = timestampMs;
        }
    }

    public void ApplicationStarted(long timestampMs)
    {
        if (ValidTimestamp(timestampMs, "SparkListenerApplicationStart timestamp"))
        {
            StartMs = timestampMs;
            Seen(timestampMs);
        }
    }

    public void ApplicationEnded(long timestampMs)
    {
        if (ValidTimestamp(timestampMs, "SparkListenerApplicationEnd timestamp"))
        {
            EndMs = timestampMs;
            Seen(timestampMs);
        }
    }

    public void SetProperty(string key, string value)
    {
        if (_properties.Count == 0)
        {
            // Spark writes tens to a few hundred properties: room for most without growing step by step.
            _properties.EnsureCapacity(128);
        }

        // Label keys are noted as they come, so Build does not search every property for them.
        if (key.StartsWith(KubernetesPrefix, StringComparison.Ordinal)
            && (key.StartsWith(DriverLabelPrefix, StringComparison.Ordinal) || key.StartsWith(ExecutorLabelPrefix, StringComparison.Ordinal))
            && !_properties.ContainsKey(key))
        {
            (_labelKeys ??= []).Add(key);
        }

        _properties[key] = value;
    }

    /// <summary>A SparkListenerApplicationStart, ApplicationEnd or LogStart event: its timestamp (if any) starts, ends or is seen in the run.</summary>
    public void ApplicationEvent(string name, long? timestampMs)
    {
        if (timestampMs is not { } time)
        {
            return;
        }

        if (name == "SparkListenerApplicationStart")
        {
            ApplicationStarted(time);
        }
        else if (name == "SparkListenerApplicationEnd")
        {
            ApplicationEnded(time);
        }
        else
        {
            Seen(time);
        }
    }

    public void ExecutorAdded(string id, long timestampMs, long cores)
    {
        if (!ValidTimestamp(timestampMs, "executor-added timestamp"))
        {
            return;
        }

        Seen(timestampMs);
        if (cores is <= 0 or > MaxCores)
        {
            Reject("executor core count", cores.ToString(CultureInfo.InvariantCulture), "counted as 1 core");
            cores = 1;
        }

        if (id == "driver")
        {
            _localDriverCores = (int)cores;
            return;
        }

        _executors.TryAdd(id, new ExecutorState(id, timestampMs, (int)cores));
    }

    public void ExecutorRemoved(string id, long timestampMs, string? reason)
    {
        if (!ValidTimestamp(timestampMs, "executor-removed timestamp"))
        {
            return;
        }

        Seen(timestampMs);
        if (_executors.TryGetValue(id, out var state) && state.RemovedMs is null)
        {
            state.RemovedMs = timestampMs;
            state.Reason = reason;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void TaskEnded(in TaskEndRecord ended)
    {
        // Spark posts one TaskEnd per attempt; a repeated (stage, stage attempt, task id) is a duplicate line
        // (replayed or concatenated logs), not another attempt.
        if (ended.TaskId >= 0 && !_taskAttempts.Add(ended.StageId, ended.StageAttempt, ended.TaskId))
        {
            _duplicateTaskEnds++;
            return;
        }

        var task = ended;
        Sanitise(ref task);
        checked
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

            if (task.FinishMs > 0)
            {
                Seen(task.FinishMs);
            }

            _totals.RunMs += task.RunMs;
            _totals.GcMs += task.GcMs;
            _totals.InputBytes += task.InputBytes;
            _totals.OutputBytes += task.OutputBytes;
            _totals.ShuffleReadBytes += task.ShuffleReadBytes;
            _totals.ShuffleWriteBytes += task.ShuffleWriteBytes;
            _totals.MemorySpillBytes += task.MemorySpillBytes;
            _totals.DiskSpillBytes += task.DiskSpillBytes;
        }
    }

    public void MarkTruncated(long lineNumber, string partName)
    {
        TruncatedLastLine = true;
        _warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{partName}: the last line ({lineNumber}) is incomplete, as in the log of a running application; it was ignored."));
    }

    public void MarkTruncatedStream(string partName, string detail)
    {
        TruncatedLastLine = true;
        _warnings.Add($"{partName}: {detail}, as in the log of a running application; the events before it were read.");
    }

    public ApplicationSummary Build(bool markedInProgress)
    {
        var lastEvent = LastEventMs > 0 ? LastEventMs : (long?)null;
        var end = EndMs ?? lastEvent ?? StartMs ?? 0;
        var start = StartMs ?? (_executors.Count > 0 ? _executors.Values.Min(e => e.AddedMs) : end);
        if (EndMs is null)
        {
            _warnings.Add(markedInProgress
                ? "the application is still running (in-progress log): its end is the last event timestamp."
                : "the log has no SparkListenerApplicationEnd: its end is the last event timestamp.");
        }

        if (end < start)
        {
            _warnings.Add(string.Create(CultureInfo.InvariantCulture, $"the application ends ({end}) before it starts ({start}); its duration is counted as 0."));
            end = start;
        }

        var version = Sizing.SparkVersion.TryParse(SparkVersion) ?? Sizing.SparkVersion.Default;
        var executorMemory = Memory(version, SparkRole.Executor);
        var driverMemory = Memory(version, SparkRole.Driver);
        if (_duplicateTaskEnds > 0)
        {
            _warnings.Add(string.Create(CultureInfo.InvariantCulture, $"{_duplicateTaskEnds} duplicate SparkListenerTaskEnd event(s) (same stage, stage attempt and task id) were counted once."));
        }

        if (_rejected is not null)
        {
            foreach (var (what, rejected) in _rejected)
            {
                _warnings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{rejected.Count} implausible {what}(s) rejected (for example {rejected.Example}): {rejected.Action}."));
            }
        }

        var labels = Labels();
        // In order of the raw added time (before clamping to the run), then id. The states are sorted, not the
        // dictionary's key-value pairs: a sort of objects is precompiled, one of pairs is compiled at run time.
        var ordered = new ExecutorState[_executors.Count];
        _executors.Values.CopyTo(ordered, 0);
        Array.Sort(ordered, static (a, b) => a.AddedMs != b.AddedMs ? a.AddedMs.CompareTo(b.AddedMs) : string.CompareOrdinal(a.Id, b.Id));
        var executors = new List<ExecutorSpan>(ordered.Length);
        foreach (var state in ordered)
        {
            executors.Add(Span(state, start, end));
        }
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
            Executors = executors,
            DriverCores = _localDriverCores ?? (int.TryParse(Property("spark.driver.cores"), NumberStyles.None, CultureInfo.InvariantCulture, out var cores) && cores is > 0 and <= (int)MaxCores ? cores : 1),
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
                FirstLaunchMs = _firstLaunch is { } first ? Math.Clamp(first, start, end) : null,
                LastFinishMs = _lastFinish is { } last ? Math.Clamp(last, start, end) : null,
            },
            StageCount = StageCount,
            FailedStages = FailedStages,
            MaxStageTasks = MaxStageTasks,
            JobCount = JobCount,
            FailedJobs = FailedJobs,
            ExecutorMemory = executorMemory,
            DriverMemory = driverMemory,
            Namespace = Property("spark.kubernetes.namespace") ?? (SparkMemoryRules.IsKubernetes(_properties) ? "default" : null),
            Labels = labels,
            Properties = _properties,
        };
    }

    /// <summary>An executor's life clamped to the application's [start, end]: it cannot be paid for outside the run.</summary>
    private static ExecutorSpan Span(ExecutorState state, long start, long end)
    {
        var added = Math.Clamp(state.AddedMs, start, end);
        var removed = Math.Clamp(state.RemovedMs ?? end, added, end);
        return new ExecutorSpan(state.Id, added, removed, state.Cores, state.RemovedMs is not null, state.Reason);
    }

    /// <summary>The container memory Spark requests; settings that overflow or are absurd fall back to Spark's defaults with a warning.</summary>
    private ContainerMemory Memory(Sizing.SparkVersion version, SparkRole role)
    {
        var prefix = role == SparkRole.Driver ? "spark.driver." : "spark.executor.";
        var memoryKeys = role == SparkRole.Driver ? DriverMemoryKeys : ExecutorMemoryKeys;
        ContainerMemory? memory;
        try
        {
            // A setting that is present but no size Spark could read (e.g. beyond 8 EiB) is implausible, not silently the default.
            var unreadable = false;
            foreach (var key in memoryKeys)
            {
                unreadable |= _properties.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) && ByteSize.TryParseSpark(value, ByteSize.MiB) is null;
            }

            memory = unreadable ? null : SparkMemoryRules.Resolve(version, _properties, role);
            if (memory is not null)
            {
                _ = checked(memory.HeapMiB + memory.OverheadMiB + memory.PysparkMiB + memory.OffHeapMiB);
                if (memory.HeapMiB < 0 || memory.OverheadMiB < 0 || memory.PysparkMiB < 0 || memory.OffHeapMiB < 0 || memory.TotalMiB > MaxContainerMiB)
                {
                    memory = null;
                }
            }
        }
        catch (OverflowException)
        {
            memory = null;
        }

        if (memory is not null)
        {
            return memory;
        }

        var settings = string.Join(", ", _properties.Where(p => p.Key.StartsWith(prefix + "memory", StringComparison.Ordinal) || (role == SparkRole.Executor && p.Key == "spark.executor.pyspark.memory") || p.Key == "spark.memory.offHeap.size")
            .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        _warnings.Add($"the {(role == SparkRole.Driver ? "driver" : "executor")} memory settings are implausible ({settings}); priced with Spark's default memory instead.");
        var defaults = new Dictionary<string, string>(_properties.Where(p => !p.Key.Contains("memory", StringComparison.OrdinalIgnoreCase) && !p.Key.StartsWith("spark.memory.", StringComparison.Ordinal)), StringComparer.Ordinal);
        return SparkMemoryRules.Resolve(version, defaults, role);
    }

    /// <summary>Rejects impossible task values: times outside the plausible range, negative or year-long run times, negative byte counts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Sanitise(ref TaskEndRecord task)
    {
        if (task.LaunchMs != 0 && !ValidTimestamp(task.LaunchMs, "task launch time"))
        {
            task.LaunchMs = 0;
        }

        if (task.FinishMs != 0 && !ValidTimestamp(task.FinishMs, "task finish time"))
        {
            task.FinishMs = 0;
        }

        if (task.RunMs is < 0 or > MaxTaskMs)
        {
            Reject("task run time", task.RunMs.ToString(CultureInfo.InvariantCulture) + " ms", "counted as 0");
            task.RunMs = 0;
        }

        if (task.GcMs is < 0 or > MaxTaskMs)
        {
            Reject("task GC time", task.GcMs.ToString(CultureInfo.InvariantCulture) + " ms", "counted as 0");
            task.GcMs = 0;
        }

        task.InputBytes = NonNegative(task.InputBytes);
        task.OutputBytes = NonNegative(task.OutputBytes);
        task.ShuffleReadBytes = NonNegative(task.ShuffleReadBytes);
        task.ShuffleWriteBytes = NonNegative(task.ShuffleWriteBytes);
        task.MemorySpillBytes = NonNegative(task.MemorySpillBytes);
        task.DiskSpillBytes = NonNegative(task.DiskSpillBytes);
    }

    private long NonNegative(long bytes)
    {
        if (bytes >= 0)
        {
            return bytes;
        }

        Reject("task byte count", bytes.ToString(CultureInfo.InvariantCulture), "counted as 0");
        return 0;
    }

    private bool ValidTimestamp(long timestampMs, string what)
    {
        if (timestampMs is >= MinTimestampMs and < MaxTimestampMs)
        {
            return true;
        }

        Reject(what, timestampMs.ToString(CultureInfo.InvariantCulture), "ignored");
        return false;
    }

    private void Reject(string what, string example, string action)
    {
        _rejected ??= new SortedDictionary<string, RejectedValues>(StringComparer.Ordinal);
        if (_rejected.TryGetValue(what, out var rejected))
        {
            rejected.Count++;
        }
        else
        {
            _rejected[what] = new RejectedValues(example, action);
        }
    }

    /// <summary>spark.kubernetes.driver.label.* first, then executor labels for keys the driver does not set.</summary>
    private IReadOnlyDictionary<string, string> Labels()
    {
        if (_labelKeys is null)
        {
            return NoLabels;
        }

        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var prefix in (ReadOnlySpan<string>)[DriverLabelPrefix, ExecutorLabelPrefix])
        {
            foreach (var key in _labelKeys)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length)
                {
                    labels.TryAdd(key[prefix.Length..], _properties[key]);
                }
            }
        }

        return labels;
    }

    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>(StringComparer.Ordinal).AsReadOnly();

    private string? Property(string key) => _properties.TryGetValue(key, out var value) ? value : null;

    private sealed class ExecutorState(string id, long addedMs, int cores)
    {
        public string Id { get; } = id;

        public long AddedMs { get; } = addedMs;
        public int Cores { get; } = cores;
        public long? RemovedMs { get; set; }
        public string? Reason { get; set; }
    }

    private sealed class RejectedValues(string example, string action)
    {
        public string Example { get; } = example;
        public string Action { get; } = action;
        public long Count { get; set; } = 1;
    }
}
