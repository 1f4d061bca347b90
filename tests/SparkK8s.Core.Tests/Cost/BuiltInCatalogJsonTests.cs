using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using SparkK8s.Core.Cost;
using SparkK8s.Core.Manifests;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Cost;

/// <summary>
/// The CLI reads the built-in price catalog from default-prices.json, generated from default-prices.yaml (the source,
/// with the comments that say where each price comes from). The two must hold the same document.
/// To regenerate the JSON after editing the YAML:
/// <code>SPARK_K8S_WRITE_PRICE_JSON=1 dotnet test tests/SparkK8s.Core.Tests --filter BuiltInCatalogJsonTests</code>
/// </summary>
public class BuiltInCatalogJsonTests
{
    private const string WriteVariable = "SPARK_K8S_WRITE_PRICE_JSON";

    private static string JsonPath => Path.Combine(RepoPaths.Root, "src", "SparkK8s.Core", "Cost", "default-prices.json");

    [Fact]
    public void The_embedded_json_is_the_yaml_catalog()
    {
        var fromYaml = Yaml();
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            File.WriteAllText(JsonPath, fromYaml!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(JsonPath)), fromYaml).Should().BeTrue(
            $"src/SparkK8s.Core/Cost/default-prices.json must be default-prices.yaml as JSON; regenerate it with {WriteVariable}=1 dotnet test tests/SparkK8s.Core.Tests --filter BuiltInCatalogJsonTests");
        JsonNode.DeepEquals(PriceCatalog.BuiltInDocument(), fromYaml).Should().BeTrue("the assembly embeds the current JSON");
    }

    [Fact]
    public void The_catalog_read_from_json_prices_as_the_yaml_did()
    {
        var catalog = PriceCatalog.Load(null);

        catalog.Node(null).VcpuHourUsd.Should().BePositive();
        catalog.NodeTypes.Should().NotBeEmpty();
        catalog.CatalogDate.Should().Be(Yaml()!["catalogDate"]!.GetValue<string>());
    }

    private static JsonNode? Yaml() =>
        ManifestParser.ParseYaml(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "SparkK8s.Core", "Cost", "default-prices.yaml")), "default-prices.yaml");
}
