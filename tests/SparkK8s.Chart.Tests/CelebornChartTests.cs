using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// Apache Celeborn remote shuffle (issue 14 §2): the masters' Raft group and the workers' volumes, ports that agree between
/// celeborn-defaults.conf, containers, Services and policies, the Spark client properties of every application, the client
/// jar per Spark line, the refusals, and the process and shutdown facts of the apache/celeborn v0.7.0 image and scripts.
/// </summary>
public class CelebornChartTests
{
    private const string Prefix = "spark-spark-k8s-";
    private const string On = "celeborn.enabled=true";
    private const string Master = Prefix + "celeborn-master";
    private const string Worker = Prefix + "celeborn-worker";

    private static Task<Rendered> RenderAsync(string version, params string[] sets) => ChartRender.RenderAsync(version, [On, .. sets]);

    /// <summary>celeborn-defaults.conf: "key value" lines.</summary>
    private static Dictionary<string, string> ServerConf(Rendered rendered) =>
        ((string)rendered.Single("ConfigMap", "celeborn").Body["data"]!["celeborn-defaults.conf"]!)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ', 2)).ToDictionary(p => p[0], p => p[1]);

    private static Dictionary<string, long> ContainerPorts(KubeObject workload, string container) =>
        PodSpecs.Items(workload.Container(container), "ports").ToDictionary(p => (string)p["name"]!, p => (long)p["containerPort"]!);

