using k8s;
using System.Text.Json.Nodes;
using k8s.Models;

namespace SparkK8s.Core.Kubernetes;

/// <summary>
/// The calls the live-cluster commands make, each named as an RBAC request so that a failure maps to a clear message
/// (<see cref="KubeErrors"/>). Reads of one object return null on 404; lists never do.
/// </summary>
public sealed class KubeApi(KubeSession session)
{
    private IKubernetes Client => session.Client;

    public KubeSession Session => session;

    public Task<VersionInfo> ServerVersionAsync(CancellationToken ct) =>
        CallAsync(new KubeRequest("get", "/version", string.Empty, null), () => Client.Version.GetCodeAsync(ct), ct);

    /// <summary>The API groups the server serves (GET /apis, what `kubectl api-versions` reads).</summary>
    public async Task<IReadOnlyList<string>> ListApiGroupsAsync(CancellationToken ct) =>
        (await CallAsync(new KubeRequest("get", "/apis", string.Empty, null), () => Client.Apis.GetAPIVersionsAsync(ct), ct).ConfigureAwait(false))
            .Groups.Select(g => g.Name).ToList();

    public Task<V1Namespace?> ReadNamespaceAsync(string name, CancellationToken ct) =>
        ReadAsync(new KubeRequest("get", "namespaces", string.Empty, null, name), () => Client.CoreV1.ReadNamespaceAsync(name, cancellationToken: ct), ct);

    /// <summary>The namespace, or a clear "does not exist" failure.</summary>
    public async Task<V1Namespace> RequireNamespaceAsync(string name, CancellationToken ct) =>
        await ReadNamespaceAsync(name, ct).ConfigureAwait(false)
        ?? throw KubeErrors.Map(NotFound(), new KubeRequest("get", "namespaces", string.Empty, name, name), session);

    public async Task<IList<V1Node>> ListNodesAsync(CancellationToken ct) =>
        (await CallAsync(new KubeRequest("list", "nodes", string.Empty, null), () => Client.CoreV1.ListNodeAsync(cancellationToken: ct), ct).ConfigureAwait(false)).Items;

    public async Task<IList<V1StorageClass>> ListStorageClassesAsync(CancellationToken ct) =>
        (await CallAsync(new KubeRequest("list", "storageclasses", "storage.k8s.io", null), () => Client.StorageV1.ListStorageClassAsync(cancellationToken: ct), ct).ConfigureAwait(false)).Items;

    public async Task<IList<V1CustomResourceDefinition>> ListCrdsAsync(CancellationToken ct) =>
        (await CallAsync(new KubeRequest("list", "customresourcedefinitions", "apiextensions.k8s.io", null),
            () => Client.ApiextensionsV1.ListCustomResourceDefinitionAsync(cancellationToken: ct), ct).ConfigureAwait(false)).Items;

