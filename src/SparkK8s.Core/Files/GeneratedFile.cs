using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Files;

/// <summary>
/// A file a command generates (a values overlay, a Markdown reference). It is written through a temporary file in the
/// same directory and moved into place, and it never replaces a file the command did not write unless forced:
/// a file counts as ours when its first bytes hold <see cref="Marker"/>.
/// </summary>
public sealed record GeneratedFile(string Flag, string Marker, string WrittenBy)
{
    private const int MarkerWindow = 4096;

    /// <summary>Checks that <paramref name="path"/> may be written; call before any slow work so a refusal costs nothing.</summary>
    public string CheckWritable(string path, bool force, bool createDirectory = false)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new UserInputException($"{Flag}: '{path}' is a directory; give a file path, e.g. {Path.Combine(path, "values-size.yaml")}.");
        }

        var directory = Path.GetDirectoryName(full)!;
        if (!createDirectory && !Directory.Exists(directory))
        {
            throw new UserInputException($"{Flag}: directory '{directory}' does not exist; create it or choose another path.");
        }

        if (File.Exists(full) && !force && !IsOurs(full))
        {
            throw new UserInputException(
                $"{Flag}: '{path}' exists and was not written by {WrittenBy}; it is left untouched. Choose another path, or add --force to overwrite it.");
        }

        return full;
    }

    public async Task WriteAsync(string path, string content, bool force, CancellationToken cancellationToken, bool createDirectory = false)
    {
        var full = CheckWritable(path, force, createDirectory);
        var directory = Path.GetDirectoryName(full)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            await File.WriteAllTextAsync(temporary, content, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{Flag}: cannot write '{path}': {ex.Message.TrimEnd('.')}. Check the path and its permissions.", ex);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private bool IsOurs(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            var buffer = new char[MarkerWindow];
            var read = reader.ReadBlock(buffer, 0, buffer.Length);
            return new string(buffer, 0, read).Contains(Marker, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{Flag}: cannot read the existing '{path}' to check who wrote it: {ex.Message.TrimEnd('.')}.", ex);
        }
    }
}
