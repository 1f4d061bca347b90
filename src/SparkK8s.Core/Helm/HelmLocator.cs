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

    public static Task<HelmClient> LocateAsync(string? explicitPath, string? repositoryRoot, CancellationToken cancellationToken) =>
        LocateAsync(explicitPath, repositoryRoot, HelmVersionCache.Default, cancellationToken);

    /// <summary><see cref="LocateAsync(string?, string?, CancellationToken)"/> with the version cache given (null: always probe).</summary>
    public static async Task<HelmClient> LocateAsync(string? explicitPath, string? repositoryRoot, HelmVersionCache? cache, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return await ProbeAsync(explicitPath, "--helm", cache, cancellationToken).ConfigureAwait(false);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return await ProbeAsync(fromEnvironment, EnvironmentVariable, cache, cancellationToken).ConfigureAwait(false);
        }

        var onPath = ProcessRunner.FindOnPath("helm");
        if (onPath is not null)
        {
            var client = new HelmClient(onPath, cache);
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

    private static async Task<HelmClient> ProbeAsync(string path, string source, HelmVersionCache? cache, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path))
        {
            throw new Errors.UserInputException($"{source}: '{path}' is a directory; point it at the helm executable itself, e.g. {Path.Combine(path, "helm")}.");
        }

        var resolved = ProcessRunner.FindOnPath(path);
        if (resolved is null)
        {
            throw new Errors.UserInputException($"{source}: helm binary '{path}' does not exist. Point it at a helm executable.");
        }

        if (cache?.TryGet(resolved) is { } cached && cached >= MinimumVersion)
        {
            return new HelmClient(resolved, cached);
        }

        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(resolved, ["version", "--template", "{{.Version}}"], cancellationToken).ConfigureAwait(false);
        }
        catch (ToolNotFoundException ex)
        {
            throw new Errors.UserInputException($"{source}: '{path}' could not be started ({ex.InnerException?.Message.TrimEnd('.') ?? "not executable"}). Point it at a helm {MinimumVersion.ToString(2)}+ executable.", ex);
        }

        var version = result.Succeeded ? ParseVersion(result.StandardOutput) : null;
        if (version is null)
        {
            var said = (result.StandardError.Trim() is { Length: > 0 } error ? error : result.StandardOutput.Trim()) is { Length: > 0 } output
                ? $": {(output.Length > 300 ? output[..300] + "..." : output)}"
                : " and printed nothing";
            throw new Errors.UserInputException(
                $"{source}: '{path}' is not a working helm: 'version' exited with code {result.ExitCode.ToString(CultureInfo.InvariantCulture)}{said}. Point it at a helm {MinimumVersion.ToString(2)}+ executable.");
        }

        if (version < MinimumVersion)
        {
            throw new Errors.UserInputException($"{source}: '{path}' is helm {version}; helm {MinimumVersion.ToString(2)} or newer is required.");
        }

        cache?.Store(resolved, version);
        return new HelmClient(resolved, version);
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
