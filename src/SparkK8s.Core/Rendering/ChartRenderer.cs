using SparkK8s.Core.Diagnostics;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Presets;

namespace SparkK8s.Core.Rendering;

/// <summary>Turns <see cref="RenderOptions"/> into a helm request (checking every input first) and renders it.</summary>
public sealed class ChartRenderer(HelmClient helm)
{
    public HelmClient Helm { get; } = helm;

    /// <summary>Checks the inputs and builds the helm request: values are layered preset, environment, -f files, --set, --spark-version.</summary>
    public static HelmRenderRequest BuildRequest(RenderOptions options)
    {
        var catalog = new PresetCatalog(options.ChartDirectory);
        var files = new List<string> { catalog.ResolvePreset(options.Preset) };
        if (!string.IsNullOrWhiteSpace(options.Environment))
        {
            files.Add(catalog.ResolveEnvironment(options.Environment));
        }

        foreach (var file in options.ValueFiles)
        {
            files.Add(CheckReadable(file));
        }

        foreach (var set in options.SetValues)
        {
            if (!set.Contains('=', StringComparison.Ordinal) || set.StartsWith('='))
            {
                throw new UserInputException($"--set: '{set}' is not key=value. Write e.g. --set connect.replicas=2.");
            }
        }

        var setStrings = new List<string>();
        if (options.SparkVersion is not null)
        {
            if (!SparkVersions.Supported.Contains(options.SparkVersion, StringComparer.Ordinal))
            {
                throw new UserInputException(
                    $"--spark-version: '{options.SparkVersion}' is not supported. Use one of: {string.Join(", ", SparkVersions.Supported)}.");
            }

            setStrings.Add("spark.version=" + options.SparkVersion);
        }

        return new HelmRenderRequest
        {
            ChartDirectory = options.ChartDirectory,
            ReleaseName = options.ReleaseName,
            Namespace = options.Namespace,
            ValueFiles = files,
            SetValues = options.SetValues,
            SetStringValues = setStrings,
        };
    }

    public Task<RenderedManifest> RenderAsync(RenderOptions options, CancellationToken cancellationToken) =>
        RenderAsync(options, cache: null, cancellationToken);

    /// <param name="cache">Shares the parse of documents that earlier renders of the same run printed identically.</param>
    internal async Task<RenderedManifest> RenderAsync(RenderOptions options, RenderedDocumentCache? cache, CancellationToken cancellationToken)
    {
        var request = BuildRequest(options);
        string yaml;
        try
        {
            using var span = PhaseTimer.Measure("render: helm template (wall)");
            yaml = await Helm.TemplateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HelmException ex)
        {
            throw HelmErrors.Classify(ex.HelmOutput, "helm template");
        }

        using var parse = PhaseTimer.Measure("render: parse YAML");
        return RenderedManifest.Parse(yaml, options, cache);
    }

    private static string CheckReadable(string file)
    {
        Files.PathSafety.RequireFile(file, "-f", "a values YAML file");
        try
        {
            using var stream = File.OpenRead(file);
            return Path.GetFullPath(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"-f: cannot read values file '{file}': {ex.Message.TrimEnd('.')}. Check the path and its permissions.", ex);
        }
    }
}
