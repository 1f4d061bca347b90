using System.Globalization;
using System.Text.Json.Nodes;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>What the Celeborn checks read from a render: the applications that shuffle through Celeborn and the servers.</summary>
internal static class CelebornRender
{
    /// <summary>Celeborn's shuffle manager for Spark (README.md of apache/celeborn, "Spark Configuration").</summary>
    public const string ShuffleManager = "org.apache.spark.shuffle.celeborn.SparkShuffleManager";

    public const string MasterComponent = "celeborn-master";
    public const string WorkerComponent = "celeborn-worker";

    /// <summary>The Spark applications of the render whose spark.shuffle.manager is Celeborn's.</summary>
    public static IEnumerable<SparkConf> Applications(SparkRenderModel model) =>
        model.Applications.Where(c => string.Equals(c.Get("spark.shuffle.manager")?.Trim(), ShuffleManager, StringComparison.Ordinal));

    /// <summary>The StatefulSet (or other workload) of a Celeborn component, or null when the render does not deploy it.</summary>
    public static KubeObjectReplicas? Workload(SparkRenderModel model, string component) =>
        model.Workloads(c => c == component).Select(d => new KubeObjectReplicas(d.Object.DisplayName, Replicas(d.Object.Body))).FirstOrDefault();

    private static int Replicas(JsonObject body) =>
        body["spec"]?["replicas"] is { } value && int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;
}

/// <summary>A workload and its spec.replicas (1 when unset).</summary>
internal sealed record KubeObjectReplicas(string Object, int Replicas);

/// <summary>
/// SPK115: an application shuffles through Celeborn with dynamic allocation and shuffle tracking on. Tracking keeps every
/// executor that wrote shuffle data alive until the shuffle is unused, although the data lives on the Celeborn workers;
/// Celeborn's README asks for spark.dynamicAllocation.shuffleTracking.enabled=false with
/// spark.shuffle.sort.io.plugin.class=org.apache.spark.shuffle.celeborn.CelebornShuffleDataIO (Spark 3.5+). Tracking is on
/// by default since Spark 3.4, so an unset value counts as on.
/// </summary>
public sealed class CelebornShuffleTrackingCheck() : SparkCheck(
    "SPK115",
    Severity.Warning,
    "Celeborn shuffle with dynamic allocation keeps shuffle tracking on, so idle executors are not released",
    "Set spark.dynamicAllocation.shuffleTracking.enabled=false and spark.shuffle.sort.io.plugin.class=org.apache.spark.shuffle.celeborn.CelebornShuffleDataIO (the chart does with celeborn.enabled)")
{
    private const string Tracking = "spark.dynamicAllocation.shuffleTracking.enabled";

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in CelebornRender.Applications(context.Model).Where(c => c.IsTrue("spark.dynamicAllocation.enabled")))
        {
            var tracking = conf.Get(Tracking) is not null ? conf.IsTrue(Tracking) : DynamicAllocationShuffleCheck.TrackingIsOnByDefault(context.SparkVersion);
            if (tracking)
            {
                yield return Found(conf.Find(Tracking) ?? conf.Find("spark.dynamicAllocation.enabled")!,
                    $"{conf.Describe()} shuffles through Celeborn with dynamic allocation, but {Tracking} is {(conf.Get(Tracking) is null ? "unset (true since Spark 3.4)" : "true")}: executors stay up for shuffle data they no longer hold");
            }
        }
    }
}

/// <summary>
/// SPK116: an application shuffles through Celeborn with spark.shuffle.service.enabled=true. Executors then register with
/// an external shuffle service on their node, which Kubernetes does not run, and Celeborn's own README sets it to false.
/// </summary>
public sealed class CelebornExternalShuffleServiceCheck() : SparkCheck(
    "SPK116",
    Severity.Error,
    "Celeborn shuffle with the external shuffle service on",
    "Set spark.shuffle.service.enabled=false: shuffle data lives on the Celeborn workers")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var conf in CelebornRender.Applications(context.Model).Where(c => c.IsTrue("spark.shuffle.service.enabled")))
        {
            yield return Found(conf.Find("spark.shuffle.service.enabled")!,
                $"{conf.Describe()} shuffles through Celeborn, but spark.shuffle.service.enabled is true: executors would register with a node-local shuffle service that does not exist");
        }
    }
}

