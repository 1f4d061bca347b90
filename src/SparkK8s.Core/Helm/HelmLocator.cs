using System.Globalization;
using System.Text.RegularExpressions;
using SparkK8s.Core.Processes;

namespace SparkK8s.Core.Helm;

/// <summary>
/// Finds the helm binary: an explicit path, then <c>SPARK_K8S_HELM</c>, then <c>helm</c> on PATH
/// (3.14 or newer), then the copy <c>scripts/ensure-helm.sh</c> installs under <c>.tools/</c>.
/// </summary>
public static partial class HelmLocator
{
    public const string EnvironmentVariable = "SPARK_K8S_HELM";
    public static readonly Version MinimumVersion = new(3, 14, 0);

    public static async Task<HelmClient> LocateAsync(string? explicitPath, string? repositoryRoot, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return await ProbeAsync(explicitPath, "--helm", cancellationToken).ConfigureAwait(false);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return await ProbeAsync(fromEnvironment, EnvironmentVariable, cancellationToken).ConfigureAwait(false);
        }

        var onPath = ProcessRunner.FindOnPath("helm");
        if (onPath is not null)
        {
            var client = new HelmClient(onPath);
            var version = await client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            if (version >= MinimumVersion)
            {
                return client;
            }
        }

        if (repositoryRoot is not null)
        {
            var bundled = Path.Combine(repositoryRoot, ".tools", "helm", "v4", "helm");
            if (File.Exists(bundled))
            {
                return new HelmClient(bundled);
            }
        }

        throw new ToolNotFoundException(
            "helm",
            new FileNotFoundException(
                $"Helm {MinimumVersion.ToString(2)}+ is required. Run ./scripts/ensure-helm.sh, put helm on PATH, or pass --helm PATH."));
    }

    private static async Task<HelmClient> ProbeAsync(string path, string source, CancellationToken cancellationToken)
    {
        var resolved = ProcessRunner.FindOnPath(path);
        if (resolved is null)
        {
            throw new Errors.UserInputException($"{source}: helm binary '{path}' does not exist. Point it at a helm executable.");
        }

        var client = new HelmClient(resolved);
        await client.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        return client;
    }

    /// <summary>Parses "v3.18.0" or "v4.1.4+g05fa379" into a <see cref="Version"/>.</summary>
    public static Version? ParseVersion(string text)
    {
        var match = VersionPattern().Match(text);
        return match.Success
            ? new Version(
                int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture))
            : null;
    }

    [GeneratedRegex(@"v?(\d+)\.(\d+)\.(\d+)")]
    private static partial Regex VersionPattern();
}
