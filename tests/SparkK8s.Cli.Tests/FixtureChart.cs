using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;
using SparkK8s.Testing;

namespace SparkK8s.Cli.Tests;

/// <summary>Copies of the real chart with test-only changes, for paths the real chart cannot produce.</summary>
public static class FixtureChart
{
    /// <summary>The chart plus a values.schema.json rejecting unknown keys under connect (until the chart ships its own schema).</summary>
    public static TempDirectory WithStrictSchema()
    {
        var temp = new TempDirectory("chart");
        Copy(RepoPaths.Chart, temp.Path);
        if (!File.Exists(Path.Combine(temp.Path, "values.schema.json")))
        {
            var values = (JsonObject)ManifestParser.ParseYaml(File.ReadAllText(Path.Combine(RepoPaths.Chart, "values.yaml")), "values.yaml")!;
            var connectKeys = new JsonObject();
            foreach (var (key, _) in (JsonObject)values["connect"]!)
            {
                connectKeys[key] = new JsonObject();
            }

            var schema = new JsonObject
            {
                ["$schema"] = "http://json-schema.org/draft-07/schema#",
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["connect"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = connectKeys },
                },
            };
            temp.WriteFile("values.schema.json", schema.ToJsonString());
        }

        return temp;
    }

    private static void Copy(string source, string target)
    {
        foreach (var directory in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(directory.Replace(source, target, StringComparison.Ordinal));
        }

        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(source, target, StringComparison.Ordinal), overwrite: true);
        }
    }
}
