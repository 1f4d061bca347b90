using Amazon.S3;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.EventLogs;

/// <summary>The outcome for one log: its summary, or why it was skipped.</summary>
public sealed record ScanResult(string Name, ApplicationSummary? Summary, string? SkipReason);

/// <summary>
/// Finds the event logs behind a path or URI (a log file, a rolling log directory, a directory of logs, an s3:// prefix)
/// and reads them one at a time, so only one log is in memory at once.
/// </summary>
public sealed class EventLogScanner : IDisposable
{
    private readonly IAmazonS3? _client;

    private EventLogScanner(string input, IReadOnlyList<EventLogHandle> logs, bool singleLog, IAmazonS3? client)
    {
        Input = input;
        Logs = logs;
        SingleLog = singleLog;
        _client = client;
    }

    public string Input { get; }
    public IReadOnlyList<EventLogHandle> Logs { get; }

    /// <summary>The input named exactly one log (a file or a rolling directory): a failure to read it is an error, not a skip.</summary>
    public bool SingleLog { get; }

    /// <summary>Resolves <paramref name="input"/>; <paramref name="argumentName"/> names the argument in error messages.</summary>
    public static async Task<EventLogScanner> OpenAsync(string input, S3Options? s3, string argumentName, CancellationToken cancellationToken)
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
                return logs.Count == 0
                    ? throw new UserInputException($"{argumentName}: no Spark event logs under {input}; check the bucket and prefix.")
                    : new EventLogScanner(input, logs, entries.Count == 1 || (logs.Count == 1 && logs[0].Parts.Count > 1), client);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }

        var full = Path.GetFullPath(input);
        if (File.Exists(full))
        {
            var single = new EventLogEntry(Path.GetFileName(full), full, OpenFile(full));
            return new EventLogScanner(input, EventLogLayout.Group([single]), true, null);
        }

        if (!Directory.Exists(full))
        {
            throw new UserInputException($"{argumentName}: '{input}' does not exist; give an event log file, a directory of event logs, or an s3:// prefix.");
        }

        var directory = new DirectoryInfo(full);
        var rollingItself = EventLogLayout.IsRollingDirectoryName(directory.Name);
        var root = rollingItself ? directory.Parent!.FullName : full;
        var files = directory.EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = !rollingItself, IgnoreInaccessible = true })
            .Select(f => new EventLogEntry(Path.GetRelativePath(root, f.FullName).Replace(Path.DirectorySeparatorChar, '/'), f.FullName, OpenFile(f.FullName)))
            .ToList();
        var found = EventLogLayout.Group(files);
        return found.Count == 0
            ? throw new UserInputException($"{argumentName}: no Spark event logs in directory '{input}'; point at a directory holding event log files (spark.eventLog.dir).")
            : new EventLogScanner(input, found, rollingItself, null);
    }

    /// <summary>Reads the logs in order. In a multi-log input, a log that cannot be read is reported as skipped and the rest go on.</summary>
    public async IAsyncEnumerable<ScanResult> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var log in Logs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ScanResult result;
            try
            {
                result = new ScanResult(log.Name, await EventLogReader.ReadAsync(log, cancellationToken).ConfigureAwait(false), null);
            }
            catch (Exception ex) when (!SingleLog && ex is UserInputException or OperationFailedException or IOException or AmazonS3Exception)
            {
                result = new ScanResult(log.Name, null, ex.Message);
            }

            yield return result;
        }
    }

    private static Func<CancellationToken, Task<Stream>> OpenFile(string path) => _ =>
    {
        try
        {
            return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan));
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new UserInputException($"{path}: cannot be read ({ex.Message}).", ex);
        }
    };

    public void Dispose() => _client?.Dispose();
}
