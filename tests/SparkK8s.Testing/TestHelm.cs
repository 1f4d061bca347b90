using SparkK8s.Core.Helm;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Testing;

/// <summary>
/// The real helm binary the tests render with: SPARK_K8S_HELM (test.sh sets it to Helm 4, then Helm 3),
/// else .tools/helm/v4/helm.
/// </summary>
public static class TestHelm
{
    public static HelmClient Client
    {
        get
        {
            var path = Environment.GetEnvironmentVariable(HelmLocator.EnvironmentVariable);
            if (string.IsNullOrEmpty(path))
            {
                path = Path.Combine(RepoPaths.Tools, "helm", "v4", "helm");
            }

            return File.Exists(path)
                ? new HelmClient(path)
                : throw new FileNotFoundException($"helm not found at {path}; run scripts/ensure-helm.sh --all");
        }
    }

    /// <summary>Renders the project chart with values files (relative to the chart) and --set pairs, and parses the objects.</summary>
    public static async Task<IReadOnlyList<KubeObject>> RenderAsync(
        IEnumerable<string>? valueFiles = null,
        IEnumerable<string>? setValues = null,
        string release = "spark",
        string ns = "spark",
        string? valuesYaml = null,
        CancellationToken cancellationToken = default)
    {
        using var temp = new TempDirectory("values");
        var files = (valueFiles ?? []).Select(f => Path.IsPathRooted(f) ? f : Path.Combine(RepoPaths.Chart, f)).ToList();
        if (valuesYaml is not null)
        {
            files.Add(temp.WriteFile("extra.yaml", valuesYaml));
        }

        var output = await Client.TemplateAsync(
            new HelmRenderRequest
            {
                ChartDirectory = RepoPaths.Chart,
                ReleaseName = release,
                Namespace = ns,
                ValueFiles = files,
                SetValues = (setValues ?? []).ToList(),
            },
            cancellationToken);
        return ManifestParser.Parse(output);
    }
}
