using System.Text.Json.Nodes;
using SparkK8s.Core.Validation.Spark;

namespace SparkK8s.Core.Validation.Security;

/// <summary>Every container of the render with its image reference.</summary>
internal static class RenderedImages
{
    public static IEnumerable<(RenderedPod Pod, string Field, string Container, string Image)> All(SecurityCheckContext context)
    {
        foreach (var pod in RenderedPods.All(context.Model))
        {
            foreach (var (field, container) in pod.Containers())
            {
                if ((string?)container["image"] is { Length: > 0 } image)
                {
                    yield return (pod, field, (string?)container["name"] ?? "?", image);
                }
            }
        }
    }

    public static bool HasDigest(string image) => image.Contains("@sha256:", StringComparison.Ordinal);
}

/// <summary>
/// SEC006 (warning, prod only): an image pinned by tag but not by digest. A tag can be moved to other content; a digest
/// cannot. validate knows the environment from <c>--env</c> (and <c>--all</c> runs every environment overlay); the rule
/// applies to the <c>prod</c> overlay.
/// </summary>
public sealed class ImageDigestRule() : SecurityRule(
    "SEC006",
    Severity.Warning,
    "An image in prod has no digest",
    "In production every image should be pinned by digest (repository:tag@sha256:...), so what runs is exactly what was scanned and tested; "
    + "a tag can be re-pushed. Checked for renders with --env prod.",
    "Set image.digest (sha256:<64 hex>) of the component, e.g. from 'crane digest' or 'docker buildx imagetools inspect'",
    podLevel: true)
{
    public override IEnumerable<Finding> Run(SecurityCheckContext context)
    {
        if (!context.IsProduction)
        {
            yield break;
        }

        foreach (var (pod, field, container, image) in RenderedImages.All(context))
        {
            if (!RenderedImages.HasDigest(image))
            {
                yield return Found(pod.Object, $"{field}.image", $"container {container} runs {image} without a digest");
            }
        }
    }
}

/// <summary>
/// SEC008: an image without a pinned version: no tag (Docker pulls latest), <c>latest</c>, or a tag without a digit
/// (stable, edge, main). Images pinned by digest pass whatever their tag.
/// </summary>
public sealed class FloatingTagRule() : SecurityRule(
    "SEC008",
    Severity.Error,
    "An image uses latest, no tag, or a tag without a version",
    "latest, a missing tag and names like stable or edge move to new content without a change to the chart: nodes then run different "
    + "versions, and a compromised or broken push reaches the cluster at the next pod start.",
    "Set image.tag to a released version (or pin image.digest)",
    podLevel: true)
{
    public override IEnumerable<Finding> Run(SecurityCheckContext context)
    {
        foreach (var (pod, field, container, image) in RenderedImages.All(context))
        {
            if (RenderedImages.HasDigest(image))
            {
                continue;
            }

            var tag = ImageReference.Parse(image).Tag;
            var problem = tag switch
            {
                null => "has no tag (Docker pulls latest)",
                "latest" => "uses the tag latest",
                _ when !tag.Any(char.IsAsciiDigit) => $"uses the tag {tag}, which names no version",
                _ => null,
            };
            if (problem is not null)
            {
                yield return Found(pod.Object, $"{field}.image", $"container {container} image {image} {problem}");
            }
        }
    }
}

/// <summary>
/// SEC007: a pod downloads code when it starts: an init container or container fetching with wget, curl or pip, or
/// Spark resolving packages or files from the network (<c>spark.jars.packages</c>, <c>spark.jars.repositories</c>,
/// <c>spark.sql.hive.metastore.jars=maven</c>, http(s) URLs in <c>spark.jars</c>, <c>spark.files</c>, <c>spark.pyFiles</c>,
/// <c>spark.archives</c>). Every start then depends on the repository being up and unchanged. An error in prod (issue 8:
/// "any runtime download in the prod environment is an error"), a warning elsewhere: dev's defaults download the S3A
/// jars (jars.bundled false) and the Jupyter client (jupyter.installPackages true), checked against SHA-256 pins.
/// </summary>
public sealed class RuntimeDownloadRule() : SecurityRule(
    "SEC007",
    Severity.Error,
    "A pod downloads jars or packages at start",
    "Downloading at start makes every restart depend on Maven Central or PyPI and on what they serve that day; in production bake the "
    + "jars and packages into the images (an error for renders with --env prod, a warning otherwise).",
    "Build images with the jars and the Jupyter client in them, then set jars.bundled: true and jupyter.installPackages: false")
{
    private static readonly string[] Downloaders = ["wget ", "curl ", "pip install", "pip3 install", "mvn ", "coursier ", "ivy"];

    private static readonly string[] RemoteFileProperties = ["spark.jars", "spark.files", "spark.pyFiles", "spark.archives"];

    public override IEnumerable<Finding> Run(SecurityCheckContext context) =>
        Downloads(context).Select(f => context.IsProduction ? f : f with { Severity = Severity.Warning });

    private IEnumerable<Finding> Downloads(SecurityCheckContext context)
    {
        foreach (var pod in RenderedPods.All(context.Model))
        {
            foreach (var (field, container) in pod.Containers())
            {
                var text = string.Join('\n', new[] { "command", "args" }.SelectMany(f => (container[f] as JsonArray ?? []).Select(w => w?.ToString() ?? string.Empty)));
                if (Downloaders.FirstOrDefault(d => text.Contains(d, StringComparison.Ordinal)) is { } tool)
                {
                    yield return Found(pod.Object, $"{field}.command", $"container {(string?)container["name"]} downloads at start ({tool.Trim()})");
                }
            }
        }

        foreach (var conf in context.Model.ConfByComponent.Values)
        {
            if (conf.Find("spark.jars.packages") is { Value.Length: > 0 } packages)
            {
                yield return Found(packages.Object, $"{packages.Field}: {packages.Key}", "Spark resolves spark.jars.packages from Maven at start");
            }

            if (conf.Find("spark.sql.hive.metastore.jars") is { } jars && jars.Value.Trim() == "maven")
            {
                yield return Found(jars.Object, $"{jars.Field}: {jars.Key}", "Spark downloads the Hive client jars from Maven at start");
            }

            if (conf.Find("spark.jars.repositories") is { Value.Length: > 0 } repositories)
            {
                yield return Found(repositories.Object, $"{repositories.Field}: {repositories.Key}", "Spark resolves jars from the repositories in spark.jars.repositories at start");
            }

            foreach (var property in RemoteFileProperties)
            {
                if (conf.Find(property) is { } files && files.Value.Split(',').Any(f => f.Trim().StartsWith("http://", StringComparison.OrdinalIgnoreCase) || f.Trim().StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
                {
                    yield return Found(files.Object, $"{files.Field}: {files.Key}", $"Spark downloads the http(s) URLs in {property} at start");
                }
            }
        }
    }
}
