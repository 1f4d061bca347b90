using System.Text.Json.Nodes;
using SparkK8s.Chart.Tests.Infrastructure;

namespace SparkK8s.Chart.Tests.Network;

/// <summary>One flow between two components of a release, by the destination's port name.</summary>
public sealed record Flow(string Source, string Destination, string Port)
{
    public override string ToString() => $"{Source} -> {Destination}:{Port}";
}

/// <summary>
/// The pods of a rendered release as NetworkPolicies see them, and the flows issue 9 requires between them,
/// written out here independently of the chart's component table.
/// </summary>
public static class ReleaseNetwork
{
    /// <summary>Executor labels Spark adds to the pod template's (BasicExecutorFeatureStep in apache/spark).</summary>
    private static readonly Dictionary<string, string> SparkExecutorLabels = new()
    {
        ["spark-role"] = "executor",
        ["spark-app-selector"] = "spark-0123456789abcdef",
        ["spark-exec-id"] = "1",
    };

    /// <summary>
    /// Every pod the release runs: the chart's workloads, and two executors made as Spark makes them (the pod template,
    /// Spark's labels, and the "blockmanager" container port Spark adds from spark.blockManager.port).
    /// </summary>
    public static IReadOnlyList<NetworkPod> Pods(Rendered rendered)
    {
        var ns = rendered.Input.Namespace;
        var pods = new List<NetworkPod>();
        foreach (var workload in rendered.Objects.Where(o => o.PodSpec is not null))
        {
            var labels = workload.PodLabels();
            if (labels.GetValueOrDefault(Rendered.ComponentLabel) == "standalone-worker")
            {
                // Two workers, so worker <-> worker flows are checked. The executors a worker launches share its pod and
                // bind spark.blockManager.port or the next free ports above it (Utils.startServiceOnPort).
                var first = int.Parse(rendered.SparkDefaults("connect")["spark.blockManager.port"], System.Globalization.CultureInfo.InvariantCulture);
                var ports = Ports(workload.PodSpec!).Append(new ContainerPort("executors", first)).Append(new ContainerPort("executors", first + 16)).ToList();
                pods.Add(new NetworkPod($"{workload.Name}-1", ns, labels, ports));
                pods.Add(new NetworkPod($"{workload.Name}-2", ns, labels, ports));
                continue;
            }

            if (labels.GetValueOrDefault(Rendered.ComponentLabel) is "celeborn-master" or "celeborn-worker")
            {
                // Two pods of each Celeborn StatefulSet, so master <-> master (Raft) and worker <-> worker (replication) are checked.
                pods.Add(new NetworkPod($"{workload.Name}-0", ns, labels, Ports(workload.PodSpec!)));
                pods.Add(new NetworkPod($"{workload.Name}-1", ns, labels, Ports(workload.PodSpec!)));
                continue;
            }

            pods.Add(new NetworkPod(workload.Name, ns, labels, Ports(workload.PodSpec!)));
        }

        foreach (var template in rendered.SparkPodTemplates)
        {
            var component = template.Labels.GetValueOrDefault(Rendered.ComponentLabel);
            if (component is "executor" or "job-executor")
            {
                // Executors made as Spark makes them: the pod template, Spark's labels, and the "blockmanager" container
                // port Spark adds from spark.blockManager.port (BasicExecutorFeatureStep).
                var blockManagerPort = component == "executor"
                    ? int.Parse(rendered.SparkDefaults("connect")["spark.blockManager.port"], System.Globalization.CultureInfo.InvariantCulture)
                    : 7079;
                var labels = template.PodLabels().Concat(SparkExecutorLabels).ToDictionary();
                var ports = Ports(template.PodSpec!).Append(new ContainerPort("blockmanager", blockManagerPort)).ToList();
                pods.Add(new NetworkPod($"{template.Name}-1", ns, labels, ports));
                pods.Add(new NetworkPod($"{template.Name}-2", ns, labels, ports));
            }
            else if (component == "airflow-worker")
            {
                // Two task pods of the KubernetesExecutor, made from its pod template (the executor adds labels of its own).
                var labels = template.PodLabels().Append(new KeyValuePair<string, string>("airflow-worker", "1")).ToDictionary();
                pods.Add(new NetworkPod($"{template.Name}-1", ns, labels, Ports(template.PodSpec!)));
                pods.Add(new NetworkPod($"{template.Name}-2", ns, labels, Ports(template.PodSpec!)));
            }
            else if (component == "job-driver")
            {
                // Spark adds the driver's ports to the driver pod (BasicDriverFeatureStep: driver-rpc-port, blockmanager,
                // spark-ui), here by the component table's names.
                var labels = template.PodLabels().Append(new KeyValuePair<string, string>("spark-role", "driver")).ToDictionary();
                var ports = Ports(template.PodSpec!).Concat([new ContainerPort("driver", 7078), new ContainerPort("blockmanager", 7079), new ContainerPort("ui", 4040)]).ToList();
                // The Celeborn LifecycleManager in the driver (spark.celeborn.client.shuffle.manager.port), bound without a
                // container port of its own.
                if (CelebornLifecyclePort(rendered) is { } lifecycle)
                {
                    ports.Add(new ContainerPort("celeborn", int.Parse(lifecycle, System.Globalization.CultureInfo.InvariantCulture)));
                }

                pods.Add(new NetworkPod(template.Name, ns, labels, ports));
            }
        }

        return pods;
    }

