using FluentAssertions;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>SPK008-SPK017: what Kubernetes, Helm and the JVM would reject or regret, found in the rendered objects.</summary>
public class ManifestChecksTests
{
    private static IReadOnlyList<Finding> Check(string yaml, string version = "4.1") =>
        SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(RenderFixtures.Parse(yaml).Documents), version, KnownSparkProperties.For(version)));

    private static IReadOnlyList<Finding> Only(string id, string yaml) => Check(yaml).Where(f => f.Id == id).ToList();

    private static string Deployment(string name, string component, string containers) => $"""
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          namespace: spark
          labels: {"{"}"app.kubernetes.io/component": {component}, "app.kubernetes.io/instance": spark{"}"}
        spec:
          template:
            spec:
              containers:
        {RenderFixtures.Indent(containers, 8)}
        """;

    private const string ConnectConf = """
        spark.master k8s://https://kubernetes.default.svc
        spark.driver.memory 2g
        spark.dynamicAllocation.enabled true
        spark.dynamicAllocation.shuffleTracking.enabled true
        spark.dynamicAllocation.minExecutors 0
        spark.dynamicAllocation.maxExecutors 4
        """;

    private static string Connect(string limit, string conf = ConnectConf) =>
        RenderFixtures.ConnectConfigMap(conf) + Deployment("connect", "connect", $$$"""
            - name: spark-connect
              image: apache/spark:4.1.2-scala2.13-java21-python3-ubuntu
              command: [/opt/spark/sbin/start-connect-server.sh]
              resources: {limits: {memory: {{{limit}}}}}
            """);

    [Theory]
    [InlineData("3Gi", false)]
    [InlineData("2432Mi", false)]
    [InlineData("2431Mi", true)]
    [InlineData("2Gi", true)]
    public void SPK008_counts_the_driver_heap_plus_sparks_driver_overhead(string limit, bool fires)
    {
        var findings = Only("SPK008", Connect(limit));

        if (fires)
        {
            findings.Should().ContainSingle().Which.Should().Match<Finding>(f =>
                f.Object == "Deployment/connect" && f.Field == "spec.template.spec.containers[0].resources.limits.memory"
                && f.Message.Contains("2048Mi + 384Mi overhead") && f.Fix.Contains("connect.driver.memory"));
        }
        else
        {
            findings.Should().BeEmpty();
        }
    }

    [Theory]
    [InlineData("SPARK_DAEMON_MEMORY", "2g", "1Gi", true)]
    [InlineData("SPARK_DAEMON_MEMORY", "512m", "1Gi", false)]
    [InlineData(null, null, "512Mi", true)]
    public void SPK008_reads_the_history_server_heap_from_SPARK_DAEMON_MEMORY_with_its_1g_default(string? env, string? value, string limit, bool fires)
    {
        var envBlock = env is null ? "[]" : $"[{{name: {env}, value: \"{value}\"}}]";
        var yaml = Deployment("hs", "history-server", $$$"""
            - name: history-server
              image: apache/spark:4.1.2-scala2.13-java21-python3-ubuntu
              command: [/opt/spark/bin/spark-class, org.apache.spark.deploy.history.HistoryServer]
              env: {{{envBlock}}}
              resources: {limits: {memory: {{{limit}}}}}
            """);

        Only("SPK008", yaml).Should().HaveCount(fires ? 1 : 0);
    }

    [Theory]
    [InlineData("-Xmx1g -Dx=1", "1536Mi", false)]
    [InlineData("-Xmx2g -Dx=$(DB_PASSWORD)", "1536Mi", true)]
    [InlineData("-Xmx512m -Xmx4g", "2Gi", true)]
    public void SPK008_reads_the_last_Xmx_of_the_metastore_options(string options, string limit, bool fires)
    {
        var yaml = Deployment("metastore", "metastore", $$$"""
            - name: metastore
              image: apache/hive:4.0.1
              env: [{name: SERVICE_OPTS, value: "{{{options}}}"}]
              resources: {limits: {memory: {{{limit}}}}}
            """);

        Only("SPK008", yaml).Should().HaveCount(fires ? 1 : 0);
    }

    [Theory]
    [InlineData("1000Mi", true)]
    [InlineData("1536Mi", false)]
    public void SPK008_counts_the_1g_default_heap_of_the_apache_hive_entrypoint(string limit, bool fires)
    {
        var yaml = Deployment("metastore", "metastore", $$$"""
            - name: metastore
              image: apache/hive:4.0.1
              env: [{name: SERVICE_NAME, value: metastore}]
              resources: {limits: {memory: {{{limit}}}}}
            """);

        Only("SPK008", yaml).Should().HaveCount(fires ? 1 : 0);
    }

    [Fact]
    public void SPK008_reads_HADOOP_HEAPSIZE_in_MiB()
    {
        var yaml = Deployment("metastore", "metastore", """
            - name: metastore
              image: apache/hive:4.0.1
              env: [{name: HADOOP_HEAPSIZE, value: "4096"}]
              resources: {limits: {memory: 2Gi}}
            """);

        Only("SPK008", yaml).Should().ContainSingle().Which.Message.Should().Contain("HADOOP_HEAPSIZE=4096");
    }

    [Fact]
    public void SPK009_fires_when_a_request_is_above_its_limit()
    {
        var yaml = Deployment("minio", "minio", """
            - name: minio
              image: minio/minio:RELEASE.2025-09-07T16-13-09Z
              resources: {requests: {cpu: "2", memory: 2Gi}, limits: {cpu: 1500m, memory: 2Gi}}
            """);

        Only("SPK009", yaml).Should().ContainSingle().Which.Should().Match<Finding>(f =>
            f.Field == "spec.template.spec.containers[0].resources.requests.cpu" && f.Message.Contains("1500m"));
    }

    [Theory]
    [InlineData("4XB", "is not a Kubernetes Quantity")]
    [InlineData("-1G", "is negative")]
    [InlineData("1.5.5Gi", "is not a Kubernetes Quantity")]
    public void SPK010_fires_on_invalid_quantities_in_containers_claims_and_empty_dirs(string quantity, string message)
    {
        var yaml = Deployment("pg", "postgresql", $$$"""
            - name: pg
              image: postgres:17.6
              resources: {requests: {memory: "{{{quantity}}}"}}
            """) + $$$"""

            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data, namespace: spark}
            spec: {resources: {requests: {storage: "{{{quantity}}}"} } }
            """;

        var findings = Only("SPK010", yaml);

        findings.Should().HaveCount(2).And.OnlyContain(f => f.Message.Contains(message));
        findings.Select(f => f.Field).Should().BeEquivalentTo("spec.template.spec.containers[0].resources.requests.memory", "spec.resources.requests.storage");
    }

    [Fact]
    public void SPK010_is_quiet_on_valid_quantities()
    {
        Only("SPK010", Connect("3Gi")).Should().BeEmpty();
    }

    [Theory]
    [InlineData("5", "4", true)]
    [InlineData("4", "4", false)]
    [InlineData("0", "0", true)]
    public void SPK011_fires_when_min_executors_exceed_max_or_max_is_zero(string min, string max, bool fires)
    {
        var conf = ConnectConf.Replace("minExecutors 0", $"minExecutors {min}", StringComparison.Ordinal)
            .Replace("maxExecutors 4", $"maxExecutors {max}", StringComparison.Ordinal);

        Only("SPK011", Connect("3Gi", conf)).Should().HaveCount(fires ? 1 : 0);
    }

    [Fact]
    public void SPK012_fires_on_a_container_port_used_twice_in_a_pod_and_a_service_port_used_twice()
    {
        var yaml = Deployment("connect", "connect", """
            - name: a
              image: apache/spark:4.1.2-scala2.13-java21-python3-ubuntu
              ports: [{name: grpc, containerPort: 15002}, {name: ui, containerPort: 4040}]
            - name: b
              image: apache/spark:4.1.2-scala2.13-java21-python3-ubuntu
              ports: [{name: other, containerPort: 4040}]
            """) + """

            ---
            apiVersion: v1
            kind: Service
            metadata: {name: connect, namespace: spark}
            spec:
              ports: [{name: grpc, port: 15002}, {name: ui, port: 15002}]
            """;

        var findings = Only("SPK012", yaml);

        findings.Should().HaveCount(2);
        findings.Should().Contain(f => f.Object == "Deployment/connect" && f.Field == "spec.template.spec.containers[1].ports[0].containerPort");
        findings.Should().Contain(f => f.Object == "Service/connect" && f.Field == "spec.ports[1].port");
    }

    [Fact]
    public void SPK013_fires_on_two_objects_with_the_same_kind_namespace_and_name()
    {
        const string cm = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: same, namespace: spark}\n";
        const string other = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: same, namespace: other}\n";

        Only("SPK013", cm + cm + other).Should().ContainSingle().Which.Message.Should().Contain("2 objects of kind ConfigMap");
    }

    [Theory]
    [InlineData("Spark_NS", "cm", "spark", "metadata.namespace")]
    [InlineData("spark", "Bad.Name", "spark", "metadata.name")]
    [InlineData("spark", "cm", "Release_1", "metadata.labels[app.kubernetes.io/instance]")]
    public void SPK014_fires_on_invalid_namespace_object_and_release_names(string ns, string name, string release, string field)
    {
        var yaml = $"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}, namespace: {ns}, labels: {{app.kubernetes.io/instance: {release}}}}}\n";

        Only("SPK014", yaml).Should().ContainSingle().Which.Field.Should().Be(field);
    }

    [Fact]
    public void SPK014_applies_the_label_rule_to_services_and_52_characters_to_cron_jobs()
    {
        var cron = "---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: " + new string('a', 53) + ", namespace: spark}\n";
        const string service = "---\napiVersion: v1\nkind: Service\nmetadata: {name: a.b, namespace: spark}\n";

        Only("SPK014", cron + service).Select(f => f.Object).Should().BeEquivalentTo("CronJob/" + new string('a', 53), "Service/a.b");
    }

    [Theory]
    [InlineData("minio/minio:4.1.2-scala2.13-java21-python3-ubuntu", true)]
    [InlineData("apache/hive:3.5.8-scala2.12-java17-python3-ubuntu", true)]
    [InlineData("apache/spark:4.1.2-scala2.13-java21-python3-ubuntu", false)]
    [InlineData("registry.example.com:5000/minio/minio:RELEASE.2025-09-07T16-13-09Z", false)]
    public void SPK015_fires_when_a_non_spark_image_has_a_spark_tag(string image, bool fires)
    {
        var yaml = Deployment("minio", "minio", $"- name: minio\n  image: {image}\n");

        Only("SPK015", yaml).Should().HaveCount(fires ? 1 : 0);
    }

    [Theory]
    [InlineData("org/apache/spark/spark-connect_2.12/3.5.8/spark-connect_2.12-3.5.8.jar@unpinned", true)]
    [InlineData("org/apache/hadoop/hadoop-aws/3.3.4/hadoop-aws-3.3.4.jar@53f9ae03c681a30a50aa17524bd9790ab596b28481858e54efd989a826ed3a4a", false)]
    public void SPK021_fires_on_a_downloaded_jar_without_a_sha256_pin(string entry, bool fires)
    {
        var yaml = Deployment("connect", "connect", $"- name: fetch-jars\n  image: apache/spark:3.5.8\n  env:\n    - {{name: JARS, value: \"{entry}\"}}\n");

        var findings = Only("SPK021", yaml);

        findings.Should().HaveCount(fires ? 1 : 0);
        findings.Count(f => f.Severity == Severity.Warning && f.Message.Contains("spark-connect_2.12-3.5.8.jar")).Should().Be(findings.Count);
    }

    [Theory]
    [InlineData("LoadBalancer", true)]
    [InlineData("NodePort", true)]
    [InlineData("ClusterIP", false)]
    public void SPK016_fires_on_a_connect_service_that_is_not_cluster_ip(string type, bool fires)
    {
        var yaml = $"---\napiVersion: v1\nkind: Service\nmetadata: {{name: connect, namespace: spark, labels: {{app.kubernetes.io/component: connect}}}}\nspec: {{type: {type}}}\n";

        // No Connect workload with a token in this fixture: an exposed Service is an error (ConnectAuthenticationChecksTests).
        Only("SPK016", yaml).Count(f => f.Severity == Severity.Error).Should().Be(fires ? 1 : 0);
    }

    [Theory]
    [InlineData("spark-k8s/tools:0.1.0", true)]
    [InlineData("docker.io/spark-k8s/tools:0.1.0", true)]
    [InlineData("registry.example.com/spark-k8s/tools:0.1.0", false)]
    public void SPK017_fires_on_the_unowned_spark_k8s_docker_hub_namespace(string image, bool fires)
    {
        var yaml = Deployment("backup", "backup", $"- name: backup\n  image: {image}\n");

        var findings = Only("SPK017", yaml);

        findings.Should().HaveCount(fires ? 1 : 0);
        findings.Count(f => f.Severity == Severity.Warning && f.Fix.Contains("backup.image.repository")).Should().Be(findings.Count);
    }

    [Fact]
    public void Every_check_has_a_unique_id_a_title_and_a_fix()
    {
        SparkChecks.All.Select(c => c.Id).Should().OnlyHaveUniqueItems();
        SparkChecks.All.Should().OnlyContain(c => c.Title.Length > 0 && c.Fix.Length > 0);
    }
}
