using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests.Network;

/// <summary>
/// The credential table and the NetworkPolicies agree (issue 9 §1 with §3): a pod holds S3 keys exactly when its policy
/// lets it reach the in-chart MinIO, and a PostgreSQL credential exactly when it may reach the in-chart PostgreSQL. A key
/// without a flow is a key the pod does not need; a flow without a key is a Job that cannot do its work.
/// </summary>
public class CredentialFlowTests
{
    public static TheoryData<string, string, string> Matrix() => NetworkPolicyTests.Matrix();

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Pods_hold_a_store_credential_exactly_when_they_may_reach_that_store(string preset, string environment, string version)
    {
        string[] files = [$"presets/{preset}.yaml", $"environments/{environment}.yaml"];
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: files, Sets: [$"spark.version={version}"]));
        Check(rendered);
        if (rendered.OfKind("Deployment").Any(d => d.Labels[Rendered.ComponentLabel] == "metastore"))
        {
            // With a metastore to back up: every Job too, with the backup and restore roles and the backup S3 user.
            var withJobs = await ChartRender.RenderAsync(new RenderInput(Files: files, Sets:
                [$"spark.version={version}", "backup.enabled=true", "backup.verify.enabled=true", "restore.enabled=true", "restore.backupId=latest", "backup.image.repository=registry.example.com/tools"]));
            new[] { "backup", "backup-verify", "restore" }.Should().BeSubsetOf(ReleaseNetwork.Pods(withJobs).Select(ReleaseNetwork.Component));
            Check(withJobs);
        }
    }

    private static void Check(Rendered rendered)
    {
        var pods = ReleaseNetwork.Pods(rendered);
        var allowed = ReleaseNetwork.Allowed(new NetworkPolicyEvaluator(rendered.Objects), pods);
        var present = pods.Select(ReleaseNetwork.Component).ToHashSet();
        var held = SecretHoldings.ByComponent(rendered);

        using var scope = new AssertionScope();
        foreach (var component in held.Keys.Where(present.Contains))
        {
            var keys = held[component];
            if (present.Contains("minio") && component != "minio")
            {
                var holdsS3 = keys.Any(k => k.Key == "AWS_ACCESS_KEY_ID");
                allowed.Contains(new Flow(component, "minio", "s3")).Should().Be(holdsS3, $"{component} holds S3 keys: {holdsS3}");
            }

            if (present.Contains("postgresql") && component != "postgresql")
            {
                var holdsDatabase = keys.Any(k => k.Secret.Contains("postgresql", StringComparison.Ordinal));
                allowed.Contains(new Flow(component, "postgresql", "postgresql")).Should().Be(holdsDatabase, $"{component} holds a PostgreSQL credential: {holdsDatabase}");
            }
        }
    }
}
