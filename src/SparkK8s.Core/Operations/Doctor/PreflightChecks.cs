using System.Globalization;
using k8s.Models;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Planning;
using SparkK8s.Core.Units;

namespace SparkK8s.Core.Operations.Doctor;

/// <summary>
/// Doctor's checks before an install: server version against the chart's range, the namespace's Pod Security labels,
/// the CRDs the rendered objects need, a default StorageClass for the claims, allocatable CPU and memory against the
/// plan (executors at max dynamic allocation included) and the egress the preset needs.
/// </summary>
internal sealed class PreflightChecks(KubeApi api, DoctorCollector collector)
{
    public const string PodSecurityEnforce = "pod-security.kubernetes.io/enforce";
    public const string DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class";

    /// <summary>API groups every conformant cluster serves; anything else comes from a CRD.</summary>
    private static readonly HashSet<string> BuiltInGroups = new(StringComparer.Ordinal)
    {
        string.Empty, "apps", "batch", "policy", "autoscaling", "rbac.authorization.k8s.io", "networking.k8s.io", "storage.k8s.io",
        "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "apiextensions.k8s.io", "admissionregistration.k8s.io",
        "certificates.k8s.io", "node.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io", "resource.k8s.io", "apiregistration.k8s.io",
    };

    /// <summary>What installs each CRD group the chart can render (for the one-line fix).</summary>
    private static readonly Dictionary<string, string> Installers = new(StringComparer.Ordinal)
    {
        ["sparkoperator.k8s.io"] = "install the Kubeflow Spark operator (helm install spark-operator spark-operator/spark-operator)",
        ["spark.apache.org"] = "install the Apache Spark Kubernetes Operator (helm install spark-kubernetes-operator spark/spark-kubernetes-operator)",
        ["monitoring.coreos.com"] = "install the Prometheus operator (e.g. the kube-prometheus-stack chart), or turn the ServiceMonitor off in values",
        ["external-secrets.io"] = "install External Secrets Operator (helm install external-secrets external-secrets/external-secrets)",
        ["cert-manager.io"] = "install cert-manager",
    };

    public async Task<Version?> ServerVersionAsync(string chartDirectory, CancellationToken ct)
    {
        var info = await api.ServerVersionAsync(ct).ConfigureAwait(false);
        var version = KubeVersionRange.ParseVersion(info.GitVersion ?? $"{info.Major}.{info.Minor.TrimEnd('+')}");
        var range = KubeVersionRange.FromChart(chartDirectory);
        if (version is null || range is null)
        {
            collector.Check("server version", CheckOutcome.Skipped, version is null ? $"the server reported no version ('{info.GitVersion}')" : "Chart.yaml has no kubeVersion");
            return version;
        }

        if (range.Contains(version))
        {
            collector.Check("server version", CheckOutcome.Passed, $"{info.GitVersion} is in the chart's range {range.Text}");
        }
        else
        {
            collector.Check("server version", CheckOutcome.Failed, $"{info.GitVersion} is outside {range.Text}");
            collector.Add(new DoctorFinding("DOC001", DoctorSeverity.Error, "cluster", $"Kubernetes {info.GitVersion} is outside the chart's supported range {range.Text} (Chart.yaml kubeVersion).",
                "Upgrade the cluster (or create a kind cluster with a supported node image) before installing.", Runbooks.Preflight, []));
        }

        return version;
    }

    public void PodSecurity(V1Namespace ns)
    {
        var labels = ns.Metadata?.Labels ?? new Dictionary<string, string>();
        if (labels.TryGetValue(PodSecurityEnforce, out var level))
        {
            collector.Check("pod security", CheckOutcome.Passed, $"namespace enforces '{level}'; every pod of the chart meets 'restricted'");
            return;
        }

        collector.Check("pod security", CheckOutcome.Failed, "no Pod Security enforce label");
        collector.Add(new DoctorFinding("DOC002", DoctorSeverity.Warning, $"Namespace/{ns.Metadata?.Name}",
            "the namespace has no pod-security.kubernetes.io/enforce label, so the cluster-wide default admission level applies.",
            $"kubectl label namespace {ns.Metadata?.Name} {PodSecurityEnforce}=restricted (the chart's pods meet 'restricted').", Runbooks.Preflight, []));
    }