    public static string Component(NetworkPod pod) => pod.Labels[Rendered.ComponentLabel];

    /// <summary>spark.celeborn.client.shuffle.manager.port of the release's drivers (any spark-defaults.conf that sets it).</summary>
    private static string? CelebornLifecyclePort(Rendered rendered) =>
        rendered.OfKind("ConfigMap").Select(c => (string?)c.Body["data"]?["spark-defaults.conf"]).Where(t => t is not null)
            .Select(t => SparkDefaultsFile.Parse(t!).GetValueOrDefault("spark.celeborn.client.shuffle.manager.port")).FirstOrDefault(p => p is not null);

    private static List<ContainerPort> Ports(JsonObject podSpec) =>
        PodSpecs.Items(podSpec, "containers").SelectMany(c => PodSpecs.Items(c, "ports"))
            .Select(p => new ContainerPort((string?)p["name"], Json.Int(p["containerPort"]) ?? throw new FormatException("containerPort without a number"), (string?)p["protocol"] ?? "TCP")).ToList();

    /// <summary>
    /// The flows issue 9 §1 requires, for the components the release runs: Connect clients to gRPC and the UI, executors
    /// to the driver's fixed ports and back, executors to executors, everyone who stores data to the in-chart MinIO,
    /// the metastore side and the backup Jobs to the in-chart PostgreSQL, and the driver to the metastore.
    /// </summary>
    public static IReadOnlySet<Flow> Required(IReadOnlyList<NetworkPod> pods, bool inChartS3, bool inChartDatabase)
    {
        var present = pods.Select(Component).ToHashSet();
        var flows = new List<Flow>
        {
            new("jupyter", "connect", "grpc"),
            new("jupyter", "connect", "ui"),
            new("executor", "connect", "driver"),
            new("executor", "connect", "blockmanager"),
            new("connect", "executor", "blockmanager"),
            new("executor", "executor", "blockmanager"),
            new("connect", "metastore", "thrift"),
            new("minio-buckets", "minio", "s3"),
            new("connect", "standalone-master", "rpc"),
            new("standalone-worker", "standalone-master", "rpc"),
            new("standalone-master", "standalone-worker", "rpc"),
            new("standalone-worker", "standalone-worker", "rpc"),
            new("standalone-master", "connect", "driver"),
            new("standalone-worker", "connect", "driver"),
            new("standalone-worker", "connect", "blockmanager"),
            new("connect", "standalone-worker", "executors"),
            new("standalone-worker", "standalone-worker", "executors"),
            new("job-driver", "job-executor", "blockmanager"),
            new("job-executor", "job-driver", "driver"),
            new("job-executor", "job-driver", "blockmanager"),
            new("job-executor", "job-executor", "blockmanager"),
            new("job-driver", "metastore", "thrift"),
            // MLflow: notebooks log runs and artifacts over HTTP only (proxied artifact serving, issue 11 §3).
            new("jupyter", "mlflow", "http"),
            // Iceberg table maintenance (local-mode Spark in the CronJob's pod): the Hive catalog's metastore.
            new("iceberg-maintenance", "metastore", "thrift"),
            // Data quality (issue 14 §4): the Great Expectations runner is a Spark Connect client.
            new("data-quality", "connect", "grpc"),
            // Apache Celeborn (issue 14 §2): each driver's LifecycleManager asks the masters for slots and reserves and
            // commits them on the workers; executors push to and fetch from the workers and report to their driver's
            // LifecycleManager; workers register with the masters and replicate to each other; masters keep their
            // state in one Raft group and send application metadata to the workers.
            new("connect", "celeborn-master", "rpc"),
            new("connect", "celeborn-worker", "rpc"),
            new("job-driver", "celeborn-master", "rpc"),
            new("job-driver", "celeborn-worker", "rpc"),
            new("executor", "connect", "celeborn"),
            new("standalone-worker", "connect", "celeborn"),
            new("job-executor", "job-driver", "celeborn"),
            new("executor", "celeborn-worker", "push"),
            new("executor", "celeborn-worker", "fetch"),
            new("standalone-worker", "celeborn-worker", "push"),
            new("standalone-worker", "celeborn-worker", "fetch"),
            new("job-executor", "celeborn-worker", "push"),
            new("job-executor", "celeborn-worker", "fetch"),
            new("celeborn-worker", "celeborn-master", "rpc"),
            new("celeborn-worker", "celeborn-worker", "replicate"),
            new("celeborn-master", "celeborn-master", "ratis"),
            new("celeborn-master", "celeborn-worker", "rpc"),
        };
        // Airflow 3 (issue 11): every component sends StatsD to the exporter; the API server fetches task logs from the
        // log servers; task processes (the scheduler's with the LocalExecutor, the task pods' with the
        // KubernetesExecutor) call the API server's task execution API and reach Spark Connect and S3.
        var kubernetesExecutor = present.Contains("airflow-worker");
        var taskRunner = kubernetesExecutor ? "airflow-worker" : "airflow-scheduler";
        flows.AddRange(
        [
            new("airflow-api-server", "airflow-scheduler", "logs"),
            new("airflow-api-server", "airflow-triggerer", "logs"),
            new("airflow-api-server", "airflow-worker", "logs"),
            new("airflow-scheduler", "airflow-api-server", "http"),
            new("airflow-dag-processor", "airflow-api-server", "http"),
            new("airflow-triggerer", "airflow-api-server", "http"),
            new("airflow-worker", "airflow-api-server", "http"),
            new(taskRunner, "connect", "grpc"),
            // Tasks log runs and artifacts to the release's MLflow (its HTTP port only, like the notebooks).
            new(taskRunner, "mlflow", "http"),
        ]);
        flows.AddRange(new[] { "airflow-api-server", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer", "airflow-worker" }.Select(s => new Flow(s, "airflow-statsd", "statsd")));
        if (inChartS3)
        {
            flows.AddRange(new[] { "connect", "executor", "standalone-worker", "job-driver", "job-executor", "history-server", "metastore", "backup", "backup-verify", "restore", "airflow-triggerer", taskRunner, "cost-exporter", "mlflow", "iceberg-maintenance", "data-quality" }.Select(s => new Flow(s, "minio", "s3")));
        }

        if (inChartDatabase)
        {
            flows.AddRange(new[]
            {
                "metastore", "metastore-schema", "postgresql-roles", "backup", "backup-verify", "restore",
                "airflow-api-server", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer", "airflow-migrate", "airflow-db", "mlflow",
            }.Select(s => new Flow(s, "postgresql", "postgresql")));
        }

        return flows.Where(f => present.Contains(f.Source) && present.Contains(f.Destination)).ToHashSet();
    }

    /// <summary>
    /// Where the policies disagree with <paramref name="required"/>: every ordered pair of two different pods of the
    /// release, on every port the destination exposes, must be allowed exactly when its flow is required.
    /// </summary>
    public static IReadOnlyList<string> Mismatches(NetworkPolicyEvaluator evaluator, IReadOnlyList<NetworkPod> pods, IReadOnlySet<Flow> required)
    {
        var mismatches = new List<string>();
        foreach (var source in pods)
        {
            foreach (var destination in pods.Where(d => !ReferenceEquals(d, source)))
            {
                foreach (var port in destination.Ports)
                {
                    var flow = new Flow(Component(source), Component(destination), port.Name ?? port.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    var allowed = evaluator.Allows(source, destination, port.Number, port.Protocol);
                    if (allowed != required.Contains(flow))
                    {
                        mismatches.Add($"{(allowed ? "allowed" : "denied")}: {source.Name} -> {destination.Name}:{port.Number} ({flow})");
                    }
                }
            }
        }

        return mismatches;
    }

    /// <summary>The flows the policies allow between pods of the release, by component and port name.</summary>
    public static IReadOnlySet<Flow> Allowed(NetworkPolicyEvaluator evaluator, IReadOnlyList<NetworkPod> pods) =>
        pods.SelectMany(source => pods.Where(d => !ReferenceEquals(d, source)).SelectMany(destination => destination.Ports
                .Where(p => evaluator.Allows(source, destination, p.Number, p.Protocol))
                .Select(p => new Flow(Component(source), Component(destination), p.Name ?? p.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)))))
            .ToHashSet();
}
