using System.Globalization;
using SparkK8s.Core.Files;

namespace SparkK8s.Core.Helm;

/// <summary>
/// Remembers the version each helm binary reported, keyed by its full path, size and modification time, so that a
/// command does not spend a <c>helm version</c> process (about 30 ms) on every run. One small file per binary under
/// <c>$XDG_CACHE_HOME/spark-k8s/helm-versions/</c> (or <c>~/.cache/...</c>); a replaced or upgraded binary changes its
/// size or mtime and is probed again. An unreadable or unwritable cache is ignored: the probe simply runs.
/// </summary>
public sealed class HelmVersionCache(string directory)
{
    public const string DisableVariable = "SPARK_K8S_NO_HELM_CACHE";

    public string Directory { get; } = directory;

    /// <summary>The per-user cache, or null when <see cref="DisableVariable"/> is set.</summary>
    public static HelmVersionCache? Default =>
        UserCacheDirectory.Resolve("helm-versions", DisableVariable) is { } directory ? new HelmVersionCache(directory) : null;

    /// <summary>The cached version of <paramref name="executablePath"/>, or null when unknown or stale.</summary>
    public Version? TryGet(string executablePath)
    {
        var (entry, stamp) = Locate(executablePath);
        if (entry is null)
        {
            return null;
        }

        try
        {
            var lines = File.ReadAllLines(entry);
            return lines.Length == 3 && lines[0] == executablePath && lines[1] == stamp && Version.TryParse(lines[2], out var version)
                ? version
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stores the version; failures (read-only home, full disk) are ignored.</summary>
    public void Store(string executablePath, Version version)
    {
        var (entry, stamp) = Locate(executablePath);
        if (entry is null)
        {
            return;
        }

        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var temporary = entry + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
            File.WriteAllText(temporary, $"{executablePath}\n{stamp}\n{version}\n");
            File.Move(temporary, entry, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written only costs the next run one probe.
        }
    }

    private (string? Entry, string Stamp) Locate(string executablePath)
    {
        try
        {
            var info = new FileInfo(executablePath);
            if (!info.Exists)
            {
                return (null, string.Empty);
            }

            var stamp = string.Create(CultureInfo.InvariantCulture, $"{info.Length} {info.LastWriteTimeUtc.Ticks}");
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(executablePath)))[..32];
            return (Path.Combine(Directory, hash), stamp);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (null, string.Empty);
        }
    }
}
