using FluentAssertions;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Manifests;
using Xunit;

namespace SparkK8s.Core.Tests.Manifests;

public class ManifestParserTests
{
    private const string TwoObjects = """
        ---
        # Source: spark-k8s/templates/connect/service.yaml
        apiVersion: v1
        kind: Service
        metadata:
          name: spark-connect
          namespace: spark
        spec:
          ports:
            - port: 15002
              name: "grpc"
        ---
        # Source: spark-k8s/templates/connect/deployment.yaml
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: spark-connect
        spec:
          replicas: 1
          paused: false
          template:
            spec:
              containers: []
        """;

    [Fact]
    public void Parses_each_document_with_its_source_template()
    {
        var objects = ManifestParser.Parse(TwoObjects);

        objects.Should().HaveCount(2);
        objects[0].DisplayName.Should().Be("Service/spark-connect");
        objects[0].SourceTemplate.Should().Be("spark-k8s/templates/connect/service.yaml");
        objects[0].Namespace.Should().Be("spark");
        objects[1].Group.Should().Be("apps");
        objects[1].Version.Should().Be("v1");
        objects[1].PodSpec.Should().NotBeNull();
    }

    [Fact]
    public void Types_plain_scalars_and_keeps_quoted_ones_as_strings()
    {
        var objects = ManifestParser.Parse(TwoObjects);

        var port = objects[0].Body["spec"]!["ports"]![0]!;
        port["port"]!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.Number);
        port["name"]!.GetValue<string>().Should().Be("grpc");
        objects[1].Body["spec"]!["paused"]!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.False);
    }

    [Fact]
    public void Names_and_kinds_rendered_as_numbers_or_booleans_are_read_as_text_not_a_crash()
    {
        var objects = ManifestParser.Parse("apiVersion: true\nkind: 7\nmetadata:\n  name: 2024\n  namespace: [a]\n");

        objects.Single().ApiVersion.Should().Be("true");
        objects.Single().DisplayName.Should().Be("7/2024");
        objects.Single().Namespace.Should().BeNull("a list is no namespace");
    }

    [Fact]
    public void Skips_empty_documents()
    {
        ManifestParser.Parse("---\n# Source: x.yaml\n---\n").Should().BeEmpty();
    }

    [Fact]
    public void Invalid_yaml_is_a_user_error_naming_the_source()
    {
        var act = () => ManifestParser.Parse("# Source: broken.yaml\nkind: [unclosed\n");

        act.Should().Throw<UserInputException>().WithMessage("*broken.yaml*line*");
    }
}
