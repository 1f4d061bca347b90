using System.Globalization;
using SparkK8s.Core.Files;
using System.Text;

namespace SparkK8s.Core.Presets;

/// <summary>
/// Remembers what <see cref="PresetCatalog.ListAsync(CancellationToken)"/> derived for a chart, so that
/// <c>spark-k8s presets</c> does not parse the chart's values.yaml, compose.yaml and every preset as YAML on each run
/// (most of its start-up time; docs/en/performance.md, Start-up). The entry keeps a copy of its INPUTS (each file's
/// name, length and bytes, and the build of this assembly) and is used only when they are the same, byte for byte:
/// any edit, an added or removed preset, or another CLI build misses, so a stale list can never be shown (no hash, so
/// no collision either; comparing about 100 KB costs less than hashing them). One small file per chart directory under
/// <c>$XDG_CACHE_HOME/spark-k8s/presets/</c> (or <c>~/.cache/...</c>). An unreadable, unwritable or malformed cache is
/// ignored: the files are then parsed as before.
/// </summary>
public sealed class PresetListCache(string directory)
{
    public const string DisableVariable = "SPARK_K8S_NO_PRESET_CACHE";

    private const string Header = "spark-k8s preset list v2";
    private const string InputsMarker = "inputs ";

    public string Directory { get; } = directory;

    /// <summary>The per-user cache, or null when <see cref="DisableVariable"/> is set or there is no home.</summary>
    public static PresetListCache? Default =>
        UserCacheDirectory.Resolve("presets", DisableVariable) is { } directory ? new PresetListCache(directory) : null;

    /// <summary>
    /// What a cached list is valid for: this build's id, then values.yaml, compose.yaml (or that it is absent) and the
    /// presets in order, each as its name, length and bytes. Null when one cannot be read or is larger than a values
    /// file may be: the caller then parses them and reports the error.
    /// </summary>
    public static byte[]? Inputs(string chartDirectory, IReadOnlyList<string> presetNames)
    {
        var inputs = new MemoryStream();
        AppendText(inputs, Header + "\n" + typeof(PresetListCache).Assembly.ManifestModule.ModuleVersionId.ToString("N") + "\n");
        if (!AppendFile(inputs, Path.Combine(chartDirectory, "values.yaml"), "values.yaml", required: true)
            || !AppendFile(inputs, Path.Combine(chartDirectory, Composer.ComposeCatalog.FileName), Composer.ComposeCatalog.FileName, required: false))
        {
            return null;
        }

        foreach (var name in presetNames)
        {
            if (!AppendFile(inputs, Path.Combine(chartDirectory, "presets", name + ".yaml"), "presets/" + name + ".yaml", required: true))
            {
                return null;
            }
        }

        return inputs.ToArray();
    }

    /// <summary>The list cached for <paramref name="chartDirectory"/> from exactly these <paramref name="inputs"/>, or null.</summary>
    public IReadOnlyList<PresetInfo>? TryGet(string chartDirectory, byte[] inputs)
    {
        var entry = EntryPath(chartDirectory);
        byte[] stored;
        try
        {
            if (!File.Exists(entry))
            {
                return null;
            }

            stored = File.ReadAllBytes(entry);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The list's lines, then "inputs N", then the N bytes of the inputs it was derived from.
        var marker = Encoding.UTF8.GetBytes("\n" + InputsMarker + inputs.Length.ToString(CultureInfo.InvariantCulture) + "\n");
        var listLength = stored.Length - inputs.Length - marker.Length;
        if (listLength < 0 || !stored.AsSpan(listLength, marker.Length).SequenceEqual(marker) || !stored.AsSpan(listLength + marker.Length).SequenceEqual(inputs))
        {
            return null;
        }

        string[] lines;
        try
        {
            lines = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(stored, 0, listLength).Split('\n');
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        if (lines.Length < 3 || lines[0] != Header || lines[1] != Path.GetFullPath(chartDirectory)
            || !int.TryParse(lines[2], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || lines.Length != 3 + count)
        {
            return null;
        }

        var presets = new List<PresetInfo>(count);
        for (var i = 0; i < count; i++)
        {
            var fields = lines[3 + i].Split('\t');
            if (fields.Length < 3 || fields[0].Length == 0 || (fields[2] != "-" && !fields[2].StartsWith('=')))
            {
                return null;
            }

            var backend = fields[2] == "-" ? null : fields[2][1..];
            presets.Add(new PresetInfo(fields[0], fields[1], Path.Combine(chartDirectory, "presets", fields[0] + ".yaml"), fields[3..], backend));
        }

        return presets;
    }

    /// <summary>Stores the list with its inputs; a value that the line format cannot hold, or a failing write, stores nothing.</summary>
    public void Store(string chartDirectory, byte[] inputs, IReadOnlyList<PresetInfo> presets)
    {
        var text = new StringBuilder();
        text.Append(Header).Append('\n').Append(Path.GetFullPath(chartDirectory)).Append('\n')
            .Append(presets.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var preset in presets)
        {
            string[] fields = [preset.Name, preset.Description, preset.Backend is null ? "-" : "=" + preset.Backend, .. preset.Components];
            if (fields.Any(f => f.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0) || preset.Name.Length == 0)
            {
                return;
            }

            text.Append('\n').AppendJoin('\t', fields);
        }

        text.Append('\n').Append(InputsMarker).Append(inputs.Length.ToString(CultureInfo.InvariantCulture)).Append('\n');
        var entry = EntryPath(chartDirectory);
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var temporary = entry + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                file.Write(Encoding.UTF8.GetBytes(text.ToString()));
                file.Write(inputs);
            }

            File.Move(temporary, entry, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written is no error: the next run parses the files again.
        }
    }

    /// <summary>One entry per chart directory, named by a 64-bit FNV-1a hash of its full path (the entry repeats the path).</summary>
    private string EntryPath(string chartDirectory)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(Path.GetFullPath(chartDirectory)))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return Path.Combine(Directory, hash.ToString("x16", CultureInfo.InvariantCulture) + ".list");
    }

    private static void AppendText(MemoryStream inputs, string text) => inputs.Write(Encoding.UTF8.GetBytes(text));

    private static bool AppendFile(MemoryStream inputs, string path, string name, bool required)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                if (required)
                {
                    return false;
                }

                AppendText(inputs, name + "\0absent\n");
                return true;
            }

            if (info.Length > ValuesDocument.MaxFileBytes)
            {
                return false;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        AppendText(inputs, name + "\0" + bytes.Length.ToString(CultureInfo.InvariantCulture) + "\n");
        inputs.Write(bytes);
        return true;
    }
}
