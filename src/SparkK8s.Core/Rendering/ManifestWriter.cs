using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Files;

namespace SparkK8s.Core.Rendering;

/// <summary>
/// Writes a render into a directory, one file per object: DIR/&lt;component&gt;/&lt;kind&gt;-&lt;name&gt;.yaml.
/// It never deletes or overwrites what it did not write:
/// <list type="bullet">
/// <item>DIR gets a <see cref="MarkerFile"/> that lists the files of the render; a non-empty DIR without it, or with
/// files the marker does not list, is refused and left untouched;</item>
/// <item>DIR may not be a protected directory (the working directory, the chart), one of their parents, or inside the
/// chart — compared after resolving symbolic links, <c>..</c> and trailing slashes;</item>
/// <item>files are written into a temporary sibling directory that replaces DIR only when everything was written
/// (the old DIR is renamed aside, the new one renamed in, then the old one removed);</item>
/// <item>objects that hold secret data (Secrets, and literal credential-looking env values) get mode 0600.</item>
/// </list>
/// </summary>
public static partial class ManifestWriter
{
    public const string MarkerFile = ".spark-k8s-render";
    public const string MarkerHeader = "# Written by 'spark-k8s render --out'. The next render replaces this directory; it refuses when files not listed here are present.";

    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PublicFile = PrivateFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static string RelativePath(RenderedDocument document) =>
        Path.Combine(Safe(document.Component), $"{Safe(document.Object.Kind.ToLower(CultureInfo.InvariantCulture))}-{Safe(document.Object.Name)}.yaml");

    /// <summary>Refuses a target that must not be replaced; call before rendering so a refusal costs nothing.</summary>
    /// <param name="protectedDirectories">The working directory and the chart: never written, nor their parents.</param>
    public static string CheckTarget(string directory, IReadOnlyList<string> protectedDirectories, string? chartDirectory = null)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var real = PathSafety.RealPath(target);
        if (File.Exists(target))
        {
            throw new UserInputException($"--out: '{directory}' is a file. Give a directory (it is created, or replaced when an earlier render wrote it).");
        }

        if (new FileInfo(target).LinkTarget is not null)
        {
            throw new UserInputException($"--out: '{directory}' is a symbolic link; give the real directory ({real}) or a new one.");
        }

        foreach (var protectedDirectory in protectedDirectories)
        {
            var lexical = Path.TrimEndingDirectorySeparator(Path.GetFullPath(protectedDirectory));
            var resolved = PathSafety.RealPath(protectedDirectory);
            if (PathSafety.IsSameOrAncestor(target, lexical) || PathSafety.IsSameOrAncestor(real, resolved)
                || PathSafety.IsSameOrAncestor(target, resolved) || PathSafety.IsSameOrAncestor(real, lexical))
            {
                throw new UserInputException(
                    $"--out: '{directory}' is {resolved} (the working directory or the chart) or one of its parents, which render never replaces. Give a new directory, e.g. --out out/.");
            }
        }

        if (chartDirectory is not null && PathSafety.IsSameOrAncestor(PathSafety.RealPath(chartDirectory), real))
        {
            throw new UserInputException($"--out: '{directory}' is inside the chart ({chartDirectory}); helm would read the files back. Give a directory outside the chart, e.g. --out out/.");
        }

