using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Units;

namespace SparkK8s.Core.Validation.Upgrade;

/// <summary>
/// Compares a render with the release it upgrades (<see cref="PreviousRender"/>) and names every change to a field
/// that Kubernetes refuses to update in place, with the manual procedure (docs/en/runbooks/immutable-fields.md).
/// Objects are matched by kind, namespace and name; added and removed objects are ordinary upgrades.
/// Kubernetes facts (kubernetes/kubernetes, pkg/apis/apps/validation/validation.go ValidateStatefulSetUpdate and
/// ValidateDeploymentUpdate, pkg/apis/batch/validation, pkg/apis/core/validation ValidatePersistentVolumeClaimUpdate
/// and ValidateServiceUpdate): a StatefulSet update may change only replicas, ordinals, template, updateStrategy,
/// minReadySeconds and persistentVolumeClaimRetentionPolicy; selectors of Deployments, StatefulSets and Jobs and a Job's
/// pod template are immutable; a bound PVC may only grow (and only with an expandable storage class), never change
/// class or access modes; a Service's clusterIP cannot change.
/// </summary>
public static partial class ImmutableFieldCheck
{
    public const string VolumeClaimId = "SPK031";
    public const string SelectorId = "SPK032";
    public const string OtherId = "SPK033";

    private const string Runbook = "docs/en/runbooks/immutable-fields.md";

    public static IReadOnlyList<Finding> Run(IReadOnlyList<KubeObject> previous, IReadOnlyList<KubeObject> next)
    {
        var before = previous.GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        var findings = new List<Finding>();
        foreach (var obj in next)
        {
            if (!before.TryGetValue(Key(obj), out var old))
            {
                continue;
            }

            switch (obj.Kind)
            {
                case "StatefulSet":
                    Selector(old, obj, findings);
                    StatefulSet(old, obj, findings);
                    break;
                case "Deployment":
                    Selector(old, obj, findings);
                    break;
                case "Job" when PerRevision().IsMatch(obj.Name):
                    // The chart names its Jobs per release revision ("-r<N>"): each helm upgrade creates new ones.
                    break;
                case "Job":
                    Selector(old, obj, findings);
                    Changed(old, obj, "spec.template", findings, OtherId,
                        $"a Job's pod template cannot change; delete the finished Job (kubectl delete job {obj.Name}) before helm upgrade, "
                        + "or let the chart name it per revision");
                    break;
                case "PersistentVolumeClaim":
                    Claim(old, obj, findings);
                    break;
                case "Service":
                    Service(old, obj, findings);
                    break;
            }
        }

        return findings;
    }

    private static string Key(KubeObject o) => $"{o.ApiVersion.Split('/')[0]}|{o.Kind}|{o.Namespace}|{o.Name}";

    private static Finding Error(string id, KubeObject obj, string field, string message, string fix, Severity severity = Severity.Error) =>
        new(ValidationStage.Upgrade, id, severity, obj.DisplayName, field, message, $"{fix} (see {Runbook})");

    private static void Selector(KubeObject old, KubeObject obj, List<Finding> findings)
    {
        var a = old.Body["spec"]?["selector"];
        var b = obj.Body["spec"]?["selector"];
        if (!JsonNode.DeepEquals(a, b))
        {
            findings.Add(Error(SelectorId, obj, "spec.selector", $"the selector changes from {Text(a)} to {Text(b)}; Kubernetes refuses to update it",
                $"kubectl delete {obj.Kind.ToLowerInvariant()} {obj.Name} --cascade=orphan, then helm upgrade, then delete the old pods the new selector does not match"));
        }
    }

    private static void Changed(KubeObject old, KubeObject obj, string path, List<Finding> findings, string id, string fix)
    {
        var a = At(old.Body, path);
        var b = At(obj.Body, path);
        if (!JsonNode.DeepEquals(a, b))
        {
            findings.Add(Error(id, obj, path, $"{path} changes; Kubernetes refuses to update it in place", fix));
        }
    }

