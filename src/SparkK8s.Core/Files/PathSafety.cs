using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Files;

/// <summary>Real paths (symlinks, <c>..</c> and trailing slashes resolved) and the checks every file option shares.</summary>
public static class PathSafety
{
    private const int MaxLinkDepth = 40;

    /// <summary>
    /// The absolute path with every symbolic link on the way resolved, like realpath(3); the parts that do not exist yet
    /// are kept as written. Used to compare an output directory with the directories it must never touch.
    /// </summary>
    public static string RealPath(string path) => Resolve(Path.GetFullPath(path), 0);

    /// <summary>True when <paramref name="candidate"/> is <paramref name="directory"/> itself or one of its parents.</summary>
    public static bool IsSameOrAncestor(string candidate, string directory)
    {
        var a = WithSeparator(candidate);
        var b = WithSeparator(directory);
        return b.StartsWith(a, StringComparison.Ordinal);
    }

    /// <summary>A file option's value: it must exist and be a regular file, not a directory.</summary>
    public static string RequireFile(string path, string flag, string expected)
    {
        if (Directory.Exists(path))
        {
            throw new UserInputException($"{flag}: '{path}' is a directory; give the path of {expected}.");
        }

        return File.Exists(path)
            ? Path.GetFullPath(path)
            : throw new UserInputException($"{flag}: file '{path}' does not exist; give the path of {expected}.");
    }

    private static string WithSeparator(string path) =>
        path.EndsWith(Path.DirectorySeparatorChar) ? path : path + Path.DirectorySeparatorChar;

    private static string Resolve(string full, int depth)
    {
        if (depth > MaxLinkDepth)
        {
            return full;
        }

        var root = Path.GetPathRoot(full) ?? "/";
        var current = root;
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            FileSystemInfo info = new FileInfo(next);
            if (info.Exists || Directory.Exists(next))
            {
                info = Directory.Exists(next) ? new DirectoryInfo(next) : info;
                if (info.LinkTarget is { } target)
                {
                    var resolved = Path.GetFullPath(target, current);
                    next = Resolve(resolved, depth + 1);
                }
            }

            current = next;
        }

        return Path.TrimEndingDirectorySeparator(current) is { Length: > 0 } trimmed ? trimmed : root;
    }
}