    private static Dictionary<string, long> ServicePorts(KubeObject service) =>
        service.Body["spec"]!["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => (long)p!["port"]!);

    private static long Replicas(KubeObject workload) => (long)workload.Body["spec"]!["replicas"]!;

    private static string Script(KubeObject workload, string container) => (string)workload.Container(container)["args"]!.AsArray().Last()!;

    [Fact]
    public async Task Off_by_default_and_the_applications_keep_spark_shuffle()
    {
        var rendered = await ChartRender.RenderAsync("4.1");

        rendered.Objects.Where(o => o.Labels.GetValueOrDefault(Rendered.ComponentLabel)?.StartsWith("celeborn", StringComparison.Ordinal) == true).Should().BeEmpty();
        var conf = rendered.SparkDefaults("connect");
        conf.Keys.Should().NotContain(k => k.StartsWith("spark.celeborn.", StringComparison.Ordinal));
        conf.Should().NotContainKey("spark.shuffle.manager");
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task Three_masters_form_one_raft_group_named_by_the_headless_service(string version)
    {
        var rendered = await RenderAsync(version);
        var masters = rendered.Single("StatefulSet", "celeborn-master");
        var service = rendered.Single("Service", "celeborn-master");
        var conf = ServerConf(rendered);

        using var scope = new AssertionScope();
        masters.Name.Should().Be(Master);
        Replicas(masters).Should().Be(3);
        ((string?)masters.Body["spec"]!["serviceName"]).Should().Be(service.Name);
        ((string?)masters.Body["spec"]!["podManagementPolicy"]).Should().Be("Parallel", "a Raft group elects a leader only with a majority up");
        ((string?)service.Body["spec"]!["clusterIP"]).Should().Be("None");
        ((bool?)service.Body["spec"]!["publishNotReadyAddresses"]).Should().BeTrue("peers must resolve each other before any is ready");
        conf["celeborn.master.ha.enabled"].Should().Be("true");
        var hosts = Enumerable.Range(0, 3).Select(i => $"{Master}-{i}.{service.Name}.spark.svc").ToList();
        for (var i = 0; i < 3; i++)
        {
            conf[$"celeborn.master.ha.node.{i}.host"].Should().Be(hosts[i]);
            conf[$"celeborn.master.ha.node.{i}.port"].Should().Be(ServicePorts(service)["rpc"].ToString(System.Globalization.CultureInfo.InvariantCulture));
            conf[$"celeborn.master.ha.node.{i}.ratis.port"].Should().Be(ServicePorts(service)["ratis"].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        conf.Keys.Should().NotContain("celeborn.master.ha.node.3.host");
        var endpoints = string.Join(',', hosts.Select(h => $"{h}:9097"));
        conf["celeborn.master.endpoints"].Should().Be(endpoints);
        conf["celeborn.master.internal.endpoints"].Should().Be(endpoints);
        conf["celeborn.master.ha.ratis.raft.server.storage.dir"].Should().Be("/mnt/ratis");
        masters.Container("celeborn-master")["volumeMounts"]!.AsArray().Should().Contain(m => (string?)m!["mountPath"] == "/mnt/ratis" && (string?)m["name"] == "ratis");
        ((string?)masters.Body["spec"]!["volumeClaimTemplates"]![0]!["metadata"]!["name"]).Should().Be("ratis");
        // Each master names its own node id: its pod ordinal.
        Script(masters, "celeborn-master").Should().Contain("-Dceleborn.master.ha.node.id=${POD_NAME##*-}").And.Contain($"self=\"${{POD_NAME}}.{service.Name}.${{POD_NAMESPACE}}.svc\"");
        rendered.Single("PodDisruptionBudget", "celeborn-master").Body["spec"]!["maxUnavailable"]!.GetValue<long>().Should().Be(1, "a drain must keep two of three masters, a Raft majority");
    }

    [Fact]
    public async Task One_master_runs_without_raft_and_binds_its_dns_name()
    {
        var rendered = await RenderAsync("4.1", "celeborn.master.replicas=1");
        var masters = rendered.Single("StatefulSet", "celeborn-master");

        ServerConf(rendered)["celeborn.master.ha.enabled"].Should().Be("false");
        ServerConf(rendered).Keys.Should().NotContain(k => k.StartsWith("celeborn.master.ha.node.", StringComparison.Ordinal));
        ContainerPorts(masters, "celeborn-master").Keys.Should().BeEquivalentTo(["rpc", "http"]);
        ServicePorts(rendered.Single("Service", "celeborn-master")).Keys.Should().BeEquivalentTo(["rpc", "http"]);
        Script(masters, "celeborn-master").Should().Contain("exec /opt/celeborn/sbin/start-master.sh --host \"$self\"");
        rendered.WithComponent("celeborn-master").Where(o => o.Kind == "PodDisruptionBudget").Should().BeEmpty("a budget on one replica would block every drain");
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task Ports_agree_between_the_config_the_containers_and_the_services(string version)
    {
        var rendered = await RenderAsync(version);
        var conf = ServerConf(rendered);
        var master = rendered.Single("StatefulSet", "celeborn-master");
        var worker = rendered.Single("StatefulSet", "celeborn-worker");
        var masterPorts = ContainerPorts(master, "celeborn-master");
        var workerPorts = ContainerPorts(worker, "celeborn-worker");

        using var scope = new AssertionScope();
        masterPorts.Should().BeEquivalentTo(new Dictionary<string, long> { ["rpc"] = 9097, ["ratis"] = 9872, ["http"] = 9098 });
        ServicePorts(rendered.Single("Service", "celeborn-master")).Should().BeEquivalentTo(masterPorts);
        conf["celeborn.master.port"].Should().Be("9097");
        conf["celeborn.master.http.port"].Should().Be("9098");
        // Celeborn's defaults for these are 0 (a random port, docs/configuration/worker.md); graceful shutdown refuses a 0.
        workerPorts.Should().BeEquivalentTo(new Dictionary<string, long> { ["rpc"] = 9094, ["push"] = 9091, ["fetch"] = 9092, ["replicate"] = 9093, ["http"] = 9096 });
        foreach (var name in new[] { "rpc", "push", "fetch", "replicate", "http" })
        {
            conf[$"celeborn.worker.{name}.port"].Should().Be(workerPorts[name].ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        ServicePorts(rendered.Single("Service", "celeborn-worker")).Should().BeEquivalentTo(workerPorts);
        ((string?)rendered.Single("Service", "celeborn-worker").Body["spec"]!["clusterIP"]).Should().Be("None");
        // Probes on the HTTP port's /ping (ApiBaseResource answers "pong").
        foreach (var (workload, container) in new[] { (master, "celeborn-master"), (worker, "celeborn-worker") })
        {
            foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
            {
                ((string?)workload.Container(container)[probe]!["httpGet"]!["path"]).Should().Be("/ping");
                ((string?)workload.Container(container)[probe]!["httpGet"]!["port"]).Should().Be("http");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Workers_keep_shuffle_data_on_their_own_claims(int disks)
    {
        var rendered = await RenderAsync("4.1", $"celeborn.worker.storage.disks={disks}", "celeborn.worker.storage.size=200Gi", "celeborn.worker.storage.storageClass=fast-ssd");
        var worker = rendered.Single("StatefulSet", "celeborn-worker");
        var claims = worker.Body["spec"]!["volumeClaimTemplates"]!.AsArray();
        var dirs = Enumerable.Range(1, disks).Select(i => $"/mnt/disk{i}").ToList();

        using var scope = new AssertionScope();
        Replicas(worker).Should().Be(3);
        claims.Select(c => (string?)c!["metadata"]!["name"]).Should().Equal(Enumerable.Range(1, disks).Select(i => $"disk{i}"));
        claims.Should().OnlyContain(c => (string?)c!["spec"]!["resources"]!["requests"]!["storage"] == "200Gi" && (string?)c["spec"]!["storageClassName"] == "fast-ssd");
        var mounts = worker.Container("celeborn-worker")["volumeMounts"]!.AsArray().ToDictionary(m => (string)m!["mountPath"]!, m => (string)m!["name"]!);
        foreach (var (dir, i) in dirs.Select((d, i) => (d, i)))
        {
            mounts[dir].Should().Be($"disk{i + 1}");
        }

        ServerConf(rendered)["celeborn.worker.storage.dirs"].Should().Be(string.Join(',', dirs.Select(d => $"{d}:capacity=200Gi:disktype=SSD")));
        ServerConf(rendered)["celeborn.worker.graceful.shutdown.recoverPath"].Should().StartWith("/mnt/disk1/", "the recovery DB must outlive the pod");
    }

    [Fact]
    public async Task Tini_is_pid_1_and_the_worker_shuts_down_gracefully_within_the_grace_period()
    {
        var rendered = await RenderAsync("4.1", "celeborn.worker.gracefulShutdown.timeoutSeconds=900");
        var conf = ServerConf(rendered);

        using var scope = new AssertionScope();
        foreach (var (component, container, script) in new[] { ("celeborn-master", "celeborn-master", "start-master.sh"), ("celeborn-worker", "celeborn-worker", "start-worker.sh") })
        {
            var workload = rendered.Single("StatefulSet", component);
            var c = workload.Container(container);
            c["command"]!.AsArray().Select(w => (string?)w).Should().Equal("/usr/bin/tini", "--");
            ((string?)c.EnvVar("CELEBORN_NO_DAEMONIZE")["value"]).Should().Be("true", "without it sbin/celeborn-daemon.sh starts the JVM in the background");
            ((string?)c.EnvVar("CELEBORN_LOG_DIR")["value"]).Should().StartWith("/tmp/");
            ((string?)c.EnvVar("CELEBORN_PID_DIR")["value"]).Should().StartWith("/tmp/");
            Script(workload, container).Split('\n').Last(l => l.Trim().Length > 0).Trim().Should().StartWith($"exec /opt/celeborn/sbin/{script}");
            var words = c["command"]!.AsArray().Concat(c["args"]!.AsArray()).Select(w => (string)w!).ToList();
            JavaProcessExecCheck.Problem(words, celebornForeground: true).Should().BeNull();
            JavaProcessExecCheck.Problem(words, celebornForeground: false).Should().Contain("CELEBORN_NO_DAEMONIZE");
        }

        var worker = rendered.Single("StatefulSet", "celeborn-worker");
        ((long?)worker.PodSpec!["terminationGracePeriodSeconds"]).Should().Be(930);
        conf["celeborn.worker.graceful.shutdown.enabled"].Should().Be("true");
        conf["celeborn.worker.graceful.shutdown.timeout"].Should().Be("900s");
        conf["celeborn.worker.graceful.shutdown.checkSlotsFinished.timeout"].Should().Be("720s");
        conf["celeborn.network.bind.preferIpAddress"].Should().Be("false", "a restarted worker must come back under the same name");
        Script(worker, "celeborn-worker").Should().Contain("--host \"$self\"");
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task Every_application_shuffles_through_the_masters_without_shuffle_tracking(string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: ["presets/batch-submit.yaml"],
            Sets: [$"spark.version={version}", On, "connect.enabled=true", "connect.dynamicAllocation.enabled=true", "connect.sparkConf.spark\\.celeborn\\.client\\.push\\.replicate\\.enabled=false"]));
        var endpoints = string.Join(',', Enumerable.Range(0, 3).Select(i => $"{Master}-{i}.{Master}.spark.svc:9097"));
        var jobConfs = rendered.OfKind("ConfigMap").Where(c => c.Labels.ContainsKey("spark-k8s.io/job") && c.Body["data"]?["spark-defaults.conf"] is not null)
            .Select(c => SparkDefaultsFile.Parse((string)c.Body["data"]!["spark-defaults.conf"]!)).ToList();
        jobConfs.Should().NotBeEmpty();

        using var scope = new AssertionScope();
        foreach (var conf in jobConfs.Prepend(rendered.SparkDefaults("connect")))
        {
            conf["spark.shuffle.manager"].Should().Be("org.apache.spark.shuffle.celeborn.SparkShuffleManager");
            conf["spark.celeborn.master.endpoints"].Should().Be(endpoints);
            conf["spark.shuffle.service.enabled"].Should().Be("false");
            conf["spark.shuffle.sort.io.plugin.class"].Should().Be("org.apache.spark.shuffle.celeborn.CelebornShuffleDataIO");
            conf["spark.dynamicAllocation.shuffleTracking.enabled"].Should().Be("false", "the component map overrides the chart's tracking default");
            conf["spark.celeborn.client.shuffle.manager.port"].Should().Be("9099");
            conf["spark.serializer"].Should().Be("org.apache.spark.serializer.KryoSerializer");
        }

        rendered.SparkDefaults("connect")["spark.dynamicAllocation.enabled"].Should().Be("true");
        rendered.SparkDefaults("connect")["spark.celeborn.client.push.replicate.enabled"].Should().Be("false", "the user's sparkConf wins");
        jobConfs.Should().OnlyContain(c => c["spark.celeborn.client.push.replicate.enabled"] == "true");
        ContainerPorts(rendered.Single("Deployment", "connect"), "spark-connect")["celeborn"].Should().Be(9099);
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task The_client_jar_is_the_lines_celeborn_client_at_the_servers_release(string version)
    {
        var line = ChartValues.Release(version);
        var jars = line["componentJars"]!["celeborn"]!.AsArray();
        var scala = (string)line["scalaVersion"]!;
        var major = version.Split('.')[0];
        var rendered = await RenderAsync(version);
        var fetch = rendered.Single("Deployment", "connect").InitContainers().Single(c => (string?)c["name"] == "fetch-jars");

        jars.Should().ContainSingle();
        ((string)jars[0]!["coordinate"]!).Should().Be($"org.apache.celeborn:celeborn-client-spark-{major}-shaded_{scala}:0.7.0");
        ((string)jars[0]!["coordinate"]!).Should().EndWith(":" + (string)ChartValues.All["celeborn"]!["image"]!["tag"]!, "client and servers come from one Celeborn release");
        // The init container's JARS entry: the Maven repository path of that coordinate (unpinned while sha256 is null).
        var artifact = $"celeborn-client-spark-{major}-shaded_{scala}";
        ((string?)fetch.EnvVar("JARS")["value"]).Should().Contain($"org/apache/celeborn/{artifact}/0.7.0/{artifact}-0.7.0.jar@");
    }

    public static TheoryData<string, string, string> Refusals() => new()
    {
        {
            "celeborn: {enabled: true}\nspark: {version: \"4.1\", releases: {\"4.1\": {componentJars: {celeborn: []}}}}",
            "spark.releases.\"4.1\".componentJars.celeborn is empty", "Celeborn supports the lines 3.5"
        },
        { "celeborn: {enabled: true, master: {replicas: 2}}", "celeborn.master.replicas", "use 1, 3, 5 or 7" },
        { "celeborn: {enabled: true, worker: {replicas: 1}}", "celeborn.client.replicate", "celeborn.worker.replicas >= 2" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Combinations_that_cannot_work_are_refused_with_the_key_named(string values, string key, string hint)
    {
        (await ChartRender.RenderErrorAsync(new RenderInput(ValuesYaml: values))).Should().Contain(key).And.Contain(hint);
    }

    public static TheoryData<string, string> WrongValues() => new()
    {
        // values YAML, path of the offending key as JSON-pointer segments
        { "celeborn: {enabled: true, worker: {storage: {diskType: NVME}}}", "celeborn/worker/storage/diskType" },
        { "celeborn: {enabled: true, worker: {storage: {size: 100G}}}", "celeborn/worker/storage/size" },
        { "celeborn: {enabled: true, worker: {storage: {disks: 0}}}", "celeborn/worker/storage/disks" },
        { "celeborn: {enabled: true, master: {heap: 1 GB}}", "celeborn/master/heap" },
        { "celeborn: {enabled: true, master: {replicas: 0}}", "celeborn/master/replicas" },
        { "celeborn: {enabled: true, client: {lifecycleManagerPort: 0}}", "celeborn/client/lifecycleManagerPort" },
        { "celeborn: {enabled: true, worker: {gracefulShutdown: {timeoutSeconds: 1}}}", "celeborn/worker/gracefulShutdown/timeoutSeconds" },
        { "celeborn: {enabled: true, worker: {disk: 1}}", "celeborn/worker" },
    };

    [Theory]
    [MemberData(nameof(WrongValues))]
    public async Task The_schema_rejects_bad_celeborn_values_with_the_key_path(string values, string path)
    {
        var error = await ChartRender.RenderErrorAsync(new RenderInput(ValuesYaml: values));

        // Helm 3 names dotted paths, Helm 4 JSON pointers.
        error.Should().Match(e => e.Contains(path.Replace('/', '.') + ":") || e.Contains("'/" + path + "'"), $"the error names {path}: {error}");
    }

    [Fact]
    public async Task One_worker_without_replication_renders()
    {
        var rendered = await RenderAsync("4.1", "celeborn.worker.replicas=1", "celeborn.client.replicate=false");

        Replicas(rendered.Single("StatefulSet", "celeborn-worker")).Should().Be(1);
        rendered.SparkDefaults("connect")["spark.celeborn.client.push.replicate.enabled"].Should().Be("false");
    }

    [Fact]
    public async Task With_monitoring_both_services_are_scraped_on_the_http_port()
    {
        var rendered = await RenderAsync("4.1", "monitoring.enabled=true");

        foreach (var component in new[] { "celeborn-master", "celeborn-worker" })
        {
            var endpoint = rendered.Single("ServiceMonitor", component).Body["spec"]!["endpoints"]![0]!;
            ((string?)endpoint["port"]).Should().Be("http");
            ((string?)endpoint["path"]).Should().Be("/metrics/prometheus");
        }
    }
}