    private static void StatefulSet(KubeObject old, KubeObject obj, List<Finding> findings)
    {
        var orphan = $"kubectl delete statefulset {obj.Name} --cascade=orphan";
        foreach (var field in new[] { "serviceName", "podManagementPolicy" })
        {
            var a = (string?)old.Body["spec"]?[field];
            var b = (string?)obj.Body["spec"]?[field];
            if (a != b)
            {
                findings.Add(Error(OtherId, obj, $"spec.{field}", $"spec.{field} changes from '{a}' to '{b}'; Kubernetes refuses to update it",
                    $"{orphan} (the pods and volumes stay), then helm upgrade"));
            }
        }

        var oldTemplates = Templates(old);
        var newTemplates = Templates(obj);
        foreach (var (name, template) in newTemplates)
        {
            var field = $"spec.volumeClaimTemplates[{name}]";
            if (!oldTemplates.TryGetValue(name, out var before))
            {
                findings.Add(Error(VolumeClaimId, obj, field, $"volume claim template '{name}' is added; Kubernetes refuses to change volumeClaimTemplates",
                    $"{orphan}, then helm upgrade: new pods get the new claim"));
                continue;
            }

            var sizeBefore = (string?)before["spec"]?["resources"]?["requests"]?["storage"];
            var sizeAfter = (string?)template["spec"]?["resources"]?["requests"]?["storage"];
            if (sizeBefore != sizeAfter)
            {
                findings.Add(Error(VolumeClaimId, obj, $"{field}.spec.resources.requests.storage",
                    $"volume size changes from {sizeBefore} to {sizeAfter}; Kubernetes refuses to change volumeClaimTemplates",
                    $"grow each claim (kubectl patch pvc {name}-{obj.Name}-0 -p '{{\"spec\":{{\"resources\":{{\"requests\":{{\"storage\":\"{sizeAfter}\"}}}}}}}}'; "
                    + $"its storage class must allow volume expansion, and a claim never shrinks), then {orphan}, then helm upgrade"));
            }

            var classBefore = (string?)before["spec"]?["storageClassName"] ?? "(cluster default)";
            var classAfter = (string?)template["spec"]?["storageClassName"] ?? "(cluster default)";
            if (classBefore != classAfter)
            {
                findings.Add(Error(VolumeClaimId, obj, $"{field}.spec.storageClassName",
                    $"storage class changes from {classBefore} to {classAfter}; neither the StatefulSet nor a bound claim can change it",
                    $"back the data up (spark-k8s backup run for PostgreSQL), {orphan}, delete pod and claim {name}-{obj.Name}-0, helm upgrade, restore"));
            }

            var modesBefore = Text(before["spec"]?["accessModes"]);
            var modesAfter = Text(template["spec"]?["accessModes"]);
            if (modesBefore != modesAfter)
            {
                findings.Add(Error(VolumeClaimId, obj, $"{field}.spec.accessModes",
                    $"access modes change from {modesBefore} to {modesAfter}; neither the StatefulSet nor a bound claim can change them",
                    $"back the data up, {orphan}, delete pod and claim {name}-{obj.Name}-0, helm upgrade, restore"));
            }
        }

        foreach (var name in oldTemplates.Keys.Except(newTemplates.Keys))
        {
            findings.Add(Error(VolumeClaimId, obj, $"spec.volumeClaimTemplates[{name}]",
                $"volume claim template '{name}' is removed; Kubernetes refuses to change volumeClaimTemplates",
                $"{orphan}, then helm upgrade; delete the claims {name}-{obj.Name}-N when their data is no longer needed"));
        }
    }

    private static Dictionary<string, JsonObject> Templates(KubeObject obj) =>
        (obj.Body["spec"]?["volumeClaimTemplates"] as JsonArray)?.OfType<JsonObject>()
            .GroupBy(t => (string?)t["metadata"]?["name"] ?? string.Empty)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal)
        ?? new Dictionary<string, JsonObject>(StringComparer.Ordinal);

    private static void Claim(KubeObject old, KubeObject obj, List<Finding> findings)
    {
        var classBefore = (string?)old.Body["spec"]?["storageClassName"] ?? "(cluster default)";
        var classAfter = (string?)obj.Body["spec"]?["storageClassName"] ?? "(cluster default)";
        if (classBefore != classAfter)
        {
            findings.Add(Error(OtherId, obj, "spec.storageClassName", $"storage class changes from {classBefore} to {classAfter}; a bound claim cannot change it",
                $"copy the data out, delete the claim (kubectl delete pvc {obj.Name}), helm upgrade, copy the data back"));
        }

        if (Text(old.Body["spec"]?["accessModes"]) != Text(obj.Body["spec"]?["accessModes"]))
        {
            findings.Add(Error(OtherId, obj, "spec.accessModes", "access modes change; a bound claim cannot change them",
                $"copy the data out, delete the claim (kubectl delete pvc {obj.Name}), helm upgrade, copy the data back"));
        }

        var sizeBefore = (string?)old.Body["spec"]?["resources"]?["requests"]?["storage"];
        var sizeAfter = (string?)obj.Body["spec"]?["resources"]?["requests"]?["storage"];
        if (sizeBefore == sizeAfter || sizeBefore is null || sizeAfter is null)
        {
            return;
        }

        var grows = KubeQuantity.TryParse(sizeAfter, out var after) && KubeQuantity.TryParse(sizeBefore, out var b4) && after > b4;
        findings.Add(grows
            ? Error(OtherId, obj, "spec.resources.requests.storage", $"the claim grows from {sizeBefore} to {sizeAfter}; this works only if its storage class allows volume expansion",
                "check kubectl get storageclass (ALLOWVOLUMEEXPANSION true) before helm upgrade", Severity.Warning)
            : Error(OtherId, obj, "spec.resources.requests.storage", $"the claim shrinks from {sizeBefore} to {sizeAfter}; Kubernetes never shrinks a claim",
                $"keep {sizeBefore}, or copy the data out, delete the claim (kubectl delete pvc {obj.Name}), helm upgrade, copy the data back"));
    }

    private static void Service(KubeObject old, KubeObject obj, List<Finding> findings)
    {
        var a = (string?)old.Body["spec"]?["clusterIP"];
        var b = (string?)obj.Body["spec"]?["clusterIP"];
        if ((a == "None") != (b == "None"))
        {
            findings.Add(Error(OtherId, obj, "spec.clusterIP", $"the Service changes between headless and not (clusterIP '{a}' to '{b}'); Kubernetes refuses to change clusterIP",
                $"kubectl delete service {obj.Name}, then helm upgrade"));
        }
    }

    private static JsonNode? At(JsonNode node, string path) =>
        path.Split('.').Aggregate<string, JsonNode?>(node, (n, segment) => n?[segment]);

    private static string Text(JsonNode? node) => node?.ToJsonString() ?? "(none)";

    [GeneratedRegex(@"-r[0-9]+$")]
    private static partial Regex PerRevision();
}
