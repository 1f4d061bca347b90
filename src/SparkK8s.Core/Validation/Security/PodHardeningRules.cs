using System.Text.Json.Nodes;

namespace SparkK8s.Core.Validation.Security;

/// <summary>
/// SEC009 (warning): a container without <c>securityContext.readOnlyRootFilesystem: true</c>. A writable root filesystem
/// lets code that gets into the container replace binaries and libraries; with a read-only one it can write only to the
/// emptyDirs the pod mounts. The chart sets it on every container, with an emptyDir where each image writes (issue 9 §5,
/// docs/en/security/policy.md); a warning, so an image swapped in through values with other write paths is flagged without blocking.
/// </summary>
public sealed class ReadOnlyRootFilesystemRule() : SecurityRule(
    "SEC009",
    Severity.Warning,
    "A container's root filesystem is writable",
    "readOnlyRootFilesystem: true confines writes to the volumes the pod mounts (emptyDirs with a sizeLimit), so code that gets into the "
    + "container cannot replace its binaries or fill the node's disk.",
    "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir (with sizeLimit) where the image writes (/tmp, work dirs)",
    podLevel: true)
{
    public override IEnumerable<Finding> Run(SecurityCheckContext context)
    {
        foreach (var pod in RenderedPods.All(context.Model))
        {
            foreach (var (field, container) in pod.Containers())
            {
                if (container["securityContext"]?["readOnlyRootFilesystem"] is not JsonValue value || !value.TryGetValue<bool>(out var on) || !on)
                {
                    yield return Found(pod.Object, $"{field}.securityContext.readOnlyRootFilesystem", $"container {(string?)container["name"]} has a writable root filesystem");
                }
            }
        }
    }
}

/// <summary>SEC010: a hostPath volume: the pod reads or writes the node's filesystem (Pod Security baseline forbids it).</summary>
public sealed class HostPathRule() : SecurityRule(
    "SEC010",
    Severity.Error,
    "A pod mounts a hostPath volume",
    "A hostPath volume exposes the node's filesystem to the pod: container runtimes' sockets, kubelet credentials, other pods' data.",
    "Use an emptyDir (with sizeLimit) for scratch space or a PersistentVolumeClaim for data",
    podLevel: true)
{
    public override IEnumerable<Finding> Run(SecurityCheckContext context)
    {
        foreach (var pod in RenderedPods.All(context.Model))
        {
            var volumes = pod.Spec["volumes"] as JsonArray ?? [];
            for (var i = 0; i < volumes.Count; i++)
            {
                if (volumes[i]?["hostPath"] is JsonObject hostPath)
                {
                    yield return Found(pod.Object, $"{pod.SpecField}.volumes[{i}].hostPath", $"volume {(string?)volumes[i]?["name"]} mounts the node's {(string?)hostPath["path"]}");
                }
            }
        }
    }
}

/// <summary>SEC011: hostNetwork, hostPID or hostIPC: the pod shares the node's network, process or IPC namespace.</summary>
public sealed class HostNamespaceRule() : SecurityRule(
    "SEC011",
    Severity.Error,
    "A pod shares the node's network, PID or IPC namespace",
    "hostNetwork bypasses NetworkPolicies and binds node ports; hostPID and hostIPC let the pod see and signal the node's processes.",
    "Remove hostNetwork, hostPID and hostIPC (or set them false)",
    podLevel: true)
{
    public static readonly IReadOnlyList<string> Fields = ["hostNetwork", "hostPID", "hostIPC"];

    public override IEnumerable<Finding> Run(SecurityCheckContext context)
    {
        foreach (var pod in RenderedPods.All(context.Model))
        {
            foreach (var name in Fields)
            {
                if (pod.Spec[name] is JsonValue value && value.TryGetValue<bool>(out var on) && on)
                {
                    yield return Found(pod.Object, $"{pod.SpecField}.{name}", $"the {pod.Component} pod sets {name}: true");
                }
            }
        }
    }
}

/// <summary>
/// SEC012: a privileged container, or one that may gain privileges (allowPrivilegeEscalation not set to false, which
/// Pod Security restricted requires explicitly).
/// </summary>
public sealed class PrivilegedContainerRule() : SecurityRule(
    "SEC012",
    Severity.Error,
    "A container is privileged or may escalate privileges",
    "A privileged container has every capability and the node's devices; allowPrivilegeEscalation lets setuid binaries gain more rights "
    + "than the process started with. Pod Security restricted requires privileged unset or false and allowPrivilegeEscalation: false.",
    "Set securityContext.privileged: false (or leave it out) and securityContext.allowPrivilegeEscalation: false",
    podLevel: true)
{
    public override IEnumerable<Finding> Run(SecurityCheckContext context)
    {
        foreach (var pod in RenderedPods.All(context.Model))
        {
            foreach (var (field, container) in pod.Containers())
            {
                var name = (string?)container["name"];
                var security = container["securityContext"];
                if (security?["privileged"] is JsonValue privileged && privileged.TryGetValue<bool>(out var on) && on)
                {
                    yield return Found(pod.Object, $"{field}.securityContext.privileged", $"container {name} is privileged");
                }

                if (security?["allowPrivilegeEscalation"] is not JsonValue escalation || !escalation.TryGetValue<bool>(out var allowed) || allowed)
                {
                    yield return Found(pod.Object, $"{field}.securityContext.allowPrivilegeEscalation", $"container {name} does not set allowPrivilegeEscalation: false");
                }
            }
        }
    }
}

/// <summary>SEC013: a container that adds Linux capabilities (securityContext.capabilities.add).</summary>
public sealed class AddedCapabilitiesRule() : SecurityRule(
    "SEC013",
    Severity.Error,
    "A container adds Linux capabilities",
    "Added capabilities (NET_ADMIN, SYS_ADMIN, NET_RAW ...) widen what a compromised process can do to the node and its network; "
    + "no component of this chart needs one.",
    "Remove securityContext.capabilities.add and keep capabilities.drop: [ALL]",
    podLevel: true)
{
    public override IEnumerable<Finding> Run(SecurityCheckContext context)
    {
        foreach (var pod in RenderedPods.All(context.Model))
        {
            foreach (var (field, container) in pod.Containers())
            {
                if (container["securityContext"]?["capabilities"]?["add"] is JsonArray { Count: > 0 } added)
                {
                    yield return Found(pod.Object, $"{field}.securityContext.capabilities.add",
                        $"container {(string?)container["name"]} adds {string.Join(", ", added.Select(a => a?.ToString()))}");
                }
            }
        }
    }
}
