using System.Globalization;
using SparkK8s.Core.Files;
using System.IO.Hashing;
using System.Text;

namespace SparkK8s.Core.Presets;

/// <summary>
/// Remembers what <see cref="PresetCatalog.ListAsync(CancellationToken)"/> derived for a chart, so that
/// <c>spark-k8s presets</c> does not parse the chart's values.yaml, compose.yaml and every preset as YAML on each run
/// (most of its start-up time; docs/en/performance.md, Start-up). The entry is keyed by the CONTENT of those files
/// (an XxHash128 of each file's name, length and bytes, and of the build of this assembly): any edit, an added or
/// removed preset, or another CLI build makes a new key, so a stale list can never be shown. One small text file per
/// chart directory under <c>$XDG_CACHE_HOME/spark-k8s/presets/</c> (or <c>~/.cache/...</c>). An unreadable,
/// unwritable or malformed cache is ignored: the files are then parsed as before.
/// </summary>
public sealed class PresetListCache(string directory)
{
    public const string DisableVariable = "SPARK_K8S_NO_PRESET_CACHE";

    private const string Header = "spark-k8s preset list v1";

    public string Directory { get; } = directory;

    /// <summary>The per-user cache, or null when <see cref="DisableVariable"/> is set or there is no home.</summary>
    public static PresetListCache? Default =>
        UserCacheDirectory.Resolve("presets", DisableVariable) is { } directory ? new PresetListCache(directory) : null;

    /// <summary>
    /// The content key of the inputs (values.yaml, compose.yaml when present, the presets in order), or null when one
    /// cannot be read or is larger than a values file may be: the caller then parses them and reports the error.
    /// </summary>
    public static string? Key(string chartDirectory, IReadOnlyList<string> presetNames)
    {
        var hash = new XxHash128();
        hash.Append(Encoding.UTF8.GetBytes(Header + "\n" + typeof(PresetListCache).Assembly.ManifestModule.ModuleVersionId.ToString("N") + "\n"));
        if (!AppendFile(hash, Path.Combine(chartDirectory, "values.yaml"), "values.yaml", required: true)
            || !AppendFile(hash, Path.Combine(chartDirectory, Composer.ComposeCatalog.FileName), Composer.ComposeCatalog.FileName, required: false))
        {
            return null;
        }

        foreach (var name in presetNames)
        {
            if (!AppendFile(hash, Path.Combine(chartDirectory, "presets", name + ".yaml"), "presets/" + name + ".yaml", required: true))
            {
                return null;
            }
        }

        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    /// <summary>The cached list for <paramref name="chartDirectory"/> under <paramref name="key"/>, or null.</summary>
    public IReadOnlyList<PresetInfo>? TryGet(string chartDirectory, string key)
    {
        var entry = EntryPath(chartDirectory);
        string[] lines;
        try
        {
            if (!File.Exists(entry))
            {
                return null;
            }

            lines = File.ReadAllLines(entry);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (lines.Length < 4 || lines[0] != Header || lines[1] != Path.GetFullPath(chartDirectory) || lines[2] != key
            || !int.TryParse(lines[3], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || lines.Length != 4 + count)
        {
            return null;
        }

        var presets = new List<PresetInfo>(count);
        for (var i = 0; i < count; i++)
        {
            var fields = lines[4 + i].Split('\t');
            if (fields.Length < 3 || fields[0].Length == 0 || (fields[2] != "-" && !fields[2].StartsWith('=')))
            {
                return null;
            }

            var backend = fields[2] == "-" ? null : fields[2][1..];
            presets.Add(new PresetInfo(fields[0], fields[1], Path.Combine(chartDirectory, "presets", fields[0] + ".yaml"), fields[3..], backend));
        }

        return presets;
    }

    /// <summary>Stores the list; a value that the line format cannot hold, or a failing write, stores nothing.</summary>
    public void Store(string chartDirectory, string key, IReadOnlyList<PresetInfo> presets)
    {
        var text = new StringBuilder();
        text.Append(Header).Append('\n').Append(Path.GetFullPath(chartDirectory)).Append('\n').Append(key).Append('\n')
            .Append(presets.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var preset in presets)
        {
            string[] fields = [preset.Name, preset.Description, preset.Backend is null ? "-" : "=" + preset.Backend, .. preset.Components];
            if (fields.Any(f => f.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0) || preset.Name.Length == 0)
            {
                return;
            }

            text.AppendJoin('\t', fields).Append('\n');
        }

        var entry = EntryPath(chartDirectory);
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var temporary = entry + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
            File.WriteAllText(temporary, text.ToString());
            File.Move(temporary, entry, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written is no error: the next run parses the files again.
        }
    }

    /// <summary>One entry per chart directory, named by a hash of its full path.</summary>
    private string EntryPath(string chartDirectory) =>
        Path.Combine(Directory, Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(Path.GetFullPath(chartDirectory)))) + ".txt");

    private static bool AppendFile(XxHash128 hash, string path, string name, bool required)
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

                hash.Append(Encoding.UTF8.GetBytes(name + "\0absent\n"));
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

        hash.Append(Encoding.UTF8.GetBytes(name + "\0" + bytes.Length.ToString(CultureInfo.InvariantCulture) + "\n"));
        hash.Append(bytes);
        return true;
    }
}
