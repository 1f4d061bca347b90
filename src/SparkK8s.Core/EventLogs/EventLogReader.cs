using System.Buffers;
using System.Globalization;
using System.Text.Json;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.EventLogs;

/// <summary>
/// Reads one application's event log the way the History Server replays it: line by line, parts in order,
/// tolerating a cut last line. It streams through one pooled buffer, so memory stays flat however large the log is
/// (a buffer grows only to the longest line).
/// </summary>
public static class EventLogReader
{
    private const int InitialBufferSize = 1 << 20;

    public static async Task<ApplicationSummary> ReadAsync(EventLogHandle log, CancellationToken cancellationToken)
    {
        var app = new ApplicationAccumulator(log.Name);
        for (var i = 0; i < log.Parts.Count; i++)
        {
            var part = log.Parts[i];
            if (EventLogCodec.FromFileName(Path.GetFileName(part.Name)) is { } codec)
            {
                throw EventLogCodec.Unsupported(part.Name, codec);
            }

            var stream = await part.Open(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await ReadPartAsync(stream, part.Name, isLastPart: i == log.Parts.Count - 1, app, cancellationToken).ConfigureAwait(false);
            }
        }

        if (!app.SawEvent)
        {
            throw new UserInputException($"{log.Name}: not a Spark event log (no line with an \"Event\" field). Point at a Spark event log file, a rolling log directory (eventlog_v2_*), or a directory of them.");
        }

        return app.Build(log.MarkedInProgress);
    }

    private static async Task ReadPartAsync(Stream stream, string name, bool isLastPart, ApplicationAccumulator app, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        try
        {
            var filled = 0;
            long lineNumber = 0;
            var first = true;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (first && read > 0)
                {
                    first = false;
                    if (EventLogCodec.FromMagic(buffer.AsSpan(0, Math.Min(read, 16))) is { } codec)
                    {
                        throw EventLogCodec.Unsupported(name, codec);
                    }
                }

                if (read == 0)
                {
                    if (filled > 0)
                    {
                        ProcessLastLine(buffer.AsSpan(0, filled), ++lineNumber, name, isLastPart, app);
                    }

                    return;
                }

                filled += read;
                var consumed = ProcessLines(buffer.AsSpan(0, filled), ref lineNumber, name, app);
                if (consumed > 0)
                {
                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    filled -= consumed;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Processes every complete line in <paramref name="data"/>; returns the bytes consumed.</summary>
    private static int ProcessLines(ReadOnlySpan<byte> data, ref long lineNumber, string name, ApplicationAccumulator app)
    {
        var consumed = 0;
        while (true)
        {
            var newline = data[consumed..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return consumed;
            }

            ProcessLine(data.Slice(consumed, newline), ++lineNumber, name, app);
            consumed += newline + 1;
        }
    }

    private static void ProcessLine(ReadOnlySpan<byte> line, long lineNumber, string name, ApplicationAccumulator app)
    {
        line = line.TrimEnd((byte)'\r');
        if (line.IsEmpty)
        {
            return;
        }

        try
        {
            if (!EventLineParser.Process(line, app) && !app.SawEvent && lineNumber <= 1)
            {
                throw new UserInputException($"{name}: not a Spark event log (line 1 has no \"Event\" field). Point at a Spark event log file, a rolling log directory (eventlog_v2_*), or a directory of them.");
            }
        }
        catch (JsonException ex)
        {
            throw new OperationFailedException(string.Create(CultureInfo.InvariantCulture, $"{name}: line {lineNumber} is not valid JSON ({ex.Message}); only the last line of a log may be incomplete."), ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new OperationFailedException(string.Create(CultureInfo.InvariantCulture, $"{name}: line {lineNumber} has an unexpected shape ({ex.Message})."), ex);
        }
    }

    /// <summary>The final line had no newline: a running app's log is normally cut here. Use it only if it is complete JSON.</summary>
    private static void ProcessLastLine(ReadOnlySpan<byte> line, long lineNumber, string name, bool isLastPart, ApplicationAccumulator app)
    {
        var trimmed = line.TrimEnd("\r\n\t "u8);
        if (trimmed.IsEmpty)
        {
            return;
        }

        if (EventLineParser.IsCompleteJson(trimmed))
        {
            ProcessLine(trimmed, lineNumber, name, app);
        }
        else if (isLastPart)
        {
            app.MarkTruncated(lineNumber, name);
        }
        else
        {
            throw new OperationFailedException(string.Create(CultureInfo.InvariantCulture, $"{name}: line {lineNumber} is incomplete, but this is not the last part of the rolling log."));
        }
    }
}
