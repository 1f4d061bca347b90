using FluentAssertions;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>SPK016 (Connect exposed outside the cluster) and SPK060 (Connect without authentication) by Spark line and token.</summary>
public class ConnectAuthenticationChecksTests
{
    private static IReadOnlyList<Finding> Check(string yaml, string version) =>
        SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(RenderFixtures.Parse(yaml).Documents), version, KnownSparkProperties.For(version)))
            .Where(f => f.Id is "SPK016" or "SPK060").ToList();

    private const string ServerYaml = """
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: connect, namespace: spark, labels: {app.kubernetes.io/component: connect}}
        spec:
          template:
            spec:
              containers:
                - name: spark-connect
                  image: apache/spark:4.1.2
                  env:
                    - name: SPARK_CONF_DIR
                      value: /opt/spark/conf

        """;

    private const string TokenEnv = "            - name: SPARK_CONNECT_AUTHENTICATE_TOKEN\n              valueFrom: {secretKeyRef: {name: connect-auth, key: token}}\n";

    private static string Server(bool token) => ServerYaml + (token ? TokenEnv : "");

    private static string Service(string type) =>
        $"---\napiVersion: v1\nkind: Service\nmetadata: {{name: connect, namespace: spark, labels: {{app.kubernetes.io/component: connect}}}}\nspec: {{type: {type}}}\n";

    private const string Policy = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: spark}\nspec: {podSelector: {}}\n";

    [Theory]
    [InlineData("4.1", false, "LoadBalancer", Severity.Error)]
    [InlineData("4.1", false, "NodePort", Severity.Error)]
    [InlineData("3.5", false, "LoadBalancer", Severity.Error)]
    [InlineData("3.5", true, "NodePort", Severity.Error)]
    [InlineData("4.1", true, "LoadBalancer", Severity.Warning)]
    public void SPK016_is_an_error_for_an_exposed_connect_without_authentication(string version, bool token, string type, Severity severity)
    {
        var findings = Check(Server(token) + Service(type) + Policy, version).Where(f => f.Id == "SPK016").ToList();

        findings.Should().ContainSingle().Which.Severity.Should().Be(severity);
        findings[0].Field.Should().Be("spec.type");
    }

    [Theory]
    [InlineData("4.1", true)]
    [InlineData("4.1", false)]
    [InlineData("3.5", false)]
    public void SPK016_leaves_a_cluster_ip_service_alone(string version, bool token)
    {
        Check(Server(token) + Service("ClusterIP") + Policy, version).Where(f => f.Id == "SPK016").Should().BeEmpty();
    }

    [Fact]
    public void SPK060_warns_that_spark_3_5_has_no_authentication_and_names_the_network_policy_as_the_guard()
    {
        var finding = Check(Server(token: false) + Policy, "3.5").Should().ContainSingle(f => f.Id == "SPK060").Which;

        finding.Severity.Should().Be(Severity.Warning);
        finding.Message.Should().Contain("3.5 has no client authentication").And.Contain("NetworkPolicy is the only guard");
        finding.Fix.Should().Contain("networkPolicy.connectClients");
    }

    [Fact]
    public void SPK060_says_when_nothing_guards_the_server()
    {
        var finding = Check(Server(token: false), "3.5").Should().ContainSingle(f => f.Id == "SPK060").Which;

        finding.Message.Should().Contain("no NetworkPolicy");
        finding.Fix.Should().Contain("networkPolicy.enabled");
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 1)]
    public void SPK060_on_spark_4_fires_only_without_the_token(bool token, int expected)
    {
        var findings = Check(Server(token) + Policy, "4.1").Where(f => f.Id == "SPK060").ToList();

        findings.Count(f => f.Fix.Contains("connect.auth.enabled")).Should().Be(expected);
        findings.Should().HaveCount(expected);
    }

    [Fact]
    public void The_token_property_in_the_conf_counts_as_authentication_too()
    {
        var yaml = RenderFixtures.ConnectConfigMap("spark.connect.authenticate.token from-somewhere") + Server(token: false) + Service("NodePort") + Policy;

        Check(yaml, "4.1").Should().ContainSingle().Which.Severity.Should().Be(Severity.Warning);
    }
}
