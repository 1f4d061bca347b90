using System.Text;
using System.Text.Json;

namespace SparkK8s.Testing;

/// <summary>
/// Writes small synthetic Spark event logs in the JsonProtocol shape (one event per line, "Event" first),
/// for tests that need a specific situation: executors never removed, labels, list-form properties, cut lines...
/// </summary>
public sealed class SparkEventLogBuilder
{
    private readonly List<string> _lines = [];

    public SparkEventLogBuilder LogStart(string version) => Add(new { Event = "SparkListenerLogStart", SparkVersion = version });

    public SparkEventLogBuilder ApplicationStart(string appId, string name, string user, long timestamp) =>
        Add(new Dictionary<string, object?> { ["Event"] = "SparkListenerApplicationStart", ["App Name"] = name, ["App ID"] = appId, ["Timestamp"] = timestamp, ["User"] = user });

    public SparkEventLogBuilder ApplicationEnd(long timestamp) =>
        Add(new Dictionary<string, object?> { ["Event"] = "SparkListenerApplicationEnd", ["Timestamp"] = timestamp });

    /// <summary>Spark properties as a JSON object (most versions) or, with <paramref name="asList"/>, as [key, value] pairs.</summary>
    public SparkEventLogBuilder Environment(IReadOnlyDictionary<string, string> properties, bool asList = false) =>
        Add(new Dictionary<string, object?>
        {
            ["Event"] = "SparkListenerEnvironmentUpdate",
            ["JVM Information"] = new Dictionary<string, string> { ["Java Version"] = "17" },
            ["Spark Properties"] = asList ? properties.Select(p => new[] { p.Key, p.Value }).ToArray() : properties,
            ["Hadoop Properties"] = new Dictionary<string, string>(),
            ["System Properties"] = new Dictionary<string, string>(),
            ["Classpath Entries"] = new Dictionary<string, string> { ["/opt/spark/jars/spark-core.jar"] = "System Classpath" },
        });

    public SparkEventLogBuilder ExecutorAdded(string id, long timestamp, int cores) =>
        Add(new Dictionary<string, object?>
        {
            ["Event"] = "SparkListenerExecutorAdded",
            ["Timestamp"] = timestamp,
            ["Executor ID"] = id,
            ["Executor Info"] = new Dictionary<string, object?> { ["Host"] = "10.0.0.1", ["Total Cores"] = cores, ["Log Urls"] = new Dictionary<string, string>() },
        });

    public SparkEventLogBuilder ExecutorRemoved(string id, long timestamp, string reason) =>
        Add(new Dictionary<string, object?> { ["Event"] = "SparkListenerExecutorRemoved", ["Timestamp"] = timestamp, ["Executor ID"] = id, ["Removed Reason"] = reason });

    public SparkEventLogBuilder TaskStart(long taskId, string executorId, long launch) =>
        Add(new Dictionary<string, object?>
        {
            ["Event"] = "SparkListenerTaskStart",
            ["Stage ID"] = 0,
            ["Task Info"] = new Dictionary<string, object?> { ["Task ID"] = taskId, ["Executor ID"] = executorId, ["Launch Time"] = launch },
        });

