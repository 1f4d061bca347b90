using FluentAssertions;
using SparkK8s.Core.Planning;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>SPK040-SPK045 and the standalone capacity of the plan, on hand-written renders.</summary>
public class StandaloneChecksTests
{
    private static IReadOnlyList<Finding> Check(string yaml, string version = "4.1") =>
        SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(RenderFixtures.Parse(yaml).Documents), version, KnownSparkProperties.For(version)));

    private static IReadOnlyList<Finding> Ids(string yaml, params string[] ids) => Check(yaml).Where(f => ids.Contains(f.Id)).ToList();

    private static string ConnectConf(string executor = "spark.executor.cores 1\nspark.executor.memory 2g\nspark.executor.memoryOverhead 1024m", string extra = "") =>
        RenderFixtures.ConnectConfigMap($"""
            spark.master spark://rel-standalone-master:7077
            spark.submit.deployMode client
            {executor}
            spark.dynamicAllocation.enabled true
            spark.dynamicAllocation.shuffleTracking.enabled true
            spark.dynamicAllocation.maxExecutors 4
            spark.cores.max 4
            {extra}
            """);

    private const string MasterService = """

        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: rel-standalone-master
          labels: {app.kubernetes.io/component: standalone-master}
        spec:
          selector: {app.kubernetes.io/component: standalone-master}
          ports: [{name: rpc, port: 7077}, {name: ui, port: 8080}]
        """;

    private static string Worker(string cores = "2", string memory = "4096m", string limit = "8Gi", int replicas = 2, string daemon = "512m") => $$"""

        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: rel-standalone-worker
          labels: {app.kubernetes.io/component: standalone-worker}
        spec:
          replicas: {{replicas}}
          template:
            spec:
              containers:
                - name: spark-worker
                  image: apache/spark:4.1.2
                  command: [/usr/bin/tini, -s, --, /opt/spark/bin/spark-class, org.apache.spark.deploy.worker.Worker]
                  args: [spark://rel-standalone-master:7077]
                  env:
                    - {name: SPARK_WORKER_CORES, value: "{{cores}}"}
                    - {name: SPARK_WORKER_MEMORY, value: "{{memory}}"}
                    - {name: SPARK_DAEMON_MEMORY, value: "{{daemon}}"}
                  resources:
                    requests: {cpu: "2", memory: {{limit}}}
                    limits: {memory: {{limit}}}
        """;

    private static readonly string Good = ConnectConf() + MasterService + Worker();

    [Fact]
    public void A_fitting_standalone_cluster_has_no_standalone_findings()
    {
        Ids(Good, "SPK040", "SPK041", "SPK042", "SPK043", "SPK004").Should().BeEmpty();
    }

    [Fact]
    public void SPK040_fires_when_the_master_service_is_not_rendered()
    {
        var findings = Ids(ConnectConf() + Worker(), "SPK040");

        findings.Should().ContainSingle().Which.Message.Should().Contain("no Service 'rel-standalone-master'");
        findings[0].Severity.Should().Be(Severity.Error);
        findings[0].Field.Should().Contain("spark.master");
    }

    [Fact]
    public void SPK040_fires_when_the_master_service_lacks_the_port()
    {
        var render = ConnectConf() + MasterService.Replace("port: 7077", "port: 7000", StringComparison.Ordinal) + Worker();

        Ids(render, "SPK040").Should().ContainSingle().Which.Message.Should().Contain("no port 7077");
    }

    [Fact]
    public void SPK041_fires_when_an_executor_needs_more_cores_than_a_worker_has()
    {
        var findings = Ids(ConnectConf("spark.executor.cores 4\nspark.executor.memory 2g") + MasterService + Worker(cores: "2"), "SPK041");

        findings.Should().ContainSingle().Which.Message.Should().Contain("4 cores").And.Contain("offers 2");
        findings[0].Field.Should().Contain("SPARK_WORKER_CORES");
    }

    [Fact]
    public void SPK041_fires_when_an_executor_heap_exceeds_the_worker_memory()
    {
        var findings = Ids(ConnectConf("spark.executor.cores 1\nspark.executor.memory 6g") + MasterService + Worker(memory: "4g"), "SPK041");

        findings.Should().ContainSingle().Which.Message.Should().Contain("6144Mi").And.Contain("4096Mi");
    }

    [Fact]
    public void SPK042_fires_when_executor_overhead_does_not_fit_the_container()
    {
        // 7g offered -> 2 executors by cores; 512Mi + 2 x (2048 + 1024) = 6656Mi > 6Gi.
        var findings = Ids(ConnectConf() + MasterService + Worker(memory: "7g", limit: "6Gi"), "SPK042");

        findings.Should().ContainSingle().Which.Message.Should().Contain("6656Mi").And.Contain("2 executors");
        findings[0].Field.Should().EndWith("resources.limits.memory");
    }

    [Fact]
    public void SPK042_checks_worker_memory_against_the_limit_without_a_connect_server()
    {
        Ids(MasterService + Worker(memory: "8g", limit: "8Gi"), "SPK042").Should().ContainSingle()
            .Which.Message.Should().Contain("SPARK_WORKER_MEMORY");
        Ids(MasterService + Worker(memory: "7g", limit: "8Gi"), "SPK042").Should().BeEmpty();
    }

    [Fact]
    public void SPK043_warns_when_cores_max_or_max_executors_exceed_the_workers()
    {
        var render = ConnectConf(extra: "spark.cores.max 16").Replace("spark.dynamicAllocation.maxExecutors 4", "spark.dynamicAllocation.maxExecutors 8", StringComparison.Ordinal)
            + MasterService + Worker();
        var findings = Ids(render, "SPK043");

        findings.Should().HaveCount(2).And.OnlyContain(f => f.Severity == Severity.Warning);
        findings.Should().Contain(f => f.Message.Contains("spark.cores.max 16", StringComparison.Ordinal) && f.Message.Contains("4 cores", StringComparison.Ordinal));
        findings.Should().Contain(f => f.Message.Contains("maxExecutors 8", StringComparison.Ordinal) && f.Message.Contains("fit 4 executors", StringComparison.Ordinal));
    }

    [Fact]
    public void SPK043_counts_the_autoscaler_maximum()
    {
        var render = ConnectConf().Replace("spark.dynamicAllocation.maxExecutors 4", "spark.dynamicAllocation.maxExecutors 8", StringComparison.Ordinal)
            + MasterService + Worker() + """

            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: rel-standalone-worker}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: rel-standalone-worker}
              minReplicas: 2
              maxReplicas: 4
            """;

        Ids(render, "SPK043").Should().BeEmpty();
    }

    [Fact]
    public void SPK004_does_not_ask_for_executor_rbac_on_a_standalone_master()
    {
        Ids(Good, "SPK004").Should().BeEmpty();
    }

    [Theory]
    [InlineData("spark.storage.decommission.enabled true", "spark.decommission.enabled")]
    [InlineData("spark.decommission.enabled true\nspark.storage.decommission.shuffleBlocks.enabled true", "spark.storage.decommission.enabled")]
    [InlineData("spark.decommission.enabled true\nspark.storage.decommission.rddBlocks.enabled true", "spark.storage.decommission.enabled")]
    [InlineData("spark.storage.decommission.fallbackStorage.path s3a://b/p/", "fallback storage")]
    public void SPK044_warns_about_decommission_settings_that_do_nothing(string conf, string named)
    {
        var findings = Ids(RenderFixtures.ConnectConfigMap("spark.master k8s://https://kubernetes.default.svc\n" + conf), "SPK044");

        findings.Should().NotBeEmpty().And.OnlyContain(f => f.Severity == Severity.Warning);
        findings.Should().Contain(f => f.Message.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void SPK044_accepts_complete_decommissioning()
    {
        Ids(RenderFixtures.ConnectConfigMap("""
            spark.decommission.enabled true
            spark.storage.decommission.enabled true
            spark.storage.decommission.shuffleBlocks.enabled true
            spark.storage.decommission.rddBlocks.enabled true
            spark.storage.decommission.fallbackStorage.path s3a://b/p/
            """), "SPK044").Should().BeEmpty();
    }

    [Fact]
    public void SPK044_refuses_a_fallback_path_without_a_trailing_slash()
    {
        var findings = Ids(RenderFixtures.ConnectConfigMap("""
            spark.decommission.enabled true
            spark.storage.decommission.enabled true
            spark.storage.decommission.fallbackStorage.path s3a://b/p
            """), "SPK044");

        findings.Should().ContainSingle().Which.Severity.Should().Be(Severity.Error);
        findings[0].Message.Should().Contain("does not end with '/'");
    }

    private const string VolcanoStep = "org.apache.spark.deploy.k8s.features.VolcanoFeatureStep";

    [Fact]
    public void SPK045_refuses_volcano_for_a_client_mode_driver()
    {
        var findings = Ids(RenderFixtures.ConnectConfigMap($"""
            spark.submit.deployMode client
            spark.kubernetes.scheduler.name volcano
            spark.kubernetes.executor.pod.featureSteps {VolcanoStep}
            """), "SPK045");

        findings.Should().ContainSingle().Which.Severity.Should().Be(Severity.Error);
        findings[0].Message.Should().Contain("PodGroup");
    }

    [Fact]
    public void SPK045_warns_about_volcano_without_the_feature_step_and_accepts_cluster_mode_with_it()
    {
        Ids(RenderFixtures.ConnectConfigMap("spark.submit.deployMode cluster\nspark.kubernetes.scheduler.name volcano"), "SPK045")
            .Should().ContainSingle().Which.Severity.Should().Be(Severity.Warning);
        Ids(RenderFixtures.ConnectConfigMap($"spark.submit.deployMode cluster\nspark.kubernetes.scheduler.name volcano\nspark.kubernetes.executor.pod.featureSteps {VolcanoStep}"), "SPK045")
            .Should().BeEmpty();
    }

    [Theory]
    [InlineData("3.5")]
    [InlineData("4.1")]
    public void Standalone_daemon_and_decommission_properties_are_known(string version)
    {
        var known = KnownSparkProperties.For(version);

        foreach (var key in new[]
        {
            "spark.deploy.recoveryMode", "spark.deploy.recoveryDirectory", "spark.worker.cleanup.enabled", "spark.worker.cleanup.interval",
            "spark.worker.cleanup.appDataTtl", "spark.cores.max", "spark.decommission.enabled", "spark.storage.decommission.enabled",
            "spark.storage.decommission.shuffleBlocks.enabled", "spark.storage.decommission.rddBlocks.enabled",
            "spark.storage.decommission.fallbackStorage.path", "spark.storage.decommission.fallbackStorage.cleanUp", "spark.kubernetes.scheduler.name",
            "spark.kubernetes.executor.label.queue", "spark.kubernetes.executor.annotation.yunikorn.apache.org/app-id",
        })
        {
            known.IsKnown(key).Should().BeTrue(key);
        }
    }

    [Fact]
    public void Plan_shows_worker_capacity_and_how_many_executors_fit()
    {
        var manifest = RenderFixtures.Parse(ConnectConf("spark.executor.cores 1\nspark.executor.memory 1g") + MasterService + Worker(cores: "4", memory: "3g", replicas: 3));
        var plan = PlanBuilder.Build(manifest, new ValidationRun("p", null, "4.1", [], manifest.Documents.Count, null));

        plan.Standalone.Should().NotBeNull();
        var s = plan.Standalone!;
        (s.MinWorkers, s.MaxWorkers, s.CoresPerWorker).Should().Be((3, 3, 4));
        s.MemoryPerWorkerBytes.Should().Be(3L * 1024 * 1024 * 1024);
        // 4 cores allow 4 executors of 1 core, 3g allows 3 of 1g: memory decides.
        s.ExecutorsPerWorker.Should().Be(3);
        s.ExecutorsAtMaxWorkers.Should().Be(9);
    }

    [Fact]
    public void Plan_counts_autoscaled_workers_at_the_autoscaler_minimum()
    {
        var render = ConnectConf() + MasterService + Worker().Replace("  replicas: 2\n", string.Empty, StringComparison.Ordinal) + """

            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: rel-standalone-worker}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: rel-standalone-worker}
              minReplicas: 3
              maxReplicas: 5
            """;
        var manifest = RenderFixtures.Parse(render);
        var plan = PlanBuilder.Build(manifest, new ValidationRun("p", null, "4.1", [], manifest.Documents.Count, null));

        plan.Workloads.Single(w => w.Name == "rel-standalone-worker").Replicas.Should().Be(3);
        (plan.Standalone!.MinWorkers, plan.Standalone.MaxWorkers).Should().Be((3, 5));
        plan.PlatformTotal.MemoryLimit.Should().Be(3m * 8 * 1024 * 1024 * 1024);
    }

    [Fact]
    public void Plan_has_no_standalone_section_without_workers()
    {
        var manifest = RenderFixtures.Parse(RenderFixtures.ConnectConfigMap("spark.executor.memory 1g"));

        PlanBuilder.Build(manifest, new ValidationRun("p", null, "4.1", [], manifest.Documents.Count, null)).Standalone.Should().BeNull();
    }
}
