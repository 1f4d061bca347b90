using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text.Json;

using SparkK8s.Core.EventLogs;

namespace SparkK8s.Core.Tests.EventLogs;

/// <summary>
/// The test oracle: the event-line parser as it was before <see cref="JsonLineCursor"/> (every parsed line walked token
/// by token with <see cref="Utf8JsonReader"/>), kept unchanged so EventLineParserEquivalenceTests can show that the
/// faster parser reads every field the same way.
/// Parses one JSON line of an event log with <see cref="Utf8JsonReader"/>, straight from the UTF-8 bytes.
/// The event name is found without a JSON parse (Spark writes <c>{"Event":"..."</c> first), and only the
/// events the summaries need are parsed; all others (TaskStart, BlockManager, SQL, metrics ...) are skipped.
/// </summary>
internal static class ReferenceEventLineParser
{
    /// <summary>Dispatches one line to <paramref name="app"/>. Returns false when the line has no "Event" field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool Process(ReadOnlySpan<byte> line, ApplicationAccumulator app)
    {
        // The event name is found as the product finds it (EventLineParser.EventName), which the change did not touch.
        var name = EventLineParser.EventName(line);
        if (name.IsEmpty)
        {
            return false;
        }

        app.SawEvent = true;
        if (name.SequenceEqual("SparkListenerTaskEnd"u8))
        {
            var reader = Reader(line);
            ParseTaskEnd(ref reader, app);
        }
        else if (name.SequenceEqual("SparkListenerTaskStart"u8) || name.SequenceEqual("SparkListenerBlockManagerAdded"u8))
        {
            // The most frequent events the summaries do not need.
        }
        else if (name.SequenceEqual("SparkListenerExecutorAdded"u8) || name.SequenceEqual("SparkListenerExecutorRemoved"u8))
        {
            var reader = Reader(line);
            ParseExecutorEvent(ref reader, app, added: name.Length == "SparkListenerExecutorAdded".Length);
        }
        else if (name.SequenceEqual("SparkListenerStageCompleted"u8))
        {
            var reader = Reader(line);
            ParseStageCompleted(ref reader, app);
        }
        else if (name.SequenceEqual("SparkListenerJobStart"u8) || name.SequenceEqual("SparkListenerJobEnd"u8))
        {
            var reader = Reader(line);
            ParseJob(ref reader, app, start: name.Length == "SparkListenerJobStart".Length);
        }
        else if (name.SequenceEqual("SparkListenerEnvironmentUpdate"u8))
        {
            var reader = Reader(line);
            ParseEnvironmentUpdate(ref reader, app);
        }
        else if (name.SequenceEqual("SparkListenerApplicationStart"u8) || name.SequenceEqual("SparkListenerApplicationEnd"u8) || name.SequenceEqual("SparkListenerLogStart"u8))
        {
            var reader = Reader(line);
            ParseApplicationEvent(ref reader, app);
        }

        return true;
    }

