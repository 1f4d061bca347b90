using System.Buffers.Binary;
using Snappier;

namespace SparkK8s.Core.EventLogs.Compression;

/// <summary>
/// Decodes snappy-java's stream format, which Spark's SnappyCompressionCodec writes (SnappyOutputStream, 32 KiB blocks;
/// apache/spark CompressionCodec.scala). The stream starts with a 16-byte header: the magic 0x82 "SNAPPY" 0x00 and two
/// big-endian int32s (format version and compatible version, both 1). Then come chunks, each a big-endian int32
/// length and that many bytes of raw Snappy data. A header may reappear where a chunk would start (concatenated
/// streams). Chunks are decoded with Snappier.
/// </summary>
internal sealed class SnappyJavaStream(Stream inner) : BlockDecodingStream(inner, "snappy")
{
    private const int HeaderLength = 16;

    /// <summary>No chunk Spark writes comes near this; a larger length means corrupt data.</summary>
    private const int MaxChunkLength = 64 << 20;

    private readonly byte[] _header = new byte[HeaderLength];
    private bool _sawHeader;

    internal static ReadOnlySpan<byte> Magic => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0];

    protected override async ValueTask<bool> DecodeNextBlockAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var at = CompressedPosition;
            var read = await ReadUpToAsync(_header.AsMemory(0, 4), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            if (read < 4)
            {
                throw _sawHeader || Magic.StartsWith(_header.AsSpan(0, read)) ? Truncated("a chunk length", at) : Corrupt("no snappy-java stream header (0x82 SNAPPY)", at);
            }

            if (_header[0] == Magic[0])
            {
                await ReadExactlyAsync(_header.AsMemory(4, HeaderLength - 4), "the stream header", cancellationToken).ConfigureAwait(false);
                if (!_header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
                {
                    throw Corrupt("bad snappy-java stream header", at);
                }

                _sawHeader = true;
                continue;
            }

            if (!_sawHeader)
            {
                throw Corrupt("no snappy-java stream header (0x82 SNAPPY)", at);
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(_header);
            if (length <= 0 || length > MaxChunkLength)
            {
                throw Corrupt($"invalid chunk length {length}", at);
            }

            var compressed = CompressedBuffer(length);
            await ReadExactlyAsync(compressed.AsMemory(0, length), "a chunk", cancellationToken).ConfigureAwait(false);
            int decodedLength;
            try
            {
                decodedLength = Snappy.GetUncompressedLength(compressed.AsSpan(0, length));
                if (decodedLength < 0 || decodedLength > MaxChunkLength)
                {
                    throw Corrupt($"invalid uncompressed chunk length {decodedLength}", at);
                }

                var block = BlockBuffer(decodedLength);
                if (Snappy.Decompress(compressed.AsSpan(0, length), block.AsSpan(0, decodedLength)) != decodedLength)
                {
                    throw Corrupt("a chunk does not decode to its stated length", at);
                }
            }
            catch (InvalidDataException ex)
            {
                throw Corrupt(ex.Message, at);
            }
            catch (ArgumentException ex)
            {
                throw Corrupt(ex.Message, at);
            }

            if (decodedLength == 0)
            {
                continue;
            }

            SetBlockLength(decodedLength);
            return true;
        }
    }
}
