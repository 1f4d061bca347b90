using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Manifests;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>The Spark Standalone backend: master, workers, and the Connect server running its executors on them.</summary>
public class StandaloneTests
{
    private const string Standalone = "standalone.enabled=true";
    private const string Backend = "connect.backend=standalone";

    public static TheoryData<string> Versions() => ChartRender.Versions();

    private static Task<Rendered> StandaloneAsync(string version, params string[] sets) =>
        ChartRender.RenderAsync(version, [Standalone, Backend, .. sets]);

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Connect_runs_its_driver_in_client_mode_against_the_release_master(string version)
    {
        var rendered = await StandaloneAsync(version);
        var conf = rendered.SparkDefaults("connect");
        var master = rendered.Single("Service", "standalone-master");

        conf["spark.master"].Should().Be($"spark://{master.Name}:7077");
        conf["spark.submit.deployMode"].Should().Be("client");
        conf["spark.dynamicAllocation.enabled"].Should().Be("true");
        conf["spark.dynamicAllocation.shuffleTracking.enabled"].Should().Be("true");
        conf.Should().NotContainKey("spark.shuffle.service.enabled");
        // maxExecutors (4) x spark.executor.cores (1): without it a standalone application takes every core.
        conf["spark.cores.max"].Should().Be("4");
        conf.Keys.Should().NotContain(k => k.StartsWith("spark.kubernetes.", StringComparison.Ordinal));
        rendered.Single("ConfigMap", "connect").Body["data"]!.AsObject().Select(p => p.Key).Should().Equal("spark-defaults.conf");
        master.Body["spec"]!["ports"]!.AsArray().Select(p => ((string?)p!["name"], (long?)p["port"])).Should().Equal(("rpc", 7077L), ("ui", 8080L));
    }

