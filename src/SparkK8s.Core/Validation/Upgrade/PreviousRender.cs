using SparkK8s.Core.Errors;
using SparkK8s.Core.Files;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Core.Validation.Upgrade;

/// <summary>
/// The objects of the release an upgrade starts from, read from a previous render: the YAML stream of
/// <c>helm get manifest RELEASE</c> (what is really in the cluster, whatever chart version and values made it) or of
/// <c>spark-k8s render</c>. A render rather than a values file, because the previous release may come from another
/// chart version whose defaults and templates differ.
/// </summary>
public static class PreviousRender
{
    public const string Flag = "--upgrade-from";

    /// <summary>Larger than any render of this chart by far; a bigger file is not a manifest.</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    private const string Expected = "the previous release's manifest (helm get manifest RELEASE -n NAMESPACE > previous.yaml)";

    public static async Task<IReadOnlyList<KubeObject>> LoadAsync(string path, CancellationToken cancellationToken)
    {
        var full = PathSafety.RequireFile(path, Flag, Expected);
        if (new FileInfo(full).Length > MaxBytes)
        {
            throw new UserInputException($"{Flag}: '{path}' is larger than {MaxBytes / (1024 * 1024)} MiB; give {Expected}.");
        }

        string text;
        try
        {
            text = await File.ReadAllTextAsync(full, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{Flag}: '{path}' cannot be read ({ex.Message.TrimEnd('.')}); give {Expected}.", ex);
        }

        IReadOnlyList<KubeObject> objects;
        try
        {
            objects = ManifestParser.Parse(text);
        }
        catch (UserInputException ex)
        {
            throw new UserInputException($"{Flag}: {path}: {ex.Message}", ex);
        }

        var kubernetes = objects.Where(o => o.Kind.Length > 0 && o.Name.Length > 0).ToList();
        return kubernetes.Count > 0
            ? kubernetes
            : throw new UserInputException($"{Flag}: '{path}' holds no Kubernetes objects (kind and metadata.name); give {Expected}.");
    }
}
