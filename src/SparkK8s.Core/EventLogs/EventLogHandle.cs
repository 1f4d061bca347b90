namespace SparkK8s.Core.EventLogs;

/// <summary>One file of an event log: a whole single-file log or one part of a rolling log.</summary>
/// <param name="Name">A path or URI that names the part in messages.</param>
/// <param name="Open">Opens the part for reading from its start.</param>
/// <param name="Stamp">Its size and version as listed (S3: size and ETag), when the listing gave them.</param>
public sealed record EventLogPart(string Name, Func<CancellationToken, Task<Stream>> Open, PartStamp? Stamp = null);

/// <summary>What identifies one version of a stored file: its size and a version (an S3 ETag, a local mtime), so a changed file is seen without reading it.</summary>
public sealed record PartStamp(long Size, string Version);

/// <summary>One application's event log: a single file, or the parts of a rolling log in order.</summary>
/// <param name="Name">The file or rolling-log directory, for messages.</param>
/// <param name="Parts">The files to read, in order (events_1, events_2, ... for a rolling log).</param>
/// <param name="MarkedInProgress">The file name ends in .inprogress, or a rolling log's appstatus file does.</param>
/// <param name="Warnings">What the layout showed before reading (e.g. missing parts of a rolling log).</param>
public sealed record EventLogHandle(string Name, IReadOnlyList<EventLogPart> Parts, bool MarkedInProgress, IReadOnlyList<string>? Warnings = null);

/// <summary>A file found under a directory or S3 prefix, before grouping into logs.</summary>
/// <param name="RelativePath">Path below the listed root, '/'-separated.</param>
public sealed record EventLogEntry(string RelativePath, string Name, Func<CancellationToken, Task<Stream>> Open, PartStamp? Stamp = null);
