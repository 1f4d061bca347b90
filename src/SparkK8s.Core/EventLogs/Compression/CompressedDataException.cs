namespace SparkK8s.Core.EventLogs.Compression;

/// <summary>Compressed event-log data that cannot be decoded: a bad header, length, checksum or block.</summary>
public class CorruptCompressedDataException(string message) : IOException(message);

/// <summary>The compressed stream ends inside a block or frame, as the log of a still-running application can.</summary>
public sealed class TruncatedCompressedDataException(string message) : CorruptCompressedDataException(message);
