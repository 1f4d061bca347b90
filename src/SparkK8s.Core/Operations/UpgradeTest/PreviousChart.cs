using System.Formats.Tar;
using System.IO.Compression;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Processes;

namespace SparkK8s.Core.Operations.UpgradeTest;

/// <summary>
/// The chart an upgrade starts from: a packaged chart (.tgz, as helm package writes it) or a git ref of this
/// repository (its charts/spark-k8s, taken with git archive). Either way it is unpacked into a directory of its own,
/// so its presets and environments are the ones that version shipped.
/// </summary>
public static class PreviousChart
{
    public const string Flag = "--from";
    private const string ChartPath = "charts/spark-k8s";

    public static async Task<string> ResolveAsync(string from, string repositoryRoot, string workDirectory, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(from))
        {
            throw new UserInputException($"{Flag}: the value is empty; give a git ref of this repository (a tag such as v0.1.0, a branch or a commit) or a packaged chart .tgz.");
        }

        if (from.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase) || from.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase))
        {
            return File.Exists(from)
                ? await UnpackAsync(from, workDirectory, cancellationToken).ConfigureAwait(false)
                : throw new UserInputException($"{Flag}: '{from}' does not exist; give a packaged chart (helm package charts/spark-k8s) or a git ref.");
        }

        if (from.StartsWith('-') || from.Any(char.IsWhiteSpace))
        {
            throw new UserInputException($"{Flag}: '{from}' is not a git ref; give a tag, branch or commit of this repository, or a packaged chart .tgz.");
        }

        var git = ProcessRunner.FindOnPath("git")
            ?? throw new UserInputException($"{Flag}: '{from}' is a git ref, but git is not on PATH; install git or give a packaged chart .tgz.");
        var commit = await ProcessRunner.RunAsync(git, ["-C", repositoryRoot, "rev-parse", "--verify", "--quiet", "--end-of-options", from + "^{commit}"], cancellationToken).ConfigureAwait(false);
        if (!commit.Succeeded)
        {
            throw new UserInputException($"{Flag}: '{from}' is neither a packaged chart (.tgz) nor a commit, tag or branch of {repositoryRoot}; list tags with 'git tag'.");
        }

        var sha = commit.StandardOutput.Trim();
        var archive = Path.Combine(workDirectory, "previous-chart.tar");
        var result = await ProcessRunner.RunAsync(git, ["-C", repositoryRoot, "archive", "--format=tar", "-o", archive, sha, "--", ChartPath], cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new UserInputException($"{Flag}: commit {sha[..Math.Min(12, sha.Length)]} ('{from}') has no {ChartPath} ({result.StandardError.Trim().Split('\n')[0]}); give a ref from after the chart existed.");
        }

        var target = Path.Combine(workDirectory, "previous");
        Directory.CreateDirectory(target);
        await TarFile.ExtractToDirectoryAsync(archive, target, overwriteFiles: true, cancellationToken).ConfigureAwait(false);
        return Path.Combine(target, "charts", "spark-k8s");
    }

    private static async Task<string> UnpackAsync(string package, string workDirectory, CancellationToken cancellationToken)
    {
        var target = Path.Combine(workDirectory, "previous");
        Directory.CreateDirectory(target);
        try
        {
            var file = File.OpenRead(package);
            await using (file.ConfigureAwait(false))
            {
                var gzip = new GZipStream(file, CompressionMode.Decompress);
                await using (gzip.ConfigureAwait(false))
                {
                    await TarFile.ExtractToDirectoryAsync(gzip, target, overwriteFiles: true, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException)
        {
            throw new UserInputException($"{Flag}: '{package}' is not a packaged chart (a gzipped tar as 'helm package' writes): {ex.Message}", ex);
        }

        var chart = Directory.EnumerateFiles(target, "Chart.yaml", SearchOption.AllDirectories).OrderBy(p => p.Length).FirstOrDefault();
        return chart is not null
            ? Path.GetDirectoryName(chart)!
            : throw new UserInputException($"{Flag}: '{package}' has no Chart.yaml; give a chart packaged with 'helm package charts/spark-k8s'.");
    }
}