    public async Task CustomResourcesAsync(IReadOnlyList<KubeObject> objects, CancellationToken ct)
    {
        var needed = objects.Where(o => !BuiltInGroups.Contains(o.Group))
            .Select(o => (o.Group, o.Version, o.Kind)).Distinct().OrderBy(n => n.Group, StringComparer.Ordinal).ThenBy(n => n.Kind, StringComparer.Ordinal).ToList();
        if (needed.Count == 0)
        {
            collector.Check("custom resources", CheckOutcome.Passed, "the render uses built-in kinds only");
            return;
        }

        var crds = await api.ListCrdsAsync(ct).ConfigureAwait(false);
        var missing = 0;
        foreach (var (group, version, kind) in needed)
        {
            var crd = crds.FirstOrDefault(c => c.Spec.Group == group && c.Spec.Names.Kind == kind);
            var served = crd?.Spec.Versions?.Any(v => v.Name == version && v.Served) ?? false;
            if (served)
            {
                continue;
            }

            missing++;
            var how = Installers.GetValueOrDefault(group, $"install the operator that provides {group}");
            collector.Add(new DoctorFinding("DOC010", DoctorSeverity.Error, $"{kind}.{group}/{version}",
                crd is null
                    ? $"the render creates {kind} ({group}/{version}) but the cluster has no CustomResourceDefinition for it."
                    : $"the CustomResourceDefinition {crd.Metadata.Name} does not serve version {version} (served: {string.Join(", ", crd.Spec.Versions?.Where(v => v.Served).Select(v => v.Name) ?? [])}).",
                $"{char.ToUpperInvariant(how[0])}{how[1..]}, then re-run doctor.", Runbooks.Preflight, []));
        }

        collector.Check("custom resources", missing == 0 ? CheckOutcome.Passed : CheckOutcome.Failed,
            missing == 0 ? $"{needed.Count.ToString(CultureInfo.InvariantCulture)} custom kind(s) served" : $"{missing.ToString(CultureInfo.InvariantCulture)} of {needed.Count.ToString(CultureInfo.InvariantCulture)} custom kind(s) missing");
    }

    public async Task StorageAsync(IReadOnlyList<KubeObject> objects, CancellationToken ct)
    {
        var claims = Claims(objects).ToList();
        if (claims.Count == 0)
        {
            collector.Check("storage class", CheckOutcome.Skipped, "the render has no PersistentVolumeClaims");
            return;
        }

        var classes = await api.ListStorageClassesAsync(ct).ConfigureAwait(false);
        var defaults = classes.Where(c => c.Metadata?.Annotations?.TryGetValue(DefaultClassAnnotation, out var v) == true && v == "true").Select(c => c.Metadata.Name).ToList();
        var failures = 0;
        foreach (var (owner, className) in claims)
        {
            if (className is null && defaults.Count == 0)
            {
                failures++;
                collector.Add(new DoctorFinding("DOC011", DoctorSeverity.Error, owner,
                    $"{owner} asks for a volume without a storageClassName and the cluster has no default StorageClass (classes: {(classes.Count == 0 ? "none" : string.Join(", ", classes.Select(c => c.Metadata.Name)))}); the claim would stay Pending.",
                    $"Mark a class as default (kubectl annotate storageclass NAME {DefaultClassAnnotation}=true) or set the component's persistence.storageClass.", Runbooks.Pending, []));
            }
            else if (className is { Length: > 0 } && classes.All(c => c.Metadata.Name != className))
            {
                failures++;
                collector.Add(new DoctorFinding("DOC011", DoctorSeverity.Error, owner,
                    $"{owner} asks for StorageClass '{className}', which the cluster does not have (classes: {string.Join(", ", classes.Select(c => c.Metadata.Name))}).",
                    "Set the component's persistence.storageClass to one of the cluster's classes.", Runbooks.Pending, []));
            }
        }

        collector.Check("storage class", failures == 0 ? CheckOutcome.Passed : CheckOutcome.Failed,
            failures == 0 ? $"{claims.Count.ToString(CultureInfo.InvariantCulture)} claim(s) can bind (default class: {(defaults.Count == 0 ? "none needed" : string.Join(", ", defaults))})" : $"{failures.ToString(CultureInfo.InvariantCulture)} claim(s) cannot bind");
    }

