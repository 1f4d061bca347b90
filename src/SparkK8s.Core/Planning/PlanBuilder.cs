using System.Globalization;
using System.Text.Json.Nodes;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Units;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Spark;

namespace SparkK8s.Core.Planning;

/// <summary>Builds a <see cref="DeploymentPlan"/> from a render and its validation.</summary>
public static class PlanBuilder
{
    public static DeploymentPlan Build(RenderedManifest manifest, ValidationRun validation)
    {
        // A workload an HPA scales has no spec.replicas of its own: it runs at least the HPA's minReplicas.
        var autoscaled = manifest.Documents.Select(d => d.Object).Where(o => o.Kind == "HorizontalPodAutoscaler")
            .GroupBy(o => ((string?)o.Body["spec"]?["scaleTargetRef"]?["kind"], (string?)o.Body["spec"]?["scaleTargetRef"]?["name"]))
            .ToDictionary(g => g.Key, g => IntOf(g.First().Body["spec"]?["minReplicas"]) ?? 1);
        var workloads = manifest.Documents.Where(d => d.Object.PodSpec is not null).Select(d => Workload(d, autoscaled)).ToList();
        var images = workloads.SelectMany(w => w.Images).DistinctBy(i => i.Reference).OrderBy(i => i.Reference, StringComparer.Ordinal).ToList();
        var total = workloads.Where(w => w.Counted).Aggregate(ResourceTotals.Zero, (sum, w) => sum.Add(w.Total));
        var components = manifest.Documents.Select(d => d.Component).Where(c => c != "common").Distinct().Order(StringComparer.Ordinal).ToList();
        var model = SparkRenderModel.From(manifest.Documents);
        return new DeploymentPlan(
            validation.Preset,
            validation.Environment,
            validation.SparkVersion,
            manifest.Options.ReleaseName,
            manifest.Options.Namespace,
            components,
            workloads,
            images,
            manifest.Documents.Where(d => d.Object.Kind == "Service").SelectMany(d => Endpoints(d, manifest.Options.Namespace)).ToList(),
            total,
            Executors(model, validation.SparkVersion),
            validation,
            Standalone(model, validation.SparkVersion))
        {
            Jobs = Jobs(manifest.Documents),
        };
    }

    /// <summary>Jobs are the Jobs/CronJobs (submit) and operator applications that carry the spark-k8s.io/job label.</summary>
    private static List<PlannedJob> Jobs(IReadOnlyList<RenderedDocument> documents) =>
        documents.Select(d => d.Object)
            .Where(o => o.Kind is "Job" or "CronJob" || SparkRenderModel.OperatorKinds.Contains(o.Kind))
            .Where(o => o.Labels.ContainsKey(SparkRenderModel.JobLabel))
            .Select(o => new PlannedJob(o.Labels[SparkRenderModel.JobLabel], o.Kind is "Job" or "CronJob" ? "submit" : "operator", o.Kind, o.Name,
                (string?)o.Body["spec"]?["schedule"]))
            .OrderBy(j => j.Name, StringComparer.Ordinal)
            .ToList();

    private static StandaloneCapacity? Standalone(SparkRenderModel model, string sparkVersion)
    {
        if (StandaloneWorkers.From(model) is not { } workers)
        {
            return null;
        }

        var executor = StandaloneExecutor.From(model, sparkVersion);
        var perWorker = executor is null ? null : workers.ExecutorsPerWorker(executor.Cores, executor.HeapMiB);
        return new StandaloneCapacity(workers.MinReplicas, workers.MaxReplicas, workers.Cores, workers.MemoryMiB * ByteMiB,
            executor?.Cores, executor?.HeapMiB * ByteMiB, perWorker, perWorker * workers.MaxReplicas);
    }

    private const long ByteMiB = 1024 * 1024;

