using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;
using SparkK8s.Testing;

namespace SparkK8s.Chart.Tests.Infrastructure;

/// <summary>The chart's values.yaml as JSON: the version table tests compare renders against.</summary>
public static class ChartValues
{
    private static readonly Lazy<JsonObject> Values = new(() =>
        ManifestParser.ParseYaml(File.ReadAllText(Path.Combine(RepoPaths.Chart, "values.yaml")), "values.yaml")!.AsObject());

    public static JsonObject All => Values.Value;

    /// <summary>spark.releases.&lt;line&gt;.</summary>
    public static JsonObject Release(string line) => Values.Value["spark"]!["releases"]![line]!.AsObject();
}
