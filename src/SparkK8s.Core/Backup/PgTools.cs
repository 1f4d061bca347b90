using SparkK8s.Core.Errors;
using SparkK8s.Core.Processes;

namespace SparkK8s.Core.Backup;

/// <summary>A located PostgreSQL client tool and its version.</summary>
public sealed record PgTool(string Name, string Path, PgVersion Version);

/// <summary>
/// Finds pg_dump / pg_restore: only in <c>--pg-bin DIR</c> when given; otherwise on PATH and in
/// <c>/usr/lib/postgresql/&lt;major&gt;/bin</c>, picking the newest whose major version is at least the required one.
/// </summary>
public static class PgTools
{
    public const string DefaultInstallRoot = "/usr/lib/postgresql";

    public static async Task<PgTool> LocateAsync(
        string tool, PgVersion required, string requiredFor, string? pgBin, CancellationToken cancellationToken, string installRoot = DefaultInstallRoot)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(pgBin))
        {
            var explicitPath = System.IO.Path.Combine(pgBin, tool);
            if (!File.Exists(explicitPath))
            {
                throw new UserInputException($"--pg-bin: '{explicitPath}' does not exist. Point --pg-bin at the directory holding {tool}.");
            }

            candidates.Add(explicitPath);
        }
        else
        {
            if (ProcessRunner.FindOnPath(tool) is { } onPath)
            {
                candidates.Add(onPath);
            }

            if (Directory.Exists(installRoot))
            {
                candidates.AddRange(Directory.GetDirectories(installRoot)
                    .Select(d => System.IO.Path.Combine(d, "bin", tool))
                    .Where(File.Exists));
            }
        }

        var found = new List<PgTool>();
        foreach (var path in candidates.Distinct(StringComparer.Ordinal))
        {
            if (await ProbeAsync(tool, path, cancellationToken).ConfigureAwait(false) is { } probed)
            {
                found.Add(probed);
            }
        }

        if (found.Count == 0)
        {
            throw new ToolNotFoundException(
                tool,
                new FileNotFoundException($"{tool} was not found on PATH, in --pg-bin or under {installRoot}/<major>/bin. Install the PostgreSQL client (version {required.Major} or newer)."));
        }

        var best = found.OrderByDescending(t => t.Version).First();
        if (best.Version.Major < required.Major)
        {
            throw new OperationFailedException(
                $"{tool} {best.Version} ({best.Path}) is older than {requiredFor} {required}. Install the PostgreSQL {required.Major} client or newer, or pass --pg-bin DIR.");
        }

        return best;
    }

    private static async Task<PgTool?> ProbeAsync(string tool, string path, CancellationToken cancellationToken)
    {
        try
        {
            var result = await ProcessRunner.RunAsync(path, ["--version"], cancellationToken).ConfigureAwait(false);
            var version = result.Succeeded ? PgVersion.Parse(result.StandardOutput) : null;
            return version is null ? null : new PgTool(tool, path, version);
        }
        catch (ToolNotFoundException)
        {
            return null;
        }
    }
}