    public SparkEventLogBuilder TaskEnd(long taskId, string executorId, long launch, long finish, long runMs, string reason = "Success", long inputBytes = 0, long gcMs = 0, long diskSpill = 0) =>
        Add(new Dictionary<string, object?>
        {
            ["Event"] = "SparkListenerTaskEnd",
            ["Stage ID"] = 0,
            ["Stage Attempt ID"] = 0,
            ["Task Type"] = "ResultTask",
            ["Task End Reason"] = new Dictionary<string, object?> { ["Reason"] = reason },
            ["Task Info"] = new Dictionary<string, object?>
            {
                ["Task ID"] = taskId,
                ["Executor ID"] = executorId,
                ["Launch Time"] = launch,
                ["Finish Time"] = finish,
                ["Failed"] = reason != "Success" && reason != "TaskKilled",
                ["Killed"] = reason == "TaskKilled",
                ["Accumulables"] = new[] { new Dictionary<string, object?> { ["ID"] = 1, ["Name"] = "internal.metrics.executorRunTime", ["Update"] = runMs, ["Value"] = runMs } },
            },
            ["Task Metrics"] = new Dictionary<string, object?>
            {
                ["Executor Run Time"] = runMs,
                ["JVM GC Time"] = gcMs,
                ["Memory Bytes Spilled"] = diskSpill * 2,
                ["Disk Bytes Spilled"] = diskSpill,
                ["Shuffle Read Metrics"] = new Dictionary<string, object?> { ["Remote Bytes Read"] = 100, ["Local Bytes Read"] = 50 },
                ["Shuffle Write Metrics"] = new Dictionary<string, object?> { ["Shuffle Bytes Written"] = 70 },
                ["Input Metrics"] = new Dictionary<string, object?> { ["Bytes Read"] = inputBytes, ["Records Read"] = 1 },
                ["Output Metrics"] = new Dictionary<string, object?> { ["Bytes Written"] = 10, ["Records Written"] = 1 },
                ["Updated Blocks"] = Array.Empty<object>(),
            },
        });

    public SparkEventLogBuilder StageCompleted(int stageId, int tasks, string? failureReason = null)
    {
        var info = new Dictionary<string, object?> { ["Stage ID"] = stageId, ["Stage Attempt ID"] = 0, ["Number of Tasks"] = tasks, ["RDD Info"] = Array.Empty<object>() };
        if (failureReason is not null)
        {
            info["Failure Reason"] = failureReason;
        }

        return Add(new Dictionary<string, object?> { ["Event"] = "SparkListenerStageCompleted", ["Stage Info"] = info });
    }

    /// <summary>An event type this tool does not know; it must be skipped.</summary>
    public SparkEventLogBuilder UnknownEvent() =>
        Add(new Dictionary<string, object?> { ["Event"] = "com.example.CustomListenerEvent", ["Payload"] = new { Deep = new[] { 1, 2, 3 } } });

    public SparkEventLogBuilder Raw(string line)
    {
        _lines.Add(line);
        return this;
    }

    /// <summary>The log text; with <paramref name="cutLastLine"/>, the last line loses its second half and its newline, as in a running app's log.</summary>
    public string Build(bool cutLastLine = false)
    {
        var text = new StringBuilder();
        for (var i = 0; i < _lines.Count; i++)
        {
            var line = _lines[i];
            if (cutLastLine && i == _lines.Count - 1)
            {
                text.Append(line[..(line.Length / 2)]);
                continue;
            }

            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A complete app: start, properties, <paramref name="executors"/> executors (2 cores) that are never removed, tasks, end.</summary>
    public static SparkEventLogBuilder SimpleApp(string appId, IReadOnlyDictionary<string, string>? properties = null, int executors = 2, long start = 1_700_000_000_000, long durationMs = 100_000)
    {
        var builder = new SparkEventLogBuilder().LogStart("3.5.1").ApplicationStart(appId, "nightly-etl", "alice", start)
            .Environment(properties ?? new Dictionary<string, string> { ["spark.executor.memory"] = "4g", ["spark.app.name"] = "nightly-etl" });
        for (var i = 1; i <= executors; i++)
        {
            builder.ExecutorAdded(i.ToString(System.Globalization.CultureInfo.InvariantCulture), start + 1_000, 2);
        }

        builder.TaskStart(0, "1", start + 2_000).TaskEnd(0, "1", start + 2_000, start + 42_000, 40_000, inputBytes: 400 * 1024 * 1024).StageCompleted(0, 1);
        return builder.ApplicationEnd(start + durationMs);
    }

    private SparkEventLogBuilder Add(object value)
    {
        var json = JsonSerializer.Serialize(value);
        _lines.Add(json.Replace("\"SparkVersion\"", "\"Spark Version\"", StringComparison.Ordinal));
        return this;
    }
}
