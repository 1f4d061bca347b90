using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using SparkK8s.Core.Errors;
using SparkK8s.Core.EventLogs.Compression;

namespace SparkK8s.Core.EventLogs;

/// <summary>Limits of the event-log reader.</summary>
public sealed record EventLogReaderOptions
{
    public static EventLogReaderOptions Default { get; } = new();

    /// <summary>The longest line read (a buffer grows to the longest line); a longer one fails the log with a clear error.</summary>
    public int MaxLineBytes { get; init; } = 256 << 20;
}

/// <summary>
/// Reads one application's event log the way the History Server replays it: line by line, parts in order, decompressing
/// Spark's codecs (lz4, lzf, snappy, zstd) on the fly and tolerating a cut last line or a cut compressed stream at the end
/// of the log. It streams through one pooled buffer, so memory stays flat however large the log is (a buffer grows only
/// to the longest line, at most <see cref="EventLogReaderOptions.MaxLineBytes"/>).
/// </summary>
public static class EventLogReader
{
    private const int InitialBufferSize = 1 << 20;
    private const int SmallBufferSize = 64 << 10;

    public static Task<ApplicationSummary> ReadAsync(EventLogHandle log, CancellationToken cancellationToken) =>
        ReadAsync(log, EventLogReaderOptions.Default, cancellationToken);

    public static async Task<ApplicationSummary> ReadAsync(EventLogHandle log, EventLogReaderOptions options, CancellationToken cancellationToken)
    {
        var app = new ApplicationAccumulator(log.Name);
        foreach (var warning in log.Warnings ?? [])
        {
            app.Warn(warning);
        }

        for (var i = 0; i < log.Parts.Count; i++)
        {
            await ReadPartAsync(log.Parts[i], isLastPart: i == log.Parts.Count - 1, app, options, cancellationToken).ConfigureAwait(false);
        }

        if (!app.SawEvent)
        {
            throw new UserInputException($"{log.Name}: not a Spark event log (no line with an \"Event\" field). Point at a Spark event log file, a rolling log directory (eventlog_v2_*), or a directory of them.");
        }

        try
        {
            return app.Build(log.MarkedInProgress);
        }
        catch (OverflowException)
        {
            throw new OperationFailedException($"{log.Name}: a total is too large to compute (arithmetic overflow); the log holds absurd values.");
        }
    }

