using FluentAssertions;
using SparkK8s.Core.Composer;
using SparkK8s.Core.Manifests;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Composer;

public class FlowDiagramTests
{
    private const string Policy = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: spark-connect, namespace: spark}
        spec:
          podSelector:
            matchLabels: {app.kubernetes.io/instance: spark, app.kubernetes.io/component: connect}
          policyTypes: [Egress]
          egress:
            - to: [{podSelector: {matchLabels: {app.kubernetes.io/instance: spark, app.kubernetes.io/component: standalone-worker}}}]
              ports: [{protocol: TCP, port: 7079, endPort: 7095}]
            - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
              ports: [{protocol: UDP, port: 53}]
            - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
              ports: [{protocol: TCP, port: 443}]
        """;

    [Fact]
    public void Flows_come_from_the_rendered_policies_between_the_releases_components()
    {
        var flows = FlowDiagram.FromNetworkPolicies(ManifestParser.Parse(Policy));

        flows.Should().Equal(new PlatformFlow("connect", "standalone-worker", "port 7079-7095"));
    }

    [Fact]
    public void Without_policies_the_catalog_requirements_are_the_flows()
    {
        var catalog = ComposeCatalog.Load(RepoPaths.Chart);
        var platform = new PlatformComposer(catalog).Compose(new ComposeRequest { With = ["jupyter", "minio"], Backend = "k8s" });

        var flows = FlowDiagram.Flows(catalog, platform, []);

        flows.Should().Contain(new PlatformFlow("jupyter", "connect", "Spark Connect server")).And.Contain(f => f.From == "connect" && f.To == "minio");
    }
}