/// <summary>
/// SPK117: an application shuffles through Celeborn, but spark.celeborn.master.endpoints is unset (the client then tries
/// localhost:9097), or, while the render deploys Celeborn masters, it does not list each of them: a master whose DNS name
/// (pod.service.namespace.svc) names no Service of the render, or fewer endpoints than master replicas.
/// </summary>
public sealed class CelebornMasterEndpointsCheck() : SparkCheck(
    "SPK117",
    Severity.Error,
    "Celeborn shuffle without the release's Celeborn masters in spark.celeborn.master.endpoints",
    "List every master as <pod>.<service>.<namespace>.svc:<port> (the chart does with celeborn.enabled), or remove the Celeborn shuffle manager")
{
    private const string Endpoints = "spark.celeborn.master.endpoints";

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var masters = CelebornRender.Workload(context.Model, CelebornRender.MasterComponent);
        var services = context.Model.Objects.Where(o => o.Kind == "Service").ToList();
        foreach (var conf in CelebornRender.Applications(context.Model))
        {
            var property = conf.Find(Endpoints);
            if (property is null || property.Value.Trim().Length == 0)
            {
                yield return Found(conf.Find("spark.shuffle.manager")!, $"{conf.Describe()} shuffles through Celeborn, but {Endpoints} is unset: the client looks for a master on localhost:9097");
                continue;
            }

            if (masters is null)
            {
                continue;
            }

            var endpoints = property.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var endpoint in endpoints)
            {
                var colon = endpoint.LastIndexOf(':');
                var host = colon < 0 ? endpoint : endpoint[..colon];
                var port = colon < 0 ? 9097 : int.TryParse(endpoint[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : -1;
                var labels = host.Split('.');
                var serviceName = labels.Length > 1 ? labels[1] : labels[0];
                var service = services.FirstOrDefault(s => s.Name == serviceName);
                if (service is null)
                {
                    yield return Found(property, $"{conf.Describe()}: master endpoint {endpoint} names no Service '{serviceName}' of the render");
                }
                else if (!(service.Body["spec"]?["ports"]?.AsArray() ?? []).Any(sp => sp?["port"]?.ToString() == port.ToString(CultureInfo.InvariantCulture)))
                {
                    yield return Found(property, $"{conf.Describe()}: Service '{serviceName}' has no port {port.ToString(CultureInfo.InvariantCulture)} for the master endpoint {endpoint}");
                }
            }

            if (endpoints.Length < masters.Replicas)
            {
                yield return Found(property, $"{conf.Describe()} lists {endpoints.Length.ToString(CultureInfo.InvariantCulture)} Celeborn master(s), but {masters.Object} runs {masters.Replicas.ToString(CultureInfo.InvariantCulture)}: the client cannot fail over to the others");
            }
        }
    }
}

/// <summary>
/// SPK118: the Celeborn masters cannot keep a Raft quorum well: an even replica count (2 masters survive no failure, 4 no
/// more than 3 do, and an even group can split its vote). Raft needs a majority of the group up.
/// </summary>
public sealed class CelebornMasterQuorumCheck() : SparkCheck(
    "SPK118",
    Severity.Error,
    "The Celeborn masters have an even replica count, which adds no failure tolerance to the Raft group",
    "Run 1, 3, 5 or 7 masters (celeborn.master.replicas)")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        if (CelebornRender.Workload(context.Model, CelebornRender.MasterComponent) is { } masters && masters.Replicas > 0 && masters.Replicas % 2 == 0)
        {
            var n = masters.Replicas.ToString(CultureInfo.InvariantCulture);
            var tolerated = ((masters.Replicas - 1) / 2).ToString(CultureInfo.InvariantCulture);
            yield return Found(masters.Object, "spec.replicas", $"{n} Celeborn masters form a Raft group that survives only {tolerated} failure(s), as {(masters.Replicas - 1).ToString(CultureInfo.InvariantCulture)} would");
        }
    }
}

/// <summary>
/// SPK119: an application replicates pushed data (spark.celeborn.client.push.replicate.enabled=true) while the render runs
/// fewer than two Celeborn workers: a replica needs a second worker, so slot requests fail (Celeborn's README: "If you
/// have only one worker, this setting must be false").
/// </summary>
public sealed class CelebornReplicationCheck() : SparkCheck(
    "SPK119",
    Severity.Error,
    "Celeborn push replication with fewer than two Celeborn workers",
    "Run at least 2 workers (celeborn.worker.replicas) or set celeborn.client.replicate: false")
{
    private const string Replicate = "spark.celeborn.client.push.replicate.enabled";

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        if (CelebornRender.Workload(context.Model, CelebornRender.WorkerComponent) is not { } workers || workers.Replicas >= 2)
        {
            yield break;
        }

        foreach (var conf in CelebornRender.Applications(context.Model).Where(c => c.IsTrue(Replicate)))
        {
            yield return Found(conf.Find(Replicate)!, $"{conf.Describe()} replicates pushed data, but {workers.Object} runs {workers.Replicas.ToString(CultureInfo.InvariantCulture)} worker(s): a replica needs a second one");
        }
    }
}
