using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests.Network;

/// <summary>The rendered NetworkPolicies, evaluated: exactly the required flows, for every preset, environment and Spark line.</summary>
public class NetworkPolicyTests
{
    private static readonly NetworkPod KubeDns = new(
        "coredns", "kube-system", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" },
        [new ContainerPort("dns", 53, "UDP"), new ContainerPort("dns-tcp", 53)]);

    /// <summary>An address of the API server's endpoint (kind's control plane) and one outside every flow.</summary>
    private const string ApiServer = "172.18.0.2";

    private static IEnumerable<string> Names(string folder) =>
        Directory.GetFiles(Path.Combine(RepoPaths.Chart, folder), "*.yaml").Select(Path.GetFileNameWithoutExtension).Order()!;

    public static TheoryData<string, string, string> Matrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var preset in Names("presets"))
        {
            foreach (var environment in Names("environments"))
            {
                foreach (var version in PresetMatrixTests.LinesOf(preset))
                {
                    data.Add(preset, environment, version);
                }
            }
        }

        return data;
    }

    private static Task<Rendered> RenderAsync(string preset, string environment, string version) =>
        ChartRender.RenderAsync(new RenderInput(
            Files: [$"presets/{preset}.yaml", $"environments/{environment}.yaml"],
            Sets: [$"spark.version={version}"]));

    /// <summary>The complete stack with every Job: backups, their verify runs and a restore.</summary>
    private static Task<Rendered> RenderEverythingAsync(string version, params string[] sets) =>
        ChartRender.RenderAsync(new RenderInput(
            Files: ["presets/jupyter-connect-k8s.yaml"],
            Sets: [$"spark.version={version}", "backup.enabled=true", "backup.verify.enabled=true", "restore.enabled=true", "restore.backupId=latest", "costExporter.enabled=true", .. sets]));

    private static bool UsesInChartS3(Rendered rendered) => rendered.OfKind("StatefulSet").Any(s => s.Labels[Rendered.ComponentLabel] == "minio");

    private static bool UsesInChartDatabase(Rendered rendered) => rendered.OfKind("StatefulSet").Any(s => s.Labels[Rendered.ComponentLabel] == "postgresql");

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Exactly_the_required_flows_are_allowed_between_the_releases_pods(string preset, string environment, string version)
    {
        var rendered = await RenderAsync(preset, environment, version);
        var pods = ReleaseNetwork.Pods(rendered);
        var required = ReleaseNetwork.Required(pods, UsesInChartS3(rendered), UsesInChartDatabase(rendered));

        ReleaseNetwork.Mismatches(new NetworkPolicyEvaluator(rendered.Objects), pods, required).Should().BeEmpty();
        required.Should().Contain(f => f.Port == "driver" && (f.Destination == "connect" || f.Destination == "job-driver"),
            "every preset runs a Spark driver whose executors reach it (Connect's, or a job's)");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task With_every_job_the_backup_side_reaches_postgresql_and_minio_and_nothing_else(string version)
    {
        var rendered = await RenderEverythingAsync(version);
        var pods = ReleaseNetwork.Pods(rendered);
        var required = ReleaseNetwork.Required(pods, inChartS3: true, inChartDatabase: true);

        pods.Select(ReleaseNetwork.Component).Should().Contain(["backup", "backup-verify", "restore", "cost-exporter"]);
        ReleaseNetwork.Mismatches(new NetworkPolicyEvaluator(rendered.Objects), pods, required).Should().BeEmpty();
    }

    public static TheoryData<string> Versions() => ChartRender.Versions();

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task The_named_negative_flows_are_denied(string version)
    {
        var rendered = await RenderEverythingAsync(version);
        var pods = ReleaseNetwork.Pods(rendered);
        var evaluator = new NetworkPolicyEvaluator(rendered.Objects);
        NetworkPod Of(string component) => pods.First(p => ReleaseNetwork.Component(p) == component);

        using var scope = new AssertionScope();
        evaluator.Allows(Of("jupyter"), Of("postgresql"), 5432).Should().BeFalse("Jupyter may not reach PostgreSQL");
        evaluator.Allows(Of("jupyter"), Of("metastore"), 9083).Should().BeFalse("Jupyter may not reach the metastore");
        evaluator.Allows(Of("executor"), Of("postgresql"), 5432).Should().BeFalse("executors may not reach PostgreSQL");
        evaluator.Allows(Of("history-server"), Of("connect"), 15002).Should().BeFalse("the History Server is no Connect client");
        evaluator.Allows(Of("jupyter"), Of("connect"), 7078).Should().BeFalse("clients may not reach the driver port");

        // A pod of another release of the same chart in the same namespace, and a pod of another namespace.
        var otherRelease = Of("connect") with
        {
            Name = "other-connect",
            Labels = Of("connect").Labels.ToDictionary(l => l.Key, l => l.Key == Rendered.InstanceLabel ? "other" : l.Value),
        };
        var stranger = new NetworkPod("stranger", "elsewhere", new Dictionary<string, string> { ["app"] = "x" }, []);
        foreach (var outsider in new[] { otherRelease, stranger })
        {
            evaluator.Allows(outsider, Of("postgresql"), 5432).Should().BeFalse($"{outsider} -> PostgreSQL");
            evaluator.Allows(outsider, Of("minio"), 9000).Should().BeFalse($"{outsider} -> MinIO");
            evaluator.Allows(outsider, Of("connect"), 7078).Should().BeFalse($"{outsider} -> driver port");
            evaluator.Allows(outsider, Of("connect"), 7079).Should().BeFalse($"{outsider} -> driver block manager");
            evaluator.Allows(outsider, Of("executor"), 7079).Should().BeFalse($"{outsider} -> executor block manager");
            evaluator.Allows(outsider, Of("connect"), 15002).Should().BeFalse($"{outsider} -> Connect gRPC (no connectClients given)");
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Every_client_pod_resolves_names_and_only_the_driver_reaches_the_api_server(string version)
    {
        var rendered = await RenderEverythingAsync(version);
        var pods = ReleaseNetwork.Pods(rendered);
        var evaluator = new NetworkPolicyEvaluator(rendered.Objects);
        var notDns = KubeDns with { Name = "metrics", Labels = new Dictionary<string, string> { ["k8s-app"] = "metrics-server" } };

        using var scope = new AssertionScope();
        foreach (var pod in pods)
        {
            // The two servers that open no connection at all (MinIO, PostgreSQL) have no egress, not even DNS.
            var opensConnections = ReleaseNetwork.Component(pod) is not ("minio" or "postgresql");
            evaluator.Allows(pod, KubeDns, 53, "UDP").Should().Be(opensConnections, $"{pod} -> DNS over UDP");
            evaluator.Allows(pod, KubeDns, 53, "TCP").Should().Be(opensConnections, $"{pod} -> DNS over TCP");
            evaluator.Allows(pod, notDns, 53, "UDP").Should().BeFalse($"{pod} -> a kube-system pod that is not DNS");
            evaluator.Allows(pod, Destination.To(ApiServer), 6443)
                .Should().Be(ReleaseNetwork.Component(pod) == "connect", $"{pod} -> the API server");
        }
    }

    [Fact]
    public async Task Connect_clients_and_ui_clients_from_values_reach_only_their_ports()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(ValuesYaml: """
            networkPolicy:
              connectClients:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: airflow}}
                  podSelector: {matchExpressions: [{key: component, operator: In, values: [worker]}]}
              uiClients:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}
            """));
        var pods = ReleaseNetwork.Pods(rendered);
        var evaluator = new NetworkPolicyEvaluator(rendered.Objects);
        NetworkPod Of(string component) => pods.First(p => ReleaseNetwork.Component(p) == component);
        var worker = new NetworkPod("worker", "airflow", new Dictionary<string, string> { ["component"] = "worker" }, []);
        var scheduler = worker with { Name = "scheduler", Labels = new Dictionary<string, string> { ["component"] = "scheduler" } };
        var ingress = new NetworkPod("controller", "ingress-nginx", new Dictionary<string, string> { ["app"] = "nginx" }, []);

        using var scope = new AssertionScope();
        evaluator.Allows(worker, Of("connect"), 15002).Should().BeTrue();
        evaluator.Allows(worker, Of("connect"), 4040).Should().BeTrue();
        evaluator.Allows(worker, Of("connect"), 7078).Should().BeFalse();
        evaluator.Allows(scheduler, Of("connect"), 15002).Should().BeFalse("only the selected pods");
        evaluator.Allows(ingress, Of("jupyter"), 8888).Should().BeTrue();
        evaluator.Allows(ingress, Of("history-server"), 18080).Should().BeTrue();
        evaluator.Allows(ingress, Of("minio"), 9001).Should().BeTrue();
        evaluator.Allows(ingress, Of("minio"), 9000).Should().BeFalse("the S3 API is no UI");
        evaluator.Allows(ingress, Of("connect"), 15002).Should().BeFalse("gRPC is for connectClients");
    }

    [Fact]
    public async Task External_s3_and_database_are_reached_through_their_cidrs_on_their_ports_only()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(ValuesYaml: """
            minio: {enabled: false}
            postgresql: {enabled: false}
            s3: {endpoint: "https://s3.eu-central-1.amazonaws.com", credentials: {existingSecret: s3}}
            metastore: {externalDatabase: {host: db.example.invalid, port: 6432, existingSecret: db}}
            networkPolicy:
              egress:
                s3Cidrs: [52.219.0.0/16]
                databaseCidrs: [10.20.0.0/16]
            """));
        var pods = ReleaseNetwork.Pods(rendered);
        var evaluator = new NetworkPolicyEvaluator(rendered.Objects);
        NetworkPod Of(string component) => pods.First(p => ReleaseNetwork.Component(p) == component);

        using var scope = new AssertionScope();
        evaluator.Allows(Of("executor"), Destination.To("52.219.1.1"), 443).Should().BeTrue();
        evaluator.Allows(Of("executor"), Destination.To("52.219.1.1"), 80).Should().BeFalse();
        evaluator.Allows(Of("metastore"), Destination.To("10.20.3.4"), 6432).Should().BeTrue();
        evaluator.Allows(Of("executor"), Destination.To("10.20.3.4"), 6432).Should().BeFalse("executors may not reach the database");
        evaluator.Allows(Of("jupyter"), Destination.To("10.20.3.4"), 6432).Should().BeFalse("Jupyter may not reach the database");
        evaluator.Allows(Of("metastore"), Destination.To("10.21.3.4"), 6432).Should().BeFalse("outside databaseCidrs");
    }

    [Fact]
    public async Task Extra_egress_reaches_the_components_it_names()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(ValuesYaml: """
            networkPolicy:
              extraEgress:
                - {components: [executor], cidrs: [10.30.0.0/16], ports: [8443]}
            """));
        var pods = ReleaseNetwork.Pods(rendered);
        var evaluator = new NetworkPolicyEvaluator(rendered.Objects);
        NetworkPod Of(string component) => pods.First(p => ReleaseNetwork.Component(p) == component);

        evaluator.Allows(Of("executor"), Destination.To("10.30.1.1"), 8443).Should().BeTrue();
        evaluator.Allows(Of("connect"), Destination.To("10.30.1.1"), 8443).Should().BeFalse();
    }

    [Fact]
    public async Task Disabled_network_policies_render_none_and_everything_is_open()
    {
        var rendered = await ChartRender.RenderAsync(RenderInput.Version("4.1", "networkPolicy.enabled=false"));

        rendered.OfKind("NetworkPolicy").Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Policies_select_by_instance_and_component_and_the_default_deny_every_pod_of_the_release(string version)
    {
        var rendered = await RenderEverythingAsync(version);
        var policies = rendered.OfKind("NetworkPolicy").ToList();
        var deny = policies.Single(p => p.Labels[Rendered.ComponentLabel] == "default-deny");
        var denySelector = Selector.Parse((JsonObject)deny.Body["spec"]!["podSelector"]!);

        ((JsonArray)deny.Body["spec"]!["policyTypes"]!).Select(t => (string?)t).Should().Equal("Ingress", "Egress");
        deny.Body["spec"]!["ingress"].Should().BeNull();
        deny.Body["spec"]!["egress"].Should().BeNull();
        ReleaseNetwork.Pods(rendered).Should().OnlyContain(p => denySelector.Matches(p.Labels), "the executor pod template carries the labels too");
        foreach (var policy in policies.Where(p => p != deny))
        {
            var labels = policy.Body["spec"]!["podSelector"]!["matchLabels"]!.AsObject().Select(l => l.Key);
            labels.Should().BeEquivalentTo([Rendered.InstanceLabel, Rendered.ComponentLabel], policy.DisplayName);
        }
    }

    [Fact]
    public async Task Executor_pod_template_leaves_the_blockmanager_port_to_spark()
    {
        // Spark adds the "blockmanager" containerPort from spark.blockManager.port to every executor container
        // (BasicExecutorFeatureStep); a template port of the same name would be a duplicate the API server refuses.
        var rendered = await ChartRender.RenderAsync("4.1");

        rendered.ExecutorPodTemplate.Containers().SelectMany(c => PodSpecs.Items(c, "ports")).Should().BeEmpty();
        rendered.SparkDefaults("connect")["spark.blockManager.port"].Should().Be("7079");
        rendered.ExecutorPodTemplate.PodLabels().Should().Contain(Rendered.ComponentLabel, "executor").And.Contain(Rendered.InstanceLabel, "spark");
    }
}
