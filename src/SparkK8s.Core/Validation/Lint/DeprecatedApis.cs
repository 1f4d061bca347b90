namespace SparkK8s.Core.Validation.Lint;

/// <summary>
/// Built-in Kubernetes API versions that helm lint reports as deprecated at its default Kubernetes version (1.33 for
/// helm 3.18, 1.35 for helm 4.1): helm asks k8s.io/apiserver's deprecation package, which reads the prerelease
/// lifecycle (APILifecycleDeprecated/Removed/Replacement) that k8s.io/api generates for every beta type. This table
/// holds those lifecycles for the built-in beta types (kubernetes/api, zz_generated.prerelease-lifecycle.go); the
/// message is worded as deprecation.WarningMessage words it.
/// </summary>
public static class DeprecatedApis
{
    private sealed record Lifecycle(string Deprecated, string Removed, string? Replacement);

    private static readonly Dictionary<string, Lifecycle> ByApiVersionAndKind = Build();

    /// <summary>helm's warning for a deprecated built-in API, or null.</summary>
    public static string? Find(string apiVersion, string kind)
    {
        if (!ByApiVersionAndKind.TryGetValue(apiVersion + " " + kind, out var lifecycle))
        {
            return null;
        }

        var message = $"{apiVersion} {kind} is deprecated in v{lifecycle.Deprecated}+, unavailable in v{lifecycle.Removed}+";
        return lifecycle.Replacement is null ? message : $"{message}; use {lifecycle.Replacement} {kind}";
    }

    private static Dictionary<string, Lifecycle> Build()
    {
        var table = new Dictionary<string, Lifecycle>(StringComparer.Ordinal);
        void Add(string apiVersion, string deprecated, string removed, string? replacement, params string[] kinds)
        {
            foreach (var kind in kinds)
            {
                table[apiVersion + " " + kind] = new Lifecycle(deprecated, removed, replacement);
            }
        }

        Add("extensions/v1beta1", "1.8", "1.16", "apps/v1", "Deployment", "DaemonSet", "ReplicaSet");
        Add("extensions/v1beta1", "1.9", "1.16", "networking.k8s.io/v1", "NetworkPolicy");
        Add("extensions/v1beta1", "1.11", "1.16", "policy/v1beta1", "PodSecurityPolicy");
        Add("extensions/v1beta1", "1.14", "1.22", "networking.k8s.io/v1", "Ingress");
        Add("apps/v1beta1", "1.8", "1.16", "apps/v1", "Deployment", "StatefulSet", "ControllerRevision");
        Add("apps/v1beta2", "1.9", "1.16", "apps/v1", "Deployment", "DaemonSet", "ReplicaSet", "StatefulSet", "ControllerRevision");
        Add("batch/v1beta1", "1.21", "1.25", "batch/v1", "CronJob");
        Add("policy/v1beta1", "1.21", "1.25", "policy/v1", "PodDisruptionBudget");
        Add("policy/v1beta1", "1.21", "1.25", null, "PodSecurityPolicy");
        Add("autoscaling/v2beta1", "1.22", "1.25", "autoscaling/v2", "HorizontalPodAutoscaler");
        Add("autoscaling/v2beta2", "1.23", "1.26", "autoscaling/v2", "HorizontalPodAutoscaler");
        Add("networking.k8s.io/v1beta1", "1.19", "1.22", "networking.k8s.io/v1", "Ingress", "IngressClass");
        Add("rbac.authorization.k8s.io/v1beta1", "1.17", "1.22", "rbac.authorization.k8s.io/v1", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding");
        Add("apiextensions.k8s.io/v1beta1", "1.16", "1.22", "apiextensions.k8s.io/v1", "CustomResourceDefinition");
        Add("admissionregistration.k8s.io/v1beta1", "1.16", "1.22", "admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");
        Add("scheduling.k8s.io/v1beta1", "1.14", "1.22", "scheduling.k8s.io/v1", "PriorityClass");
        Add("storage.k8s.io/v1beta1", "1.19", "1.22", "storage.k8s.io/v1", "CSIDriver", "CSINode", "StorageClass", "VolumeAttachment");
        Add("storage.k8s.io/v1beta1", "1.24", "1.27", "storage.k8s.io/v1", "CSIStorageCapacity");
        Add("coordination.k8s.io/v1beta1", "1.19", "1.22", "coordination.k8s.io/v1", "Lease");
        Add("discovery.k8s.io/v1beta1", "1.21", "1.25", "discovery.k8s.io/v1", "EndpointSlice");
        Add("events.k8s.io/v1beta1", "1.22", "1.25", "events.k8s.io/v1", "Event");
        Add("node.k8s.io/v1beta1", "1.22", "1.25", "node.k8s.io/v1", "RuntimeClass");
        Add("certificates.k8s.io/v1beta1", "1.19", "1.22", "certificates.k8s.io/v1", "CertificateSigningRequest");
        Add("flowcontrol.apiserver.k8s.io/v1beta1", "1.23", "1.26", "flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "PriorityLevelConfiguration");
        Add("flowcontrol.apiserver.k8s.io/v1beta2", "1.26", "1.29", "flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "PriorityLevelConfiguration");
        Add("flowcontrol.apiserver.k8s.io/v1beta3", "1.29", "1.32", "flowcontrol.apiserver.k8s.io/v1", "FlowSchema", "PriorityLevelConfiguration");
        return table;
    }
}
