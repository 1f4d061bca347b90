using FluentAssertions;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>SPK115-SPK119 (Apache Celeborn shuffle), on hand-written renders shaped like the chart's.</summary>
public class CelebornChecksTests
{
    private const string Endpoints = "rel-celeborn-master-0.rel-celeborn-master.spark.svc:9097,rel-celeborn-master-1.rel-celeborn-master.spark.svc:9097,rel-celeborn-master-2.rel-celeborn-master.spark.svc:9097";

    private static readonly string[] CelebornIds = ["SPK115", "SPK116", "SPK117", "SPK118", "SPK119"];

    private static IReadOnlyList<Finding> Findings(string yaml, string version = "4.1") =>
        SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(RenderFixtures.Parse(yaml).Documents), version, KnownSparkProperties.For(version)))
            .Where(f => CelebornIds.Contains(f.Id)).ToList();

    /// <summary>The Connect server's conf as the chart renders it with celeborn.enabled and dynamic allocation.</summary>
    private static string Conf(string tracking = "false", string shuffleService = "false", string endpoints = Endpoints, string replicate = "true") =>
        RenderFixtures.ConnectConfigMap($"""
            spark.master k8s://https://kubernetes.default.svc
            spark.dynamicAllocation.enabled true
            spark.dynamicAllocation.shuffleTracking.enabled {tracking}
            spark.shuffle.manager org.apache.spark.shuffle.celeborn.SparkShuffleManager
            spark.shuffle.sort.io.plugin.class org.apache.spark.shuffle.celeborn.CelebornShuffleDataIO
            spark.shuffle.service.enabled {shuffleService}
            spark.celeborn.client.push.replicate.enabled {replicate}
            {(endpoints.Length > 0 ? $"spark.celeborn.master.endpoints {endpoints}" : string.Empty)}
            """);

    private static string Servers(int masters = 3, int workers = 3) => $$"""

        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: rel-celeborn-master
          labels: {app.kubernetes.io/component: celeborn-master}
        spec:
          clusterIP: None
          selector: {app.kubernetes.io/component: celeborn-master}
          ports: [{name: rpc, port: 9097}, {name: ratis, port: 9872}, {name: http, port: 9098}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: rel-celeborn-master
          labels: {app.kubernetes.io/component: celeborn-master}
        spec:
          replicas: {{masters}}
          serviceName: rel-celeborn-master
          template:
            spec:
              containers:
                - name: celeborn-master
                  image: apache/celeborn:0.7.0
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: rel-celeborn-worker
          labels: {app.kubernetes.io/component: celeborn-worker}
        spec:
          replicas: {{workers}}
          serviceName: rel-celeborn-worker
          template:
            spec:
              containers:
                - name: celeborn-worker
                  image: apache/celeborn:0.7.0
        """;

    [Fact]
    public void The_charts_celeborn_render_has_no_celeborn_findings()
    {
        Findings(Conf() + Servers()).Should().BeEmpty();
    }

    [Fact]
    public void An_application_without_celeborn_is_not_checked()
    {
        var conf = RenderFixtures.ConnectConfigMap("spark.dynamicAllocation.enabled true\nspark.shuffle.service.enabled true\nspark.celeborn.client.push.replicate.enabled true");

        Findings(conf + Servers(workers: 1)).Should().BeEmpty();
    }

    [Theory]
    [InlineData("true", "4.1")]
    [InlineData("true", "3.5")]
    public void SPK115_fires_on_shuffle_tracking_with_celeborn(string tracking, string version)
    {
        var findings = Findings(Conf(tracking: tracking) + Servers(), version);

        findings.Should().ContainSingle().Which.Should().Match<Finding>(f => f.Id == "SPK115" && f.Severity == Severity.Warning
            && f.Field.Contains("spark.dynamicAllocation.shuffleTracking.enabled") && f.Message.Contains("Celeborn"));
    }

    [Fact]
    public void SPK115_counts_unset_shuffle_tracking_as_on()
    {
        var conf = Conf().Replace("spark.dynamicAllocation.shuffleTracking.enabled false\n", string.Empty, StringComparison.Ordinal);

        Findings(conf + Servers()).Should().ContainSingle(f => f.Id == "SPK115").Which.Message.Should().Contain("unset");
    }

    [Fact]
    public void SPK116_fires_on_the_external_shuffle_service_with_celeborn()
    {
        Findings(Conf(shuffleService: "true") + Servers()).Should().ContainSingle()
            .Which.Should().Match<Finding>(f => f.Id == "SPK116" && f.Severity == Severity.Error && f.Field.Contains("spark.shuffle.service.enabled"));
    }

    [Fact]
    public void SPK117_fires_without_master_endpoints()
    {
        Findings(Conf(endpoints: string.Empty) + Servers()).Should().ContainSingle()
            .Which.Should().Match<Finding>(f => f.Id == "SPK117" && f.Message.Contains("localhost:9097"));
    }

    [Fact]
    public void SPK117_fires_on_an_endpoint_without_a_service_and_on_missing_masters()
    {
        var findings = Findings(Conf(endpoints: "rel-celeborn-master-0.other.spark.svc:9097") + Servers());

        findings.Where(f => f.Id == "SPK117").Select(f => f.Message).Should().Contain(m => m.Contains("no Service 'other'"))
            .And.Contain(m => m.Contains("lists 1 Celeborn master(s)"));
    }

    [Fact]
    public void SPK117_fires_on_a_wrong_port()
    {
        var endpoints = Endpoints.Replace(":9097", ":9999", StringComparison.Ordinal);

        Findings(Conf(endpoints: endpoints) + Servers()).Where(f => f.Id == "SPK117").Should().HaveCount(3)
            .And.OnlyContain(f => f.Message.Contains("has no port 9999"));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void SPK118_fires_on_an_even_number_of_masters(int masters)
    {
        Findings(Conf(endpoints: string.Join(',', Enumerable.Range(0, masters).Select(i => $"rel-celeborn-master-{i}.rel-celeborn-master.spark.svc:9097"))) + Servers(masters: masters))
            .Should().ContainSingle().Which.Should().Match<Finding>(f => f.Id == "SPK118" && f.Object == "StatefulSet/rel-celeborn-master" && f.Field == "spec.replicas");
    }

    [Fact]
    public void SPK119_fires_on_replication_with_one_worker()
    {
        Findings(Conf() + Servers(workers: 1)).Should().ContainSingle()
            .Which.Should().Match<Finding>(f => f.Id == "SPK119" && f.Field.Contains("spark.celeborn.client.push.replicate.enabled"));
        Findings(Conf(replicate: "false") + Servers(workers: 1)).Should().BeEmpty();
    }
}
