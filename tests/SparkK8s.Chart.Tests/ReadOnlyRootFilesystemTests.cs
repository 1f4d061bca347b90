using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation.Security;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// readOnlyRootFilesystem on every container (issue 9 §5), and a writable volume exactly where each image writes: an
/// emptyDir with a sizeLimit or a PersistentVolumeClaim. docs/en/security/policy.md ("Where each component writes")
/// gives the upstream source of each path.
/// </summary>
public class ReadOnlyRootFilesystemTests
{
    public static TheoryData<string, string, string> Matrix() => PresetMatrixTests.Matrix();

    /// <summary>The renders the per-component checks look at: every preset x environment x line, and the variants they lack.</summary>
    private static IEnumerable<RenderInput> Renders()
    {
        foreach (var row in Matrix())
        {
            var (preset, environment, version) = row.Data;
            yield return new RenderInput(Files: [$"presets/{preset}.yaml", $"environments/{environment}.yaml"], Sets: [$"spark.version={version}"]);
        }

        foreach (var version in ChartRender.SparkVersions)
        {
            yield return RenderInput.Version(version);
            yield return RenderInput.Version(version, "standalone.enabled=true", "standalone.master.recovery.enabled=true");
            yield return RenderInput.Version(version, "monitoring.enabled=true");
            yield return new RenderInput(Sets: [$"spark.version={version}", "backup.enabled=true", "costExporter.enabled=true"], ValuesYaml: "restore: {enabled: true, backupId: metastore-20261121T020000Z}");
            yield return RenderInput.Version(version, "airflow.enabled=true", "airflow.executor=KubernetesExecutor", "airflow.dags.gitSync.enabled=true", "airflow.dags.gitSync.repo=https://git.example.com/dags.git");
            yield return RenderInput.Version(version, "iceberg.enabled=true", "iceberg.maintenance.enabled=true", "iceberg.maintenance.tables={demo.events}");
            yield return RenderInput.Version(version, "dataQuality.enabled=true", "dataQuality.git.enabled=true", "dataQuality.git.repo=https://git.example.com/suites.git");
        }
    }

