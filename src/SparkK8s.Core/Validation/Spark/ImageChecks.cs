namespace SparkK8s.Core.Validation.Spark;

/// <summary>An image reference split into repository and tag ("registry:5000/org/name:tag@sha256:..." → repository, tag).</summary>
public sealed record ImageReference(string Repository, string? Tag)
{
    public static ImageReference Parse(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? image : image[..at];
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? new ImageReference(name[..colon], name[(colon + 1)..]) : new ImageReference(name, null);
    }
}

/// <summary>
/// SPK015: a non-Spark image with a Spark image tag, the result of an empty tag falling back to the Spark tag
/// (e.g. minio/minio:4.1.2-scala2.13-java21-python3-ubuntu, which does not exist).
/// </summary>
public sealed partial class SparkTagFallbackCheck() : SparkCheck(
    "SPK015",
    Severity.Warning,
    "A non-Spark image carries a Spark image tag (an empty tag fell back to the Spark tag)",
    "Set that component's image.tag explicitly")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var container in PodContainers.All(context.Model))
        {
            if ((string?)container.Container["image"] is not { } image)
            {
                continue;
            }

            var reference = ImageReference.Parse(image);
            if (reference.Tag is { } tag && SparkTag().IsMatch(tag) && !reference.Repository.Contains("spark", StringComparison.OrdinalIgnoreCase))
            {
                yield return Found(container.Object, $"{container.Field}.image",
                    $"container {container.Name} runs {image}: {reference.Repository} is not a Spark image but has the Spark tag {tag}");
            }
        }
    }

    // The official apache/spark tags: <version>-scala<binary>-java<n>[-python3][-r]-ubuntu (github.com/apache/spark-docker).
    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+(-preview[0-9]*)?-scala[0-9.]+-java[0-9]+")]
    private static partial System.Text.RegularExpressions.Regex SparkTag();
}

/// <summary>
/// SPK017 (warning): an image from a Docker Hub namespace this project does not own. The project's images
/// (<c>spark-k8s/tools</c> for backups; <c>spark-k8s/spark</c>, <c>spark-k8s/metastore</c>, <c>spark-k8s/jupyter</c>, <c>spark-k8s/airflow</c> in
/// the staging and prod environments) resolve to docker.io/spark-k8s/..., which anyone could publish; build them with
/// images/build.sh and push them to your own registry.
/// </summary>
public sealed class UnownedImageCheck() : SparkCheck(
    "SPK017",
    Severity.Warning,
    "An image comes from a Docker Hub namespace the project does not own",
    "Build the project's images with images/build.sh --registry <your registry> --push and set each image.repository to them "
    + "(backup.image.repository, connect.image.repository, historyServer.image.repository, standalone.image.repository, metastore.image.repository, jupyter.image.repository, airflow.image.repository)")
{
    /// <summary>Repositories that resolve to Docker Hub namespaces no one in this project owns.</summary>
    public static readonly IReadOnlyList<string> Unowned = ["spark-k8s/", "docker.io/spark-k8s/", "index.docker.io/spark-k8s/"];

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var container in PodContainers.All(context.Model))
        {
            if ((string?)container.Container["image"] is { } image && Unowned.Any(p => image.StartsWith(p, StringComparison.Ordinal)))
            {
                yield return Found(container.Object, $"{container.Field}.image",
                    $"container {container.Name} pulls {image} from Docker Hub's '{image.Split('/')[^2]}' namespace, which the project does not own");
            }
        }
    }
}