    private static Utf8JsonReader Reader(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
        reader.Read();
        return reader;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ParseTaskEnd(ref Utf8JsonReader reader, ApplicationAccumulator app)
    {
        var task = new TaskEndRecord { Success = true, TaskId = -1 };
        while (NextProperty(ref reader))
        {
            if (Number(ref reader, "Stage ID"u8, ref task.StageId) || Number(ref reader, "Stage Attempt ID"u8, ref task.StageAttempt))
            {
                continue;
            }

            if (reader.ValueTextEquals("Task End Reason"u8))
            {
                reader.Read();
                ParseEndReason(ref reader, ref task);
            }
            else if (reader.ValueTextEquals("Task Info"u8))
            {
                reader.Read();
                ParseTaskInfo(ref reader, ref task);
            }
            else if (reader.ValueTextEquals("Task Metrics"u8))
            {
                reader.Read();
                ParseTaskMetrics(ref reader, ref task);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        app.TaskEnded(task);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ParseEndReason(ref Utf8JsonReader reader, ref TaskEndRecord task)
    {
        if (!IsObject(ref reader))
        {
            return;
        }

        while (NextProperty(ref reader))
        {
            var isReason = reader.ValueTextEquals("Reason"u8);
            reader.Read();
            if (isReason && reader.TokenType == JsonTokenType.String)
            {
                task.Success = reader.ValueTextEquals("Success"u8);
                task.Killed = reader.ValueTextEquals("TaskKilled"u8);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ParseTaskInfo(ref Utf8JsonReader reader, ref TaskEndRecord task)
    {
        if (!IsObject(ref reader))
        {
            return;
        }

        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("Executor ID"u8))
            {
                reader.Read();
                task.OnDriver = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("driver"u8);
            }
            else if (!Number(ref reader, "Launch Time"u8, ref task.LaunchMs) && !Number(ref reader, "Finish Time"u8, ref task.FinishMs) && !Number(ref reader, "Task ID"u8, ref task.TaskId))
            {
                SkipValue(ref reader);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ParseTaskMetrics(ref Utf8JsonReader reader, ref TaskEndRecord task)
    {
        if (!IsObject(ref reader))
        {
            return;
        }

        while (NextProperty(ref reader))
        {
            var known = Number(ref reader, "Executor Run Time"u8, ref task.RunMs)
                || Number(ref reader, "JVM GC Time"u8, ref task.GcMs)
                || Number(ref reader, "Memory Bytes Spilled"u8, ref task.MemorySpillBytes)
                || Number(ref reader, "Disk Bytes Spilled"u8, ref task.DiskSpillBytes)
                || Sum(ref reader, "Shuffle Read Metrics"u8, "Remote Bytes Read"u8, "Local Bytes Read"u8, ref task.ShuffleReadBytes)
                || Sum(ref reader, "Shuffle Write Metrics"u8, "Shuffle Bytes Written"u8, default, ref task.ShuffleWriteBytes)
                || Sum(ref reader, "Input Metrics"u8, "Bytes Read"u8, default, ref task.InputBytes)
                || Sum(ref reader, "Output Metrics"u8, "Bytes Written"u8, default, ref task.OutputBytes);
            if (!known)
            {
                SkipValue(ref reader);
            }
        }
    }

    /// <summary>At property <paramref name="name"/>: reads its number into <paramref name="target"/> and returns true.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Number(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ref long target)
    {
        if (!reader.ValueTextEquals(name))
        {
            return false;
        }

        reader.Read();
        target = Long(ref reader);
        return true;
    }

    /// <summary>At property <paramref name="name"/> (an object): sums its fields <paramref name="first"/> and <paramref name="second"/> into <paramref name="target"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Sum(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ref long target)
    {
        if (!reader.ValueTextEquals(name))
        {
            return false;
        }

        reader.Read();
        target = SumFields(ref reader, first, second);
        return true;
    }

    /// <summary>Sums the numeric fields named <paramref name="first"/> and <paramref name="second"/> of the object at the reader.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long SumFields(ref Utf8JsonReader reader, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        if (!IsObject(ref reader))
        {
            return 0;
        }

        long sum = 0;
        while (NextProperty(ref reader))
        {
            var wanted = reader.ValueTextEquals(first) || (!second.IsEmpty && reader.ValueTextEquals(second));
            reader.Read();
            if (wanted)
            {
                sum = checked(sum + Long(ref reader));
            }
            else
            {
                reader.Skip();
            }
        }

        return sum;
    }

    private static void ParseExecutorEvent(ref Utf8JsonReader reader, ApplicationAccumulator app, bool added)
    {
        string? id = null;
        string? reason = null;
        long timestamp = 0;
        long cores = 1;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("Executor ID"u8))
            {
                reader.Read();
                id = reader.GetString();
            }
            else if (reader.ValueTextEquals("Timestamp"u8))
            {
                reader.Read();
                timestamp = Long(ref reader);
            }
            else if (reader.ValueTextEquals("Removed Reason"u8))
            {
                reader.Read();
                reason = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("Executor Info"u8))
            {
                reader.Read();
                cores = SumFields(ref reader, "Total Cores"u8, default);
            }
            else
            {
                SkipValue(ref reader);
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

    private static void ParseStageCompleted(ref Utf8JsonReader reader, ApplicationAccumulator app)
    {
        while (NextProperty(ref reader))
        {
            var isInfo = reader.ValueTextEquals("Stage Info"u8);
            reader.Read();
            if (!isInfo || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            app.StageCount++;
            while (NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("Number of Tasks"u8))
                {
                    reader.Read();
                    app.MaxStageTasks = (int)Math.Clamp(Math.Max(app.MaxStageTasks, Long(ref reader)), 0, int.MaxValue);
                }
                else if (reader.ValueTextEquals("Completion Time"u8) || reader.ValueTextEquals("Submission Time"u8))
                {
                    reader.Read();
                    app.Seen(Long(ref reader));
                }
                else if (reader.ValueTextEquals("Failure Reason"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        app.FailedStages++;
                    }
                }
                else
                {
                    SkipValue(ref reader);
                }
            }
        }
    }

    private static void ParseJob(ref Utf8JsonReader reader, ApplicationAccumulator app, bool start)
    {
        if (start)
        {
            app.JobCount++;
        }

        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("Submission Time"u8) || reader.ValueTextEquals("Completion Time"u8))
            {
                reader.Read();
                app.Seen(Long(ref reader));
            }
            else if (reader.ValueTextEquals("Job Result"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (NextProperty(ref reader))
                {
                    var isResult = reader.ValueTextEquals("Result"u8);
                    reader.Read();
                    if (isResult && reader.TokenType == JsonTokenType.String && !reader.ValueTextEquals("JobSucceeded"u8))
                    {
                        app.FailedJobs++;
                    }

                    reader.Skip();
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }
    }

    private static void ParseApplicationEvent(ref Utf8JsonReader reader, ApplicationAccumulator app)
    {
        var name = "";
        long? timestamp = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("Event"u8))
            {
                reader.Read();
                name = reader.GetString() ?? "";
            }
            else if (reader.ValueTextEquals("Timestamp"u8))
            {
                reader.Read();
                timestamp = Long(ref reader);
            }
            else if (reader.ValueTextEquals("App Name"u8))
            {
                reader.Read();
                app.AppName = reader.GetString();
            }
            else if (reader.ValueTextEquals("App ID"u8))
            {
                reader.Read();
                app.AppId = reader.TokenType == JsonTokenType.String ? reader.GetString() : app.AppId;
            }
            else if (reader.ValueTextEquals("User"u8))
            {
                reader.Read();
                app.User = reader.GetString();
            }
            else if (reader.ValueTextEquals("Spark Version"u8))
            {
                reader.Read();
                app.SparkVersion = reader.GetString();
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        app.ApplicationEvent(name, timestamp);
    }

    /// <summary>Reads "Spark Properties", which is a JSON object in most Spark versions and a list of [key, value] pairs in others.</summary>
    private static void ParseEnvironmentUpdate(ref Utf8JsonReader reader, ApplicationAccumulator app)
    {
        while (NextProperty(ref reader))
        {
            var isProperties = reader.ValueTextEquals("Spark Properties"u8);
            reader.Read();
            if (!isProperties)
            {
                reader.Skip();
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (NextProperty(ref reader))
                {
                    var key = reader.GetString()!;
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        app.SetProperty(key, reader.GetString()!);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                {
                    string? key = null;
                    string? value = null;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            if (key is null)
                            {
                                key = reader.GetString();
                            }
                            else
                            {
                                value ??= reader.GetString();
                            }
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }

                    if (key is not null && value is not null)
                    {
                        app.SetProperty(key, value);
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>True at the start of an object; otherwise skips the value (an unexpected shape is ignored, not fatal).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsObject(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return true;
        }

        reader.Skip();
        return false;
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool NextProperty(ref Utf8JsonReader reader) => reader.Read() && reader.TokenType == JsonTokenType.PropertyName;

    /// <summary>At a property name: skips its value, however deep.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    /// <summary>A non-integral or huge JSON number as a long, saturating instead of wrapping (NaN is 0).</summary>
    private static long Saturate(double value) =>
        double.IsNaN(value) ? 0 : value >= long.MaxValue ? long.MaxValue : value <= long.MinValue ? long.MinValue : (long)value;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Long(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetInt64(out var value) ? value : Saturate(reader.GetDouble());
            case JsonTokenType.String:
                return Utf8Parser.TryParse(reader.ValueSpan, out long parsed, out _) ? parsed : 0;
            default:
                reader.Skip();
                return 0;
        }
    }
}
