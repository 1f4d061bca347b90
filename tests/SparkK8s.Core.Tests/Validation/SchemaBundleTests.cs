using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Validation.Schema;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>The embedded structural-only bundle and its generator (SchemaBundleBuilder).</summary>
public class SchemaBundleTests
{
    /// <summary>Keywords that carry no validation and must not survive in the bundle.</summary>
    private static readonly string[] Stripped =
        ["description", "example", "examples", "default", "title", "externalDocs", "x-kubernetes-validations", "x-kubernetes-list-type",
         "x-kubernetes-list-map-keys", "x-kubernetes-patch-strategy", "x-kubernetes-patch-merge-key", "x-kubernetes-map-type"];

    [Fact]
    public void The_embedded_bundle_is_kubernetes_1_36_and_records_every_source_with_its_sha256()
    {
        var bundle = SchemaBundle.Embedded;

        bundle.KubernetesVersion.Should().Be("1.36");
        bundle.Sources.Should().Contain(s => s.Path == "kubernetes/v1.36-swagger.json");
        bundle.Sources.Should().OnlyContain(s => s.Sha256.Length == 64 && s.Sha256.All(Uri.IsHexDigit));
        bundle.Sources.Count(s => s.Path.StartsWith("crds/", StringComparison.Ordinal)).Should().Be(bundle.Crds.EnumerateObject().Count());
        foreach (var group in new[] { "monitoring.coreos.com/servicemonitor_v1", "monitoring.coreos.com/prometheusrule_v1", "sparkoperator.k8s.io/sparkapplication_v1beta2", "spark.apache.org/sparkapplication_v1", "external-secrets.io/externalsecret_v1" })
        {
            bundle.Crds.TryGetProperty(group, out _).Should().BeTrue(group);
        }
    }