        List<string> foreign;
        try
        {
            foreign = Directory.Exists(target) ? Foreign(target) : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"--out: cannot look inside '{directory}' to check that only an earlier render is there ({ex.Message.TrimEnd('.')}); it is left untouched.", ex);
        }

        if (foreign.Count > 0)
        {
            var marked = File.Exists(Path.Combine(target, MarkerFile));
            var sample = string.Join(", ", foreign.Take(3)) + (foreign.Count > 3 ? $" and {foreign.Count - 3} more" : string.Empty);
            throw new UserInputException(marked
                ? $"--out: '{directory}' holds files an earlier render did not write ({sample}); it is left untouched. Move them away, or give a new directory."
                : $"--out: '{directory}' is not empty and was not written by 'spark-k8s render' (no {MarkerFile} marker; it holds {sample}); it is left untouched. Give a new or empty directory.");
        }

        return target;
    }

    public static async Task<IReadOnlyList<string>> WriteAsync(
        RenderedManifest manifest, string directory, IReadOnlyList<string> protectedDirectories, CancellationToken cancellationToken)
    {
        var target = CheckTarget(directory, protectedDirectories, manifest.Options.ChartDirectory);
        var parent = Path.GetDirectoryName(target) ?? throw new UserInputException($"--out: '{directory}' has no parent directory.");
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(parent);
            Directory.CreateDirectory(staging);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"--out: cannot create files in '{parent}': {ex.Message.TrimEnd('.')}. Check the path and its permissions.", ex);
        }

        var written = new List<string>();
        var aside = Path.Combine(parent, $".{Path.GetFileName(target)}.old-{Guid.NewGuid():N}");
        try
        {
            var used = new HashSet<string>(StringComparer.Ordinal) { MarkerFile };
            foreach (var document in manifest.Documents)
            {
                var relative = Unique(RelativePath(document), used);
                var path = Path.Combine(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await WriteFileAsync(path, "---\n" + document.Yaml, HoldsSecretData(document) ? PrivateFile : PublicFile, cancellationToken).ConfigureAwait(false);
                written.Add(relative);
            }

            await WriteFileAsync(Path.Combine(staging, MarkerFile), MarkerHeader + "\n" + string.Join('\n', written) + "\n", PublicFile, cancellationToken).ConfigureAwait(false);
            Replace(target, staging, aside);
            return written;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OperationFailedException($"--out: writing '{directory}' failed, it is left as it was: {ex.Message.TrimEnd('.')}.", ex);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>True for a Secret, and for any object with a literal env value whose name looks like a credential.</summary>
    public static bool HoldsSecretData(RenderedDocument document)
    {
        if (document.Object.Kind.Contains("Secret", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return document.Object.Body.DescendantEnv().Any(env => env["value"] is JsonValue && env["name"]?.ToString() is { } name && CredentialName().IsMatch(name));
    }

    private static IEnumerable<JsonObject> DescendantEnv(this JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["env"] is JsonArray env)
                {
                    foreach (var item in env.OfType<JsonObject>())
                    {
                        yield return item;
                    }
                }

                foreach (var (_, child) in obj)
                {
                    if (child is not null)
                    {
                        foreach (var found in child.DescendantEnv())
                        {
                            yield return found;
                        }
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array.OfType<JsonNode>())
                {
                    foreach (var found in child.DescendantEnv())
                    {
                        yield return found;
                    }
                }

                break;
        }
    }

    /// <summary>Files and directories under <paramref name="directory"/> that its marker does not list (all of them without a marker).</summary>
    private static List<string> Foreign(string directory)
    {
        var markerPath = Path.Combine(directory, MarkerFile);
        var listed = File.Exists(markerPath)
            ? File.ReadAllLines(markerPath).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal)
            : [];
        var foreign = new List<string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false }))
        {
            var relative = Path.GetRelativePath(directory, entry);
            if (relative == MarkerFile && File.Exists(markerPath))
            {
                continue;
            }

            var isDirectory = Directory.Exists(entry) && new DirectoryInfo(entry).LinkTarget is null;
            var ours = isDirectory
                ? listed.Any(l => l.StartsWith(relative + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                : listed.Contains(relative) && new FileInfo(entry).LinkTarget is null;
            if (!ours)
            {
                foreign.Add(relative);
            }
        }

        return foreign;
    }

    private static void Replace(string target, string staging, string aside)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }

        Directory.Move(target, aside);
        try
        {
            Directory.Move(staging, target);
        }
        catch
        {
            Directory.Move(aside, target);
            throw;
        }

        Directory.Delete(aside, recursive: true);
    }

    private static async Task WriteFileAsync(string path, string content, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        var stream = new FileStream(path, options);
        await using (stream.ConfigureAwait(false))
        {
            await using var writer = new StreamWriter(stream);
            await writer.WriteAsync(content.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
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
        return cleaned.Length == 0 || cleaned.Trim('.').Length == 0 ? "unnamed" : cleaned;
    }

    [GeneratedRegex("(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE|ACCESS_KEY|API_KEY)", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialName();
}