    /// <summary>
    /// Where each container may write: "Kind/component/container" (Kind "template" for the pod templates Spark builds
    /// pods from) to its writable mount paths. Every other path of its file system is read-only.
    /// </summary>
    public static TheoryData<string, string[]> WritablePaths() => new()
    {
        // apache/spark image: /tmp (spark.local.dir, Connect artifacts, S3A upload buffers, JVM perf data) and the work dir.
        { "Deployment/connect/spark-connect", ["/tmp", "/opt/spark/work-dir"] },
        { "template/executor/spark-executor", ["/tmp", "/opt/spark/work-dir"] },
        { "template/job-driver/spark-driver", ["/tmp", "/opt/spark/work-dir"] },
        { "template/job-executor/spark-executor", ["/tmp", "/opt/spark/work-dir"] },
        { "Deployment/history-server/history-server", ["/tmp"] },
        { "Job/job-submitter/spark-submit", ["/tmp"] },
        { "CronJob/job-submitter/spark-submit", ["/tmp"] },
        { "Deployment/standalone-worker/spark-worker", ["/opt/spark/work", "/tmp"] },
        { "StatefulSet/standalone-master/spark-master", ["/tmp", "/recovery"] },
        // The jar download init container writes only its target.
        { "Deployment/connect/fetch-jars", ["/opt/spark/extra-jars"] },
        { "template/executor/fetch-jars", ["/opt/spark/extra-jars"] },
        { "template/job-driver/fetch-jars", ["/opt/spark/extra-jars"] },
        { "template/job-executor/fetch-jars", ["/opt/spark/extra-jars"] },
        { "Deployment/history-server/fetch-jars", ["/opt/spark/extra-jars"] },
        { "Deployment/standalone-worker/fetch-jars", ["/opt/spark/extra-jars"] },
        { "Deployment/metastore/fetch-jars", ["/jars"] },
        { "Job/metastore/fetch-jars", ["/jars"] },
        // apache/hive image: /tmp (scratch dirs, logs, schematool output).
        { "Deployment/metastore/wait-for-schema", ["/tmp"] },
        // Writes only hive-site.xml with the database password, into a memory-backed emptyDir (metastore/_metastore.tpl).
        { "Deployment/metastore/render-config", ["/config"] },
        { "Job/metastore/render-config", ["/config"] },
        { "Deployment/metastore/metastore", ["/tmp"] },
        { "Job/metastore/schematool", ["/tmp"] },
        // postgres image: PGDATA on the claim, the socket and lock in /var/run/postgresql, /tmp.
        { "StatefulSet/postgresql/postgresql", ["/var/lib/postgresql/data", "/var/run/postgresql", "/tmp"] },
        { "Job/postgresql/roles", ["/tmp"] },
        // postgres_exporter (monitoring.enabled) serves from memory and writes nothing.
        { "StatefulSet/postgresql/exporter", [] },
        // minio/minio: the data dir on the claim, HOME (certs dir) in /tmp; minio/mc: MC_CONFIG_DIR in /tmp.
        { "StatefulSet/minio/minio", ["/data", "/tmp"] },
        { "Job/minio/create-buckets", ["/tmp"] },
        // Jupyter: the home (seeded from the image), the notebooks claim below it, /tmp.
        { "Deployment/jupyter/seed-home", ["/seed-home"] },
        { "Deployment/jupyter/install-spark-client", ["/home/jovyan/work", "/tmp"] },
        { "Deployment/jupyter/jupyter", ["/home/jovyan", "/home/jovyan/work", "/tmp"] },
        // apache/airflow (uid 50000): AIRFLOW_HOME /opt/airflow (airflow.cfg and FAB's webserver_config.py are written
        // there on first start), the task and component logs, /tmp; the DAG mounts are read-only. git-sync writes only its
        // checkout root and HOME (/tmp); the statsd-exporter writes nothing.
        { "Deployment/airflow-api-server/api-server", ["/opt/airflow", "/opt/airflow/logs", "/tmp"] },
        { "Deployment/airflow-api-server/wait-for-migrations", ["/opt/airflow", "/opt/airflow/logs", "/tmp"] },
        { "Deployment/airflow-scheduler/scheduler", ["/opt/airflow", "/opt/airflow/logs", "/tmp"] },
        { "Deployment/airflow-scheduler/wait-for-migrations", ["/opt/airflow", "/opt/airflow/logs", "/tmp"] },
        { "Deployment/airflow-dag-processor/dag-processor", ["/opt/airflow", "/opt/airflow/logs", "/tmp"] },
        { "Deployment/airflow-dag-processor/wait-for-migrations", ["/opt/airflow", "/opt/airflow/logs", "/tmp"] },
        { "Deployment/airflow-triggerer/triggerer", ["/opt/airflow", "/opt/airflow/logs", "/tmp"] },
        { "Deployment/airflow-triggerer/wait-for-migrations", ["/opt/airflow", "/opt/airflow/logs", "/tmp"] },
        { "Deployment/airflow-scheduler/git-sync", ["/git", "/tmp"] },
        { "Deployment/airflow-dag-processor/git-sync", ["/git", "/tmp"] },
        { "Deployment/airflow-triggerer/git-sync", ["/git", "/tmp"] },
        { "Job/airflow-migrate/migrate", ["/opt/airflow", "/opt/airflow/logs", "/tmp"] },
        { "Job/airflow-db/db", ["/opt/airflow", "/opt/airflow/logs", "/tmp"] },
        { "Job/airflow-db/wait-for-migrations", ["/opt/airflow", "/opt/airflow/logs", "/tmp"] },
        { "template/airflow-worker/base", ["/opt/airflow", "/opt/airflow/logs", "/tmp"] },
        { "template/airflow-worker/git-sync-init", ["/git", "/tmp"] },
        // airflow.installPackages (dev): pip --target into the spark-client emptyDir the task container reads from PYTHONPATH.
        { "Deployment/airflow-scheduler/install-spark-client", ["/opt/spark-k8s/python", "/tmp"] },
        { "template/airflow-worker/install-spark-client", ["/opt/spark-k8s/python", "/tmp"] },
        { "Deployment/airflow-statsd/statsd-exporter", [] },
        // ghcr.io/mlflow/mlflow: HOME, uvicorn's and boto3's temporary files and the auth config the start script writes.
        { "Deployment/mlflow/mlflow", ["/tmp"] },
        // images/tools (the backup CLI on the .NET runtime): HOME and the working directory are /tmp.
        { "CronJob/backup/backup", ["/tmp"] },
        { "CronJob/backup-verify/backup-verify", ["/tmp"] },
        { "Job/restore/restore", ["/tmp"] },
        // The cost exporter (images/tools, `spark-k8s cost serve`): HOME is /tmp; it keeps its state in memory.
        { "Deployment/cost-exporter/cost-exporter", ["/tmp"] },
        // Iceberg maintenance: local-mode Spark (apache/spark image) writes /tmp (spark.local.dir, HOME) and the work dir.
        { "CronJob/iceberg-maintenance/iceberg-maintenance", ["/tmp", "/opt/spark/work-dir"] },
        { "CronJob/iceberg-maintenance/fetch-jars", ["/opt/spark/extra-jars"] },
        // The data quality runner (images/data-quality): HOME is /tmp (Great Expectations' ephemeral context keeps its
        // stores in memory; the results and data docs go to S3); the one-time git-sync writes its checkout and HOME.
        { "CronJob/data-quality/runner", ["/tmp"] },
        { "CronJob/data-quality/git-clone", ["/git", "/tmp"] },
        // apache/celeborn: CELEBORN_LOG_DIR and CELEBORN_PID_DIR (sbin/load-celeborn-env.sh) and java.io.tmpdir in /tmp; the
        // masters' Raft storage (celeborn.master.ha.ratis.raft.server.storage.dir) and the workers' shuffle dirs
        // (celeborn.worker.storage.dirs, graceful-shutdown recoverPath below the first) on claims.
        { "StatefulSet/celeborn-master/celeborn-master", ["/mnt/ratis", "/tmp"] },
        { "StatefulSet/celeborn-worker/celeborn-worker", ["/mnt/disk1", "/tmp"] },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Every_container_of_every_preset_has_a_read_only_root_filesystem_and_SEC009_finds_nothing(string preset, string environment, string version)
    {
        var model = await ModelAsync(new RenderInput(Files: [$"presets/{preset}.yaml", $"environments/{environment}.yaml"], Sets: [$"spark.version={version}"]));

        using var scope = new AssertionScope();
        var containers = RenderedPods.All(model).SelectMany(p => p.Containers().Select(c => (p, c.Field, c.Container))).ToList();
        containers.Should().NotBeEmpty();
        foreach (var (pod, field, container) in containers)
        {
            ((bool?)container["securityContext"]?["readOnlyRootFilesystem"]).Should().BeTrue($"{pod.Object} {field}");
        }

        SecurityRules.Find("SEC009")!.Run(new SecurityCheckContext(model, environment)).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(WritablePaths))]
    public async Task Each_container_writes_exactly_to_its_listed_volumes(string key, string[] paths)
    {
        var found = 0;
        using var scope = new AssertionScope();
        foreach (var input in Renders())
        {
            var (rendered, model) = (await ChartRender.RenderAsync(input), await ModelAsync(input));
            foreach (var (containerKey, writable) in Writable(rendered, model).Where(w => w.Key == key))
            {
                found++;
                writable.Select(w => w.Path).Should().BeEquivalentTo(paths, $"{key} in the render {input.Key}");
                foreach (var (path, volume) in writable)
                {
                    volume.Should().Match(v => v == "claim" || v.StartsWith("emptyDir ", StringComparison.Ordinal),
                        $"{containerKey} writes {path}: it must be an emptyDir with a sizeLimit or a PersistentVolumeClaim");
                }
            }
        }

        found.Should().BePositive($"some render has {key}");
    }

