using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>s3.workloadIdentity: ServiceAccount annotations per purpose and cloud; with AWS no static S3 key in any pod.</summary>
public class WorkloadIdentityTests
{
    private static RenderInput External(string version, string provider, params string[] sets) => new(
        Files: ["presets/connect-k8s-minimal.yaml"],
        Sets:
        [
            $"spark.version={version}", "historyServer.enabled=true", $"s3.workloadIdentity.provider={provider}",
            "s3.workloadIdentity.spark=spark-id", "s3.workloadIdentity.historyServer=history-id", "s3.workloadIdentity.backup=backup-id", .. sets,
        ]);

    [Theory]
    [InlineData("3.5", "com.amazonaws.auth.WebIdentityTokenCredentialsProvider")]
    [InlineData("4.1", "software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider")]
    public async Task Irsa_annotates_each_purpose_and_mounts_no_static_keys(string version, string providerClass)
    {
        var rendered = await ChartRender.RenderAsync(External(version, "aws-irsa", "s3.credentials.existingSecret="));

        using var scope = new AssertionScope();
        rendered.SparkDefaults("connect")["spark.hadoop.fs.s3a.aws.credentials.provider"].Should().Be(providerClass);
        rendered.SparkDefaults("history-server")["spark.hadoop.fs.s3a.aws.credentials.provider"].Should().Be(providerClass);
        rendered.SparkDefaults("connect")["spark.kubernetes.authenticate.executor.serviceAccountName"].Should().Be("spark-spark-k8s-executor");
        SecretHoldings.ByWorkload(rendered).SelectMany(h => h.Keys).Should().BeEmpty("no static keys with workload identity");
        rendered.OfKind("Secret").Should().BeEmpty();
        Annotation(rendered, "connect", "eks.amazonaws.com/role-arn").Should().Be("spark-id");
        Annotation(rendered, "executor", "eks.amazonaws.com/role-arn").Should().Be("spark-id");
        Annotation(rendered, "history-server", "eks.amazonaws.com/role-arn").Should().Be("history-id");
        ServiceAccount(rendered.ExecutorPodTemplate).Should().Be("spark-spark-k8s-executor");
        ServiceAccount(rendered.Single("Deployment", "history-server")).Should().Be("spark-spark-k8s-history-server");
    }

    [Fact]
    public async Task Pod_identity_needs_the_sdk_v2_line()
    {
        var rendered = await ChartRender.RenderAsync(External("4.1", "aws-pod-identity"));
        rendered.SparkDefaults("connect")["spark.hadoop.fs.s3a.aws.credentials.provider"].Should().Be("software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider");
        rendered.OfKind("ServiceAccount").Should().OnlyContain(sa => sa.Body["metadata"]!["annotations"] == null, "associations are made outside the chart");

        var old = () => ChartRender.RenderUncachedAsync(External("3.5", "aws-pod-identity"));
        (await old.Should().ThrowAsync<HelmException>()).Which.Message.Should().Contain("s3.workloadIdentity.provider: \"aws-pod-identity\" needs an AWS SDK");
    }

    [Theory]
    [InlineData("gke", "iam.gke.io/gcp-service-account", false)]
    [InlineData("azure", "azure.workload.identity/client-id", true)]
    public async Task Gke_and_azure_annotate_the_service_accounts(string provider, string annotation, bool podLabel)
    {
        var rendered = await ChartRender.RenderAsync(External("4.1", provider));

        Annotation(rendered, "connect", annotation).Should().Be("spark-id");
        Annotation(rendered, "history-server", annotation).Should().Be("history-id");
        var labels = rendered.Single("Deployment", "connect").PodLabels();
        labels.ContainsKey("azure.workload.identity/use").Should().Be(podLabel);
        rendered.ExecutorPodTemplate.PodLabels().ContainsKey("azure.workload.identity/use").Should().Be(podLabel);
        SecretHoldings.ByComponent(rendered)["connect"].Should().NotBeEmpty("S3A reads AWS keys only: the shared S3 Secret stays");
    }

    [Fact]
    public async Task A_missing_identity_or_minio_is_refused_with_the_key_named()
    {
        var missing = () => ChartRender.RenderUncachedAsync(External("4.1", "aws-irsa", "s3.workloadIdentity.historyServer="));
        (await missing.Should().ThrowAsync<HelmException>()).Which.Message.Should().Contain("s3.workloadIdentity.historyServer: set the identity");

        var minio = () => ChartRender.RenderUncachedAsync(new RenderInput(Sets: ["s3.workloadIdentity.provider=aws-irsa"]));
        (await minio.Should().ThrowAsync<HelmException>()).Which.Message.Should().Contain("s3.workloadIdentity.provider: \"aws-irsa\" is for external S3");
    }

    private static string? Annotation(Rendered rendered, string component, string key) =>
        (string?)rendered.Single("ServiceAccount", component).Body["metadata"]!["annotations"]?[key];

    private static string? ServiceAccount(SparkK8s.Core.Manifests.KubeObject workload) => (string?)workload.PodSpec!["serviceAccountName"];
}
