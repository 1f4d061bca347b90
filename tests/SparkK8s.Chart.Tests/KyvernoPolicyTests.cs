using System.Text.Json.Nodes;
using Cel;
using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Schema;
using SparkK8s.Core.Validation.Security;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// spark-k8s policy export --format kyverno: the ClusterPolicy is strict-schema-valid against Kyverno's CRD (kyverno.io/v1
/// ClusterPolicy in the embedded bundle), and its CEL expressions, evaluated with a CEL interpreter, agree with the SEC rules
/// of validate on every pod of every preset and on pods built to break each rule.
/// </summary>
public class KyvernoPolicyTests
{
    private static readonly CelEnvironment Cel = new(null, string.Empty);

    private static KubeObject Export(KyvernoExportOptions options) => new(KyvernoPolicy.Build(options), null);

    [Theory]
    [InlineData(null, "Enforce")]
    [InlineData("prod", "Audit")]
    public void The_policy_is_valid_against_the_kyverno_cluster_policy_schema(string? environment, string action)
    {
        var policy = Export(new KyvernoExportOptions(FailureAction: action, Environment: environment, Release: "spark"));

        policy.ApiVersion.Should().Be("kyverno.io/v1");
        SchemaStore.Embedded.Find("kyverno.io", "v1", "ClusterPolicy").Should().NotBeNull("the embedded bundle carries Kyverno's CRD schema");
        new SchemaValidator(SchemaStore.Embedded).Validate(policy).Should().BeEmpty();
    }

    [Fact]
    public void The_schema_check_rejects_a_broken_policy()
    {
        var body = KyvernoPolicy.Build(new KyvernoExportOptions());
        body["spec"]!["rules"]![0]!["validate"]!["failureAction"] = "Block";
        body["spec"]!["rules"]![0]!["validate"]!["cell"] = new JsonObject();

        new SchemaValidator(SchemaStore.Embedded).Validate(new KubeObject(body, null)).Should().HaveCountGreaterThanOrEqualTo(2);
    }

    [Fact]
    public void Every_pod_level_rule_is_exported_and_prod_only_rules_only_for_prod()
    {
        SecurityRules.All.Where(r => r.PodLevel).Select(r => r.Id).Should().BeEquivalentTo(KyvernoPolicy.Expressions.Keys);
        KyvernoPolicy.Rules(new KyvernoExportOptions()).Select(r => r.Id).Should().NotContain("SEC006");
        KyvernoPolicy.Rules(new KyvernoExportOptions(Environment: "prod")).Select(r => r.Id).Should().Contain("SEC006");
        KyvernoPolicy.Rules(new KyvernoExportOptions(FailureAction: "Enforce")).Should()
            .OnlyContain(r => r.FailureAction == (SecurityRules.Find(r.Id)!.Severity == Severity.Error ? "Enforce" : "Audit"));
    }

    public static TheoryData<string, string, string> Matrix() => PresetMatrixTests.Matrix();

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task The_cel_rules_agree_with_validate_on_every_pod_of_the_presets(string preset, string environment, string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: [$"presets/{preset}.yaml", $"environments/{environment}.yaml"],
            Sets: [$"spark.version={version}"]));
        var model = SparkRenderModel.From(rendered.Objects.Select(o => new RenderedDocument(string.Empty, o)).ToList());

        AssertAgreement(model);
        foreach (var pod in RenderedPods.All(model))
        {
            foreach (var rule in KyvernoPolicy.Rules(new KyvernoExportOptions(Environment: "prod")).Where(r => r.FailureAction == "Enforce"))
            {
                Evaluate(rule.Id, pod).Should().BeTrue($"{pod.Object} must pass the enforced {rule.Id}");
            }
        }
    }

    private const string BrokenPod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: broken, labels: {app.kubernetes.io/part-of: spark-k8s}}
        spec:
          hostNetwork: true
          volumes: [{name: host, hostPath: {path: /}}]
          initContainers:
            - name: init
              image: busybox
          containers:
            - name: main
              image: registry.example.com:5000/spark:latest
              env:
                - {name: DB_PASSWORD, value: hunter2}
              securityContext:
                privileged: true
                capabilities: {add: [NET_ADMIN]}
        """;

    private const string HardenedPod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: hardened, labels: {app.kubernetes.io/part-of: spark-k8s}}
        spec:
          volumes: [{name: tmp, emptyDir: {sizeLimit: 1Gi}}]
          containers:
            - name: main
              image: "apache/spark:4.1.2@sha256:0000000000000000000000000000000000000000000000000000000000000000"
              env:
                - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
                - {name: SERVICE_OPTS, value: "-Djavax.jdo.option.ConnectionPassword=$(DB_PASSWORD)"}
                - {name: PASSWORD_FILE, value: /etc/db/password}
              securityContext:
                readOnlyRootFilesystem: true
                allowPrivilegeEscalation: false
                capabilities: {drop: [ALL]}
        """;

    [Fact]
    public void A_pod_built_to_break_every_rule_fails_each_cel_rule_and_a_hardened_pod_passes_them()
    {
        var broken = Model(BrokenPod);
        var hardened = Model(HardenedPod);

        foreach (var id in KyvernoPolicy.Expressions.Keys)
        {
            Evaluate(id, RenderedPods.All(broken).Single()).Should().BeFalse(id);
            Evaluate(id, RenderedPods.All(hardened).Single()).Should().BeTrue(id);
        }

        AssertAgreement(broken);
        AssertAgreement(hardened);
    }

    private static SparkRenderModel Model(string yaml) =>
        SparkRenderModel.From(RenderedManifest.Parse("---\n" + yaml, new RenderOptions { ChartDirectory = ".", Preset = "test" }).Documents);

    /// <summary>For every pod and exported rule: the CEL expression holds exactly when validate's rule finds nothing in that pod.</summary>
    private static void AssertAgreement(SparkRenderModel model)
    {
        var context = new SecurityCheckContext(model, SecurityCheckContext.Production);
        foreach (var (id, _) in KyvernoPolicy.Expressions)
        {
            var findings = SecurityRules.Find(id)!.Run(context).ToList();
            foreach (var pod in RenderedPods.All(model))
            {
                var flagged = findings.Any(f => f.Object == pod.Object && f.Field.StartsWith(pod.SpecField, StringComparison.Ordinal));
                Evaluate(id, pod).Should().Be(!flagged, $"{id} on {pod.Object}: validate {(flagged ? "flags" : "passes")} it");
            }
        }
    }

    private static bool Evaluate(string id, RenderedPod pod)
    {
        var obj = new Dictionary<string, object?> { ["spec"] = Plain(pod.Spec) };
        return Cel.Program(KyvernoPolicy.Expressions[id].Expression, new Dictionary<string, object?> { ["object"] = obj }) is true;
    }

    /// <summary>JSON as the CEL interpreter's maps, lists and scalars.</summary>
    private static object? Plain(JsonNode? node) => node switch
    {
        JsonObject obj => obj.ToDictionary(p => p.Key, p => Plain(p.Value)),
        JsonArray array => array.Select(Plain).ToList(),
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
        JsonValue value when value.TryGetValue<long>(out var number) => number,
        JsonValue value when value.TryGetValue<double>(out var real) => real,
        JsonValue value => value.ToString(),
        _ => null,
    };
}