    public async Task<IList<V1Pod>> ListPodsAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await CallAsync(new KubeRequest("list", "pods", string.Empty, ns), () => Client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: labelSelector, cancellationToken: ct), ct).ConfigureAwait(false)).Items;

    public async Task<IList<Corev1Event>> ListEventsForAsync(string ns, string objectName, CancellationToken ct) =>
        (await CallAsync(new KubeRequest("list", "events", string.Empty, ns),
            () => Client.CoreV1.ListNamespacedEventAsync(ns, fieldSelector: $"involvedObject.name={objectName}", cancellationToken: ct), ct).ConfigureAwait(false)).Items;

    public async Task<IList<V1Job>> ListJobsAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await CallAsync(new KubeRequest("list", "jobs", "batch", ns), () => Client.BatchV1.ListNamespacedJobAsync(ns, labelSelector: labelSelector, cancellationToken: ct), ct).ConfigureAwait(false)).Items;

    public async Task<IList<V1CronJob>> ListCronJobsAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await CallAsync(new KubeRequest("list", "cronjobs", "batch", ns), () => Client.BatchV1.ListNamespacedCronJobAsync(ns, labelSelector: labelSelector, cancellationToken: ct), ct).ConfigureAwait(false)).Items;

    public Task<V1Job> CreateJobAsync(string ns, V1Job job, CancellationToken ct) =>
        CallAsync(new KubeRequest("create", "jobs", "batch", ns, job.Metadata.Name), () => Client.BatchV1.CreateNamespacedJobAsync(job, ns, cancellationToken: ct), ct);

    public Task<V1Job?> ReadJobAsync(string ns, string name, CancellationToken ct) =>
        ReadAsync(new KubeRequest("get", "jobs", "batch", ns, name), () => Client.BatchV1.ReadNamespacedJobAsync(name, ns, cancellationToken: ct), ct);

    /// <summary>Deletes a Job and, in the background, its pods (propagationPolicy Background, as kubectl does); a Job already gone is fine.</summary>
    public Task DeleteJobAsync(string ns, string name, CancellationToken ct) =>
        ReadAsync(new KubeRequest("delete", "jobs", "batch", ns, name),
            () => Client.BatchV1.DeleteNamespacedJobAsync(name, ns, new V1DeleteOptions { PropagationPolicy = "Background" }, cancellationToken: ct), ct);

    /// <summary>Objects of a custom resource (e.g. SparkApplications) as JSON; an API group the server does not serve lists nothing.</summary>
    public async Task<IReadOnlyList<JsonObject>> ListCustomObjectsAsync(CustomResource resource, string ns, string? labelSelector, CancellationToken ct)
    {
        var list = await ReadAsync(new KubeRequest("list", resource.Plural, resource.Group, ns),
            () => Client.CustomObjects.ListNamespacedCustomObjectAsync<JsonObject>(resource.Group, resource.Version, ns, resource.Plural, labelSelector: labelSelector, cancellationToken: ct), ct).ConfigureAwait(false);
        return list?["items"] is JsonArray items ? items.OfType<JsonObject>().ToList() : [];
    }

    public Task<JsonObject> CreateCustomObjectAsync(CustomResource resource, string ns, JsonObject body, CancellationToken ct) =>
        CallAsync(new KubeRequest("create", resource.Plural, resource.Group, ns, (string?)body["metadata"]?["name"]),
            () => Client.CustomObjects.CreateNamespacedCustomObjectAsync<JsonObject>(body, resource.Group, resource.Version, ns, resource.Plural, cancellationToken: ct), ct);

    public Task<JsonObject?> ReadCustomObjectAsync(CustomResource resource, string ns, string name, CancellationToken ct) =>
        ReadAsync(new KubeRequest("get", resource.Plural, resource.Group, ns, name),
            () => Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(resource.Group, resource.Version, ns, resource.Plural, name, ct), ct);

    /// <summary>Deletes one custom object (its owned pods go with it); one already gone is fine.</summary>
    public Task DeleteCustomObjectAsync(CustomResource resource, string ns, string name, CancellationToken ct) =>
        ReadAsync(new KubeRequest("delete", resource.Plural, resource.Group, ns, name),
            () => Client.CustomObjects.DeleteNamespacedCustomObjectAsync<JsonObject>(resource.Group, resource.Version, ns, resource.Plural, name,
                new V1DeleteOptions { PropagationPolicy = "Background" }, cancellationToken: ct), ct);

    public async Task<IList<V1PersistentVolumeClaim>> ListPvcsAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await CallAsync(new KubeRequest("list", "persistentvolumeclaims", string.Empty, ns),
            () => Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns, labelSelector: labelSelector, cancellationToken: ct), ct).ConfigureAwait(false)).Items;

    public async Task<IList<V1Secret>> ListSecretsAsync(string ns, string? labelSelector, CancellationToken ct) =>
        (await CallAsync(new KubeRequest("list", "secrets", string.Empty, ns), () => Client.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: labelSelector, cancellationToken: ct), ct).ConfigureAwait(false)).Items;

    public Task<V1Secret?> ReadSecretAsync(string ns, string name, CancellationToken ct) =>
        ReadAsync(new KubeRequest("get", "secrets", string.Empty, ns, name), () => Client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct), ct);

    /// <summary>EndpointSlices of a Service (label kubernetes.io/service-name; Endpoints are deprecated since Kubernetes 1.33).</summary>
    public async Task<IList<V1EndpointSlice>> ListEndpointSlicesAsync(string ns, string service, CancellationToken ct) =>
        (await CallAsync(new KubeRequest("list", "endpointslices", "discovery.k8s.io", ns),
            () => Client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, labelSelector: $"kubernetes.io/service-name={service}", cancellationToken: ct), ct).ConfigureAwait(false)).Items;

    /// <summary>The last lines of a container's log; <paramref name="previous"/> reads the terminated instance (CrashLoopBackOff).</summary>
    public async Task<string?> ReadLogTailAsync(string ns, string pod, string container, int lines, bool previous, CancellationToken ct)
    {
        var stream = await ReadAsync(new KubeRequest("get", "pods/log", string.Empty, ns, pod),
            () => Client.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: container, tailLines: lines, previous: previous, cancellationToken: ct), ct).ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream);
            return await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        }
    }

    public Task<V1Deployment?> ReadDeploymentAsync(string ns, string name, CancellationToken ct) =>
        ReadAsync(new KubeRequest("get", "deployments", "apps", ns, name), () => Client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: ct), ct);

    public Task<V1StatefulSet?> ReadStatefulSetAsync(string ns, string name, CancellationToken ct) =>
        ReadAsync(new KubeRequest("get", "statefulsets", "apps", ns, name), () => Client.AppsV1.ReadNamespacedStatefulSetAsync(name, ns, cancellationToken: ct), ct);

    public Task DeletePodAsync(string ns, string name, CancellationToken ct) =>
        CallAsync(new KubeRequest("delete", "pods", string.Empty, ns, name), () => Client.CoreV1.DeleteNamespacedPodAsync(name, ns, gracePeriodSeconds: 0, cancellationToken: ct), ct);

    /// <summary>Sets spec.replicas through the scale subresource (a merge patch, as 'kubectl scale' does).</summary>
    public Task ScaleAsync(string ns, WorkloadRef workload, int replicas, CancellationToken ct)
    {
        var patch = new V1Patch("{\"spec\":{\"replicas\":" + replicas.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}", V1Patch.PatchType.MergePatch);
        return workload.Kind == "StatefulSet"
            ? CallAsync(new KubeRequest("patch", "statefulsets/scale", "apps", ns, workload.Name), () => Client.AppsV1.PatchNamespacedStatefulSetScaleAsync(patch, workload.Name, ns, cancellationToken: ct), ct)
            : CallAsync(new KubeRequest("patch", "deployments/scale", "apps", ns, workload.Name), () => Client.AppsV1.PatchNamespacedDeploymentScaleAsync(patch, workload.Name, ns, cancellationToken: ct), ct);
    }

    /// <summary>spec.replicas and status.readyReplicas of a Deployment or StatefulSet, or null when it does not exist.</summary>
    public async Task<(int Desired, int Ready)?> ReplicasAsync(string ns, WorkloadRef workload, CancellationToken ct)
    {
        if (workload.Kind == "StatefulSet")
        {
            var set = await ReadStatefulSetAsync(ns, workload.Name, ct).ConfigureAwait(false);
            return set is null ? null : (set.Spec?.Replicas ?? 1, set.Status?.ReadyReplicas ?? 0);
        }

        var deployment = await ReadDeploymentAsync(ns, workload.Name, ct).ConfigureAwait(false);
        return deployment is null ? null : (deployment.Spec?.Replicas ?? 1, deployment.Status?.ReadyReplicas ?? 0);
    }

    private async Task<T?> ReadAsync<T>(KubeRequest request, Func<Task<T>> call, CancellationToken ct)
        where T : class
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (KubeErrors.IsNotFound(ex))
        {
            return null;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && KubeErrors.Map(ex, request, session) is var mapped && !ReferenceEquals(mapped, ex))
        {
            throw mapped;
        }
    }

    private async Task<T> CallAsync<T>(KubeRequest request, Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && KubeErrors.Map(ex, request, session) is var mapped && !ReferenceEquals(mapped, ex))
        {
            throw mapped;
        }
    }

    private static k8s.Autorest.HttpOperationException NotFound() =>
        new() { Response = new k8s.Autorest.HttpResponseMessageWrapper(new HttpResponseMessage(System.Net.HttpStatusCode.NotFound), string.Empty) };
}

/// <summary>A Deployment or StatefulSet by kind and name.</summary>
public sealed record WorkloadRef(string Kind, string Name)
{
    public override string ToString() => $"{Kind}/{Name}";
}

/// <summary>A custom resource by API group, version and plural (what the CustomObjects API takes).</summary>
public sealed record CustomResource(string Group, string Version, string Plural, string Kind)
{
    public string ApiVersion => $"{Group}/{Version}";
}

/// <summary>Helpers over <see cref="KubeApi"/>.</summary>
public static class KubeApiExtensions
{
    /// <summary>Reads the namespace only to surface access errors early; a missing namespace is fine (helm creates it).</summary>
    public static async Task RequireNamespaceOrMissingAsync(this KubeApi api, string ns, CancellationToken ct) =>
        _ = await api.ReadNamespaceAsync(ns, ct).ConfigureAwait(false);
}
