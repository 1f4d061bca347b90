using System.Buffers.Binary;

namespace SparkK8s.Core.EventLogs.Compression;

/// <summary>
/// Decodes the LZF chunk stream of ning compress-lzf's LZFOutputStream, which Spark's LZFCompressionCodec writes
/// (apache/spark CompressionCodec.scala). Each chunk starts with 'Z' 'V' and a type byte: 0 (stored) followed by a
/// big-endian uint16 length and the bytes, or 1 (compressed) followed by the big-endian uint16 compressed and
/// uncompressed lengths and the LZF-compressed bytes. Chunks hold at most 64 KiB.
/// </summary>
internal sealed class LzfStream(Stream inner) : BlockDecodingStream(inner, "lzf")
{
    private readonly byte[] _header = new byte[7];

    protected override async ValueTask<bool> DecodeNextBlockAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var at = CompressedPosition;
            var read = await ReadUpToAsync(_header.AsMemory(0, 5), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            if (read < 5)
            {
                throw "ZV"u8.StartsWith(_header.AsSpan(0, Math.Min(read, 2))) ? Truncated("a chunk header", at) : Corrupt("no ZV signature at the start of a chunk", at);
            }

            if (_header[0] != 'Z' || _header[1] != 'V')
            {
                throw Corrupt("no ZV signature at the start of a chunk", at);
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(3));
            switch (_header[2])
            {
                case 0:
                    await ReadExactlyAsync(BlockBuffer(length).AsMemory(0, length), "a chunk", cancellationToken).ConfigureAwait(false);
                    if (length == 0)
                    {
                        continue;
                    }

                    SetBlockLength(length);
                    return true;
                case 1:
                    await ReadExactlyAsync(_header.AsMemory(5, 2), "a chunk header", cancellationToken).ConfigureAwait(false);
                    var original = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(5));
                    var compressed = CompressedBuffer(length);
                    await ReadExactlyAsync(compressed.AsMemory(0, length), "a chunk", cancellationToken).ConfigureAwait(false);
                    var block = BlockBuffer(original);
                    if (LzfDecoder.Decode(compressed.AsSpan(0, length), block.AsSpan(0, original)) != original)
                    {
                        throw Corrupt("a chunk does not decode to its stated length", at);
                    }

                    if (original == 0)
                    {
                        continue;
                    }

                    SetBlockLength(original);
                    return true;
                default:
                    throw Corrupt($"unknown chunk type {_header[2]}", at);
            }
        }
    }
}

/// <summary>The LZF block decoder (the format of liblzf's lzf_d.c, which compress-lzf implements), with bounds checks.</summary>
internal static class LzfDecoder
{
    /// <summary>Decodes <paramref name="input"/> into <paramref name="output"/>; returns the bytes written, or −1 when the input is corrupt.</summary>
    public static int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var ip = 0;
        var op = 0;
        while (ip < input.Length)
        {
            int control = input[ip++];
            if (control < 32)
            {
                // A literal run of control + 1 bytes.
                var run = control + 1;
                if (ip + run > input.Length || op + run > output.Length)
                {
                    return -1;
                }

                input.Slice(ip, run).CopyTo(output[op..]);
                ip += run;
                op += run;
                continue;
            }

            // A back reference: length in the top 3 bits (7 = one more length byte), offset in the low 5 bits and the next byte.
            var length = control >> 5;
            if (length == 7)
            {
                if (ip >= input.Length)
                {
                    return -1;
                }

                length += input[ip++];
            }

            if (ip >= input.Length)
            {
                return -1;
            }

            var reference = op - ((control & 0x1F) << 8) - 1 - input[ip++];
            length += 2;
            if (reference < 0 || op + length > output.Length)
            {
                return -1;
            }

            if (op - reference >= length)
            {
                output.Slice(reference, length).CopyTo(output[op..]);
                op += length;
            }
            else
            {
                // Overlapping copy: a repeated pattern, byte by byte.
                for (var i = 0; i < length; i++)
                {
                    output[op++] = output[reference++];
                }
            }
        }

        return op;
    }
}
