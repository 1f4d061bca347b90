using System.Globalization;
using System.Text.RegularExpressions;

namespace SparkK8s.Core.EventLogs;

/// <summary>
/// Groups listed files into application logs the way Spark's EventLogFileReaders lays them out:
/// a single-file log is any file (optionally with a codec extension and <c>.inprogress</c>);
/// a rolling log is a directory <c>eventlog_v2_&lt;appId&gt;</c> holding <c>events_&lt;N&gt;_&lt;appId&gt;[.codec]</c> parts,
/// read in N order, and an <c>appstatus_&lt;appId&gt;[.inprogress]</c> marker.
/// </summary>
public static partial class EventLogLayout
{
    public const string RollingDirectoryPrefix = "eventlog_v2_";
    public const string InProgressSuffix = ".inprogress";

    [GeneratedRegex(@"^events_(?<n>\d+)_")]
    private static partial Regex PartPattern();

    public static bool IsRollingDirectoryName(string name) => name.StartsWith(RollingDirectoryPrefix, StringComparison.Ordinal);

    /// <summary>True for files that are never event logs: hidden files and Hadoop checksum files.</summary>
    public static bool IsIgnored(string fileName) =>
        fileName.StartsWith('.') || fileName.EndsWith(".crc", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<EventLogHandle> Group(IEnumerable<EventLogEntry> entries)
    {
        var singles = new List<EventLogHandle>();
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

            singles.Add(new EventLogHandle(entry.Name, [new EventLogPart(entry.Name, entry.Open)], fileName.EndsWith(InProgressSuffix, StringComparison.Ordinal)));
        }

        singles.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return [.. singles, .. rolling.Values.Where(r => r.Parts.Count > 0).Select(r => r.ToHandle())];
    }

    private sealed class RollingLog(string name)
    {
        private bool _inProgress;

        public SortedList<long, EventLogEntry> Parts { get; } = [];

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
                Parts[index] = entry;
            }
        }

        public EventLogHandle ToHandle() =>
            new(name, [.. Parts.Values.Select(p => new EventLogPart(p.Name, p.Open))], _inProgress);
    }
}
