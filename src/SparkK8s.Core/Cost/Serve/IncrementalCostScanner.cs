using System.Globalization;
using System.Text;
using Amazon.S3;
using SparkK8s.Core.Errors;
using SparkK8s.Core.EventLogs;

namespace SparkK8s.Core.Cost.Serve;

/// <summary>The outcome of one scan: every app priced (read now or remembered), what was skipped, and what was read.</summary>
/// <param name="Removed">Apps priced earlier whose logs are gone since (the History Server's cleaner): still part of the month they ran in.</param>
public sealed record ScanOutcome(IReadOnlyList<AppCost> Apps, IReadOnlyList<SkippedLog> Skipped, int LogsRead, long BytesRead, IReadOnlyList<AppCost>? Removed = null);

/// <summary>
/// Prices the event logs behind an events location and remembers, per log, what it priced: every part's path, size and
/// version (S3 ETag or local mtime), so the rolling-log part index is in it too. A later scan reads only the logs that are
/// new or whose parts changed (an <c>.inprogress</c> log that grew, a rolling log with a new part); an unchanged log is
/// not opened. Logs that disappeared (the History Server cleaner, a finished <c>.inprogress</c> renamed) are forgotten.
/// A grown log is read again from its start: the reader's per-app state is not kept between scans, so memory stays the
/// priced results only. Reading and pricing are <see cref="EventLogReader"/> and <see cref="CostCalculator"/>, as for
/// <c>spark-k8s cost</c>.
/// </summary>
public sealed class IncrementalCostScanner(string events, S3Options? s3, CostOptions options)
{
    public const string EventsFlag = "--events";

    private Dictionary<string, PricedLog> _priced = new(StringComparer.Ordinal);

    /// <summary>What was remembered of one log: its fingerprint, and its price or why it could not be read.</summary>
    private sealed record PricedLog(string Fingerprint, AppCost? Cost, string? SkipReason);

    /// <summary>Logs remembered from the last scan.</summary>
    public int Remembered => _priced.Count;

    public async Task<ScanOutcome> ScanAsync(CancellationToken cancellationToken)
    {
        using var scanner = await EventLogScanner.OpenAsync(events, s3, EventsFlag, EventLogReaderOptions.Default, cancellationToken, allowEmpty: true).ConfigureAwait(false);
        var next = new Dictionary<string, PricedLog>(StringComparer.Ordinal);
        var apps = new List<AppCost>();
        var skipped = new List<SkippedLog>();
        var logsRead = 0;
        long bytesRead = 0;
        foreach (var item in scanner.Items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (item.Log is not { } log)
            {
                skipped.Add(new SkippedLog(item.Name, item.SkipReason ?? "unreadable"));
                continue;
            }

            var fingerprint = Fingerprint(log);
            _priced.TryGetValue(log.Name, out var before);
            var priced = before;
            if (before?.Fingerprint != fingerprint)
            {
                var counter = new ByteCount();
                priced = await PriceAsync(log, fingerprint, before, counter, scanner.Options, cancellationToken).ConfigureAwait(false);
                logsRead++;
                bytesRead += counter.Bytes;
            }

            if (priced is null)
            {
                continue;
            }

            next[log.Name] = priced;
            if (priced.Cost is { } cost)
            {
                apps.Add(cost);
            }

            if (priced.SkipReason is { } reason)
            {
                skipped.Add(new SkippedLog(log.Name, reason));
            }
        }

        var removed = _priced.Where(p => !next.ContainsKey(p.Key) && p.Value.Cost is not null).Select(p => p.Value.Cost!).ToList();
        _priced = next;
        return new ScanOutcome(apps, skipped, logsRead, bytesRead, removed);
    }

    /// <summary>
    /// Reads and prices one new or changed log. A log that is not an event log or is damaged is remembered as skipped
    /// (read again only when it changes); a failure to reach the store is not remembered, so the next scan retries it,
    /// and the last good price of the log stays meanwhile.
    /// </summary>
    private async Task<PricedLog?> PriceAsync(EventLogHandle log, string fingerprint, PricedLog? before, ByteCount counter, EventLogReaderOptions readerOptions, CancellationToken cancellationToken)
    {
        var counted = log with { Parts = [.. log.Parts.Select(p => p with { Open = async ct => new CountingStream(await p.Open(ct).ConfigureAwait(false), counter) })] };
        try
        {
            var summary = await EventLogReader.ReadAsync(counted, readerOptions, cancellationToken).ConfigureAwait(false);
            return new PricedLog(fingerprint, CostCalculator.Price(summary, options), null);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            return before is null ? null : before with { Fingerprint = "" };
        }
        catch (Exception ex) when (ex is UserInputException or OperationFailedException or IOException or InvalidDataException)
        {
            return new PricedLog(fingerprint, null, ex.Message);
        }
    }

    private static bool IsTransient(Exception ex) =>
        ex is AmazonS3Exception or HttpRequestException or TimeoutException
        || (ex is OperationFailedException && ex.InnerException is AmazonS3Exception or HttpRequestException)
        || (ex is IOException && ex is not FileNotFoundException && ex.InnerException is HttpRequestException);

    /// <summary>Every part's path, size and version, in order, and the in-progress mark: equal fingerprints mean nothing to read.</summary>
    internal static string Fingerprint(EventLogHandle log)
    {
        var text = new StringBuilder(log.MarkedInProgress ? "inprogress\n" : "complete\n");
        foreach (var part in log.Parts)
        {
            var stamp = part.Stamp ?? LocalStamp(part.Name);
            text.Append(part.Name).Append('\t').Append(stamp.Size.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(stamp.Version).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A local file's size and modification time (ticks); a file that vanished gets a stamp that never matches.</summary>
    private static PartStamp LocalStamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists
            ? new PartStamp(info.Length, info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture))
            : new PartStamp(-1, Guid.NewGuid().ToString("N"));
    }

    private sealed class ByteCount
    {
        public long Bytes;
    }

    /// <summary>Counts the bytes read from the store (as stored: before decompression).</summary>
    private sealed class CountingStream(Stream inner, ByteCount count) : ReadOnlyStream
    {
        public override bool CanSeek => inner.CanSeek;
        public override long Length => inner.Length;

        public override int Read(byte[] buffer, int offset, int length)
        {
            var read = inner.Read(buffer, offset, length);
            count.Bytes += read;
            return read;
        }

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            count.Bytes += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            count.Bytes += read;
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
