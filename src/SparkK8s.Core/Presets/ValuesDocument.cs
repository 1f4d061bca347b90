using System.Text.Json.Nodes;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Core.Presets;

/// <summary>Reads Helm values files as JSON and merges them the way helm does (maps deep-merge, later files win, null deletes).</summary>
public static class ValuesDocument
{
    /// <summary>A values file larger than this is refused before it is read: values files are a few kilobytes.</summary>
    public const long MaxFileBytes = 16 * 1024 * 1024;

    public static async Task<JsonObject> LoadAsync(string path, string flag, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            throw new UserInputException($"{flag}: '{path}' is a directory; give the path of a values YAML file.");
        }

        string text;
        try
        {
            if (new FileInfo(path).Length > MaxFileBytes)
            {
                throw new UserInputException($"{flag}: '{path}' is larger than {MaxFileBytes / (1024 * 1024)} MiB; a values file is a short YAML mapping.");
            }

            // A synchronous read: values files are a few kilobytes, and File.ReadAllTextAsync hands the read to the
            // thread pool on Linux, whose start-up cost `presets` about 7 ms (docs/en/performance.md, Start-up).
            cancellationToken.ThrowIfCancellationRequested();
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{flag}: cannot read '{path}': {ex.Message.TrimEnd('.')}. Check the path and its permissions.", ex);
        }

        var node = ManifestParser.ParseYaml(text, $"{flag} {path}");
        return node switch
        {
            null => [],
            JsonObject obj => obj,
            _ => throw new UserInputException($"{flag}: '{path}' is not a YAML mapping of values. A values file maps keys to values, e.g. 'spark:\\n  version: \"3.5\"'."),
        };
    }

    /// <summary>Returns <paramref name="baseValues"/> with <paramref name="overlay"/> merged over it (inputs are not changed).</summary>
    public static JsonObject Merge(JsonObject baseValues, JsonObject overlay)
    {
        var result = (JsonObject)baseValues.DeepClone();
        MergeInto(result, overlay);
        return result;
    }

    private static void MergeInto(JsonObject target, JsonObject overlay)
    {
        foreach (var (key, value) in overlay)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject overlayChild && target[key] is JsonObject targetChild)
            {
                MergeInto(targetChild, overlayChild);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }

    /// <summary>The node at a dotted path ("connect.backend"), or null.</summary>
    public static JsonNode? Get(JsonObject values, string dottedPath)
    {
        JsonNode? current = values;
        foreach (var part in dottedPath.Split('.'))
        {
            current = (current as JsonObject)?[part];
        }

        return current;
    }
}