    [Fact]
    public async Task Every_rendered_container_is_listed_with_its_writable_paths()
    {
        var listed = WritablePaths().Select(row => row.Data.Item1).ToHashSet(StringComparer.Ordinal);
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var input in Renders())
        {
            foreach (var (key, _) in Writable(await ChartRender.RenderAsync(input), await ModelAsync(input)))
            {
                seen.Add(key);
            }
        }

        seen.Should().BeEquivalentTo(listed, "a new container needs its writable paths checked here (and documented in security/policy.md)");
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Home_and_scratch_variables_point_into_writable_volumes(string preset, string environment, string version)
    {
        var input = new RenderInput(Files: [$"presets/{preset}.yaml", $"environments/{environment}.yaml"], Sets: [$"spark.version={version}"]);
        var rendered = await ChartRender.RenderAsync(input);
        var variables = new[] { "HOME", "TMPDIR", "MC_CONFIG_DIR", "SPARK_WORKER_DIR", "SPARK_LOCAL_DIRS", "PGDATA" };

        using var scope = new AssertionScope();
        foreach (var (key, writable, container) in WritableContainers(rendered, await ModelAsync(input)))
        {
            foreach (var variable in container.Env().Where(e => variables.Contains((string?)e["name"])))
            {
                var value = (string?)variable["value"] ?? string.Empty;
                writable.Should().Contain(w => value == w.Path || value.StartsWith(w.Path + "/", StringComparison.Ordinal),
                    $"{key} sets {(string?)variable["name"]}={value}, which must lie on a writable volume");
            }
        }
    }

