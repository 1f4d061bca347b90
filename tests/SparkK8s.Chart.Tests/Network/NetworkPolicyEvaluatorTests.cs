using FluentAssertions;
using SparkK8s.Core.Manifests;
using Xunit;

namespace SparkK8s.Chart.Tests.Network;

/// <summary>The evaluator itself, on small hand-made policies: what NetworkPolicy allows and, as much, what it denies.</summary>
public class NetworkPolicyEvaluatorTests
{
    private static readonly NetworkPod Web = Pod("web", "app", ("role", "web"), ports: [new ContainerPort("http", 8080)]);
    private static readonly NetworkPod Db = Pod("db", "app", ("role", "db"), ports: [new ContainerPort("pg", 5432), new ContainerPort("dns", 53, "UDP")]);
    private static readonly NetworkPod Batch = Pod("batch", "app", ("role", "batch"), ports: []);
    private static readonly NetworkPod Monitor = Pod("monitor", "ops", ("role", "monitor"), ports: [], namespaceLabels: ("team", "ops"));

    private static NetworkPod Pod(string name, string ns, (string Key, string Value) label, IReadOnlyList<ContainerPort> ports, (string Key, string Value)? namespaceLabels = null) =>
        new(name, ns, new Dictionary<string, string> { [label.Key] = label.Value }, ports,
            namespaceLabels is { } l ? new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns, [l.Key] = l.Value } : null);

    private static NetworkPolicyEvaluator Evaluator(string yaml) => new(ManifestParser.Parse(yaml));

    [Fact]
    public void Without_policies_everything_is_open()
    {
        var evaluator = Evaluator("");

        evaluator.Allows(Web, Db, 5432).Should().BeTrue();
        evaluator.Allows(Monitor, Web, 1).Should().BeTrue();
    }

    [Fact]
    public void A_default_deny_closes_both_directions_of_the_pods_it_selects_only()
    {
        var evaluator = Evaluator("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: deny, namespace: app}
            spec:
              podSelector: {matchLabels: {role: db}}
              policyTypes: [Ingress, Egress]
            """);

        evaluator.Allows(Web, Db, 5432).Should().BeFalse("db's ingress is denied");
        evaluator.Allows(Db, Web, 8080).Should().BeFalse("db's egress is denied");
        evaluator.Allows(Web, Batch, 9000).Should().BeTrue("no policy selects web or batch");
    }

    [Fact]
    public void A_flow_needs_egress_at_the_source_and_ingress_at_the_destination()
    {
        const string ingressOnly = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db-in, namespace: app}
            spec:
              podSelector: {matchLabels: {role: db}}
              ingress:
                - from: [{podSelector: {matchLabels: {role: web}}}]
                  ports: [{port: 5432}]
            """;
        const string webEgressDenied = """
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web-out, namespace: app}
            spec:
              podSelector: {matchLabels: {role: web}}
              policyTypes: [Egress]
            """;

        Evaluator(ingressOnly).Allows(Web, Db, 5432).Should().BeTrue();
        Evaluator(ingressOnly).Allows(Batch, Db, 5432).Should().BeFalse("batch is not in the from list");
        Evaluator(ingressOnly).Allows(Web, Db, 5433).Should().BeFalse("only 5432 is open");
        Evaluator(ingressOnly + "\n" + webEgressDenied).Allows(Web, Db, 5432).Should().BeFalse("web may not send");
    }

    [Fact]
    public void A_policy_without_policy_types_and_without_egress_restricts_ingress_only()
    {
        var evaluator = Evaluator("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db-in, namespace: app}
            spec:
              podSelector: {matchLabels: {role: db}}
            """);

        evaluator.Allows(Web, Db, 5432).Should().BeFalse();
        evaluator.Allows(Db, Web, 8080).Should().BeTrue("policyTypes defaults to Ingress only");
    }

    [Fact]
    public void Named_ports_resolve_against_the_destination_pods_container_ports()
    {
        var evaluator = Evaluator("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: out, namespace: app}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
                - ports: [{port: pg}]
            """);

        evaluator.Allows(Web, Db, 5432).Should().BeTrue("db names 5432 'pg'");
        evaluator.Allows(Web, Web, 5432).Should().BeFalse("web has no port named pg");
        evaluator.Allows(Web, Db, 8080).Should().BeFalse();
        evaluator.Allows(Web, Destination.To("203.0.113.5"), 5432).Should().BeFalse("an address outside the cluster has no named ports");
    }

    [Fact]
    public void Protocols_and_port_ranges_are_honoured()
    {
        var evaluator = Evaluator("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db-in, namespace: app}
            spec:
              podSelector: {matchLabels: {role: db}}
              ingress:
                - ports: [{protocol: UDP, port: 53}, {port: 6000, endPort: 6010}]
            """);

        evaluator.Allows(Web, Db, 53, "UDP").Should().BeTrue();
        evaluator.Allows(Web, Db, 53, "TCP").Should().BeFalse("only UDP 53");
        evaluator.Allows(Web, Db, 6005).Should().BeTrue();
        evaluator.Allows(Web, Db, 6011).Should().BeFalse();
    }

    [Fact]
    public void Namespace_and_pod_selectors_combine_within_one_peer_and_alternate_across_peers()
    {
        var evaluator = Evaluator("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web-in, namespace: app}
            spec:
              podSelector: {matchLabels: {role: web}}
              ingress:
                - from:
                    - namespaceSelector: {matchLabels: {team: ops}}
                      podSelector: {matchExpressions: [{key: role, operator: In, values: [monitor, probe]}]}
            """);
        var opsBatch = Batch with { Namespace = "ops", NamespaceLabels = Monitor.NamespaceLabels };

        evaluator.Allows(Monitor, Web, 8080).Should().BeTrue();
        evaluator.Allows(opsBatch, Web, 8080).Should().BeFalse("the pod selector of the same peer does not match batch");
        evaluator.Allows(Batch, Web, 8080).Should().BeFalse("batch's namespace lacks team=ops");
    }

    [Fact]
    public void A_pod_selector_alone_selects_pods_of_the_policys_namespace_only()
    {
        var evaluator = Evaluator("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web-in, namespace: app}
            spec:
              podSelector: {matchLabels: {role: web}}
              ingress:
                - from: [{podSelector: {matchExpressions: [{key: role, operator: Exists}]}}]
            """);

        evaluator.Allows(Batch, Web, 8080).Should().BeTrue();
        evaluator.Allows(Monitor, Web, 8080).Should().BeFalse("monitor is in another namespace");
    }

    [Fact]
    public void Match_expressions_not_in_and_does_not_exist()
    {
        var selector = Selector.Parse((System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(
            """{"matchExpressions": [{"key": "role", "operator": "NotIn", "values": ["db"]}, {"key": "debug", "operator": "DoesNotExist"}]}""")!);

        selector.Matches(Web.Labels).Should().BeTrue();
        selector.Matches(Db.Labels).Should().BeFalse();
        selector.Matches(new Dictionary<string, string> { ["role"] = "web", ["debug"] = "1" }).Should().BeFalse();
        selector.Matches(new Dictionary<string, string>()).Should().BeTrue("NotIn matches a missing key");
    }

    [Fact]
    public void Ip_blocks_match_addresses_outside_their_except_ranges_and_not_pods()
    {
        var evaluator = Evaluator("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: web-out, namespace: app}
            spec:
              podSelector: {matchLabels: {role: web}}
              policyTypes: [Egress]
              egress:
                - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.96.0.0/12]}}]
                  ports: [{port: 443}]
            """);

        evaluator.Allows(Web, Destination.To("10.1.2.3"), 443).Should().BeTrue();
        evaluator.Allows(Web, Destination.To("10.96.0.1"), 443).Should().BeFalse("inside except");
        evaluator.Allows(Web, Destination.To("192.168.1.1"), 443).Should().BeFalse();
        evaluator.Allows(Web, Db, 443).Should().BeFalse("pod IPs lie outside the CIDRs unless a test states one");
        evaluator.Allows(Web, Db with { Ip = System.Net.IPAddress.Parse("10.1.0.9") }, 443).Should().BeTrue("a pod with a stated IP inside the block");
    }

    [Fact]
    public void An_empty_rule_list_denies_and_an_empty_rule_allows_everything()
    {
        const string head = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db-in, namespace: app}
            spec:
              podSelector: {matchLabels: {role: db}}
              policyTypes: [Ingress]
            """;

        Evaluator(head + "\n  ingress: []").Allows(Web, Db, 5432).Should().BeFalse();
        Evaluator(head + "\n  ingress: [{}]").Allows(Monitor, Db, 5432).Should().BeTrue();
    }
}
