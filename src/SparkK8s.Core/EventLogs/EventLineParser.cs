using System.Runtime.CompilerServices;
using System.Text.Json;

namespace SparkK8s.Core.EventLogs;

/// <summary>
/// Parses one JSON line of an event log straight from the UTF-8 bytes, with <see cref="JsonLineCursor"/>.
/// The event name is found without a JSON parse (Spark writes <c>{"Event":"..."</c> first), and only the
/// events the summaries need are parsed; all others (TaskStart, BlockManager, SQL, metrics ...) are skipped.
/// In a parsed event, the values no summary reads (a task's accumulables and executor metrics, an environment's
/// system properties and classpath) are passed over by structure only; see <see cref="JsonStructure"/>.
/// </summary>
internal static class EventLineParser
{
    private static ReadOnlySpan<byte> EventPrefix => "{\"Event\":\""u8;

    /// <summary>Dispatches one line to <paramref name="app"/>. Returns false when the line has no "Event" field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Process(ReadOnlySpan<byte> line, ApplicationAccumulator app)
    {
        var name = EventName(line);
        if (name.IsEmpty)
        {
            return false;
        }

        app.SawEvent = true;

        // The most frequent events the summaries do not need are not looked into at all.
        if (name.SequenceEqual("SparkListenerTaskStart"u8) || name.SequenceEqual("SparkListenerBlockManagerAdded"u8))
        {
            return true;
        }

        var cursor = JsonLineCursor.InObject(line);
        if (Parse(name, ref cursor, app))
        {
            cursor.EndOfLine();
        }

        return true;
    }

    /// <summary>Reads the event named <paramref name="name"/> into <paramref name="app"/>; false for the events no summary reads (not looked into).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Parse(ReadOnlySpan<byte> name, ref JsonLineCursor cursor, ApplicationAccumulator app)
    {
        if (name.SequenceEqual("SparkListenerTaskEnd"u8))
        {
            ParseTaskEnd(ref cursor, app);
        }
        else if (name.SequenceEqual("SparkListenerExecutorAdded"u8) || name.SequenceEqual("SparkListenerExecutorRemoved"u8))
        {
            ParseExecutorEvent(ref cursor, app, added: name.Length == "SparkListenerExecutorAdded".Length);
        }
        else if (name.SequenceEqual("SparkListenerStageCompleted"u8))
        {
            ParseStageCompleted(ref cursor, app);
        }
        else if (name.SequenceEqual("SparkListenerJobStart"u8) || name.SequenceEqual("SparkListenerJobEnd"u8))
        {
            ParseJob(ref cursor, app, start: name.Length == "SparkListenerJobStart".Length);
        }
        else if (name.SequenceEqual("SparkListenerEnvironmentUpdate"u8))
        {
            ParseEnvironmentUpdate(ref cursor, app);
        }
        else if (name.SequenceEqual("SparkListenerApplicationStart"u8) || name.SequenceEqual("SparkListenerApplicationEnd"u8) || name.SequenceEqual("SparkListenerLogStart"u8))
        {
            ParseApplicationEvent(ref cursor, app);
        }
        else
        {
            return false;
        }

        return true;
    }

    /// <summary>True when the line is one complete JSON value (used for the last line of a log, which may be cut).</summary>
    public static bool IsCompleteJson(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The value of the top-level "Event" field; empty when there is none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static ReadOnlySpan<byte> EventName(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith(EventPrefix))
        {
            var rest = line[EventPrefix.Length..];
            var end = rest.IndexOf((byte)'"');
            return end > 0 ? rest[..end] : default;
        }

        return EventNameSlow(line);
    }

