using SparkK8s.Core.Errors;
using SparkK8s.Core.Processes;

namespace SparkK8s.Core.Helm;

/// <summary>What to render: a chart, a release identity and the values layered on it, in order.</summary>
public sealed record HelmRenderRequest
{
    public required string ChartDirectory { get; init; }
    public string ReleaseName { get; init; } = "spark";
    public string Namespace { get; init; } = "default";
    /// <summary>Values files, applied in order (later files win), as <c>-f</c> does.</summary>
    public IReadOnlyList<string> ValueFiles { get; init; } = [];
    /// <summary><c>key=value</c> overrides, applied after the files, as <c>--set</c> does.</summary>
    public IReadOnlyList<string> SetValues { get; init; } = [];
    /// <summary><c>key=value</c> overrides kept as strings, applied after <see cref="SetValues"/>, as <c>--set-string</c> does.</summary>
    public IReadOnlyList<string> SetStringValues { get; init; } = [];
    /// <summary>Extra API versions to advertise (for example <c>monitoring.coreos.com/v1</c>).</summary>
    public IReadOnlyList<string> ApiVersions { get; init; } = [];
    public string? KubeVersion { get; init; }
}

/// <summary>helm failed; <see cref="HelmOutput"/> is helm's own error text, which names the values key at fault.</summary>
public sealed class HelmException(string message, string helmOutput) : OperationFailedException(message)
{
    public string HelmOutput { get; } = helmOutput;
}

/// <summary>A thin async wrapper over the helm binary.</summary>
public sealed class HelmClient(string executablePath, HelmVersionCache? versionCache = null)
{
    private Version? _version;

    /// <summary>A client whose version is already known (from <see cref="HelmVersionCache"/> or a probe).</summary>
    public HelmClient(string executablePath, Version knownVersion)
        : this(executablePath)
    {
        _version = knownVersion;
    }

    public string ExecutablePath { get; } = executablePath;

    public async Task<Version> GetVersionAsync(CancellationToken cancellationToken)
    {
        if (_version is not null)
        {
            return _version;
        }

        if (versionCache?.TryGet(ExecutablePath) is { } cached)
        {
            return _version = cached;
        }

        var result = await ProcessRunner.RunAsync(ExecutablePath, ["version", "--template", "{{.Version}}"], cancellationToken)
            .ConfigureAwait(false);
        _version = result.Succeeded ? HelmLocator.ParseVersion(result.StandardOutput) : null;
        if (_version is not null)
        {
            versionCache?.Store(ExecutablePath, _version);
            return _version;
        }

        var said = result.StandardError.Trim() is { Length: > 0 } error ? $": {error}" : " and printed nothing";
        throw new OperationFailedException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"'{ExecutablePath}' did not report a helm version ('version' exited with code {result.ExitCode}{said}). Point --helm at a helm 3.14+ binary."));
    }

    /// <summary>Runs <c>helm template</c> and returns the rendered manifests.</summary>
    public async Task<string> TemplateAsync(HelmRenderRequest request, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "template", request.ReleaseName, request.ChartDirectory, "--namespace", request.Namespace };
        AddValues(arguments, request);
        foreach (var apiVersion in request.ApiVersions)
        {
            arguments.AddRange(["--api-versions", apiVersion]);
        }

        if (request.KubeVersion is not null)
        {
            arguments.AddRange(["--kube-version", request.KubeVersion]);
        }

        var result = await ProcessRunner.RunAsync(ExecutablePath, arguments, cancellationToken).ConfigureAwait(false);
        return result.Succeeded
            ? result.StandardOutput
            : throw new HelmException($"helm template failed:{Environment.NewLine}{result.StandardError.Trim()}", result.StandardError.Trim());
    }

    /// <summary>Runs <c>helm lint</c> (strict when asked) and returns the result without throwing on findings.</summary>
    public Task<ProcessResult> LintAsync(HelmRenderRequest request, bool strict, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "lint", request.ChartDirectory, "--namespace", request.Namespace };
        if (strict)
        {
            arguments.Add("--strict");
        }

        AddValues(arguments, request);
        return ProcessRunner.RunAsync(ExecutablePath, arguments, cancellationToken);
    }

    /// <summary>The request's values as helm flags (--values, --set, --set-string), in that order; shared by every helm call.</summary>
    public static void AddValues(List<string> arguments, HelmRenderRequest request)
    {
        foreach (var file in request.ValueFiles)
        {
            arguments.AddRange(["--values", file]);
        }

        foreach (var set in request.SetValues)
        {
            arguments.AddRange(["--set", set]);
        }

        foreach (var set in request.SetStringValues)
        {
            arguments.AddRange(["--set-string", set]);
        }
    }
}