    private static PlannedWorkload Workload(RenderedDocument document, Dictionary<(string?, string?), int> autoscaled)
    {
        var obj = document.Object;
        var spec = obj.PodSpec!;
        var counted = obj.Kind is not ("Job" or "CronJob");
        var replicas = obj.Kind switch
        {
            "Deployment" or "StatefulSet" or "ReplicaSet" => IntOf(obj.Body["spec"]?["replicas"]) ?? autoscaled.GetValueOrDefault((obj.Kind, obj.Name), 1),
            _ => 1,
        };
        var containers = (spec["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var perReplica = containers.Aggregate(ResourceTotals.Zero, (sum, c) => sum.Add(Resources(c)));
        var images = containers.Concat((spec["initContainers"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(c => (string?)c["image"]).OfType<string>().Distinct().Select(Image).ToList();
        return new PlannedWorkload(document.Component, obj.Kind, obj.Name, replicas, counted, images, perReplica, perReplica.Times(replicas));
    }

    private static ResourceTotals Resources(JsonObject container)
    {
        var resources = container["resources"];
        return new ResourceTotals(
            KubeQuantity.From(resources?["requests"]?["cpu"]) ?? 0,
            KubeQuantity.From(resources?["limits"]?["cpu"]),
            KubeQuantity.From(resources?["requests"]?["memory"]) ?? 0,
            KubeQuantity.From(resources?["limits"]?["memory"]));
    }

    public static PlannedImage Image(string reference)
    {
        var name = reference;
        var digest = name.IndexOf('@', StringComparison.Ordinal);
        if (digest >= 0)
        {
            return new PlannedImage(reference, name[..digest], name[(digest + 1)..]);
        }

        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') && colon >= 0
            ? new PlannedImage(reference, name[..colon], name[(colon + 1)..])
            : new PlannedImage(reference, name, "latest");
    }

    private static IEnumerable<PlannedEndpoint> Endpoints(RenderedDocument service, string releaseNamespace)
    {
        var ns = service.Object.Namespace ?? releaseNamespace;
        var host = $"{service.Object.Name}.{ns}.svc.cluster.local";
        foreach (var port in (service.Object.Body["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var number = IntOf(port["port"]) ?? 0;
            var name = (string?)port["name"] ?? string.Empty;
            var text = number.ToString(CultureInfo.InvariantCulture);
            yield return new PlannedEndpoint(service.Component, service.Object.Name, name, number, $"{Scheme(name, number)}://{host}:{text}",
                $"kubectl -n {ns} port-forward svc/{service.Object.Name} {text}:{text}");
        }
    }

    private static string Scheme(string portName, int port)
    {
        var name = portName.ToLowerInvariant();
        return name switch
        {
            _ when name.Contains("grpc", StringComparison.Ordinal) || name.Contains("connect", StringComparison.Ordinal) || port == 15002 => "sc",
            _ when name.Contains("thrift", StringComparison.Ordinal) || port == 9083 => "thrift",
            _ when name.Contains("postgres", StringComparison.Ordinal) || port == 5432 => "postgresql",
            _ when name.Contains("http", StringComparison.Ordinal) || name.Contains("ui", StringComparison.Ordinal) || name.Contains("web", StringComparison.Ordinal)
                || name.Contains("api", StringComparison.Ordinal) || name.Contains("console", StringComparison.Ordinal) || name.Contains("metrics", StringComparison.Ordinal)
                || port is 80 or 4040 or 8080 or 8888 or 9000 or 9001 or 18080 => "http",
            _ => "tcp",
        };
    }

    private static ExecutorCapacity? Executors(SparkRenderModel model, string sparkVersion)
    {
        var conf = model.Connect;
        if (conf is null)
        {
            return null;
        }

        var memory = ExecutorMemory.From(conf, sparkVersion);
        var cores = KubeQuantity.From(JsonValue.Create(conf.Get("spark.kubernetes.executor.request.cores") ?? conf.Get("spark.executor.cores") ?? "1")) ?? 1;
        var dynamic = conf.IsTrue("spark.dynamicAllocation.enabled");
        int min, max;
        int? maxOrNull;
        if (dynamic)
        {
            min = Int(conf.Get("spark.dynamicAllocation.minExecutors"), 0);
            maxOrNull = int.TryParse(conf.Get("spark.dynamicAllocation.maxExecutors"), NumberStyles.None, CultureInfo.InvariantCulture, out max) ? max : null;
        }
        else
        {
            min = Int(conf.Get("spark.executor.instances"), 2);
            maxOrNull = min;
        }

        var perExecutor = new ResourceTotals(cores, null, memory.TotalBytes, memory.TotalBytes);
        return new ExecutorCapacity(dynamic, cores, memory.TotalBytes, memory.Explain(), min, maxOrNull,
            perExecutor.Times(min), maxOrNull is { } m ? perExecutor.Times(m) : null);
    }

    private static int? IntOf(JsonNode? node) =>
        node is JsonValue value && int.TryParse(value.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static int Int(string? text, int fallback) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
