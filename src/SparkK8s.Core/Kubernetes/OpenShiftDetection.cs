namespace SparkK8s.Core.Kubernetes;

/// <summary>
/// Whether a cluster is OpenShift: it serves the API groups only OpenShift has, security.openshift.io (the
/// SecurityContextConstraints that assign UIDs, restricted-v2) and route.openshift.io (Routes). On OpenShift the chart
/// must leave runAsUser, runAsGroup and fsGroup unset (openshift.enabled), so the SCC can assign them.
/// </summary>
public static class OpenShiftDetection
{
    public const string SecurityGroup = "security.openshift.io";
    public const string RouteGroup = "route.openshift.io";

    /// <summary>The values setting to add for a detected cluster.</summary>
    public const string SetValue = "openshift.enabled=true";

    public static bool IsOpenShift(IEnumerable<string> apiGroups) =>
        apiGroups.Any(g => string.Equals(g, SecurityGroup, StringComparison.Ordinal));

    public static async Task<bool> DetectAsync(KubeApi api, CancellationToken cancellationToken) =>
        IsOpenShift(await api.ListApiGroupsAsync(cancellationToken).ConfigureAwait(false));
}
