using System.Globalization;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Rendering;

/// <summary>
/// Writes a render into a directory, one file per object: DIR/&lt;component&gt;/&lt;kind&gt;-&lt;name&gt;.yaml.
/// Files are written into a temporary sibling directory that replaces DIR only when everything was written.
/// </summary>
public static class ManifestWriter
{
    public static string RelativePath(RenderedDocument document) =>
        Path.Combine(Safe(document.Component), $"{Safe(document.Object.Kind.ToLower(CultureInfo.InvariantCulture))}-{Safe(document.Object.Name)}.yaml");

    public static async Task<IReadOnlyList<string>> WriteAsync(RenderedManifest manifest, string directory, CancellationToken cancellationToken)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        if (File.Exists(target))
        {
            throw new UserInputException($"--out: '{directory}' is a file. Give a directory (it is created or replaced).");
        }

        var parent = Path.GetDirectoryName(target) ?? throw new UserInputException($"--out: '{directory}' has no parent directory.");
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(staging);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"--out: cannot create files in '{parent}': {ex.Message}", ex);
        }

        var written = new List<string>();
        try
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var document in manifest.Documents)
            {
                var relative = Unique(RelativePath(document), used);
                var path = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, "---\n" + document.Yaml, cancellationToken).ConfigureAwait(false);
                written.Add(relative);
            }

            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            Directory.Move(staging, target);
            return written;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static string Unique(string relative, HashSet<string> used)
    {
        var candidate = relative;
        for (var i = 2; !used.Add(candidate); i++)
        {
            candidate = Path.ChangeExtension(relative, null) + "-" + i.ToString(CultureInfo.InvariantCulture) + ".yaml";
        }

        return candidate;
    }

    private static string Safe(string part)
    {
        var cleaned = new string(part.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return cleaned.Length == 0 ? "unnamed" : cleaned;
    }
}
