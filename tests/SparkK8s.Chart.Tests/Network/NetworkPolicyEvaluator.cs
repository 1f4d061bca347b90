using System.Net;
using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Chart.Tests.Network;

/// <summary>A named container port of a pod (protocol TCP unless stated).</summary>
public sealed record ContainerPort(string? Name, int Number, string Protocol = "TCP");

/// <summary>
/// A pod as NetworkPolicies see it: namespace (with its labels), pod labels, container ports and, when a test states
/// one, an IP address. Pods without an IP never match an ipBlock: pod IPs are cluster IPs outside the CIDRs under test.
/// </summary>
public sealed record NetworkPod(
    string Name,
    string Namespace,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<ContainerPort> Ports,
    IReadOnlyDictionary<string, string>? NamespaceLabels = null,
    IPAddress? Ip = null)
{
    /// <summary>The namespace's labels; Kubernetes always sets kubernetes.io/metadata.name.</summary>
    public IReadOnlyDictionary<string, string> EffectiveNamespaceLabels =>
        NamespaceLabels ?? new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = Namespace };

    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>Where a connection goes: a pod, or an address outside the cluster (then only ipBlock peers match).</summary>
public sealed record Destination(NetworkPod? Pod, IPAddress? Address)
{
    public static Destination To(NetworkPod pod) => new(pod, pod.Ip);

    public static Destination To(string address) => new(null, IPAddress.Parse(address));

    public override string ToString() => Pod?.ToString() ?? Address!.ToString();
}

/// <summary>
/// NetworkPolicy semantics (networking.k8s.io/v1) for tests: pod and namespace selectors with matchLabels and
/// matchExpressions, ipBlock with except, ports by number, range (endPort) or name (resolved against the destination
/// pod's containerPorts), protocols and policyTypes. A connection needs egress allowed at the source and ingress
/// allowed at the destination; a pod that no policy selects for a direction is open in that direction.
/// </summary>
public sealed class NetworkPolicyEvaluator(IEnumerable<KubeObject> policies)
{
    private readonly IReadOnlyList<Policy> _policies = policies.Where(p => p.Kind == "NetworkPolicy").Select(Policy.Parse).ToList();

    /// <summary>Whether <paramref name="source"/> may open a connection to <paramref name="destination"/> on a port.</summary>
    public bool Allows(NetworkPod source, Destination destination, int port, string protocol = "TCP") =>
        EgressAllows(source, destination, port, protocol)
        && (destination.Pod is null || IngressAllows(source, destination.Pod, port, protocol));

    public bool Allows(NetworkPod source, NetworkPod destination, int port, string protocol = "TCP") =>
        Allows(source, Destination.To(destination), port, protocol);

    public bool EgressAllows(NetworkPod source, Destination destination, int port, string protocol)
    {
        var selecting = _policies.Where(p => p.Namespace == source.Namespace && p.Egress is not null && p.PodSelector.Matches(source.Labels)).ToList();
        return selecting.Count == 0
            || selecting.SelectMany(p => p.Egress!).Any(rule => rule.Admits(destination, peer => peer.Matches(destination, source.Namespace), destination.Pod, port, protocol));
    }

    public bool IngressAllows(NetworkPod source, NetworkPod destination, int port, string protocol)
    {
        var selecting = _policies.Where(p => p.Namespace == destination.Namespace && p.Ingress is not null && p.PodSelector.Matches(destination.Labels)).ToList();
        var from = Destination.To(source);
        return selecting.Count == 0
            || selecting.SelectMany(p => p.Ingress!).Any(rule => rule.Admits(from, peer => peer.Matches(from, destination.Namespace), destination, port, protocol));
    }

    private sealed record Policy(string Namespace, Selector PodSelector, IReadOnlyList<Rule>? Ingress, IReadOnlyList<Rule>? Egress)
    {
        public static Policy Parse(KubeObject policy)
        {
            var spec = policy.Body["spec"] as JsonObject ?? throw new FormatException($"{policy.DisplayName} has no spec");
            var types = (spec["policyTypes"] as JsonArray)?.Select(t => (string?)t).ToList();
            // policyTypes defaults to Ingress, plus Egress when the policy has an egress section.
            var hasIngress = types?.Contains("Ingress") ?? true;
            var hasEgress = types?.Contains("Egress") ?? spec["egress"] is not null;
            return new Policy(
                policy.Namespace ?? throw new FormatException($"{policy.DisplayName} has no namespace"),
                Selector.Parse(spec["podSelector"] as JsonObject ?? throw new FormatException($"{policy.DisplayName} has no podSelector")),
                hasIngress ? Rule.ParseAll(spec["ingress"], "from") : null,
                hasEgress ? Rule.ParseAll(spec["egress"], "to") : null);
        }
    }

    /// <summary>One ingress or egress rule: peers (null = every peer) and ports (null = every port).</summary>
    private sealed record Rule(IReadOnlyList<Peer>? Peers, IReadOnlyList<PortRule>? Ports)
    {
        public static IReadOnlyList<Rule> ParseAll(JsonNode? rules, string peersField) =>
            (rules as JsonArray ?? []).OfType<JsonObject>().Select(r => new Rule(
                r[peersField] is JsonArray peers && peers.Count > 0 ? peers.OfType<JsonObject>().Select(Peer.Parse).ToList() : null,
                r["ports"] is JsonArray ports && ports.Count > 0 ? ports.OfType<JsonObject>().Select(PortRule.Parse).ToList() : null)).ToList();