    private static async Task ReadPartAsync(EventLogPart part, bool isLastPart, ApplicationAccumulator app, EventLogReaderOptions options, CancellationToken cancellationToken)
    {
        var codec = EventLogCodec.FromFileName(Path.GetFileName(part.Name));
        if (codec is not null && !EventLogCodec.IsSupported(codec))
        {
            throw EventLogCodec.Unsupported(part.Name, codec);
        }

        var raw = await part.Open(cancellationToken).ConfigureAwait(false);
        var stream = raw;
        try
        {
            // A small file gets a small buffer: a directory of thousands of small logs then costs no more than one large log.
            var initialBuffer = codec is null && KnownLength(raw) < SmallBufferSize ? SmallBufferSize : InitialBufferSize;
            if (codec is not null)
            {
                stream = EventLogCodec.Decompress(raw, codec);
            }
            else if (await ReadLinesAsync(raw, part.Name, isLastPart, app, options, initialBuffer, sniff: true, cancellationToken).ConfigureAwait(false) is { } sniffed)
            {
                // No codec in the name, but the first bytes are a codec's magic: decode the stream, those bytes first.
                codec = sniffed.Codec;
                if (!EventLogCodec.IsSupported(codec))
                {
                    throw EventLogCodec.Unsupported(part.Name, codec);
                }

                stream = EventLogCodec.Decompress(new PrefixedStream(sniffed.Head, raw), codec);
            }
            else
            {
                return;
            }

            await ReadLinesAsync(stream, part.Name, isLastPart, app, options, InitialBufferSize, sniff: false, cancellationToken).ConfigureAwait(false);
        }
        catch (TruncatedCompressedDataException ex) when (isLastPart)
        {
            app.MarkTruncatedStream(part.Name, ex.Message);
        }
        catch (TruncatedCompressedDataException ex)
        {
            throw new OperationFailedException($"{part.Name}: {ex.Message}, but this is not the last part of the rolling log.", ex);
        }
        catch (CorruptCompressedDataException ex)
        {
            throw new OperationFailedException($"{part.Name}: {ex.Message}; the file is damaged or is not {codec}-compressed.", ex);
        }
        catch (ZstdSharp.ZstdException ex)
        {
            throw new OperationFailedException($"{part.Name}: the zstd data is corrupt ({ex.Message}); the file is damaged or is not zstd-compressed.", ex);
        }
        catch (EndOfStreamException) when (codec == EventLogCodec.Zstd && isLastPart)
        {
            // ZstdSharp's "Premature end of stream": the last frame is incomplete.
            app.MarkTruncatedStream(part.Name, "the zstd stream ends inside a frame");
        }
        catch (EndOfStreamException ex) when (codec == EventLogCodec.Zstd)
        {
            throw new OperationFailedException($"{part.Name}: the zstd stream ends inside a frame, but this is not the last part of the rolling log.", ex);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            await raw.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The magic bytes of a compressed stream found where JSON lines were expected, and the bytes read so far.</summary>
    private sealed record Sniffed(string Codec, byte[] Head);

    /// <summary>
    /// Reads and processes the lines of <paramref name="stream"/>. With <paramref name="sniff"/>, the first bytes are
    /// checked for a codec's magic first; if they are one, nothing is processed and they are returned.
    /// </summary>
    private static async Task<Sniffed?> ReadLinesAsync(Stream stream, string name, bool isLastPart, ApplicationAccumulator app, EventLogReaderOptions options, int initialBuffer, bool sniff, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Min(initialBuffer, options.MaxLineBytes), EventLogCodec.MagicLength));
        try
        {
            var filled = 0;
            long lineNumber = 0;
            if (sniff)
            {
                // The first read fills the line buffer as usual; only its first bytes are looked at.
                int read;
                do
                {
                    read = await ReadChunkAsync(stream, buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                    filled += read;
                }
                while (read > 0 && filled < EventLogCodec.MagicLength);

                if (EventLogCodec.FromMagic(buffer.AsSpan(0, Math.Min(filled, EventLogCodec.MagicLength))) is { } codec)
                {
                    return new Sniffed(codec, buffer.AsSpan(0, filled).ToArray());
                }

                var first = ProcessLines(buffer.AsSpan(0, filled), ref lineNumber, name, app);
                buffer.AsSpan(first, filled - first).CopyTo(buffer);
                filled -= first;
            }

            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= options.MaxLineBytes)
                    {
                        throw new OperationFailedException(string.Create(CultureInfo.InvariantCulture,
                            $"{name}: line {lineNumber + 1} is longer than {options.MaxLineBytes / (1024 * 1024)} MiB, the most spark-k8s reads in one line; the file is not a Spark event log or is damaged."));
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, options.MaxLineBytes));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await ReadChunkAsync(stream, buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    if (filled > 0)
                    {
                        ProcessLastLine(buffer.AsSpan(0, filled), ++lineNumber, name, isLastPart, app);
                    }

                    return null;
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

    /// <summary>The stream's length when it is known without reading it (a local file, a seekable stream).</summary>
    private static long? KnownLength(Stream stream) => stream switch
    {
        LocalFileStream file => file.Length,
        { CanSeek: true } => stream.Length,
        _ => null,
    };

    /// <summary>
    /// Reads the next chunk. A local file is read synchronously: on Linux, ReadAsync on a FileStream opened without
    /// FileOptions.Asynchronous hands each read to the thread pool (dotnet/runtime, RandomAccess.Unix.cs), and for a
    /// directory of thousands of small logs those hand-offs cost more than the reads. Other streams (S3, codecs) stay async.
    /// </summary>
    private static ValueTask<int> ReadChunkAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        switch (stream)
        {
            case LocalFileStream local:
                cancellationToken.ThrowIfCancellationRequested();
                return ValueTask.FromResult(local.Read(buffer.Span));
            case FileStream file:
                cancellationToken.ThrowIfCancellationRequested();
                return ValueTask.FromResult(file.Read(buffer.Span));
            default:
                return stream.ReadAsync(buffer, cancellationToken);
        }
    }

    /// <summary>Processes every complete line in <paramref name="data"/>; returns the bytes consumed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        catch (OverflowException ex)
        {
            throw new OperationFailedException(string.Create(CultureInfo.InvariantCulture, $"{name}: line {lineNumber} holds a number too large to add up (arithmetic overflow)."), ex);
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

/// <summary>Bytes already read from a stream (its magic), followed by the rest of the stream.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ReadOnlyStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefix.IsEmpty)
        {
            return await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        var count = Math.Min(buffer.Length, _prefix.Length);
        _prefix[..count].CopyTo(buffer);
        _prefix = _prefix[count..];
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_prefix.IsEmpty)
        {
            return rest.Read(buffer, offset, count);
        }

        var n = Math.Min(count, _prefix.Length);
        _prefix[..n].Span.CopyTo(buffer.AsSpan(offset, n));
        _prefix = _prefix[n..];
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            rest.Dispose();
        }

        base.Dispose(disposing);
    }
}
