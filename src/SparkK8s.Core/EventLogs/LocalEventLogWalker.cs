namespace SparkK8s.Core.EventLogs;

/// <summary>One thing found while walking a directory: a log to read, or something skipped and why.</summary>
public sealed record WalkItem(string Name, EventLogHandle? Log, string? SkipReason);

/// <summary>
/// Walks a directory of event logs one directory at a time (the whole tree is never listed up front). Directory symbolic
/// links are not followed and every directory is entered once per (device, inode), so a link loop cannot hang the walk
/// or count a log many times. Symbolic links to files are read once per target. FIFOs, sockets and devices are skipped
/// (opening a FIFO would block forever), and a directory that cannot be listed is reported, not skipped in silence.
/// </summary>
internal static class LocalEventLogWalker
{
    public static IEnumerable<WalkItem> Walk(string root, Func<string, Func<CancellationToken, Task<Stream>>> open)
    {
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
            foreach (var path in Enumerate(directory, failure => listFailure = failure))
            {
                var name = Path.GetFileName(path);
                if (name.StartsWith('.'))
                {
                    continue;
                }

                var probe = FileSystemProbe.Probe(path, followLinks: false);
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
                    case FileKind.Regular when IsSingleLog(path, name) && seenFiles.Add((probe.Device, probe.Inode)):
                        var inProgress = name.EndsWith(EventLogLayout.InProgressSuffix, StringComparison.Ordinal);
                        yield return new WalkItem(path, new EventLogHandle(path, [new EventLogPart(path, open(path))], inProgress), null);
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

    private static IEnumerable<WalkItem> RollingItems(string path, string name, Func<string, Func<CancellationToken, Task<Stream>>> open, HashSet<(ulong, ulong)> visited, FileProbe probe)
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

    private static IReadOnlyList<EventLogHandle> ListRolling(string directory, string name, Func<string, Func<CancellationToken, Task<Stream>>> open, out WalkItem? problem)
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
                entries.Add(new EventLogEntry($"{name}/{Path.GetFileName(path)}", path, open(path)));
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

    /// <summary>The entries of one directory as the OS returns them, streamed; a listing error ends it and is reported through <paramref name="failed"/>.</summary>
    private static IEnumerable<string> Enumerate(string directory, Action<string> failed)
    {
        IEnumerator<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(directory).GetEnumerator();
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
