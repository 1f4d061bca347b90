using System.Text.Json.Nodes;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK021 (warning): the jar-download init container fetches a jar that the chart's version table has no SHA-256 for
/// (<c>spark.releases.&lt;line&gt;.extraJars[].sha256: null</c>). With <c>jars.allowUnpinned: true</c> it is checked
/// against the repository's own <c>.sha1</c>, which proves an intact transfer but not that the artifact is the one
/// the project reviewed; with false the pod does not start.
/// </summary>
public sealed class UnpinnedJarCheck() : SparkCheck(
    "SPK021",
    Severity.Warning,
    "A jar downloaded at pod start has no SHA-256 pin in the version table",
    "Record its SHA-256 with images/pin.sh <group:artifact:version> in spark.releases.<line>.extraJars, or use the baked images (jars.bundled: true)")
{
    public const string UnpinnedMarker = "@unpinned";

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var container in PodContainers.All(context.Model))
        {
            if (container.Container["env"] is not JsonArray env)
            {
                continue;
            }

            var jars = env.OfType<JsonObject>().FirstOrDefault(e => (string?)e["name"] == "JARS")?["value"] as JsonValue;
            if (jars is null || !jars.TryGetValue<string>(out var list))
            {
                continue;
            }

            var unpinned = list.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Where(entry => entry.EndsWith(UnpinnedMarker, StringComparison.Ordinal))
                .Select(entry => Path.GetFileName(entry[..^UnpinnedMarker.Length]))
                .ToList();
            if (unpinned.Count > 0)
            {
                yield return Found(container.Object, $"{container.Field}.env[JARS]",
                    $"container {container.Name} downloads {string.Join(", ", unpinned)} with no SHA-256 pin; it is checked against the repository's .sha1 only, or refused when jars.allowUnpinned is false");
            }
        }
    }
}
