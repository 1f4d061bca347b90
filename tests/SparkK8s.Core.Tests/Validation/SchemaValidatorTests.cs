using FluentAssertions;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Validation.Schema;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

public class SchemaValidatorTests
{
    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: nginx:1.27
                  ports:
                    - containerPort: 8080
                  resources:
                    requests: {cpu: 0.5, memory: 128974848}
                    limits: {cpu: "1", memory: 256Mi}
                  livenessProbe:
                    httpGet: {path: /, port: 8080}
                  readinessProbe:
                    httpGet: {path: /, port: http}
        """;

    private static readonly SchemaValidator Validator = new(SchemaStore.Embedded);

    private static IReadOnlyList<SchemaViolation> Validate(string yaml, IReadOnlyCollection<string>? skip = null) =>
        Validator.Validate(ManifestParser.Parse(yaml).Single(), skip);

    [Fact]
    public void A_valid_deployment_with_int_or_string_and_numeric_quantities_passes()
    {
        Validate(Deployment).Should().BeEmpty();
    }

    [Fact]
    public void An_unknown_top_level_field_is_an_error()
    {
        var violations = Validate(Deployment + "\nstatuss: {}\n");

        violations.Should().ContainSingle().Which.Should().Match<SchemaViolation>(v =>
            v.Kind == ViolationKind.UnknownField && v.Path == "statuss" && v.Message.Contains("did you mean 'status'"));
    }

    [Fact]
    public void A_crd_schema_without_apiVersion_kind_and_metadata_still_accepts_them_at_the_root_only()
    {
        // The Apache Spark operator's published spark.apache.org schema lists only spec and status, as CRD structural
        // schemas may: the API server adds apiVersion, kind and metadata implicitly.
        const string App = """
            apiVersion: spark.apache.org/v1
            kind: SparkApplication
            metadata: {name: pi}
            spec:
              runtimeVersions: {sparkVersion: 4.1.2}
            """;

        Validate(App).Should().BeEmpty();
        Validate(App + "\nmetadatas: {}\n").Should().ContainSingle(v => v.Kind == ViolationKind.UnknownField && v.Path == "metadatas");
        Validate(App.Replace("  runtimeVersions:", "  kind: x\n  runtimeVersions:", StringComparison.Ordinal))
            .Should().ContainSingle(v => v.Kind == ViolationKind.UnknownField && v.Path == "spec.kind", "only the root has the implicit fields");
    }

    [Fact]
    public void An_unknown_field_nested_in_a_pod_spec_is_an_error_with_its_path()
    {
        var violations = Validate(Deployment.Replace("image: nginx:1.27", "image: nginx:1.27\n          imagePullPolicyy: Always", StringComparison.Ordinal));

        violations.Should().ContainSingle().Which.Path.Should().Be("spec.template.spec.containers[0].imagePullPolicyy");
        violations[0].Id.Should().Be("K8S001");
    }

    [Fact]
    public void A_wrong_type_is_an_error()
    {
        var violations = Validate(Deployment.Replace("replicas: 2", "replicas: two", StringComparison.Ordinal));

        violations.Should().ContainSingle().Which.Should().Match<SchemaViolation>(v => v.Kind == ViolationKind.WrongType && v.Path == "spec.replicas");
    }

    [Fact]
    public void A_boolean_quantity_is_a_wrong_type()
    {
        var violations = Validate(Deployment.Replace("limits: {cpu: \"1\"", "limits: {cpu: true", StringComparison.Ordinal));

        violations.Should().ContainSingle().Which.Path.Should().Be("spec.template.spec.containers[0].resources.limits.cpu");
    }

    [Fact]
    public void A_missing_required_field_is_an_error()
    {
        var violations = Validate(Deployment.Replace("- name: web\n          image:", "- image:", StringComparison.Ordinal));

        violations.Should().ContainSingle().Which.Should().Match<SchemaViolation>(v =>
            v.Kind == ViolationKind.MissingRequired && v.Path == "spec.template.spec.containers[0].name");
    }

    private const string ServiceMonitor = """
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata:
          name: spark
        spec:
          selector:
            matchLabels: {app: spark}
          endpoints:
            - port: metrics
              scheme: http
              interval: 30s
        """;

    [Fact]
    public void A_valid_crd_object_passes()
    {
        Validate(ServiceMonitor).Should().BeEmpty();
    }

    [Fact]
    public void A_crd_enum_violation_is_an_error()
    {
        var violations = Validate(ServiceMonitor.Replace("scheme: http", "scheme: ftp", StringComparison.Ordinal));

        violations.Should().Contain(v => v.Kind == ViolationKind.NotInEnum && v.Path == "spec.endpoints[0].scheme");
    }

    [Fact]
    public void An_unknown_crd_field_is_an_error()
    {
        var violations = Validate(ServiceMonitor.Replace("port: metrics", "port: metrics\n      portt: x", StringComparison.Ordinal));

        violations.Should().ContainSingle().Which.Should().Match<SchemaViolation>(v => v.Kind == ViolationKind.UnknownField && v.Path == "spec.endpoints[0].portt");
    }

    [Fact]
    public void A_kind_without_a_schema_is_an_error_unless_skipped()
    {
        const string custom = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n";

        Validate(custom).Should().ContainSingle().Which.Message.Should().Contain("no schema for example.com/v1/Widget");
        Validate(custom, ["Widget"]).Should().BeEmpty();
    }

    [Fact]
    public void A_missing_schema_location_is_a_usage_error()
    {
        var act = () => SchemaLocation.Open("/nonexistent/schemas");

        act.Should().Throw<Errors.UserInputException>().WithMessage("*--schema-location*");
    }
}