    [Fact]
    public void The_bundle_readme_lists_every_source_with_its_sha256_and_the_licence()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "SparkK8s.Core", "Validation", "Schema", "Bundle", "README.md"));

        readme.Should().Contain("Apache-2.0").And.Contain("scripts/generate-schema-bundle.sh");
        foreach (var source in SchemaBundle.Embedded.Sources)
        {
            readme.Should().Contain($"| `{source.Path}` | `{source.Sha256}` |");
        }
    }

    [Fact]
    public void The_embedded_bundle_is_small_and_has_no_descriptions_examples_or_defaults()
    {
        var bundle = SchemaBundle.Embedded;

        bundle.CompressedBytes.Should().BeLessThan(200 * 1024);
        var keywords = new HashSet<string>(StringComparer.Ordinal);
        foreach (var definition in bundle.Definitions.EnumerateObject())
        {
            CollectKeywords(definition.Value, keywords);
        }

        foreach (var crd in bundle.Crds.EnumerateObject())
        {
            CollectKeywords(crd.Value, keywords);
        }

        keywords.Should().Contain(["type", "properties", "required", "items", "additionalProperties", "$ref", "enum", "format", "x-kubernetes-group-version-kind"]);
        keywords.Should().NotContain(Stripped);
    }

    [Fact]
    public async Task The_builder_keeps_every_verdict_of_the_full_documents()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("kubernetes/v1.36-swagger.json", FullOpenApi);
        temp.WriteFile("crds/example.com/widget_v1.json", FullCrd);

        var compressed = SchemaBundleBuilder.Compress(await SchemaBundleBuilder.BuildAsync(
            temp.Combine("kubernetes", "v1.36-swagger.json"), temp.Combine("crds"), null, TestContext.Current.CancellationToken));
        var again = SchemaBundleBuilder.Compress(await SchemaBundleBuilder.BuildAsync(
            temp.Combine("kubernetes", "v1.36-swagger.json"), temp.Combine("crds"), null, TestContext.Current.CancellationToken));
        again.Should().Equal(compressed, "the bundle is reproducible from the same sources");
        var bundle = SchemaBundle.Read(compressed);
        var full = new SchemaValidator(SchemaStore.Open(temp.Path));
        var stripped = new SchemaValidator(SchemaStore.FromBundle(bundle));

        var withViolations = 0;
        foreach (var yaml in Objects)
        {
            var obj = ManifestParser.Parse(yaml).Single();
            var expected = full.Validate(obj).Select(Verdict).ToList();
            stripped.Validate(obj).Select(Verdict).Should().Equal(expected, yaml);
            withViolations += expected.Count > 0 ? 1 : 0;
        }

        withViolations.Should().BeGreaterThanOrEqualTo(Objects.Length - 3, "the bad objects are really bad");
        bundle.KubernetesVersion.Should().Be("1.36");
        bundle.Sources.Select(s => s.Path).Should().Equal("kubernetes/v1.36-swagger.json", "crds/example.com/widget_v1.json");
        var crd = bundle.Crds.GetProperty("example.com/widget_v1");
        crd.GetProperty("properties").GetProperty("spec").GetProperty("properties").TryGetProperty("description", out _)
            .Should().BeTrue("a property named 'description' is data, not a keyword");
        crd.TryGetProperty("description", out _).Should().BeFalse();
    }

    [Fact]
    public async Task The_builder_names_a_missing_source_and_a_bad_crd_layout()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("v1.36-swagger.json", FullOpenApi);
        temp.WriteFile("crds/widget.json", FullCrd);
        var token = TestContext.Current.CancellationToken;

        await FluentActions.Awaiting(() => SchemaBundleBuilder.BuildAsync(temp.Combine("nope.json"), temp.Combine("crds"), null, token))
            .Should().ThrowAsync<Errors.UserInputException>().WithMessage("*openapi*nope.json*");
        await FluentActions.Awaiting(() => SchemaBundleBuilder.BuildAsync(temp.Combine("v1.36-swagger.json"), temp.Combine("crds"), null, token))
            .Should().ThrowAsync<Errors.UserInputException>().WithMessage("*widget.json*<group>/<kind>_<version>.json*");
    }

    [Fact]
    public void Without_a_location_or_a_cache_the_embedded_bundle_is_used()
    {
        using var cache = new TempDirectory();

        var store = SchemaLocation.Open(null, cache.Path);

        store.Should().BeSameAs(SchemaStore.Embedded);
        store.Source.Description.Should().Be("embedded bundle (Kubernetes 1.36)");
    }

    [Fact]
    public void A_fetched_cache_wins_over_the_bundle_and_the_bundle_fills_in_kinds_the_cluster_lacks()
    {
        using var cache = new TempDirectory();
        var older = cache.WriteFile("kubernetes/v1.40.0-swagger.json", ClusterDocument(withoutKind: null));
        File.SetLastWriteTimeUtc(older, DateTime.UtcNow.AddHours(-1));
        cache.WriteFile("kubernetes/v1.31.2-swagger.json", ClusterDocument(withoutKind: "ConfigMap"));

        var store = SchemaLocation.Open(null, cache.Path);

        store.Source.Kind.Should().Be(SchemaSourceKind.Cache);
        store.Source.KubernetesVersion.Should().Be("1.31.2", "the file fetched last wins, not the highest version");
        store.Find("apps", "v1", "Deployment")!.FromFallback.Should().BeFalse();
        store.Find("", "v1", "ConfigMap")!.FromFallback.Should().BeTrue();
        store.Find("monitoring.coreos.com", "v1", "ServiceMonitor")!.FromFallback.Should().BeTrue();
    }

    [Fact]
    public void Schema_location_wins_over_the_cache_and_has_no_bundle_behind_it()
    {
        using var cache = new TempDirectory();
        cache.WriteFile("kubernetes/v1.31.2-swagger.json", ClusterDocument(withoutKind: null));
        using var location = new TempDirectory();
        location.WriteFile("kubernetes/v1.30-swagger.json", ClusterDocument(withoutKind: "ConfigMap"));

        var store = SchemaLocation.Open(location.Path, cache.Path);

        store.Source.Kind.Should().Be(SchemaSourceKind.Directory);
        store.Source.KubernetesVersion.Should().Be("1.30");
        store.Fallback.Should().BeNull();
        store.Find("", "v1", "ConfigMap").Should().BeNull();
    }

    /// <summary>A violation without the source's name, which differs between the two stores by design.</summary>
    private static string Verdict(SchemaViolation v) => v.Kind == ViolationKind.NoSchema ? $"{v.Kind} {v.Path}" : $"{v.Kind} {v.Path} {v.Message}";

    [Fact]
    public void A_broken_cache_file_is_a_usage_error_saying_to_fetch_again()
    {
        using var cache = new TempDirectory();
        cache.WriteFile("kubernetes/v1.31.2-swagger.json", "{\"swagger\": \"2.0\", \"defin");

        var act = () => SchemaLocation.Open(null, cache.Path);

        act.Should().Throw<Errors.UserInputException>().WithMessage("schema cache: cannot read*v1.31.2-swagger.json*schemas fetch*");
    }

    /// <summary>An OpenAPI v2 document as a cluster serves it, made from the bundle's definitions, optionally without one kind.</summary>
    internal static string ClusterDocument(string? withoutKind)
    {
        var definitions = JsonNode.Parse(SchemaBundle.Embedded.Definitions.GetRawText())!.AsObject();
        if (withoutKind is not null)
        {
            foreach (var name in definitions.Where(d => d.Value?["x-kubernetes-group-version-kind"]?.AsArray().Any(g => g?["kind"]?.GetValue<string>() == withoutKind) == true).Select(d => d.Key).ToList())
            {
                definitions.Remove(name);
            }
        }

        return new JsonObject { ["swagger"] = "2.0", ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.31.2" }, ["paths"] = new JsonObject(), ["definitions"] = definitions }.ToJsonString();
    }

    private static void CollectKeywords(JsonElement schema, HashSet<string> keywords)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in schema.EnumerateObject())
        {
            keywords.Add(property.Name);
            switch (property.Name)
            {
                case "properties" or "patternProperties" or "definitions" or "$defs" when property.Value.ValueKind == JsonValueKind.Object:
                    foreach (var child in property.Value.EnumerateObject())
                    {
                        CollectKeywords(child.Value, keywords);
                    }

                    break;
                case "allOf" or "anyOf" or "oneOf" or "items" when property.Value.ValueKind == JsonValueKind.Array:
                    foreach (var child in property.Value.EnumerateArray())
                    {
                        CollectKeywords(child, keywords);
                    }

                    break;
                case "items" or "additionalProperties" or "not" or "additionalItems":
                    CollectKeywords(property.Value, keywords);
                    break;
            }
        }
    }

    private const string FullOpenApi = """
        {
          "swagger": "2.0",
          "info": {"title": "Kubernetes", "version": "unversioned"},
          "paths": {"/api/v1/configmaps": {"get": {"description": "list", "operationId": "listConfigMap"}}},
          "definitions": {
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {
              "description": "Standard object's metadata.",
              "type": "object",
              "properties": {
                "name": {"description": "Name must be unique.", "type": "string"},
                "labels": {"description": "Map of labels.", "type": "object", "additionalProperties": {"type": "string", "default": ""}, "x-kubernetes-map-type": "granular"}
              }
            },
            "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {"description": "int or string", "type": "string", "format": "int-or-string"},
            "io.k8s.apimachinery.pkg.api.resource.Quantity": {"description": "a quantity", "type": "string"},
            "io.k8s.api.core.v1.ConfigMap": {
              "description": "ConfigMap holds configuration data.",
              "type": "object",
              "properties": {
                "apiVersion": {"description": "APIVersion", "type": "string"},
                "kind": {"description": "Kind", "type": "string"},
                "metadata": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "description": "metadata"},
                "data": {"description": "Data", "type": "object", "additionalProperties": {"type": "string"}},
                "immutable": {"description": "Immutable", "type": "boolean", "example": true}
              },
              "x-kubernetes-group-version-kind": [{"group": "", "kind": "ConfigMap", "version": "v1"}]
            },
            "io.k8s.api.core.v1.ServicePort": {
              "description": "ServicePort",
              "type": "object",
              "required": ["port"],
              "properties": {
                "name": {"type": "string", "description": "name"},
                "port": {"type": "integer", "format": "int32", "description": "port", "minimum": 1, "maximum": 65535},
                "targetPort": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString", "description": "target"},
                "protocol": {"type": "string", "enum": ["TCP", "UDP", "SCTP"], "default": "TCP", "description": "protocol"}
              }
            },
            "io.k8s.api.core.v1.ServiceSpec": {
              "type": "object",
              "properties": {
                "ports": {"type": "array", "items": {"$ref": "#/definitions/io.k8s.api.core.v1.ServicePort"}, "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port", "protocol"], "x-kubernetes-patch-merge-key": "port", "x-kubernetes-patch-strategy": "merge", "description": "ports"},
                "type": {"type": "string", "enum": ["ClusterIP", "NodePort"], "description": "type"},
                "sessionAffinityTimeout": {"type": "integer", "format": "int32"},
                "limit": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity"}
              }
            },
            "io.k8s.api.core.v1.Service": {
              "type": "object",
              "properties": {
                "apiVersion": {"type": "string"},
                "kind": {"type": "string"},
                "metadata": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
                "spec": {"$ref": "#/definitions/io.k8s.api.core.v1.ServiceSpec", "description": "spec"}
              },
              "x-kubernetes-group-version-kind": [{"group": "", "kind": "Service", "version": "v1"}]
            }
          }
        }
        """;

    private const string FullCrd = """
        {
          "description": "Widget is an example custom resource.",
          "type": "object",
          "required": ["spec"],
          "properties": {
            "apiVersion": {"type": "string", "description": "APIVersion"},
            "kind": {"type": "string", "description": "Kind"},
            "metadata": {"type": "object"},
            "spec": {
              "type": "object",
              "description": "spec",
              "required": ["size"],
              "x-kubernetes-validations": [{"rule": "self.size != 0", "message": "no zero"}],
              "properties": {
                "size": {"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": true, "description": "size"},
                "mode": {"type": "string", "enum": ["fast", "slow"], "default": "fast", "description": "mode"},
                "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 8, "examples": ["abc"]},
                "replicas": {"type": "integer", "minimum": 1, "maximum": 5},
                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true, "description": "free form"},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2, "x-kubernetes-list-type": "set"},
                "description": {"type": "string", "description": "a property that is called description"},
                "choice": {"oneOf": [{"required": ["a"]}, {"required": ["b"]}], "type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
              }
            }
          }
        }
        """;

    private static readonly string[] Objects =
    [
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {x: y}}\ndata: {k: v}\nimmutable: true\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: 1}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labelz: {}}\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\nimmutable: yes-please\ndatta: {}\n",
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: ClusterIP, ports: [{port: 80, targetPort: http, protocol: TCP}], limit: 2}\n",
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: LoadBalancer, ports: [{port: 0, targetPort: 1.5, protocol: ICMP}]}\n",
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{name: p}], sessionAffinityTimeout: 1.5, limit: true}\n",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3, mode: fast, name: abc, replicas: 2, extra: {any: [1]}, tags: [a], description: d, choice: {a: x}}\n",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1.5, mode: medium, name: ABCDEFGHIJ, replicas: 9, tags: [a, b, c], choice: {a: x, b: y}, colour: red}\n",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {name: 7, choice: {}}\n",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
        "apiVersion: example.com/v2\nkind: Widget\nmetadata: {name: w}\n",
    ];
}
