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
        SecretHoldings.ByWorkload(rendered).SelectMany(h => h.Keys).Where(k => k.Key.StartsWith("AWS_", StringComparison.Ordinal))
            .Should().BeEmpty("no static S3 keys with workload identity");
        // Only the Connect token and the RPC secret, which workload identity does not replace.
        rendered.OfKind("Secret").Select(s => s.Name).Should().BeEquivalentTo(
            version == "3.5" ? ["spark-spark-k8s-spark-auth"] : ["spark-spark-k8s-connect-auth", "spark-spark-k8s-spark-auth"]);
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

    /// <summary>
    /// One ServiceAccount per component (templates/serviceaccounts.yaml), whatever the provider: the workload-identity
    /// accounts are those same accounts with the identity of the component's purpose, so no name is rendered twice,
    /// every pod names its own account, and only the driver mounts a token.
    /// </summary>
    [Theory]
    [InlineData("aws-irsa", "eks.amazonaws.com/role-arn")]
    [InlineData("gke", "iam.gke.io/gcp-service-account")]
    public async Task Each_component_has_one_service_account_with_its_purpose_identity(string provider, string annotation)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: External("4.1", provider).Files,
            Sets: [.. External("4.1", provider, provider == "gke" ? [] : ["s3.credentials.existingSecret="]).Sets!, "backup.enabled=true", "backup.verify.enabled=true", "restore.enabled=true", "restore.backupId=latest"],
            ValuesYaml: "backup: {image: {repository: registry.example.com/tools}, databases: {metastore: {host: pg.example.internal, database: hms, username: hms, existingSecret: hms-db, passwordKey: pw}}}"));
        var identities = new Dictionary<string, string?>
        {
            ["connect"] = "spark-id", ["executor"] = "spark-id", ["history-server"] = "history-id",
            ["backup"] = "backup-id", ["backup-verify"] = "backup-id", ["restore"] = "backup-id",
        };

        using var scope = new AssertionScope();
        var accounts = rendered.OfKind("ServiceAccount").ToList();
        accounts.Select(a => a.Name).Should().OnlyHaveUniqueItems();
        accounts.Select(a => a.Labels[Rendered.ComponentLabel]).Should().BeEquivalentTo(identities.Keys, "the preset runs no metastore, Jupyter, MinIO or PostgreSQL");
        foreach (var account in accounts)
        {
            var component = account.Labels[Rendered.ComponentLabel];
            ((string?)account.Body["metadata"]!["annotations"]?[annotation]).Should().Be(identities[component], account.Name);
            ((bool?)account.Body["automountServiceAccountToken"]).Should().Be(component == "connect", account.Name);
        }

        foreach (var workload in rendered.PodWorkloads.Append(rendered.ExecutorPodTemplate))
        {
            var component = workload.PodLabels()[Rendered.ComponentLabel];
            ServiceAccount(workload).Should().Be($"spark-spark-k8s-{component}", workload.DisplayName);
        }
    }

    private static string? Annotation(Rendered rendered, string component, string key) =>
        (string?)rendered.Single("ServiceAccount", component).Body["metadata"]!["annotations"]?[key];

    private static string? ServiceAccount(SparkK8s.Core.Manifests.KubeObject workload) => (string?)workload.PodSpec!["serviceAccountName"];
}