        /// <summary>Ports resolve by name against <paramref name="portOwner"/>, the destination pod.</summary>
        public bool Admits(Destination peer, Func<Peer, bool> peerMatches, NetworkPod? portOwner, int port, string protocol) =>
            (Peers is null || Peers.Any(peerMatches))
            && (Ports is null || Ports.Any(p => p.Matches(portOwner, port, protocol)));
    }

    private sealed record Peer(Selector? PodSelector, Selector? NamespaceSelector, IpBlock? IpBlock)
    {
        public static Peer Parse(JsonObject peer) => new(
            peer["podSelector"] is JsonObject pods ? Selector.Parse(pods) : null,
            peer["namespaceSelector"] is JsonObject namespaces ? Selector.Parse(namespaces) : null,
            peer["ipBlock"] is JsonObject block ? IpBlock.Parse(block) : null);

        /// <summary>Whether the other end matches; <paramref name="policyNamespace"/> is where a podSelector alone looks.</summary>
        public bool Matches(Destination other, string policyNamespace)
        {
            if (IpBlock is not null)
            {
                return other.Address is not null && IpBlock.Contains(other.Address);
            }

            if (other.Pod is not { } pod)
            {
                return false;
            }

            var namespaceMatches = NamespaceSelector is null
                ? pod.Namespace == policyNamespace
                : NamespaceSelector.Matches(pod.EffectiveNamespaceLabels);
            return namespaceMatches && (PodSelector is null || PodSelector.Matches(pod.Labels));
        }
    }

    private sealed record PortRule(string Protocol, int? Number, string? Name, int? EndPort)
    {
        public static PortRule Parse(JsonObject port)
        {
            var value = port["port"];
            var protocol = (string?)port["protocol"] ?? "TCP";
            var endPort = Json.Int(port["endPort"]);
            return value switch
            {
                null => new PortRule(protocol, null, null, null),
                JsonValue v when Json.Int(v) is { } number => new PortRule(protocol, number, null, endPort),
                JsonValue v when v.TryGetValue<string>(out var text) && int.TryParse(text, out var number) => new PortRule(protocol, number, null, endPort),
                JsonValue v => new PortRule(protocol, null, v.GetValue<string>(), null),
                _ => throw new FormatException($"port {value.ToJsonString()} is neither a number nor a name"),
            };
        }

        public bool Matches(NetworkPod? destination, int port, string protocol)
        {
            if (!string.Equals(Protocol, protocol, StringComparison.Ordinal))
            {
                return false;
            }

            if (Name is not null)
            {
                // A named port means the destination pod's containerPort of that name (and protocol).
                return destination?.Ports.Any(p => p.Name == Name && p.Number == port && p.Protocol == protocol) ?? false;
            }

            return Number is null || (EndPort is { } end ? port >= Number && port <= end : port == Number);
        }
    }

    private sealed record IpBlock(Cidr Cidr, IReadOnlyList<Cidr> Except)
    {
        public static IpBlock Parse(JsonObject block) => new(
            Cidr.Parse((string)block["cidr"]!),
            (block["except"] as JsonArray ?? []).Select(e => Cidr.Parse((string)e!)).ToList());

        public bool Contains(IPAddress address) => Cidr.Contains(address) && !Except.Any(e => e.Contains(address));
    }
}

/// <summary>An IPv4 or IPv6 CIDR.</summary>
public sealed record Cidr(IPAddress Network, int PrefixLength)
{
    public static Cidr Parse(string text)
    {
        var slash = text.IndexOf('/');
        return slash < 0
            ? throw new FormatException($"'{text}' is not a CIDR")
            : new Cidr(IPAddress.Parse(text[..slash]), int.Parse(text[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public bool Contains(IPAddress address)
    {
        if (address.AddressFamily != Network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = Network.GetAddressBytes();
        for (var bit = 0; bit < PrefixLength; bit++)
        {
            var mask = (byte)(0x80 >> (bit % 8));
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => $"{Network}/{PrefixLength}";
}

/// <summary>A label selector: matchLabels AND every matchExpressions entry (In, NotIn, Exists, DoesNotExist); empty selects all.</summary>
public sealed record Selector(IReadOnlyDictionary<string, string> MatchLabels, IReadOnlyList<(string Key, string Operator, IReadOnlyList<string> Values)> Expressions)
{
    public static Selector Parse(JsonObject selector) => new(
        (selector["matchLabels"] as JsonObject)?.ToDictionary(p => p.Key, p => (string)p.Value!) ?? new Dictionary<string, string>(),
        (selector["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>().Select(e => (
            (string)e["key"]!,
            (string)e["operator"]!,
            (IReadOnlyList<string>)(e["values"] as JsonArray ?? []).Select(v => (string)v!).ToList())).ToList());

    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        MatchLabels.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value)
        && Expressions.All(e => e.Operator switch
        {
            "In" => labels.TryGetValue(e.Key, out var value) && e.Values.Contains(value),
            "NotIn" => !labels.TryGetValue(e.Key, out var value) || !e.Values.Contains(value),
            "Exists" => labels.ContainsKey(e.Key),
            "DoesNotExist" => !labels.ContainsKey(e.Key),
            _ => throw new FormatException($"unknown selector operator {e.Operator}"),
        });
}

/// <summary>Numbers of parsed manifests, whatever integer type the parser chose.</summary>
public static class Json
{
    public static int? Int(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<int>(out var i) ? i
        : value.TryGetValue<long>(out var l) ? checked((int)l)
        : value.TryGetValue<double>(out var d) && d == Math.Floor(d) ? checked((int)d)
        : null
        : null;
}
