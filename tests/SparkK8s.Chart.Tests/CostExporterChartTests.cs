using System.Text.Json.Nodes;
using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Manifests;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>costExporter (issue 12 §5): the `spark-k8s cost serve` Deployment, its Service, its read-only S3 key.</summary>
public class CostExporterChartTests
{
    private const string Component = "cost-exporter";

    private static Task<Rendered> RenderAsync(string version, params string[] sets) =>
        ChartRender.RenderAsync(version, ["costExporter.enabled=true", .. sets]);

    private static List<string> Args(KubeObject deployment) =>
        [.. deployment.Container(Component)["args"]!.AsArray().Select(a => (string)a!)];

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task It_is_off_by_default(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);

        rendered.WithComponent(Component).Should().BeEmpty();
        rendered.OfKind("Secret").Should().NotContain(s => s.Name.EndsWith("-s3-cost", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task The_deployment_runs_cost_serve_over_this_releases_event_log_prefix_with_probes_on_health_and_readiness(string version)
    {
        var rendered = await RenderAsync(version, "costExporter.nodeType=m5.2xlarge", "costExporter.since=90d", "costExporter.spot=true");
        var deployment = rendered.Single("Deployment", Component);
        var container = deployment.Container(Component);

        Args(deployment).Should().Equal(
            "cost", "serve", "--events", "s3://spark-events/spark-events/spark/spark-spark-k8s/", "--listen", ":9108", "--interval", "5m",
            "--group-by", "team", "--max-series", "500", "--node-type", "m5.2xlarge", "--spot", "--since", "90d",
            "--s3-endpoint", "http://spark-spark-k8s-minio.spark.svc:9000", "--s3-region", "us-east-1", "--output", "json");
        ((string?)container["image"]).Should().Be("spark-k8s/tools:0.1.0");
        ((string?)container["readinessProbe"]!["httpGet"]!["path"]).Should().Be("/readyz");
        ((string?)container["readinessProbe"]!["httpGet"]!["port"]).Should().Be("metrics");
        ((string?)container["livenessProbe"]!["httpGet"]!["path"]).Should().Be("/healthz");
        container["resources"]!["requests"]!["memory"].Should().NotBeNull();
        container["resources"]!["limits"]!["memory"].Should().NotBeNull();
        ((bool?)container["securityContext"]!["readOnlyRootFilesystem"]).Should().BeTrue();
        ((bool?)deployment.PodSpec!["automountServiceAccountToken"]).Should().BeFalse("the exporter never talks to the Kubernetes API");
        ((string?)deployment.PodSpec!["serviceAccountName"]).Should().Be("spark-spark-k8s-cost-exporter");
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task The_service_has_the_metrics_port_the_component_row_names(string version)
    {
        var rendered = await RenderAsync(version, "costExporter.port=9200");
        var service = rendered.Single("Service", Component);
        var port = service.Body["spec"]!["ports"]!.AsArray().Single()!;

        ((string?)port["name"]).Should().Be("metrics");
        ((long?)port["port"]).Should().Be(9200);
        ((string?)port["targetPort"]).Should().Be("metrics");
        var containerPort = rendered.Single("Deployment", Component).Container(Component)["ports"]!.AsArray().Single()!;
        ((string?)containerPort["name"]).Should().Be("metrics");
        ((long?)containerPort["containerPort"]).Should().Be(9200);
        Args(rendered.Single("Deployment", Component)).Should().ContainInOrder("--listen", ":9200");
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task Its_s3_key_is_its_own_and_its_minio_policy_only_lists_and_reads_the_event_log_prefix(string version)
    {
        var rendered = await RenderAsync(version);
        var container = rendered.Single("Deployment", Component).Container(Component);
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY" })
        {
            ((string?)container.EnvVar(name)["valueFrom"]!["secretKeyRef"]!["name"]).Should().Be("spark-spark-k8s-s3-cost", name);
        }

        container.Env().Should().OnlyContain(e => e["value"] == null || !((string)e["value"]!).Contains("AKIA", StringComparison.Ordinal));
        var policies = rendered.OfKind("ConfigMap").Single(c => c.Name == "spark-spark-k8s-minio-policies");
        var policy = JsonNode.Parse((string)policies.Body["data"]!["cost.json"]!)!;
        var statements = policy["Statement"]!.AsArray();
        var actions = statements.SelectMany(s => s!["Action"]!.AsArray().Select(a => (string)a!)).ToList();
        actions.Should().BeEquivalentTo(["s3:ListBucket", "s3:GetObject"], "read-only: no put, no delete");
        var list = statements.Single(s => s!["Action"]!.AsArray().Any(a => (string?)a == "s3:ListBucket"))!;
        list["Condition"]!["StringLike"]!["s3:prefix"]!.AsArray().Select(p => (string?)p).Should().Equal("spark-events/spark/spark-spark-k8s", "spark-events/spark/spark-spark-k8s/*");
        var get = statements.Single(s => s!["Action"]!.AsArray().Any(a => (string?)a == "s3:GetObject"))!;
        get["Resource"]!.AsArray().Select(r => (string?)r).Should().Equal("arn:aws:s3:::spark-events/spark-events/spark/spark-spark-k8s/*");
        var setup = rendered.OfKind("Job").Single(j => j.Labels[Rendered.ComponentLabel] == "minio-buckets" || j.Name.Contains("buckets", StringComparison.Ordinal));
        ((string?)setup.Container("create-buckets").EnvVar("PURPOSES")["value"]).Should().Contain("cost");
    }

    [Fact]
    public async Task With_an_existing_secret_or_aws_workload_identity_no_key_is_generated()
    {
        var existing = await RenderAsync("4.1", "s3.credentials.costExporter.existingSecret=cost-reader");
        ((string?)existing.Single("Deployment", Component).Container(Component).EnvVar("AWS_ACCESS_KEY_ID")["valueFrom"]!["secretKeyRef"]!["name"]).Should().Be("cost-reader");
        existing.OfKind("Secret").Should().NotContain(s => s.Name.EndsWith("-s3-cost", StringComparison.Ordinal));

        var irsa = await ChartRender.RenderAsync(new RenderInput(Sets: ["spark.version=4.1", "costExporter.enabled=true", "minio.enabled=false", "s3.endpoint=https://s3.eu-west-1.amazonaws.com",
            "s3.workloadIdentity.provider=aws-irsa", "s3.workloadIdentity.spark=arn:aws:iam::1:role/spark", "s3.workloadIdentity.historyServer=arn:aws:iam::1:role/history",
            "s3.workloadIdentity.costExporter=arn:aws:iam::1:role/cost-reader"]));
        var account = irsa.OfKind("ServiceAccount").Single(s => s.Name == "spark-spark-k8s-cost-exporter");
        ((string?)account.Body["metadata"]!["annotations"]!["eks.amazonaws.com/role-arn"]).Should().Be("arn:aws:iam::1:role/cost-reader");
        irsa.Single("Deployment", Component).Container(Component).Env().Select(e => (string?)e["name"]).Should().NotContain("AWS_ACCESS_KEY_ID");
    }

    public static TheoryData<string, string> WrongValues() => new()
    {
        { "costExporter: {interval: 5 minutes}", "costExporter/interval" },
        { "costExporter: {since: last month}", "costExporter/since" },
        { "costExporter: {maxSeries: 0}", "costExporter/maxSeries" },
        { "costExporter: {port: 80}", "costExporter/port" },
        { "costExporter: {groupBy: 'team\"}'}", "costExporter/groupBy" },
        { "costExporter: {budgets: {data-eng: lots}}", "costExporter/budgets/data-eng" },
        { "costExporter: {budgets: {data-eng: -5}}", "costExporter/budgets/data-eng" },
        { "costExporter: {budgets: {'a\"} or vector(1) #': 5}}", "costExporter/budgets" },
        { "costExporter: {alerts: {budgetWarningPercent: 100}}", "costExporter/alerts/budgetWarningPercent" },
        { "costExporter: {alerts: {staleFor: soon}}", "costExporter/alerts/staleFor" },
        { "costExporter: {nodeType: 'm5 large'}", "costExporter/nodeType" },
    };

    [Theory]
    [MemberData(nameof(WrongValues))]
    public async Task Bad_values_are_refused_naming_the_key(string values, string path)
    {
        (await ChartRender.RenderErrorAsync(new RenderInput(ValuesYaml: values))).Should().Match(o => o.Contains(path, StringComparison.Ordinal) || o.Contains(path.Replace('/', '.'), StringComparison.Ordinal));
    }
}
