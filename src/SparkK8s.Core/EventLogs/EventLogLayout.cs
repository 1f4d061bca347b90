using System.Globalization;
using System.Text.RegularExpressions;

namespace SparkK8s.Core.EventLogs;

/// <summary>
/// Groups listed files into application logs the way Spark's EventLogFileReaders lays them out (apache/spark
/// core/src/main/scala/org/apache/spark/deploy/history/EventLogFileReaders.scala):
/// a single-file log is any file (optionally with a codec extension and <c>.inprogress</c>);
/// a rolling log is a directory <c>eventlog_v2_&lt;appId&gt;</c> holding <c>events_&lt;N&gt;_&lt;appId&gt;[.codec]</c> parts,
/// read in N order (a compacted <c>events_&lt;N&gt;_&lt;appId&gt;.compact</c> replaces the parts before it), and an
/// <c>appstatus_&lt;appId&gt;[.inprogress]</c> marker.
/// An <c>.inprogress</c> log whose finished twin (the same name without <c>.inprogress</c>) is listed too is counted once,
/// as the finished log.
/// </summary>
public static partial class EventLogLayout
{
    public const string RollingDirectoryPrefix = "eventlog_v2_";
    public const string InProgressSuffix = ".inprogress";
    public const string CompactSuffix = ".compact";

    [GeneratedRegex(@"^events_(?<n>\d+)_")]
    private static partial Regex PartPattern();

    public static bool IsRollingDirectoryName(string name) => name.StartsWith(RollingDirectoryPrefix, StringComparison.Ordinal);

    /// <summary>True for files that are never event logs: hidden files and Hadoop checksum files.</summary>
    public static bool IsIgnored(string fileName) =>
        fileName.StartsWith('.') || fileName.EndsWith(".crc", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<EventLogHandle> Group(IEnumerable<EventLogEntry> entries)
    {
        var singles = new List<EventLogEntry>();
        var rolling = new SortedDictionary<string, RollingLog>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var segments = entry.RelativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var fileName = segments[^1];
            if (IsIgnored(fileName))
            {
                continue;
            }

            if (segments.Length >= 2 && IsRollingDirectoryName(segments[^2]))
            {
                var directory = string.Join('/', segments[..^1]);
                if (!rolling.TryGetValue(directory, out var log))
                {
                    log = new RollingLog(entry.Name[..^fileName.Length].TrimEnd('/', Path.DirectorySeparatorChar));
                    rolling[directory] = log;
                }

                log.Add(fileName, entry);
                continue;
            }

            singles.Add(entry);
        }

        var finished = singles.Select(s => s.RelativePath).Where(p => !p.EndsWith(InProgressSuffix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var handles = singles
            .Where(s => !(s.RelativePath.EndsWith(InProgressSuffix, StringComparison.Ordinal) && finished.Contains(s.RelativePath[..^InProgressSuffix.Length])))
            .Select(s => new EventLogHandle(s.Name, [new EventLogPart(s.Name, s.Open, s.Stamp)], s.RelativePath.EndsWith(InProgressSuffix, StringComparison.Ordinal)))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .ToList();
        handles.AddRange(rolling.Values.Where(r => r.Parts.Count > 0).Select(r => r.ToHandle()));
        return handles;
    }

    private sealed class RollingLog(string name)
    {
        private bool _inProgress;

        public SortedList<long, (EventLogEntry Entry, bool Compact)> Parts { get; } = [];

        public void Add(string fileName, EventLogEntry entry)
        {
            if (fileName.StartsWith("appstatus_", StringComparison.Ordinal))
            {
                _inProgress = fileName.EndsWith(InProgressSuffix, StringComparison.Ordinal);
                return;
            }

            var match = PartPattern().Match(fileName);
            if (match.Success && long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                var compact = fileName.EndsWith(CompactSuffix, StringComparison.Ordinal);
                if (!Parts.TryGetValue(index, out var existing) || compact || !existing.Compact)
                {
                    Parts[index] = (entry, compact);
                }
            }
        }

        public EventLogHandle ToHandle()
        {
            // A compacted part stands for every part up to it; the parts before it are obsolete.
            var lastCompact = Parts.Where(p => p.Value.Compact).Select(p => (long?)p.Key).LastOrDefault();
            var parts = Parts.Where(p => lastCompact is null || p.Key >= lastCompact).ToList();
            var missing = new List<long>();
            var expected = lastCompact ?? 1;
            foreach (var (index, _) in parts)
            {
                for (; expected < index && missing.Count <= 10; expected++)
                {
                    missing.Add(expected);
                }

                expected = index + 1;
            }

            IReadOnlyList<string>? warnings = missing.Count == 0 ? null :
            [
                string.Create(CultureInfo.InvariantCulture,
                    $"the rolling log has gaps in its part numbers (missing events_{string.Join(", events_", missing.Take(10))}{(missing.Count > 10 ? ", ..." : "")}): the events in the missing parts are not counted."),
            ];
            return new EventLogHandle(name, [.. parts.Select(p => new EventLogPart(p.Value.Entry.Name, p.Value.Entry.Open, p.Value.Entry.Stamp))], _inProgress, warnings);
        }
    }
}
