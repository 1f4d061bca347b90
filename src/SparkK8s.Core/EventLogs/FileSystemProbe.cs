using Mono.Unix.Native;

namespace SparkK8s.Core.EventLogs;

/// <summary>What a path is, without opening it (opening a FIFO blocks until a writer comes).</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,

    /// <summary>A FIFO, socket or device: never an event log.</summary>
    Other,
}

/// <summary>A path's kind and identity: (device, inode) on Unix, so a file reached twice (links) or a directory loop is seen once.</summary>
public readonly record struct FileProbe(FileKind Kind, ulong Device, ulong Inode);

/// <summary>lstat/stat through Mono.Unix on Unix; .NET's attributes elsewhere (Windows has no FIFOs in the tree walk).</summary>
public static class FileSystemProbe
{
    /// <summary>The path itself (a symbolic link is reported as one) when <paramref name="followLinks"/> is false; its final target otherwise.</summary>
    public static FileProbe Probe(string path, bool followLinks)
    {
        if (OperatingSystem.IsWindows())
        {
            return ProbeManaged(path, followLinks);
        }

        var result = followLinks ? Syscall.stat(path, out var stat) : Syscall.lstat(path, out stat);
        if (result != 0)
        {
            return new FileProbe(FileKind.Missing, 0, 0);
        }

        var kind = (stat.st_mode & FilePermissions.S_IFMT) switch
        {
            FilePermissions.S_IFREG => FileKind.Regular,
            FilePermissions.S_IFDIR => FileKind.Directory,
            FilePermissions.S_IFLNK => FileKind.SymbolicLink,
            _ => FileKind.Other,
        };
        return new FileProbe(kind, stat.st_dev, stat.st_ino);
    }

    private static FileProbe ProbeManaged(string path, bool followLinks)
    {
        FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
        if (!info.Exists)
        {
            return new FileProbe(FileKind.Missing, 0, 0);
        }

        if (info.LinkTarget is not null)
        {
            if (!followLinks)
            {
                return new FileProbe(FileKind.SymbolicLink, 0, 0);
            }

            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            return target is null || !target.Exists ? new FileProbe(FileKind.Missing, 0, 0) : ProbeManaged(target.FullName, followLinks: false);
        }

        var id = (ulong)StringComparer.OrdinalIgnoreCase.GetHashCode(Path.GetFullPath(path));
        return new FileProbe(info is DirectoryInfo ? FileKind.Directory : FileKind.Regular, 0, id);
    }
}