    [Fact]
    public async Task Static_allocation_caps_cores_at_the_configured_executors()
    {
        var rendered = await StandaloneAsync("4.1", "connect.dynamicAllocation.enabled=false", "connect.executor.instances=3", "connect.executor.cores=2",
            "standalone.worker.cores=4");

        rendered.SparkDefaults("connect")["spark.cores.max"].Should().Be("6");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Standalone_mode_has_no_executor_rbac_and_no_api_token(string version)
    {
        var rendered = await StandaloneAsync(version);

        rendered.OfKind("Role").Concat(rendered.OfKind("RoleBinding")).Should().BeEmpty();
        rendered.Single("ServiceAccount", "connect").Should().NotBeNull();
        var connect = rendered.Single("Deployment", "connect");
        ((bool?)connect.PodSpec!["automountServiceAccountToken"]).Should().BeFalse();
        connect.Container("spark-connect")["args"]!.AsArray().Select(a => (string?)a).Should()
            .NotContain(a => a!.Contains("spark.kubernetes.driver.pod.name"), "spark.kubernetes.driver.pod.name is a k8s-backend setting");
        rendered.WithComponent("executor").Should().BeEmpty();

        var k8s = await ChartRender.RenderAsync(version, Standalone);
        k8s.Single("Role", "connect").Should().NotBeNull("the k8s backend still creates executor pods");
        ((bool?)k8s.Single("Deployment", "connect").PodSpec!["automountServiceAccountToken"]).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Master_is_one_replica_with_filesystem_recovery_on_a_volume(string version)
    {
        var rendered = await StandaloneAsync(version);
        var master = rendered.Single("StatefulSet", "standalone-master");
        var container = master.Container("spark-master");

        ((long?)master.Body["spec"]!["replicas"]).Should().Be(1);
        master.Body["spec"]!["volumeClaimTemplates"]!.AsArray().Select(v => (string?)v!["metadata"]!["name"]).Should().Equal("recovery");
        container["volumeMounts"]!.AsArray().Should().Contain(m => (string?)m!["name"] == "recovery" && (string?)m["mountPath"] == "/recovery");
        var conf = rendered.SparkDefaults("standalone-master");
        conf["spark.deploy.recoveryMode"].Should().Be("FILESYSTEM");
        conf["spark.deploy.recoveryDirectory"].Should().Be("/recovery");
        Words(container, "command").Should().Equal("/usr/bin/tini", "-s", "--", "/opt/spark/bin/spark-class", "org.apache.spark.deploy.master.Master");
        ((string?)container["readinessProbe"]!["tcpSocket"]!["port"]).Should().Be("rpc");
        ((string?)container["livenessProbe"]!["httpGet"]!["path"]).Should().Be("/json");

        var off = await StandaloneAsync(version, "standalone.master.recovery.enabled=false");
        off.Single("StatefulSet", "standalone-master").Body["spec"]!["volumeClaimTemplates"].Should().BeNull();
        off.SparkDefaults("standalone-master").Should().NotContainKey("spark.deploy.recoveryMode");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Workers_offer_cores_and_memory_with_a_cleaned_size_limited_work_dir(string version)
    {
        var rendered = await StandaloneAsync(version);
        var worker = rendered.Single("Deployment", "standalone-worker");
        var container = worker.Container("spark-worker");
        var master = rendered.Single("Service", "standalone-master");

        ((long?)worker.Body["spec"]!["replicas"]).Should().Be(2);
        Words(container, "command").Should().Equal("/usr/bin/tini", "-s", "--", "/opt/spark/bin/spark-class", "org.apache.spark.deploy.worker.Worker");
        Words(container, "args").Should().Equal($"spark://{master.Name}:7077");
        Env(container, "SPARK_WORKER_CORES").Should().Be("2");
        Env(container, "SPARK_WORKER_DIR").Should().Be("/opt/spark/work");
        var work = worker.PodSpec!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "work")!;
        ((string?)work["emptyDir"]!["sizeLimit"]).Should().Be("20Gi");
        var conf = rendered.SparkDefaults("standalone-worker");
        conf["spark.worker.cleanup.enabled"].Should().Be("true");
        conf["spark.worker.cleanup.interval"].Should().Be("1800");
        conf["spark.worker.cleanup.appDataTtl"].Should().Be("86400");
        ((string?)container["readinessProbe"]!["httpGet"]!["path"]).Should().Be("/json");
        PodSpecs.Items(container, "ports").Select(p => ((string?)p["name"], (long?)p["containerPort"])).Should().Equal(("rpc", 7078L), ("ui", 8081L));
    }

    [Theory]
    // Default: 8Gi - 512m worker heap - 512m headroom = 7168Mi; each executor 2g heap + 1g overhead (512m + 512m pyspark)
    // -> 2 fit by memory, 2 by cores (2 / 1) -> 2 x 2048Mi heap.
    [InlineData(new string[0], "4096m")]
    // One core: one executor.
    [InlineData(new[] { "standalone.worker.cores=1" }, "2048m")]
    // 5Gi: 4096Mi left -> one 3Gi executor fits; 2 cores allow 2, memory allows 1.
    [InlineData(new[] { "standalone.worker.resources.limits.memory=5Gi", "standalone.worker.resources.requests.memory=5Gi" }, "2048m")]
    // An explicit value is used as it is (SPK042 checks it).
    [InlineData(new[] { "standalone.worker.memory=3g" }, "3072m")]
    // No executor of this size fits: everything left is offered, and SPK041/SPK042 report it.
    [InlineData(new[] { "connect.executor.memory=8g" }, "7168m")]
    public async Task Worker_memory_leaves_room_for_the_worker_heap_and_executor_overhead(string[] sets, string expected)
    {
        var rendered = await StandaloneAsync("4.1", sets);

        Env(rendered.Single("Deployment", "standalone-worker").Container("spark-worker"), "SPARK_WORKER_MEMORY").Should().Be(expected);
    }

    [Fact]
    public async Task Worker_autoscaler_targets_the_worker_deployment()
    {
        var rendered = await StandaloneAsync("4.1", "standalone.worker.autoscaling.enabled=true", "standalone.worker.replicas=3", "standalone.worker.autoscaling.maxReplicas=9");
        var hpa = rendered.Single("HorizontalPodAutoscaler", "standalone-worker");
        var worker = rendered.Single("Deployment", "standalone-worker");

        hpa.ApiVersion.Should().Be("autoscaling/v2");
        ((string?)hpa.Body["spec"]!["scaleTargetRef"]!["name"]).Should().Be(worker.Name);
        ((long?)hpa.Body["spec"]!["minReplicas"]).Should().Be(3);
        ((long?)hpa.Body["spec"]!["maxReplicas"]).Should().Be(9);
        worker.Body["spec"]!["replicas"].Should().BeNull("the autoscaler owns the replica count");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Master_and_workers_are_restricted_with_a_read_only_root(string version)
    {
        var rendered = await StandaloneAsync(version);

        using var scope = new AssertionScope();
        foreach (var workload in new[] { rendered.Single("StatefulSet", "standalone-master"), rendered.Single("Deployment", "standalone-worker") })
        {
            ((bool?)workload.PodSpec!["automountServiceAccountToken"]).Should().BeFalse(workload.DisplayName);
            var container = workload.Containers().First();
            ((bool?)container["securityContext"]!["readOnlyRootFilesystem"]).Should().BeTrue(workload.DisplayName);
            container["volumeMounts"]!.AsArray().Should().Contain(m => (string?)m!["mountPath"] == "/tmp", workload.DisplayName);
        }
    }

    public static TheoryData<string, string> SchemaRenders() => new()
    {
        { "3.5", "" },
        { "4.1", "standalone.worker.autoscaling.enabled=true" },
        { "4.1", "standalone.master.recovery.enabled=false" },
    };

    [Theory]
    [MemberData(nameof(SchemaRenders))]
    public async Task Standalone_objects_match_the_kubernetes_schema(string version, string set)
    {
        var rendered = await StandaloneAsync(version, set.Length == 0 ? [] : [set]);

        rendered.Objects.SelectMany(KubeSchema.Validate).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_k8s_release_and_a_standalone_release_share_a_namespace_without_collisions(string version)
    {
        var k8s = await ChartRender.RenderAsync(new RenderInput(["presets/jupyter-connect-k8s.yaml"], [$"spark.version={version}"], Release: "onk8s", Namespace: "shared"));
        var standalone = await ChartRender.RenderAsync(new RenderInput(["presets/jupyter-connect-standalone.yaml"], [$"spark.version={version}"], Release: "onsa", Namespace: "shared"));
        var objects = k8s.Objects.Concat(standalone.Objects).ToList();

        objects.GroupBy(o => (o.Kind, o.Name)).Where(g => g.Count() > 1).Select(g => g.Key).Should().BeEmpty();
        var pods = k8s.PodWorkloads.Concat(standalone.PodWorkloads).Select(w => w.PodLabels()).ToList();
        using var scope = new AssertionScope();
        foreach (var service in objects.Where(o => o.Kind == "Service"))
        {
            var selector = service.Body["spec"]!["selector"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value);
            var matched = pods.Where(labels => selector.All(s => labels.GetValueOrDefault(s.Key) == s.Value)).ToList();
            matched.Should().NotBeEmpty(service.DisplayName);
            matched.Should().OnlyContain(labels => labels[Rendered.InstanceLabel] == service.Labels[Rendered.InstanceLabel]
                && labels[Rendered.ComponentLabel] == service.Labels[Rendered.ComponentLabel], service.DisplayName);
        }

        standalone.SparkDefaults("connect")["spark.master"].Should().Contain("onsa-");
    }

    private const string Scheduling = """
        spark:
          executorScheduling:
            nodeSelector: {pool: spot}
            tolerations: [{key: spot, operator: Exists, effect: NoSchedule}]
            affinity:
              nodeAffinity:
                preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 1
                    preference: {matchExpressions: [{key: zone, operator: In, values: [a]}]}
            priorityClassName: batch-low
            topologySpreadConstraints:
              - maxSkew: 2
                topologyKey: topology.kubernetes.io/zone
          decommission:
            enabled: true
        """;

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Scheduling_controls_reach_the_executor_pod_template_only(string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: [$"spark.version={version}"], ValuesYaml: Scheduling));
        var spec = rendered.ExecutorPodTemplate.PodSpec!;

        ((string?)spec["nodeSelector"]!["pool"]).Should().Be("spot");
        ((string?)spec["tolerations"]![0]!["key"]).Should().Be("spot");
        spec["affinity"]!["nodeAffinity"].Should().NotBeNull();
        ((string?)spec["priorityClassName"]).Should().Be("batch-low");
        var spread = spec["topologySpreadConstraints"]![0]!;
        ((long?)spread["maxSkew"]).Should().Be(2);
        ((string?)spread["whenUnsatisfiable"]).Should().Be("ScheduleAnyway");
        ((string?)spread["labelSelector"]!["matchLabels"]![Rendered.ComponentLabel]).Should().Be("executor");
        ((string?)spread["labelSelector"]!["matchLabels"]![Rendered.InstanceLabel]).Should().Be("spark");
        ((long?)spec["terminationGracePeriodSeconds"]).Should().Be(90);
        KubeSchema.Validate(rendered.ExecutorPodTemplate).Should().BeEmpty();

        var server = rendered.Single("Deployment", "connect").PodSpec!;
        server["nodeSelector"].Should().BeNull("the driver stays off spot nodes");
        server["priorityClassName"].Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Decommissioning_migrates_shuffle_and_rdd_blocks_with_an_s3_fallback(string version)
    {
        var rendered = await ChartRender.RenderAsync(version, "spark.decommission.enabled=true");
        var conf = rendered.SparkDefaults("connect");

        conf["spark.decommission.enabled"].Should().Be("true");
        conf["spark.storage.decommission.enabled"].Should().Be("true");
        conf["spark.storage.decommission.shuffleBlocks.enabled"].Should().Be("true");
        conf["spark.storage.decommission.rddBlocks.enabled"].Should().Be("true");
        conf["spark.storage.decommission.fallbackStorage.path"].Should().Be("s3a://spark-warehouse/spark-fallback/spark/spark-spark-k8s/");
        conf["spark.storage.decommission.fallbackStorage.cleanUp"].Should().Be("true");

        var off = await ChartRender.RenderAsync(version);
        off.SparkDefaults("connect").Keys.Should().NotContain(k => k.Contains("decommission", StringComparison.Ordinal));
        off.ExecutorPodTemplate.PodSpec!["terminationGracePeriodSeconds"].Should().BeNull();
    }

    [Fact]
    public async Task YuniKorn_gets_the_scheduler_name_queue_label_and_app_id_annotation()
    {
        var rendered = await ChartRender.RenderAsync("4.1", "spark.executorScheduling.batchScheduler.name=yunikorn", "spark.executorScheduling.batchScheduler.queue=root.spark");
        var conf = rendered.SparkDefaults("connect");

        conf["spark.kubernetes.scheduler.name"].Should().Be("yunikorn");
        conf["spark.kubernetes.executor.label.queue"].Should().Be("root.spark");
        conf["spark.kubernetes.executor.annotation.yunikorn.apache.org/app-id"].Should().Be("{{APP_ID}}");
    }

    private static List<string?> Words(JsonObject container, string field) =>
        container[field]!.AsArray().Select(w => (string?)w).ToList();

    private static string? Env(JsonObject container, string name) => (string?)container.EnvVar(name)["value"];
}
