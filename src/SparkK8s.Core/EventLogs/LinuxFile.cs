using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SparkK8s.Core.EventLogs;

/// <summary>
/// open(2) and pread(2) from libc for the local log reader on 64-bit Linux (x64, arm64), where a directory of
/// thousands of small logs pays each per-file cost thousands of times. <see cref="File.OpenHandle(string, FileMode, FileAccess, FileShare, FileOptions, long)"/>
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

    /// <summary>True where these calls are used.</summary>
    public static bool Available { get; } = OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>
    /// Opens <paramref name="path"/> read-only; null when it cannot (the caller then opens it the .NET way, which fails
    /// with .NET's usual exception and message). Non-blocking, so a FIFO put in a log's place after the directory was
    /// listed does not block the open (the caller checks that it is a regular file); reads of a regular file ignore it.
    /// </summary>
    public static SafeFileHandle? OpenForReading(string path)
    {
        int fd;
        do
        {
            fd = Open(path, ReadOnly | NonBlocking | CloseOnExec);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Interrupted);

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

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static partial nint PRead(SafeFileHandle handle, ref byte buffer, nuint count, long offset);
}
