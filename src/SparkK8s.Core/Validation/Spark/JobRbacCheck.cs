namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK052: a batch job's driver, or a submit job's spark-submit pod, without the RBAC Spark needs. The driver creates,
/// watches and deletes its executor pods and creates their ConfigMap (ExecutorPodsAllocator in apache/spark); spark-submit
/// in cluster mode creates the driver pod and watches it, and creates the driver's Service and ConfigMap
/// (KubernetesClientApplication).
/// </summary>
public sealed class JobRbacCheck() : SparkCheck(
    "SPK052",
    Severity.Error,
    "A job's driver or spark-submit pod runs under a service account without the RBAC Spark needs",
    "Bind the job's service accounts to Roles granting what the message lists (the chart renders <fullname>-job-driver and <fullname>-job-submitter)")
{
    private static readonly IReadOnlyList<string> SubmitterPodVerbs = ["create", "get", "watch", "delete"];
    private static readonly IReadOnlyList<string> Create = ["create"];

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var model = context.Model;
        var objects = model.Objects.ToList();
        foreach (var job in model.Jobs)
        {
            if (job.Find("spark.kubernetes.authenticate.driver.serviceAccountName") is not { } account)
            {
                continue;
            }

            var ns = job.Get("spark.kubernetes.namespace");
            var missing = Missing(objects, account.Value, ns, ("pods", ConnectRbacCheck.PodVerbs), ("configmaps", ConnectRbacCheck.ConfigMapVerbs));
            if (missing is not null)
            {
                yield return Found(account, $"the driver's service account '{account.Value}' is {missing}");
            }
        }

        foreach (var submitter in model.Documents.Where(d => d.Object.Kind is "Job" or "CronJob" && SparkRenderModel.JobOf(d.Object) is not null))
        {
            var spec = submitter.Object.PodSpec!;
            var account = (string?)spec["serviceAccountName"] ?? "default";
            var missing = Missing(objects, account, submitter.Object.Namespace, ("pods", SubmitterPodVerbs), ("services", Create), ("configmaps", Create));
            if (missing is not null)
            {
                var field = submitter.Object.Kind == "CronJob" ? "spec.jobTemplate.spec.template.spec.serviceAccountName" : "spec.template.spec.serviceAccountName";
                yield return Found(submitter.Object.DisplayName, field,
                    $"job '{SparkRenderModel.JobOf(submitter.Object)}': spark-submit runs as service account '{account}', which is {missing}");
            }
        }
    }

    private static string? Missing(IReadOnlyList<Manifests.KubeObject> objects, string account, string? ns, params (string Resource, IReadOnlyList<string> Verbs)[] needs)
    {
        if (account != "default" && !objects.Any(o => o.Kind == "ServiceAccount" && o.Name == account))
        {
            return "not in the render";
        }

        var lacking = needs.Select(n => (n.Resource, Verbs: ConnectRbacCheck.MissingVerbs(objects, account, ns, n.Resource, n.Verbs)))
            .Where(n => n.Verbs.Count > 0).Select(n => $"{n.Resource} {string.Join("/", n.Verbs)}").ToList();
        return lacking.Count == 0 ? null : $"not bound to a role granting {string.Join(" and ", lacking)}";
    }
}
