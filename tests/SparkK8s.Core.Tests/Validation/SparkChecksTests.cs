using FluentAssertions;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Spark;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

public class SparkChecksTests
{
    private static IReadOnlyList<Finding> Check(string yaml, string version = "4.1") =>
        SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(RenderFixtures.Parse(yaml).Documents), version, KnownSparkProperties.For(version)));

    private const string ExecutorTemplate = """
          executor-pod-template.yaml: |
            apiVersion: v1
            kind: Pod
            spec:
              containers:
                - name: spark-executor
                  resources:
                    limits:
                      memory: 2Gi
        """;

    private static string ConnectConf(string conf, string extraDocuments = "") =>
        RenderFixtures.ConnectConfigMap(conf, ExecutorTemplate) + "\n" + extraDocuments;

    private const string GoodConf = """
        spark.master k8s://https://kubernetes.default.svc
        spark.executor.memory 1g
        spark.dynamicAllocation.enabled true
        spark.dynamicAllocation.shuffleTracking.enabled true
        """;

    private const string Rbac = """
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: connect
          labels: {"app.kubernetes.io/component": connect}
        spec:
          template:
            spec:
              serviceAccountName: connect
              containers: [{name: connect, image: spark}]
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: connect}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: connect}
        rules:
          - apiGroups: [""]
            resources: [pods]
            verbs: [create, delete, get, list, watch]
          - apiGroups: [""]
            resources: [configmaps]
            verbs: [create, delete]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: connect}
        roleRef: {kind: Role, name: connect, apiGroup: rbac.authorization.k8s.io}
        subjects: [{kind: ServiceAccount, name: connect}]

        """;

    [Fact]
    public void A_good_configuration_has_no_findings()
    {
        // The fixture's server has no client token: SPK060 (ConnectAuthenticationChecksTests) is the one finding left.
        Check(ConnectConf(GoodConf, Rbac)).Select(f => f.Id).Should().Equal("SPK060");
    }

    [Fact]
    public void SPK001_fires_when_memory_plus_overhead_exceeds_the_template_limit()
    {
        var findings = Check(ConnectConf(GoodConf + "\nspark.executor.memory 2g", Rbac));

        findings.Should().ContainSingle(f => f.Id == "SPK001").Which.Message.Should().Contain("2048Mi memory + 384Mi overhead");
    }

    [Fact]
    public void SPK001_fires_on_a_limit_range_maximum()
    {
        const string limitRange = "---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: lr}\nspec:\n  limits:\n    - type: Container\n      max: {memory: 1Gi}\n";

        Check(ConnectConf(GoodConf, Rbac + limitRange)).Should().ContainSingle(f => f.Id == "SPK001" && f.Object == "LimitRange/lr");
    }

    [Fact]
    public void SPK002_fires_when_dynamic_allocation_has_no_shuffle_tracking_or_service()
    {
        var findings = Check(ConnectConf(GoodConf.Replace("shuffleTracking.enabled true", "shuffleTracking.enabled false", StringComparison.Ordinal), Rbac));

        findings.Should().ContainSingle(f => f.Id == "SPK002").Which.Severity.Should().Be(Severity.Error);
    }

    [Fact]
    public void SPK002_uses_the_version_default_of_shuffle_tracking_and_accepts_decommissioning()
    {
        var unset = GoodConf.Replace("\nspark.dynamicAllocation.shuffleTracking.enabled true", string.Empty, StringComparison.Ordinal);

        Check(ConnectConf(unset, Rbac), "3.5").Should().NotContain(f => f.Id == "SPK002", "tracking defaults to true since Spark 3.4");
        Check(ConnectConf(unset, Rbac), "4.1").Should().NotContain(f => f.Id == "SPK002");
        var disabled = unset + "\nspark.dynamicAllocation.shuffleTracking.enabled false";
        Check(ConnectConf(disabled, Rbac), "3.5").Should().ContainSingle(f => f.Id == "SPK002");
        Check(ConnectConf(disabled + "\nspark.decommission.enabled true", Rbac), "3.5").Should().NotContain(f => f.Id == "SPK002");
    }

    [Theory]
    [InlineData("512m", "1g", false)]
    [InlineData("512m", "896m", false)]
    [InlineData("512m", "895m", true)]
    [InlineData("1g", "512m", true)]
    public void SPK007_fires_when_the_overhead_leaves_the_JVM_less_than_384_MiB_beside_python_workers(string pyspark, string overhead, bool fires)
    {
        var conf = GoodConf.Replace("\nspark.executor.memoryOverhead ", "\nspark.executor.unused ", StringComparison.Ordinal)
            + $"\nspark.executor.pyspark.memory {pyspark}\nspark.executor.memoryOverhead {overhead}";

        var findings = Check(ConnectConf(conf, Rbac)).Where(f => f.Id == "SPK007").ToList();

        if (fires)
        {
            findings.Should().ContainSingle().Which.Message.Should().Contain("does not add to executor pods");
        }
        else
        {
            findings.Should().BeEmpty();
        }
    }

    [Fact]
    public void SPK007_is_quiet_for_python_applications_whose_pods_include_the_python_memory()
    {
        var conf = GoodConf + "\nspark.executor.pyspark.memory 2g\nspark.kubernetes.resource.type python";

        Check(ConnectConf(conf, Rbac)).Should().NotContain(f => f.Id == "SPK007");
    }

    [Theory]
    [InlineData("3.3", false)]
    [InlineData("3.4", true)]
    [InlineData("3.5", true)]
    [InlineData("4.1", true)]
    [InlineData("4.1.2", true)]
    public void Shuffle_tracking_default_follows_the_Spark_version(string version, bool expected)
    {
        DynamicAllocationShuffleCheck.TrackingIsOnByDefault(version).Should().Be(expected);
    }

    [Fact]
    public void SPK003_fires_when_the_history_server_reads_another_directory_or_is_missing()
    {
        const string events = "\nspark.eventLog.enabled true\nspark.eventLog.dir s3a://events/spark-events";
        const string history = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hs\n  labels: {\"app.kubernetes.io/component\": history-server}\ndata:\n  spark-defaults.conf: |\n    spark.history.fs.logDirectory s3a://events/other\n" +
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hs\n  labels: {\"app.kubernetes.io/component\": history-server}\nspec:\n  template:\n    spec:\n      containers: [{name: hs, image: spark}]\n";

        Check(ConnectConf(GoodConf + events, Rbac + history)).Should().ContainSingle(f => f.Id == "SPK003" && f.Severity == Severity.Error)
            .Which.Message.Should().Contain("s3a://events/other");
        Check(ConnectConf(GoodConf + events, Rbac)).Should().ContainSingle(f => f.Id == "SPK003" && f.Severity == Severity.Warning);
        Check(ConnectConf(GoodConf + events, Rbac + history.Replace("events/other", "events/spark-events/", StringComparison.Ordinal)))
            .Should().NotContain(f => f.Id == "SPK003");
    }

    [Fact]
    public void SPK003_fires_when_the_s3_endpoints_differ()
    {
        const string events = "\nspark.eventLog.enabled true\nspark.eventLog.dir s3a://events/e\nspark.hadoop.fs.s3a.endpoint http://minio:9000";
        const string history = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hs\n  labels: {\"app.kubernetes.io/component\": history-server}\ndata:\n  spark-defaults.conf: |\n    spark.history.fs.logDirectory s3a://events/e\n    spark.hadoop.fs.s3a.endpoint https://s3.amazonaws.com\n" +
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hs\n  labels: {\"app.kubernetes.io/component\": history-server}\nspec:\n  template:\n    spec:\n      containers: [{name: hs, image: spark}]\n";

        Check(ConnectConf(GoodConf + events, Rbac + history)).Should().ContainSingle(f => f.Id == "SPK003").Which.Message.Should().Contain("endpoint");
    }

    [Fact]
    public void SPK004_fires_when_connect_has_no_rbac_for_pods()
    {
        var findings = Check(ConnectConf(GoodConf, Rbac.Replace("verbs: [create, delete, get, list, watch]", "verbs: [get]", StringComparison.Ordinal)));

        findings.Should().ContainSingle(f => f.Id == "SPK004").Which.Message.Should().Contain("pods create/delete/list/watch");
    }

    [Fact]
    public void SPK004_requires_configmaps_create_unless_executor_config_maps_are_disabled()
    {
        var noConfigMaps = Rbac.Replace("resources: [configmaps]", "resources: [secrets]", StringComparison.Ordinal);

        Check(ConnectConf(GoodConf, noConfigMaps)).Should().ContainSingle(f => f.Id == "SPK004").Which.Message.Should().Contain("configmaps create");
        Check(ConnectConf(GoodConf + "\nspark.kubernetes.executor.disableConfigMap true", noConfigMaps)).Should().NotContain(f => f.Id == "SPK004");
    }

    [Fact]
    public void SPK005_flags_placeholders_as_warnings_including_base64_secret_data()
    {
        const string secret = "---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  password: Q0hBTkdFLU1F\n";

        var findings = Check(ConnectConf(GoodConf + "\nspark.hadoop.fs.s3a.endpoint https://s3.example.invalid", Rbac + secret));

        findings.Where(f => f.Id == "SPK005").Should().HaveCount(2).And.OnlyContain(f => f.Severity == Severity.Warning);
    }

    [Fact]
    public void SPK006_suggests_the_closest_known_property()
    {
        var findings = Check(ConnectConf(GoodConf + "\nspark.dynamicAllocation.maxExecutor 4\nspark.mycompany.custom x", Rbac));

        findings.Should().ContainSingle(f => f.Id == "SPK006" && f.Severity == Severity.Error)
            .Which.Message.Should().Contain("did you mean 'spark.dynamicAllocation.maxExecutors'");
        findings.Should().ContainSingle(f => f.Id == "SPK006" && f.Severity == Severity.Warning).Which.Message.Should().Contain("spark.mycompany.custom");
    }

    [Fact]
    public void SPK006_knows_version_specific_properties()
    {
        var conf = ConnectConf(GoodConf + "\nspark.executor.minMemoryOverhead 512m", Rbac);

        Check(conf, "4.1").Should().NotContain(f => f.Id == "SPK006");
        Check(conf, "3.5").Should().Contain(f => f.Id == "SPK006");
    }

    [Theory]
    [InlineData("jupyter-connect-k8s", "3.5")]
    [InlineData("jupyter-connect-k8s", "4.1")]
    public async Task The_full_preset_has_no_spark_findings(string preset, string version)
    {
        // Existing Secrets, as staging and prod require: generated ones are SPK030 (tested on its own below).
        string[] sets =
        [
            $"spark.version={version}", "s3.credentials.existingSecret=s3", "s3.credentials.spark.existingSecret=s3-spark",
            "s3.credentials.historyServer.existingSecret=s3-history", "postgresql.auth.existingSecret=pg", "jupyter.token.existingSecret=jt",
            "connect.auth.existingSecret=ct", "connect.rpcAuth.existingSecret=rpc",
        ];
        var objects = await TestHelm.RenderAsync([$"presets/{preset}.yaml"], sets, cancellationToken: TestContext.Current.CancellationToken);
        var documents = objects.Select(o => new RenderedDocument(string.Empty, o)).ToList();

        var findings = SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(documents), version, KnownSparkProperties.For(version))).ToList();

        // Spark 3.5 has no Connect authentication (SPK060), and its spark-connect jar has no SHA-256 pin yet (SPK021,
        // values.yaml spark.releases."3.5".extraJars): those warnings, and nothing else.
        findings.Select(f => f.Id).Distinct().Order().Should().Equal(version == "3.5" ? ["SPK021", "SPK060"] : Array.Empty<string>());
    }

    [Fact]
    public void SPK030_flags_each_generated_secret_with_the_values_key_that_replaces_it()
    {
        const string secrets = """
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: generated
              annotations: {"spark-k8s.io/generated-secret": postgresql.auth.existingSecret}
            data: {password: eHh4}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: user-made}
            data: {password: eHh4}
            """;

        var findings = Check(ConnectConf(GoodConf, Rbac + secrets)).Where(f => f.Id == "SPK030").ToList();

        findings.Should().ContainSingle().Which.Object.Should().Be("Secret/generated");
        findings[0].Severity.Should().Be(Severity.Warning);
        findings[0].Fix.Should().Contain("postgresql.auth.existingSecret");
    }

    [Fact]
    public async Task SPK017_flags_the_prod_project_images_until_their_repositories_are_set()
    {
        async Task<IReadOnlyList<Finding>> Spk017(params string[] sets)
        {
            var objects = await TestHelm.RenderAsync(["presets/jupyter-connect-k8s.yaml", "environments/prod.yaml"], sets, cancellationToken: TestContext.Current.CancellationToken);
            var documents = objects.Select(o => new RenderedDocument(string.Empty, o)).ToList();
            return SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(documents), "4.1", KnownSparkProperties.For("4.1"))).Where(f => f.Id == "SPK017").ToList();
        }

        var flagged = await Spk017();
        flagged.Should().Contain(f => f.Object.StartsWith("CronJob/", StringComparison.Ordinal), "the backups use the tools image");
        flagged.Select(f => f.Object).Should().Contain(["Deployment/spark-spark-k8s-connect", "Deployment/spark-spark-k8s-metastore", "Deployment/spark-spark-k8s-jupyter"],
            "prod runs the project's Spark, metastore and Jupyter images, which must be built and pushed first");
        flagged.Should().OnlyContain(f => f.Fix.Contains("images/build.sh", StringComparison.Ordinal));
        (await Spk017(
            "backup.image.repository=registry.example.com/platform/spark-k8s-tools",
            "connect.image.repository=registry.example.com/platform/spark",
            "historyServer.image.repository=registry.example.com/platform/spark",
            "metastore.image.repository=registry.example.com/platform/metastore",
            "jupyter.image.repository=registry.example.com/platform/jupyter")).Should().BeEmpty();
    }

    [Fact]
    public async Task SPK095_flags_a_traced_jvm_on_an_upstream_image_without_the_agent()
    {
        async Task<List<string>> Spk095(params string[] sets)
        {
            var objects = await TestHelm.RenderAsync(["presets/jupyter-connect-k8s.yaml", "environments/staging.yaml"],
                sets, cancellationToken: TestContext.Current.CancellationToken);
            var documents = objects.Select(o => new RenderedDocument(string.Empty, o)).ToList();
            return SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(documents), "4.1", KnownSparkProperties.For("4.1")))
                .Where(f => f.Id == "SPK095").Select(f => f.Object).ToList();
        }

        // The project's images carry the agent: nothing to report.
        (await Spk095("tracing.enabled=true")).Should().BeEmpty();
        // Upstream images do not: the Connect driver (and its executor template) and the metastore would not start.
        (await Spk095("tracing.enabled=true", "connect.image.repository=apache/spark", "metastore.image.repository=docker.io/apache/hive"))
            .Should().Contain(o => o.Contains("connect", StringComparison.Ordinal)).And.Contain(o => o.Contains("metastore", StringComparison.Ordinal));
        // The operator injects its own agent; tracing off attaches none.
        (await Spk095("tracing.enabled=true", "tracing.mode=operator", "connect.image.repository=apache/spark")).Should().BeEmpty();
        (await Spk095("connect.image.repository=apache/spark")).Should().BeEmpty();
    }

    [Theory]
    [InlineData("apache/spark:4.1.2-scala2.13-java21-python3-ubuntu", true)]
    [InlineData("docker.io/apache/hive:3.1.3@sha256:0123", true)]
    [InlineData("spark-k8s/spark:4.1.2", false)]
    [InlineData("registry.example.com/apache/spark:4.1.2", false)]
    [InlineData("localhost:5000/apache/spark", false)]
    public void SPK095_knows_the_upstream_images(string image, bool upstream) =>
        TracingAgentImageCheck.IsUpstream(image).Should().Be(upstream);
}
