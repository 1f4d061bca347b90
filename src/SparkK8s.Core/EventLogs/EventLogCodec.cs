using SparkK8s.Core.Errors;
using SparkK8s.Core.EventLogs.Compression;

namespace SparkK8s.Core.EventLogs;

/// <summary>
/// The compression codecs of event logs. Spark names a compressed log with the codec's short name as its extension
/// (EventLogFileWriters.scala: <c>&lt;appId&gt;.&lt;codec&gt;</c>, rolling parts <c>events_&lt;N&gt;_&lt;appId&gt;.&lt;codec&gt;</c>;
/// CompressionCodec.scala: lz4, lzf, snappy, zstd). All four are decoded; a log without an extension is recognised by
/// its magic bytes. Other formats (gzip, bzip2) are named in a clear error.
/// </summary>
public static class EventLogCodec
{
    public const string Lz4 = "lz4";
    public const string Lzf = "lzf";
    public const string Snappy = "snappy";
    public const string Zstd = "zstd";

    /// <summary>The magic bytes are read from this many leading bytes.</summary>
    public const int MagicLength = 16;

    /// <summary>The codec named by a file's extension (ignoring .inprogress), or null. "zst" is read as zstd.</summary>
    public static string? FromFileName(string fileName)
    {
        var name = fileName.EndsWith(EventLogLayout.InProgressSuffix, StringComparison.Ordinal)
            ? fileName[..^EventLogLayout.InProgressSuffix.Length]
            : fileName;
        return Path.GetExtension(name).TrimStart('.').ToLowerInvariant() switch
        {
            Lz4 => Lz4,
            Lzf => Lzf,
            Snappy => Snappy,
            Zstd or "zst" => Zstd,
            "gz" => "gzip",
            "bz2" => "bzip2",
            _ => null,
        };
    }

    /// <summary>The compression format whose magic bytes start <paramref name="head"/>, or null.</summary>
    public static string? FromMagic(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("LZ4Block"u8))
        {
            return Lz4;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD]))
        {
            return Zstd;
        }

        if (head.StartsWith(SnappyJavaStream.Magic))
        {
            return Snappy;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x06, 0x00, 0x00, (byte)'s', (byte)'N', (byte)'a', (byte)'P', (byte)'p', (byte)'Y']))
        {
            return "snappy framing format";
        }

        if (head.Length >= 3 && head.StartsWith("ZV"u8) && head[2] <= 1)
        {
            return Lzf;
        }

        return head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]) ? "gzip" : null;
    }

    public static bool IsSupported(string codec) => codec is Lz4 or Lzf or Snappy or Zstd;

    /// <summary>A stream of the decompressed bytes of <paramref name="compressed"/>, which it owns.</summary>
    public static Stream Decompress(Stream compressed, string codec) => codec switch
    {
        Lz4 => new Lz4BlockStream(compressed),
        Lzf => new LzfStream(compressed),
        Snappy => new SnappyJavaStream(compressed),
        Zstd => new ZstdSharp.DecompressionStream(compressed, bufferSize: 128 * 1024, checkEndOfStream: true, leaveOpen: false),
        _ => throw new ArgumentOutOfRangeException(nameof(codec), codec, "not a codec Spark writes"),
    };

    public static UserInputException Unsupported(string name, string codec) => new(
        $"{name}: the event log is compressed with '{codec}', which Spark does not write and spark-k8s cannot read " +
        "(it reads uncompressed logs and Spark's codecs lz4, lzf, snappy and zstd). Decompress it first.");
}
