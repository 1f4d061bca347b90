namespace SparkK8s.Core.EventLogs;

/// <summary>One entry of a directory: its full path and, when the listing says it, its kind.</summary>
/// <param name="Kind">From the entry's d_type (readdir(3)), so no stat is needed; null when the file system does not say (DT_UNKNOWN) or off 64-bit Linux.</param>
internal readonly record struct ListedEntry(string Path, FileKind? Kind);

/// <summary>
/// Lists a directory one entry at a time. On 64-bit Linux it reads the directory with readdir(3) (<see cref="LinuxFile"/>)
/// and takes each entry's kind from its d_type, which Linux file systems fill in (ext4, xfs, btrfs, tmpfs, overlayfs,
/// NFS): a directory of thousands of logs then costs no stat per log before it is opened (dotnet/runtime's enumeration
/// keeps d_type to itself and does not tell a FIFO from a file). Elsewhere, or when the directory cannot be opened that
/// way, .NET's enumeration, with no kinds (the caller probes each entry), so its errors and messages are .NET's own.
/// </summary>
internal static class DirectoryListing
{
    // d_type values, <dirent.h> as Linux defines them.
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

        foreach (var path in System.IO.Directory.EnumerateFileSystemEntries(directory))
        {
            yield return new ListedEntry(path, null);
        }
    }

    /// <summary>What a d_type says the entry is; null for DT_UNKNOWN (and any value POSIX does not define).</summary>
    public static FileKind? KindOf(byte type) => type switch
    {
        Regular => FileKind.Regular,
        Directory => FileKind.Directory,
        SymbolicLink => FileKind.SymbolicLink,
        Fifo or CharacterDevice or BlockDevice or Socket => FileKind.Other,
        _ => null, // DT_UNKNOWN (0) and values not defined
    };
}
