using System.Buffers;

namespace SparkK8s.Core.EventLogs.Compression;

/// <summary>
/// A read-only stream that decodes a block-framed compressed stream one block at a time. Subclasses read a block's
/// header and payload from <see cref="Inner"/> and decode it into <see cref="Block"/>; memory is one compressed and one
/// decoded block, whatever the size of the log.
/// </summary>
internal abstract class BlockDecodingStream(Stream inner, string codec) : ReadOnlyStream
{
    private byte[] _block = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private byte[] _compressed = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int _offset;
    private int _length;
    private bool _finished;

    protected Stream Inner { get; } = inner;

    /// <summary>Offset in the compressed stream of the next byte to read from <see cref="Inner"/>, for messages.</summary>
    protected long CompressedPosition { get; private set; }

    /// <summary>Decodes the next block (calling <see cref="SetBlockLength"/>); false at a clean end of the stream.</summary>
    protected abstract ValueTask<bool> DecodeNextBlockAsync(CancellationToken cancellationToken);

    /// <summary>A buffer of at least <paramref name="size"/> bytes for the decoded block.</summary>
    protected byte[] BlockBuffer(int size)
    {
        if (_block.Length < size)
        {
            ArrayPool<byte>.Shared.Return(_block);
            _block = ArrayPool<byte>.Shared.Rent(size);
        }

        return _block;
    }

    /// <summary>A buffer of at least <paramref name="size"/> bytes for a compressed payload.</summary>
    protected byte[] CompressedBuffer(int size)
    {
        if (_compressed.Length < size)
        {
            ArrayPool<byte>.Shared.Return(_compressed);
            _compressed = ArrayPool<byte>.Shared.Rent(size);
        }

        return _compressed;
    }

    protected void SetBlockLength(int length)
    {
        _offset = 0;
        _length = length;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    protected async ValueTask<int> ReadUpToAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await Inner.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        CompressedPosition += total;
        return total;
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes, or throws: the stream ended inside <paramref name="what"/>.</summary>
    protected async ValueTask ReadExactlyAsync(Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        var start = CompressedPosition;
        if (await ReadUpToAsync(buffer, cancellationToken).ConfigureAwait(false) < buffer.Length)
        {
            throw Truncated(what, start);
        }
    }

    protected TruncatedCompressedDataException Truncated(string what, long at) =>
        new($"the {codec} stream ends inside {what} at byte {at}");

    protected CorruptCompressedDataException Corrupt(string what, long at) =>
        new($"the {codec} data is corrupt at byte {at}: {what}");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_offset == _length)
        {
            if (_finished || !await DecodeNextBlockAsync(cancellationToken).ConfigureAwait(false))
            {
                _finished = true;
                return 0;
            }
        }

        var count = Math.Min(buffer.Length, _length - _offset);
        _block.AsSpan(_offset, count).CopyTo(buffer.Span);
        _offset += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
            ArrayPool<byte>.Shared.Return(_block);
            ArrayPool<byte>.Shared.Return(_compressed);
            _block = [];
            _compressed = [];
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await Inner.DisposeAsync().ConfigureAwait(false);
        Dispose(true);
        GC.SuppressFinalize(this);
    }
}
