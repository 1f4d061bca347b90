using Amazon.S3;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.EventLogs;

/// <summary>The outcome for one log: its summary, or why it was skipped.</summary>
public sealed record ScanResult(string Name, ApplicationSummary? Summary, string? SkipReason);

/// <summary>
/// Finds the event logs behind a path or URI (a log file, a rolling log directory, a directory of logs, an s3:// prefix)
/// and reads them one at a time, so only one log is in memory at once. A local directory is walked as the logs are read
/// (see <see cref="LocalEventLogWalker"/>), never listed whole first.
/// </summary>
public sealed class EventLogScanner : IDisposable
{
    private readonly IAmazonS3? _client;
    private readonly Func<IEnumerable<WalkItem>> _items;
    private readonly Func<IEnumerable<WalkItem>> _itemsToRead;
    private readonly string _argumentName;

    private EventLogScanner(string input, Func<IEnumerable<WalkItem>> items, bool singleLog, IAmazonS3? client, string argumentName, EventLogReaderOptions options, Func<IEnumerable<WalkItem>>? itemsToRead = null)
    {
        Input = input;
        _items = items;
        _itemsToRead = itemsToRead ?? items;
        SingleLog = singleLog;
        _client = client;
        _argumentName = argumentName;
        Options = options;
    }

    public string Input { get; }

    /// <summary>The input named exactly one log (a file or a rolling directory): a failure to read it is an error, not a skip.</summary>
    public bool SingleLog { get; }

    public EventLogReaderOptions Options { get; }

    /// <summary>The logs (and skipped entries) behind the input, found lazily in walk order.</summary>
    public IEnumerable<WalkItem> Items => _items();

    /// <summary>Every log behind the input (test and benchmark helper: lists them all).</summary>
    public IReadOnlyList<EventLogHandle> Logs => [.. Items.Where(i => i.Log is not null).Select(i => i.Log!)];

    /// <summary>Resolves <paramref name="input"/>; <paramref name="argumentName"/> names the argument in error messages.</summary>
    public static Task<EventLogScanner> OpenAsync(string input, S3Options? s3, string argumentName, CancellationToken cancellationToken) =>
        OpenAsync(input, s3, argumentName, EventLogReaderOptions.Default, cancellationToken);

    /// <param name="allowEmpty">An existing directory or S3 prefix with no logs yet is an empty input, not an error (an exporter that starts before the first app).</param>
    public static async Task<EventLogScanner> OpenAsync(string input, S3Options? s3, string argumentName, EventLogReaderOptions options, CancellationToken cancellationToken, bool allowEmpty = false)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            throw new UserInputException($"{argumentName}: give an event log file, a directory of event logs, or an s3:// prefix.");
        }

        if (S3Location.IsS3Uri(input))
        {
            var location = S3Location.Parse(input);
            var client = S3Location.CreateClient(s3 ?? new S3Options());
            try
            {
                var entries = await location.ListAsync(client, cancellationToken).ConfigureAwait(false);
                var logs = EventLogLayout.Group(entries);
                return logs.Count == 0 && !allowEmpty
                    ? throw new UserInputException($"{argumentName}: no Spark event logs under {input}; check the bucket and prefix.")
                    : new EventLogScanner(input, () => logs.Select(l => new WalkItem(l.Name, l, null)), entries.Count == 1 || (logs.Count == 1 && logs[0].Parts.Count > 1), client, argumentName, options);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        var full = Path.GetFullPath(input);
        var probe = FileSystemProbe.Probe(full, followLinks: true);
        switch (probe.Kind)
        {
            case FileKind.Regular:
                return new EventLogScanner(input, () => [.. EventLogLayout.Group([new EventLogEntry(Path.GetFileName(full), full, LocalEventLogWalker.Opener(full, OpenFile))]).Select(l => new WalkItem(l.Name, l, null))], true, null, argumentName, options);
            case FileKind.Directory:
                var root = full.TrimEnd(Path.DirectorySeparatorChar);
                var rollingItself = EventLogLayout.IsRollingDirectoryName(Path.GetFileName(root));

                // The walk stops at the first log: a usage error for an empty tree comes before any output.
                return allowEmpty || LocalEventLogWalker.Walk(root, OpenFile).Any(i => i.Log is not null)
                    ? new EventLogScanner(input, () => LocalEventLogWalker.Walk(root, OpenFile), rollingItself, null, argumentName, options,
                        () => LocalEventLogWalker.Walk(root, OpenFile, identityAtOpen: true))
                    : throw new UserInputException($"{argumentName}: no Spark event logs in directory '{input}'; point at a directory holding event log files (spark.eventLog.dir).");
            case FileKind.Other:
                throw new UserInputException($"{argumentName}: '{input}' is not a regular file or a directory (a FIFO, socket or device); give an event log file, a directory of event logs, or an s3:// prefix.");
            default:
                throw new UserInputException($"{argumentName}: '{input}' does not exist; give an event log file, a directory of event logs, or an s3:// prefix.");
        }
    }

    /// <summary>
    /// Reads the logs in walk order. In a multi-log input, a log that cannot be read (and anything skipped by the walk)
    /// is reported as skipped and the rest go on. An input with no log at all is an error.
    /// </summary>
    public async IAsyncEnumerable<ScanResult> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var logs = 0;

        // Every log is opened here before the walk goes on, so the walk may leave a plain file's identity to its opening.
        foreach (var item in _itemsToRead())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (item.Log is not { } log)
            {
                yield return new ScanResult(item.Name, null, item.SkipReason);
                continue;
            }

            ScanResult result;
            try
            {
                result = new ScanResult(log.Name, await EventLogReader.ReadAsync(log, Options, cancellationToken).ConfigureAwait(false), null);
            }
            catch (DuplicateLogException)
            {
                // Read already through another name: counted once, as the walk counts it.
                continue;
            }
            catch (Exception ex) when (!SingleLog && ex is UserInputException or OperationFailedException or IOException or AmazonS3Exception)
            {
                result = new ScanResult(log.Name, null, ex.Message);
            }

            logs++;
            yield return result;
        }

        if (logs == 0)
        {
            throw new UserInputException($"{_argumentName}: no Spark event logs in '{Input}'; point at a directory holding event log files (spark.eventLog.dir).");
        }
    }

    private static Stream OpenFile(string path)
    {
        try
        {
            return LocalFileStream.Open(path);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new UserInputException($"{path}: cannot be read ({ex.Message}).", ex);
        }
    }

    public void Dispose() => _client?.Dispose();
}
