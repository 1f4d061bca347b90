namespace SparkK8s.Core.EventLogs;

/// <summary>One thing found while walking a directory: a log to read, or something skipped and why.</summary>
public sealed record WalkItem(string Name, EventLogHandle? Log, string? SkipReason);

/// <summary>
/// Walks a directory of event logs one directory at a time (the whole tree is never listed up front). Directory symbolic
/// links are not followed and every directory is entered once per (device, inode), so a link loop cannot hang the walk
/// or count a log many times. Symbolic links to files are read once per target. FIFOs, sockets and devices are skipped
/// (opening a FIFO would block forever), and a directory that cannot be listed is reported, not skipped in silence.
/// Each entry's kind comes from the directory listing where the file system gives it (<see cref="DirectoryListing"/>),
/// so a plain log costs no stat in the walk.
/// </summary>
internal static class LocalEventLogWalker
{
    /// <param name="open">Opens a local log.</param>
    /// <param name="identityAtOpen">
    /// For a caller that opens every log it is given before it asks for the next (<see cref="EventLogScanner.ReadAllAsync"/>):
    /// a plain file's (device, inode) is taken from the fstat of its opening instead of an lstat in the walk, and a file
    /// seen before then throws <see cref="DuplicateLogException"/> at its opening. The files counted are the same
    /// (each identity is still checked in walk order); the walk itself no longer stats each plain file. Off, identities
    /// are known when an item is yielded, for callers that read only some logs (the cost exporter re-reads changed ones).
    /// </param>
    /// <param name="list">Lists one directory (tests give one that reports no kinds, as a file system without d_type does).</param>
    public static IEnumerable<WalkItem> Walk(string root, Func<string, Stream> open, bool identityAtOpen = false, Func<string, IEnumerable<ListedEntry>>? list = null)
    {
        list ??= DirectoryListing.Entries;
        var rootName = Path.GetFileName(root);
        if (EventLogLayout.IsRollingDirectoryName(rootName))
        {
            // The input is one rolling log: its parts, named relative to its parent.
            var rolling = ListRolling(root, rootName, open, out var problem);
            if (problem is not null)
            {
                yield return problem;
            }

            foreach (var log in rolling)
            {
                yield return new WalkItem(log.Name, log, null);
            }

            yield break;
        }

        var visitedDirectories = new HashSet<(ulong, ulong)>();
        var seenFiles = new HashSet<(ulong, ulong)>();
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            var identity = FileSystemProbe.Probe(directory, followLinks: true);
            if (!visitedDirectories.Add((identity.Device, identity.Inode)))
            {
                continue;
            }

            var subdirectories = new List<string>();
            string? listFailure = null;
            foreach (var entry in Enumerate(directory, list, failure => listFailure = failure))
            {
                var path = entry.Path;
                var name = Path.GetFileName(path);
                if (name.StartsWith('.'))
                {
                    continue;
                }

                // A plain file's identity is needed only to count it once: at its opening with identityAtOpen, here otherwise.
                var identityLater = identityAtOpen && entry.Kind == FileKind.Regular;
                var probe = identityLater || entry.Kind == FileKind.Other
                    ? new FileProbe(entry.Kind!.Value, 0, 0)
                    : FileSystemProbe.Probe(path, followLinks: false);
                if (probe.Kind == FileKind.SymbolicLink)
                {
                    var target = FileSystemProbe.Probe(path, followLinks: true);
                    if (target.Kind == FileKind.Directory)
                    {
                        yield return new WalkItem(path, null, "a symbolic link to a directory; not followed (give the target directory itself to read it)");
                        continue;
                    }

                    if (target.Kind == FileKind.Missing)
                    {
                        yield return new WalkItem(path, null, "a broken symbolic link");
                        continue;
                    }

                    probe = target;
                }

                switch (probe.Kind)
                {
                    case FileKind.Directory when EventLogLayout.IsRollingDirectoryName(name):
                        foreach (var item in RollingItems(path, name, open, visitedDirectories, probe))
                        {
                            yield return item;
                        }

                        break;
                    case FileKind.Directory:
                        subdirectories.Add(path);
                        break;
                    case FileKind.Regular when IsSingleLog(path, name) && (identityLater || seenFiles.Add((probe.Device, probe.Inode))):
                        var inProgress = name.EndsWith(EventLogLayout.InProgressSuffix, StringComparison.Ordinal);
                        var opener = identityLater ? OpenOnce(path, open, seenFiles) : Opener(path, open);
                        yield return new WalkItem(path, new EventLogHandle(path, [new EventLogPart(path, opener)], inProgress), null);
                        break;
                    case FileKind.Other:
                        yield return new WalkItem(path, null, "not a regular file (a FIFO, socket or device)");
                        break;
                    default:
                        break;
                }
            }

            if (listFailure is not null)
            {
                yield return new WalkItem(directory, null, listFailure);
            }

            subdirectories.Sort(StringComparer.Ordinal);
            for (var i = subdirectories.Count - 1; i >= 0; i--)
            {
                pending.Push(subdirectories[i]);
            }
        }
    }

    private static IEnumerable<WalkItem> RollingItems(string path, string name, Func<string, Stream> open, HashSet<(ulong, ulong)> visited, FileProbe probe)
    {
        if (!visited.Add((probe.Device, probe.Inode)))
        {
            yield break;
        }

        var logs = ListRolling(path, name, open, out var problem);
        if (problem is not null)
        {
            yield return problem;
        }

        foreach (var log in logs)
        {
            yield return new WalkItem(log.Name, log, null);
        }
    }

    private static IReadOnlyList<EventLogHandle> ListRolling(string directory, string name, Func<string, Stream> open, out WalkItem? problem)
    {
        if (!TryList(directory, out var names, out problem))
        {
            return [];
        }

        var entries = new List<EventLogEntry>();
        foreach (var path in names)
        {
            var probe = FileSystemProbe.Probe(path, followLinks: true);
            if (probe.Kind == FileKind.Regular)
            {
                entries.Add(new EventLogEntry($"{name}/{Path.GetFileName(path)}", path, Opener(path, open)));
            }
            else if (probe.Kind == FileKind.Other)
            {
                problem = new WalkItem(path, null, "not a regular file (a FIFO, socket or device)");
            }
        }

        return EventLogLayout.Group(entries);
    }

    /// <summary>A log file, not a checksum or hidden file, and not an .inprogress log whose finished twin is beside it (counted once, as the finished log).</summary>
    private static bool IsSingleLog(string path, string name) =>
        !EventLogLayout.IsIgnored(name)
        && !(name.EndsWith(EventLogLayout.InProgressSuffix, StringComparison.Ordinal)
             && FileSystemProbe.Probe(path[..^EventLogLayout.InProgressSuffix.Length], followLinks: true).Kind == FileKind.Regular);

    /// <summary>Opens a local log when asked (after a check for cancellation), with no identity check.</summary>
    public static Func<CancellationToken, Task<Stream>> Opener(string path, Func<string, Stream> open) => cancellationToken =>
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(open(path));
    };

    /// <summary>Opens a plain file and counts its identity then: a file already read (a hard link, a link's target) is a <see cref="DuplicateLogException"/>.</summary>
    private static Func<CancellationToken, Task<Stream>> OpenOnce(string path, Func<string, Stream> open, HashSet<(ulong, ulong)> seen) => cancellationToken =>
    {
        cancellationToken.ThrowIfCancellationRequested();
        Stream stream;
        try
        {
            stream = open(path);
        }
        catch
        {
            // Not readable: still counted, as the walk would have (its lstat needs no read permission).
            var probe = FileSystemProbe.Probe(path, followLinks: false);
            if (probe.Kind == FileKind.Regular)
            {
                seen.Add((probe.Device, probe.Inode));
            }

            throw;
        }

        var identity = stream is LocalFileStream { Identity: { } known } ? known : FileSystemProbe.Probe(path, followLinks: true);
        if (!seen.Add((identity.Device, identity.Inode)))
        {
            stream.Dispose();
            throw new DuplicateLogException(path);
        }

        return Task.FromResult(stream);
    };

    /// <summary>The entries of one directory as the OS returns them, streamed; a listing error ends it and is reported through <paramref name="failed"/>.</summary>
    private static IEnumerable<ListedEntry> Enumerate(string directory, Func<string, IEnumerable<ListedEntry>> list, Action<string> failed)
    {
        IEnumerator<ListedEntry> entries;
        try
        {
            entries = list(directory).GetEnumerator();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            failed(Unlistable(ex));
            yield break;
        }

        using (entries)
        {
            while (true)
            {
                try
                {
                    if (!entries.MoveNext())
                    {
                        yield break;
                    }
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
                {
                    failed(Unlistable(ex));
                    yield break;
                }

                yield return entries.Current;
            }
        }
    }

    private static string Unlistable(Exception ex) => $"the directory cannot be listed ({ex.Message}); the logs in it are not counted";

    private static bool TryList(string directory, out string[] names, out WalkItem problem)
    {
        try
        {
            names = Directory.GetFileSystemEntries(directory);
            Array.Sort(names, StringComparer.Ordinal);
            problem = null!;
            return true;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            names = [];
            problem = new WalkItem(directory, null, Unlistable(ex));
            return false;
        }
    }
}

/// <summary>A plain file reached a second time in one walk (a hard link, or a link to a file already read): it is not read again.</summary>
internal sealed class DuplicateLogException(string path) : Exception($"{path} was read already (a link to a log read before)");
