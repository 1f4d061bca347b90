using SparkK8s.Core.Errors;

namespace SparkK8s.Core.EventLogs;

/// <summary>
/// Recognises compressed event logs. Spark names a compressed log with the codec's short name as extension
/// (CompressionCodec: lz4, lzf, snappy, zstd); this tool reads only uncompressed logs, so it names the codec
/// (from the extension, or from the stream's magic bytes when the name says nothing) instead of printing garbage.
/// </summary>
public static class EventLogCodec
{
    private static readonly string[] SparkCodecs = ["lz4", "lzf", "snappy", "zstd"];

    /// <summary>The codec named by a file's extension (ignoring .inprogress), or null.</summary>
    public static string? FromFileName(string fileName)
    {
        var name = fileName.EndsWith(EventLogLayout.InProgressSuffix, StringComparison.Ordinal)
            ? fileName[..^EventLogLayout.InProgressSuffix.Length]
            : fileName;
        var extension = Path.GetExtension(name).TrimStart('.').ToLowerInvariant();
        return SparkCodecs.Contains(extension) || extension is "gz" or "zst" or "bz2" ? extension : null;
    }

    /// <summary>The compression format whose magic bytes start <paramref name="head"/>, or null.</summary>
    public static string? FromMagic(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("LZ4Block"u8))
        {
            return "lz4";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD]))
        {
            return "zstd";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0]) || head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x06, 0x00, 0x00, (byte)'s', (byte)'N', (byte)'a', (byte)'P', (byte)'p', (byte)'Y']))
        {
            return "snappy";
        }

        if (head.StartsWith("ZV"u8))
        {
            return "lzf";
        }

        return head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]) ? "gzip" : null;
    }

    public static UserInputException Unsupported(string name, string codec) => new(
        $"{name}: the event log is compressed with '{codec}', which spark-k8s cannot read (only uncompressed JSON-lines logs are supported). " +
        "Decompress it first, or write uncompressed logs with spark.eventLog.compress=false.");
}
