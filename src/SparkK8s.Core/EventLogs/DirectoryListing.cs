using Mono.Unix;
using Mono.Unix.Native;

namespace SparkK8s.Core.EventLogs;

/// <summary>One entry of a directory: its full path and, when the listing says it, its kind.</summary>
/// <param name="Kind">From the entry's d_type (readdir(3)), so no stat is needed; null when the file system does not say (DT_UNKNOWN) or off Unix.</param>
internal readonly record struct ListedEntry(string Path, FileKind? Kind);

/// <summary>
/// Lists a directory one entry at a time. On Unix it reads the directory with readdir(3) (on 64-bit Linux directly,
/// <see cref="LinuxFile"/>; elsewhere through Mono.Unix) and takes each entry's kind from its d_type, which Linux file systems fill in (ext4, xfs, btrfs, tmpfs, overlayfs, NFS): a
/// directory of thousands of logs then costs no stat per log before it is opened (dotnet/runtime's enumeration keeps
/// d_type to itself and does not tell a FIFO from a file). Elsewhere, or when the directory cannot be opened that way,
/// .NET's enumeration, with no kinds (the caller probes each entry), so its errors and messages are .NET's own.
/// </summary>
internal static class DirectoryListing
{
    // d_type values, POSIX <dirent.h> as Linux, the BSDs and macOS define them.
    private const byte Unknown = 0;
    private const byte Fifo = 1;
    private const byte CharacterDevice = 2;
    private const byte Directory = 4;
    private const byte BlockDevice = 6;
    private const byte Regular = 8;
    private const byte SymbolicLink = 10;
    private const byte Socket = 12;

    /// <summary>
    /// The entries of <paramref name="directory"/> as the OS returns them ("." and ".." left out), streamed. A failure
    /// to list it throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>, at the start or
    /// while listing.
    /// </summary>
    public static IEnumerable<ListedEntry> Entries(string directory)
    {
        if (LinuxFile.Available && LinuxFile.Entries(directory) is { } linux)
        {
            foreach (var (path, type) in linux)
            {
                yield return new ListedEntry(path, KindOf(type));
            }

            yield break;
        }

        var handle = OperatingSystem.IsWindows() ? IntPtr.Zero : Syscall.opendir(directory);
        if (handle == IntPtr.Zero)
        {
            foreach (var path in System.IO.Directory.EnumerateFileSystemEntries(directory))
            {
                yield return new ListedEntry(path, null);
            }

            yield break;
        }

        try
        {
            while (true)
            {
                // Mono.Unix clears errno before readdir(3) (Mono_Posix_Syscall_readdir), which returns NULL both at
                // the end and on an error: only an error leaves errno set.
                var entry = Syscall.readdir(handle);
                if (entry is null)
                {
                    var error = Stdlib.GetLastError();
                    if (error != 0)
                    {
                        throw new IOException($"cannot list '{directory}': {UnixMarshal.GetErrorDescription(error)}");
                    }

                    yield break;
                }

                if (entry.d_name is "." or "..")
                {
                    continue;
                }

                yield return new ListedEntry(Path.Join(directory, entry.d_name), KindOf(entry.d_type));
            }
        }
        finally
        {
            _ = Syscall.closedir(handle);
        }
    }

    /// <summary>What a d_type says the entry is; null for DT_UNKNOWN (and any value POSIX does not define).</summary>
    public static FileKind? KindOf(byte type) => type switch
    {
        Regular => FileKind.Regular,
        Directory => FileKind.Directory,
        SymbolicLink => FileKind.SymbolicLink,
        Fifo or CharacterDevice or BlockDevice or Socket => FileKind.Other,
        Unknown => null,
        _ => null,
    };
}
