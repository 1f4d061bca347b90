using System.Buffers.Binary;
using System.IO.Hashing;
using K4os.Compression.LZ4;

namespace SparkK8s.Core.EventLogs.Compression;

/// <summary>
/// Decodes lz4-java's LZ4Block stream, which Spark's LZ4CompressionCodec writes (apache/spark
/// core/src/main/scala/org/apache/spark/io/CompressionCodec.scala: LZ4BlockOutputStream, 32 KiB blocks, xxhash32 checksum
/// with seed 0x9747b28c). Each block has a 21-byte header: the magic "LZ4Block", a token (high nibble: 0x10 raw or
/// 0x20 LZ4; low nibble: log2(block size) − 10), the compressed and the original length and the checksum of the
/// original bytes (little-endian int32s; the checksum is xxhash32 masked to 28 bits). An empty block ends a stream;
/// another stream may follow it (Spark reads concatenated streams), and a stream cut at a block boundary ends cleanly.
/// The block payload is decoded with K4os.Compression.LZ4.
/// </summary>
internal sealed class Lz4BlockStream(Stream inner) : BlockDecodingStream(inner, "lz4")
{
    private const int HeaderLength = 21;
    private const uint ChecksumSeed = 0x9747b28c;
    private const int MethodRaw = 0x10;
    private const int MethodLz4 = 0x20;
    private readonly byte[] _header = new byte[HeaderLength];

    private static ReadOnlySpan<byte> Magic => "LZ4Block"u8;

    protected override async ValueTask<bool> DecodeNextBlockAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var at = CompressedPosition;
            var read = await ReadUpToAsync(_header, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            if (read < HeaderLength)
            {
                throw Magic.StartsWith(_header.AsSpan(0, Math.Min(read, Magic.Length)))
                    ? Truncated("a block header", at)
                    : Corrupt("no LZ4Block magic at the start of a block", at);
            }

            if (!_header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            {
                throw Corrupt("no LZ4Block magic at the start of a block", at);
            }

            var token = _header[8];
            var method = token & 0xF0;
            var maxLength = 1 << (10 + (token & 0x0F));
            var compressedLength = BinaryPrimitives.ReadInt32LittleEndian(_header.AsSpan(9));
            var originalLength = BinaryPrimitives.ReadInt32LittleEndian(_header.AsSpan(13));
            var checksum = BinaryPrimitives.ReadInt32LittleEndian(_header.AsSpan(17));
            if ((method != MethodRaw && method != MethodLz4)
                || originalLength < 0 || compressedLength < 0 || originalLength > maxLength
                || (originalLength == 0) != (compressedLength == 0)
                || (method == MethodRaw && originalLength != compressedLength))
            {
                throw Corrupt("invalid block header", at);
            }

            if (originalLength == 0)
            {
                if (checksum != 0)
                {
                    throw Corrupt("the end-of-stream block has a checksum", at);
                }

                continue;
            }

            var block = BlockBuffer(originalLength);
            if (method == MethodRaw)
            {
                await ReadExactlyAsync(block.AsMemory(0, originalLength), "a block", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var compressed = CompressedBuffer(compressedLength);
                await ReadExactlyAsync(compressed.AsMemory(0, compressedLength), "a block", cancellationToken).ConfigureAwait(false);
                if (LZ4Codec.Decode(compressed.AsSpan(0, compressedLength), block.AsSpan(0, originalLength)) != originalLength)
                {
                    throw Corrupt("an LZ4 block does not decode to its stated length", at);
                }
            }

            if ((int)(XxHash32.HashToUInt32(block.AsSpan(0, originalLength), unchecked((int)ChecksumSeed)) & 0x0FFFFFFF) != checksum)
            {
                throw Corrupt("block checksum mismatch", at);
            }

            SetBlockLength(originalLength);
            return true;
        }
    }
}
