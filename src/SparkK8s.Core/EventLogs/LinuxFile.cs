using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SparkK8s.Core.EventLogs;

/// <summary>
/// open(2), pread(2) and readdir(3) from libc for the local log reader on 64-bit Linux (x64, arm64), where a directory
/// of thousands of small logs pays each per-file cost thousands of times. <see cref="File.OpenHandle(string, FileMode, FileAccess, FileShare, FileOptions, long)"/>
/// adds an fstat of its own to every open (dotnet/runtime SafeFileHandle.Unix.cs, to refuse directories), and
/// <see cref="RandomAccess.Read(SafeFileHandle, Span{byte}, long)"/> an lseek to learn that the file can seek;
/// the reader stats the file itself (size and identity) and reads only regular files. Elsewhere, .NET's calls.
/// </summary>
internal static partial class LinuxFile
{
    // <asm-generic/fcntl.h>, the values x86-64 and arm64 share (other architectures differ: not used there).
    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int Interrupted = 4; // EINTR

    private static bool _available = OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>True where these calls are used (off for good if the C library cannot be bound, .NET's calls then).</summary>
    public static bool Available => Volatile.Read(ref _available);

    /// <summary>
    /// Opens <paramref name="path"/> read-only; null when it cannot (the caller then opens it the .NET way, which fails
    /// with .NET's usual exception and message). Non-blocking, so a FIFO put in a log's place after the directory was
    /// listed does not block the open (the caller checks that it is a regular file); reads of a regular file ignore it.
    /// </summary>
    public static SafeFileHandle? OpenForReading(string path)
    {
        int fd;
        try
        {
            do
            {
                fd = Open(path, ReadOnly | NonBlocking | CloseOnExec);
            }
            while (fd < 0 && Marshal.GetLastPInvokeError() == Interrupted);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _available, false);
            return null;
        }

        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length at <paramref name="offset"/>; 0 at the end of the file.</summary>
    public static int ReadAt(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (true)
        {
            var read = PRead(handle, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length, offset);
            if (read >= 0)
            {
                return (int)read;
            }

            var error = Marshal.GetLastPInvokeError();
            if (error != Interrupted)
            {
                throw new IOException($"cannot read the file: {Marshal.GetPInvokeErrorMessage(error)}");
            }
        }
    }

    /// <summary>
    /// The entries of a directory with the d_type of each, "." and ".." left out; null when the directory cannot be
    /// opened this way (the caller then lists it the .NET way, which fails with .NET's exception and message).
    /// </summary>
    public static IEnumerable<(string Path, byte Type)>? Entries(string directory)
    {
        IntPtr handle;
        try
        {
            handle = OpenDirectory(directory);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _available, false);
            return null;
        }

        return handle == IntPtr.Zero ? null : Read(directory, handle);
    }

    private static IEnumerable<(string Path, byte Type)> Read(string directory, IntPtr handle)
    {
        try
        {
            while (true)
            {
                // readdir returns NULL both at the end and on an error; the generated stub clears errno before the call.
                var entry = ReadDirectory(handle);
                if (entry == IntPtr.Zero)
                {
                    var error = Marshal.GetLastPInvokeError();
                    if (error != 0)
                    {
                        throw new IOException($"cannot list '{directory}': {Marshal.GetPInvokeErrorMessage(error)}");
                    }

                    yield break;
                }

                if (Entry(directory, entry) is { } listed)
                {
                    yield return listed;
                }
            }
        }
        finally
        {
            _ = CloseDirectory(handle);
        }
    }

    /// <summary>
    /// struct dirent of glibc and musl on 64-bit Linux: d_ino (8 bytes), d_off (8), d_reclen (2), d_type (1), then the
    /// NUL-terminated d_name (glibc bits/dirent.h, musl include/dirent.h). The path is decoded straight from d_name.
    /// </summary>
    private static unsafe (string Path, byte Type)? Entry(string directory, IntPtr entry)
    {
        var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)entry + NameOffset);
        if (name is [(byte)'.'] or [(byte)'.', (byte)'.'])
        {
            return null;
        }

        var separator = directory.EndsWith('/') ? 0 : 1;
        var path = string.Create(directory.Length + separator + Encoding.UTF8.GetCharCount(name), (directory, (nint)entry, separator), static (chars, state) =>
        {
            state.directory.AsSpan().CopyTo(chars);
            if (state.separator == 1)
            {
                chars[state.directory.Length] = '/';
            }

            Encoding.UTF8.GetChars(MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)state.Item2 + NameOffset), chars[(state.directory.Length + state.separator)..]);
        });
        return (path, *((byte*)entry + TypeOffset));
    }

    private const int TypeOffset = 18;
    private const int NameOffset = 19;

    [LibraryImport("libc", EntryPoint = "opendir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr OpenDirectory(string path);

    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    private static partial IntPtr ReadDirectory(IntPtr directory);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDirectory(IntPtr directory);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static partial nint PRead(SafeFileHandle handle, ref byte buffer, nuint count, long offset);
}
