using Microsoft.Win32.SafeHandles;
using Mono.Unix;
using Mono.Unix.Native;

namespace SparkK8s.Core.EventLogs;

/// <summary>
/// A local event-log file read front to back with <see cref="RandomAccess"/> on its handle: what a
/// <see cref="FileStream"/> does for this reader, with less per file. A directory of thousands of small logs pays this
/// once per log (dotnet/runtime's FileStream on Unix adds a strategy object, a second fstat for the length and an
/// fadvise on every open). Its length is the size when it was opened; a read that returns fewer bytes than asked
/// for is the end of the file (a regular file gives short reads only there), so the usual last read that returns 0
/// costs no system call. Reads are synchronous: on Linux an async read of a file opened without
/// <see cref="FileOptions.Asynchronous"/> is handed to the thread pool, which costs more than the read.
/// </summary>
internal sealed class LocalFileStream : ReadOnlyStream
{
    // Larger files get the kernel's sequential read-ahead hint (posix_fadvise SEQUENTIAL); smaller ones are one or two reads.
    private const long SequentialHintBytes = 4 << 20;

    private readonly SafeFileHandle _handle;
    private long _position;
    private bool _atEnd;

    private LocalFileStream(SafeFileHandle handle, long length, FileProbe? identity)
    {
        _handle = handle;
        Length = length;
        Identity = identity;
    }

    /// <summary>The size when the file was opened.</summary>
    public override long Length { get; }

    /// <summary>The opened file's (device, inode) on Unix, from the same fstat as its size; null elsewhere.</summary>
    public FileProbe? Identity { get; }

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    public static LocalFileStream Open(string path)
    {
        var handle = (LinuxFile.Available ? LinuxFile.OpenForReading(path) : null)
            ?? File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        try
        {
            if (OperatingSystem.IsWindows())
            {
                return new LocalFileStream(handle, RandomAccess.GetLength(handle), null);
            }

            // One fstat for the size and the identity (what RandomAccess.GetLength would stat for the size alone).
            var fd = (int)handle.DangerousGetHandle();
            if (Syscall.fstat(fd, out var status) != 0)
            {
                throw new IOException($"{path}: cannot be read ({UnixMarshal.GetErrorDescription(Stdlib.GetLastError())}).");
            }

            if (status.st_size >= SequentialHintBytes)
            {
                // What FileOptions.SequentialScan would do, for the files large enough to gain from it.
                _ = Syscall.posix_fadvise(fd, 0, 0, PosixFadviseAdvice.POSIX_FADV_SEQUENTIAL);
            }

            var kind = (status.st_mode & FilePermissions.S_IFMT) switch
            {
                FilePermissions.S_IFREG => FileKind.Regular,
                FilePermissions.S_IFDIR => throw new UnauthorizedAccessException($"Access to the path '{path}' is denied: it is a directory."),
                _ => throw new IOException($"{path}: not a regular file (a FIFO, socket or device)."),
            };
            return new LocalFileStream(handle, status.st_size, new FileProbe(kind, status.st_dev, status.st_ino));
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (_atEnd || buffer.IsEmpty)
        {
            return 0;
        }

        var read = LinuxFile.Available ? LinuxFile.ReadAt(_handle, buffer, _position) : RandomAccess.Read(_handle, buffer, _position);
        _position += read;
        _atEnd = read < buffer.Length;
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _handle.Dispose();
        }

        base.Dispose(disposing);
    }
}