    [Fact]
    public async Task Jupyter_home_is_seeded_from_the_image_before_the_server_starts()
    {
        var jupyter = (await ChartRender.RenderAsync("4.1")).Single("Deployment", "jupyter");
        var seed = jupyter.InitContainers().First();

        ((string?)seed["name"]).Should().Be("seed-home");
        seed["image"]!.ToString().Should().Be(jupyter.Container("jupyter")["image"]!.ToString());
        seed["command"]!.AsArray().Select(c => (string?)c).Last().Should().Be("cp -a /home/jovyan/. /seed-home/");
        PodSpecs.Items(seed, "volumeMounts").Single()["name"]!.ToString().Should().Be("home");
        PodSpecs.Items(jupyter.Container("jupyter"), "volumeMounts").Should().Contain(m => (string?)m["name"] == "home" && (string?)m["mountPath"] == "/home/jovyan");
    }

    private static async Task<SparkRenderModel> ModelAsync(RenderInput input) =>
        SparkRenderModel.From((await ChartRender.RenderAsync(input)).Objects.Select(o => new RenderedDocument(string.Empty, o)).ToList());

    private sealed record ContainerWrites(string Key, IReadOnlyList<(string Path, string Volume)> Paths, JsonObject Container);

    /// <summary>Each container of every pod (pod templates included) with its writable mounts and what backs each.</summary>
    private static IEnumerable<(string Key, IReadOnlyList<(string Path, string Volume)> Paths)> Writable(Rendered rendered, SparkRenderModel model) =>
        WritableContainers(rendered, model).Select(w => (w.Key, w.Paths));

    private static IEnumerable<ContainerWrites> WritableContainers(Rendered rendered, SparkRenderModel model)
    {
        foreach (var pod in RenderedPods.All(model))
        {
            var claims = rendered.Objects.Where(o => o.DisplayName == pod.Object && o.Kind == "StatefulSet")
                .SelectMany(o => PodSpecs.Items(o.Body["spec"], "volumeClaimTemplates"))
                .Select(t => (string?)t["metadata"]?["name"]).ToHashSet(StringComparer.Ordinal);
            var volumes = PodSpecs.Items(pod.Spec, "volumes").ToDictionary(v => (string)v["name"]!, StringComparer.Ordinal);
            var kind = pod.FromConfigMap ? "template" : pod.Object.Split('/')[0];
            foreach (var (_, container) in pod.Containers())
            {
                var paths = new List<(string Path, string Volume)>();
                foreach (var mount in PodSpecs.Items(container, "volumeMounts").Where(m => (bool?)m["readOnly"] != true))
                {
                    var name = (string)mount["name"]!;
                    var volume = volumes.GetValueOrDefault(name);
                    var backing = claims.Contains(name) || volume?["persistentVolumeClaim"] is not null ? "claim"
                        : volume?["emptyDir"]?["sizeLimit"] is { } limit ? $"emptyDir {limit}"
                        : $"unbounded or unknown volume {name}";
                    paths.Add(((string)mount["mountPath"]!, backing));
                }

                yield return new ContainerWrites($"{kind}/{pod.Component}/{(string?)container["name"]}", paths, container);
            }
        }
    }
}
