using FluentAssertions;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Upgrade;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

public class ImmutableFieldCheckTests
{
    private static string StatefulSet(string size = "2Gi", string storageClass = "", string access = "ReadWriteOnce", string app = "db", string service = "db") => """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: spark}
        spec:
          serviceName: SERVICE
          selector: {matchLabels: {app: APP}}
          template: {metadata: {labels: {app: APP}}, spec: {containers: [{name: db, image: postgres}]}}
          volumeClaimTemplates:
            - metadata: {name: data}
              spec:
                accessModes: [ACCESS]
                CLASS
                resources: {requests: {storage: SIZE}}
        """.Replace("SERVICE", service, StringComparison.Ordinal).Replace("APP", app, StringComparison.Ordinal)
        .Replace("ACCESS", access, StringComparison.Ordinal).Replace("SIZE", size, StringComparison.Ordinal)
        .Replace("CLASS", storageClass.Length > 0 ? $"storageClassName: {storageClass}" : string.Empty, StringComparison.Ordinal);

    private static string Claim(string size, string storageClass = "standard") => """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: notebooks, namespace: spark}
        spec: {accessModes: [ReadWriteOnce], storageClassName: CLASS, resources: {requests: {storage: SIZE}}}
        """.Replace("CLASS", storageClass, StringComparison.Ordinal).Replace("SIZE", size, StringComparison.Ordinal);

    private static IReadOnlyList<Finding> Compare(string before, string after) =>
        ImmutableFieldCheck.Run(ManifestParser.Parse(before), ManifestParser.Parse(after));

    [Fact]
    public void Identical_renders_have_no_findings()
    {
        Compare(StatefulSet(), StatefulSet()).Should().BeEmpty();
    }

    [Fact]
    public void Each_volume_claim_template_change_is_named_with_its_procedure()
    {
        var findings = Compare(StatefulSet(), StatefulSet(size: "20Gi", storageClass: "fast", access: "ReadWriteOncePod"));

        findings.Should().OnlyContain(f => f.Id == "SPK031" && f.Severity == Severity.Error && f.Stage == ValidationStage.Upgrade);
        findings.Select(f => f.Field).Should().BeEquivalentTo(
            "spec.volumeClaimTemplates[data].spec.resources.requests.storage",
            "spec.volumeClaimTemplates[data].spec.storageClassName",
            "spec.volumeClaimTemplates[data].spec.accessModes");
        findings[0].Message.Should().Contain("2Gi").And.Contain("20Gi");
        findings[0].Fix.Should().Contain("kubectl patch pvc data-db-0").And.Contain("--cascade=orphan").And.Contain("runbooks/immutable-fields.md");
        findings[1].Message.Should().Contain("(cluster default)").And.Contain("fast");
    }

    [Fact]
    public void Selector_and_service_name_changes_are_named()
    {
        var findings = Compare(StatefulSet(), StatefulSet(app: "other", service: "db-headless"));

        findings.Should().Contain(f => f.Id == "SPK032" && f.Field == "spec.selector");
        findings.Should().Contain(f => f.Id == "SPK033" && f.Field == "spec.serviceName");
    }

    [Fact]
    public void A_growing_claim_is_a_warning_and_a_shrinking_one_an_error()
    {
        Compare(Claim("5Gi"), Claim("20Gi")).Should().ContainSingle().Which.Severity.Should().Be(Severity.Warning);
        Compare(Claim("20Gi"), Claim("5Gi")).Should().ContainSingle().Which.Message.Should().Contain("shrinks");
        Compare(Claim("5Gi"), Claim("5Gi", "fast")).Should().ContainSingle().Which.Field.Should().Be("spec.storageClassName");
    }

    [Fact]
    public void Jobs_named_per_revision_are_new_objects_but_a_fixed_job_template_is_immutable()
    {
        static string Job(string name, string image) =>
            $"apiVersion: batch/v1\nkind: Job\nmetadata: {{name: {name}}}\nspec: {{template: {{spec: {{containers: [{{name: c, image: {image}}}]}}}}}}\n";

        Compare(Job("schema-r1", "a"), Job("schema-r1", "b")).Should().BeEmpty();
        Compare(Job("seed", "a"), Job("seed", "b")).Should().ContainSingle().Which.Field.Should().Be("spec.template");
    }

    [Fact]
    public void Objects_only_in_one_render_are_ordinary_upgrades()
    {
        Compare(Claim("5Gi"), StatefulSet()).Should().BeEmpty();
    }
}