    public async Task CapacityAsync(DeploymentPlan plan, CancellationToken ct)
    {
        var nodes = (await api.ListNodesAsync(ct).ConfigureAwait(false)).Where(Schedulable).ToList();
        decimal cpu = 0, memory = 0;
        foreach (var node in nodes)
        {
            cpu += Quantity(node.Status?.Allocatable, "cpu");
            memory += Quantity(node.Status?.Allocatable, "memory");
        }

        var platform = plan.PlatformTotal;
        var atMin = plan.Executors?.AtMin ?? Planning.ResourceTotals.Zero;
        var needCpu = platform.CpuRequest + atMin.CpuRequest;
        var needMemory = platform.MemoryRequest + atMin.MemoryRequest;
        var summary = $"{nodes.Count.ToString(CultureInfo.InvariantCulture)} schedulable node(s): {KubeQuantity.FormatCpu(cpu)} CPU, {KubeQuantity.FormatBytes(memory)} allocatable; "
            + $"the platform with min executors requests {KubeQuantity.FormatCpu(needCpu)} CPU, {KubeQuantity.FormatBytes(needMemory)}";
        var failed = false;
        if (needCpu > cpu)
        {
            failed = true;
            collector.Add(new DoctorFinding("DOC012", DoctorSeverity.Error, "cluster",
                $"the release requests {KubeQuantity.FormatCpu(needCpu)} CPU (platform {KubeQuantity.FormatCpu(platform.CpuRequest)} + executors at min {KubeQuantity.FormatCpu(atMin.CpuRequest)}) but the schedulable nodes have {KubeQuantity.FormatCpu(cpu)} allocatable; pods would stay Pending with 'Insufficient cpu'.",
                "Add nodes (or give kind more CPUs), or pick a smaller environment (--env dev) or lower the requests.", Runbooks.Pending, []));
        }

        if (needMemory > memory)
        {
            failed = true;
            collector.Add(new DoctorFinding("DOC013", DoctorSeverity.Error, "cluster",
                $"the release requests {KubeQuantity.FormatBytes(needMemory)} of memory (platform {KubeQuantity.FormatBytes(platform.MemoryRequest)} + executors at min {KubeQuantity.FormatBytes(atMin.MemoryRequest)}) but the schedulable nodes have {KubeQuantity.FormatBytes(memory)} allocatable; pods would stay Pending with 'Insufficient memory'.",
                "Add nodes (or give kind more memory), or pick a smaller environment (--env dev) or lower the requests.", Runbooks.Pending, []));
        }

        if (!failed && plan.Executors is { AtMax: { } atMax, MaxExecutors: { } max } executors
            && (platform.CpuRequest + atMax.CpuRequest > cpu || platform.MemoryRequest + atMax.MemoryRequest > memory))
        {
            var perCpu = executors.CoresPerExecutor;
            var perMemory = executors.MemoryPerExecutorBytes;
            var fit = (int)Math.Min(perCpu <= 0 ? max : Math.Floor((cpu - platform.CpuRequest) / perCpu), perMemory <= 0 ? max : Math.Floor((memory - platform.MemoryRequest) / perMemory));
            collector.Add(new DoctorFinding("DOC014", DoctorSeverity.Warning, "executors",
                $"at max dynamic allocation ({max.ToString(CultureInfo.InvariantCulture)} executors) the release requests {KubeQuantity.FormatCpu(platform.CpuRequest + atMax.CpuRequest)} CPU and {KubeQuantity.FormatBytes(platform.MemoryRequest + atMax.MemoryRequest)}; the nodes fit about {Math.Max(0, fit).ToString(CultureInfo.InvariantCulture)} executor(s), the rest would stay Pending.",
                $"Lower spark.dynamicAllocation.maxExecutors to {Math.Max(1, fit).ToString(CultureInfo.InvariantCulture)} or add capacity (a cluster autoscaler).", Runbooks.Pending, []));
        }

        collector.Check("capacity", failed ? CheckOutcome.Failed : CheckOutcome.Passed, summary);
    }

    /// <summary>Image registries (and Maven Central when the Spark conf pulls packages) the nodes must reach; doctor cannot test egress from here.</summary>
    public void Egress(DeploymentPlan plan, IEnumerable<string> sparkPackages)
    {
        var hosts = plan.Images.Select(i => Registry(i.Reference)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var packages = sparkPackages.ToList();
        if (packages.Count > 0)
        {
            hosts.Add("repo1.maven.org (spark.jars.packages: " + string.Join(", ", packages) + ")");
        }

        collector.Check("egress", CheckOutcome.Skipped, $"needs {string.Join(", ", hosts)}; not testable from here");
        collector.Add(new DoctorFinding("DOC015", DoctorSeverity.Warning, "egress",
            $"the nodes must reach {string.Join("; ", hosts)}; doctor cannot check egress from the cluster's nodes.",
            "Allow egress to these hosts, or mirror the images (kind load docker-image) and the jars into a reachable registry.", Runbooks.ImagePull, []));
    }

    private static IEnumerable<(string Owner, string? StorageClass)> Claims(IEnumerable<KubeObject> objects)
    {
        foreach (var o in objects)
        {
            if (o.Kind == "PersistentVolumeClaim")
            {
                yield return (o.DisplayName, (string?)o.Body["spec"]?["storageClassName"]);
            }
            else if (o.Kind == "StatefulSet" && o.Body["spec"]?["volumeClaimTemplates"] is System.Text.Json.Nodes.JsonArray templates)
            {
                foreach (var template in templates)
                {
                    yield return ($"{o.DisplayName} claim {(string?)template?["metadata"]?["name"]}", (string?)template?["spec"]?["storageClassName"]);
                }
            }
        }
    }

    private static bool Schedulable(V1Node node) =>
        node.Spec?.Unschedulable != true && !(node.Spec?.Taints ?? []).Any(t => t.Effect is "NoSchedule" or "NoExecute");

    private static decimal Quantity(IDictionary<string, ResourceQuantity>? values, string key) =>
        values is not null && values.TryGetValue(key, out var q) && KubeQuantity.TryParse(q.ToString(), out var value) ? value : 0;

    /// <summary>The registry host of an image reference; Docker Hub when the first part is not a host.</summary>
    public static string Registry(string image)
    {
        var first = image.Split('/')[0];
        return image.Contains('/', StringComparison.Ordinal) && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost")
            ? first
            : "docker.io";
    }
}