    private static ReadOnlySpan<byte> EventNameSlow(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isEvent = reader.ValueTextEquals("Event"u8);
                reader.Read();
                if (isEvent && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                {
                    return line.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: not an event.
        }

        return default;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ParseTaskEnd(ref JsonLineCursor cursor, ApplicationAccumulator app)
    {
        var task = new TaskEndRecord { Success = true, TaskId = -1 };
        while (cursor.NextProperty())
        {
            if (cursor.NameIs("Stage ID"u8))
            {
                task.StageId = cursor.ReadLong();
            }
            else if (cursor.NameIs("Stage Attempt ID"u8))
            {
                task.StageAttempt = cursor.ReadLong();
            }
            else if (cursor.NameIs("Task End Reason"u8))
            {
                ParseEndReason(ref cursor, ref task);
            }
            else if (cursor.NameIs("Task Info"u8))
            {
                ParseTaskInfo(ref cursor, ref task);
            }
            else if (cursor.NameIs("Task Metrics"u8))
            {
                ParseTaskMetrics(ref cursor, ref task);
            }
            else
            {
                cursor.SkipValue();
            }
        }

        app.TaskEnded(task);
    }

    private static void ParseEndReason(ref JsonLineCursor cursor, ref TaskEndRecord task)
    {
        if (!cursor.EnterObject())
        {
            return;
        }

        while (cursor.NextProperty())
        {
            if (cursor.NameIs("Reason"u8) && cursor.AtString)
            {
                task.Success = cursor.ReadStringEquals("Success"u8, "TaskKilled"u8, out task.Killed);
            }
            else
            {
                cursor.SkipValue();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ParseTaskInfo(ref JsonLineCursor cursor, ref TaskEndRecord task)
    {
        if (!cursor.EnterObject())
        {
            return;
        }

        while (cursor.NextProperty())
        {
            if (cursor.NameIs("Executor ID"u8))
            {
                task.OnDriver = cursor.ReadStringEquals("driver"u8);
            }
            else if (cursor.NameIs("Launch Time"u8))
            {
                task.LaunchMs = cursor.ReadLong();
            }
            else if (cursor.NameIs("Finish Time"u8))
            {
                task.FinishMs = cursor.ReadLong();
            }
            else if (cursor.NameIs("Task ID"u8))
            {
                task.TaskId = cursor.ReadLong();
            }
            else
            {
                cursor.SkipValue();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ParseTaskMetrics(ref JsonLineCursor cursor, ref TaskEndRecord task)
    {
        if (!cursor.EnterObject())
        {
            return;
        }

        while (cursor.NextProperty())
        {
            if (cursor.NameIs("Executor Run Time"u8))
            {
                task.RunMs = cursor.ReadLong();
            }
            else if (cursor.NameIs("JVM GC Time"u8))
            {
                task.GcMs = cursor.ReadLong();
            }
            else if (cursor.NameIs("Memory Bytes Spilled"u8))
            {
                task.MemorySpillBytes = cursor.ReadLong();
            }
            else if (cursor.NameIs("Disk Bytes Spilled"u8))
            {
                task.DiskSpillBytes = cursor.ReadLong();
            }
            else if (cursor.NameIs("Shuffle Read Metrics"u8))
            {
                task.ShuffleReadBytes = SumFields(ref cursor, "Remote Bytes Read"u8, "Local Bytes Read"u8);
            }
            else if (cursor.NameIs("Shuffle Write Metrics"u8))
            {
                task.ShuffleWriteBytes = SumFields(ref cursor, "Shuffle Bytes Written"u8, default);
            }
            else if (cursor.NameIs("Input Metrics"u8))
            {
                task.InputBytes = SumFields(ref cursor, "Bytes Read"u8, default);
            }
            else if (cursor.NameIs("Output Metrics"u8))
            {
                task.OutputBytes = SumFields(ref cursor, "Bytes Written"u8, default);
            }
            else
            {
                cursor.SkipValue();
            }
        }
    }

    /// <summary>Sums the numeric fields named <paramref name="first"/> and <paramref name="second"/> of the object at the cursor (0 for any other value).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long SumFields(ref JsonLineCursor cursor, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        if (!cursor.EnterObject())
        {
            return 0;
        }

        long sum = 0;
        while (cursor.NextProperty())
        {
            if (cursor.NameIs(first) || (!second.IsEmpty && cursor.NameIs(second)))
            {
                sum = checked(sum + cursor.ReadLong());
            }
            else
            {
                cursor.SkipValue();
            }
        }

        return sum;
    }

    private static void ParseExecutorEvent(ref JsonLineCursor cursor, ApplicationAccumulator app, bool added)
    {
        string? id = null;
        string? reason = null;
        long timestamp = 0;
        long cores = 1;
        while (cursor.NextProperty())
        {
            if (cursor.NameIs("Executor ID"u8))
            {
                id = cursor.ReadString();
            }
            else if (cursor.NameIs("Timestamp"u8))
            {
                timestamp = cursor.ReadLong();
            }
            else if (cursor.NameIs("Removed Reason"u8))
            {
                reason = cursor.ReadStringOrSkip();
            }
            else if (cursor.NameIs("Executor Info"u8))
            {
                cores = SumFields(ref cursor, "Total Cores"u8, default);
            }
            else
            {
                cursor.SkipValue();
            }
        }

        if (id is null)
        {
            return;
        }

        if (added)
        {
            app.ExecutorAdded(id, timestamp, cores);
        }
        else
        {
            app.ExecutorRemoved(id, timestamp, reason);
        }
    }

    private static void ParseStageCompleted(ref JsonLineCursor cursor, ApplicationAccumulator app)
    {
        while (cursor.NextProperty())
        {
            if (!cursor.NameIs("Stage Info"u8))
            {
                cursor.SkipValue();
                continue;
            }

            if (!cursor.EnterObject())
            {
                continue;
            }

            app.StageCount++;
            while (cursor.NextProperty())
            {
                if (cursor.NameIs("Number of Tasks"u8))
                {
                    app.MaxStageTasks = (int)Math.Clamp(Math.Max(app.MaxStageTasks, cursor.ReadLong()), 0, int.MaxValue);
                }
                else if (cursor.NameIs("Completion Time"u8) || cursor.NameIs("Submission Time"u8))
                {
                    app.Seen(cursor.ReadLong());
                }
                else if (cursor.NameIs("Failure Reason"u8) && cursor.AtString)
                {
                    cursor.SkipValue();
                    app.FailedStages++;
                }
                else
                {
                    cursor.SkipValue();
                }
            }
        }
    }

    private static void ParseJob(ref JsonLineCursor cursor, ApplicationAccumulator app, bool start)
    {
        if (start)
        {
            app.JobCount++;
        }

        while (cursor.NextProperty())
        {
            if (cursor.NameIs("Submission Time"u8) || cursor.NameIs("Completion Time"u8))
            {
                app.Seen(cursor.ReadLong());
            }
            else if (cursor.NameIs("Job Result"u8))
            {
                if (!cursor.EnterObject())
                {
                    continue;
                }

                while (cursor.NextProperty())
                {
                    if (cursor.NameIs("Result"u8) && cursor.AtString)
                    {
                        if (!cursor.ReadStringEquals("JobSucceeded"u8))
                        {
                            app.FailedJobs++;
                        }
                    }
                    else
                    {
                        cursor.SkipValue();
                    }
                }
            }
            else
            {
                cursor.SkipValue();
            }
        }
    }

    private static void ParseApplicationEvent(ref JsonLineCursor cursor, ApplicationAccumulator app)
    {
        var name = "";
        long? timestamp = null;
        while (cursor.NextProperty())
        {
            if (cursor.NameIs("Event"u8))
            {
                name = cursor.ReadString() ?? "";
            }
            else if (cursor.NameIs("Timestamp"u8))
            {
                timestamp = cursor.ReadLong();
            }
            else if (cursor.NameIs("App Name"u8))
            {
                app.AppName = cursor.ReadString();
            }
            else if (cursor.NameIs("App ID"u8))
            {
                app.AppId = cursor.ReadStringOrSkip() ?? app.AppId;
            }
            else if (cursor.NameIs("User"u8))
            {
                app.User = cursor.ReadString();
            }
            else if (cursor.NameIs("Spark Version"u8))
            {
                app.SparkVersion = cursor.ReadString();
            }
            else
            {
                cursor.SkipValue();
            }
        }

        app.ApplicationEvent(name, timestamp);
    }

    /// <summary>Reads "Spark Properties", which is a JSON object in most Spark versions and a list of [key, value] pairs in others.</summary>
    private static void ParseEnvironmentUpdate(ref JsonLineCursor cursor, ApplicationAccumulator app)
    {
        while (cursor.NextProperty())
        {
            if (!cursor.NameIs("Spark Properties"u8))
            {
                cursor.SkipValue();
            }
            else if (cursor.AtArray)
            {
                cursor.EnterArray();
                ParsePropertyPairs(ref cursor, app);
            }
            else if (cursor.EnterObject())
            {
                while (cursor.NextProperty())
                {
                    var key = cursor.Name(Utf8StringCache.PropertyNames);
                    if (cursor.ReadStringOrSkip(Utf8StringCache.PropertyValues) is { } value)
                    {
                        app.SetProperty(key, value);
                    }
                }
            }
        }
    }

    /// <summary>The [key, value] form of "Spark Properties": the first two strings of each pair; other elements are ignored.</summary>
    private static void ParsePropertyPairs(ref JsonLineCursor cursor, ApplicationAccumulator app)
    {
        while (cursor.NextElement())
        {
            if (!cursor.EnterArray())
            {
                continue;
            }

            string? key = null;
            string? value = null;
            while (cursor.NextElement())
            {
                if (!cursor.AtString)
                {
                    cursor.SkipValue();
                }
                else if (key is null)
                {
                    key = cursor.ReadString();
                }
                else
                {
                    var text = cursor.ReadString();
                    value ??= text;
                }
            }

            if (key is not null && value is not null)
            {
                app.SetProperty(key, value);
            }
        }
    }
}
