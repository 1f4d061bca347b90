using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>History Server, MinIO, Metastore, PostgreSQL and Jupyter specifics.</summary>
public class SupportingServicesTests
{
    [Fact]
    public async Task History_server_reads_the_event_log_dir_and_cleans_it()
    {
        var rendered = await ChartRender.RenderAsync("4.1", "historyServer.cleaner.maxAge=5d", "historyServer.cleaner.interval=12h");
        var conf = rendered.SparkDefaults("history-server");

        conf.Should().Contain(new Dictionary<string, string>
        {
            ["spark.history.fs.logDirectory"] = rendered.SparkDefaults("connect")["spark.eventLog.dir"],
            ["spark.history.fs.cleaner.enabled"] = "true",
            ["spark.history.fs.cleaner.interval"] = "12h",
            ["spark.history.fs.cleaner.maxAge"] = "5d",
            ["spark.history.fs.cleaner.maxNum"] = "1000",
            ["spark.history.ui.port"] = "18080",
            ["spark.hadoop.fs.s3a.endpoint"] = "http://spark-spark-k8s-minio.spark.svc:9000",
        });
        var container = rendered.Single("Deployment", "history-server").Container("history-server");
        ((string?)container.EnvVar("SPARK_DAEMON_MEMORY")["value"]).Should().Be("512m");
        ((string?)container.EnvVar("SPARK_DAEMON_CLASSPATH")["value"]).Should().Be("/opt/spark/extra-jars/*");
    }

    [Fact]
    public async Task Minio_bucket_job_is_idempotent_and_creates_every_bucket()
    {
        var rendered = await ChartRender.RenderAsync("4.1");
        var job = rendered.OfKind("Job").Single(j => j.Name == "spark-spark-k8s-minio-buckets-r1");
        var script = (string)job.Container("create-buckets")["command"]!.AsArray().Last()!;

        var container = job.Container("create-buckets");
        ((string?)container.EnvVar("BUCKETS")["value"]).Should().Be("spark-events spark-warehouse spark-backups");
        script.Should().Contain("mc mb --ignore-existing \"s3/$bucket\"");
        ((string?)container.EnvVar("EVENTS_BUCKET")["value"]).Should().Be("spark-events");
        script.Should().Contain("s3/$EVENTS_BUCKET/$EVENTS_PREFIX/.keep");
        job.Body["metadata"]?["annotations"]?["helm.sh/hook"].Should().BeNull("a hook would block helm install --wait");
        var minio = rendered.Single("StatefulSet", "minio");
        minio.Body["spec"]!["volumeClaimTemplates"]![0]!["spec"]!["resources"]!["requests"]!["storage"]!.ToString().Should().Be("10Gi");
    }

    [Fact]
    public async Task Metastore_schema_job_is_idempotent_and_uses_postgresql()
    {
        var rendered = await ChartRender.RenderAsync("4.1");
        var job = rendered.OfKind("Job").Single(j => j.Name == "spark-spark-k8s-metastore-schema-r1");
        var script = (string)job.Container("schematool")["command"]!.AsArray().Last()!;

        script.Should().Contain("schematool -dbType \"$DB_DRIVER\" -info").And.Contain("schematool -dbType \"$DB_DRIVER\" -initSchema", "the default Hive 3.1.3 image");
        ((string?)job.Container("schematool").EnvVar("DB_DRIVER")["value"]).Should().Be("postgres");
        var xml = rendered.ConfigData("metastore", "hive-site.xml");
        xml.Should().Contain("jdbc:postgresql://spark-spark-k8s-postgresql.spark.svc:5432/metastore")
            .And.Contain("<value>s3a://spark-warehouse/warehouse</value>");
        job.InitContainers().Select(c => (string?)c["name"]).Should().Equal("render-config", "fetch-jars");
        ((string?)job.Container("fetch-jars").EnvVar("JARS")["value"]).Should().Be("org/postgresql/postgresql/42.7.14/postgresql-42.7.14.jar@73914527305a40cce504b0d3d90b23caf565136912d607ae8ae7c5895512332c");
    }

    [Fact]
    public async Task Postgresql_keeps_data_on_a_volume_claim()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: ["postgresql.persistence.size=3Gi", "postgresql.persistence.storageClass=fast"]));
        var sts = rendered.Single("StatefulSet", "postgresql");
        var claim = sts.Body["spec"]!["volumeClaimTemplates"]![0]!;

        claim["spec"]!["resources"]!["requests"]!["storage"]!.ToString().Should().Be("3Gi");
        ((string?)claim["spec"]!["storageClassName"]).Should().Be("fast");
    }

    [Fact]
    public async Task Jupyter_has_token_auth_and_a_notebook_volume()
    {
        var rendered = await ChartRender.RenderAsync("4.1");
        var jupyter = rendered.Single("Deployment", "jupyter");
        var token = jupyter.Container("jupyter").EnvVar("JUPYTER_TOKEN");

        ((string?)token["valueFrom"]?["secretKeyRef"]?["name"]).Should().Be(rendered.Single("Secret", "jupyter").Name);
        var pvc = rendered.Single("PersistentVolumeClaim", "jupyter");
        PodSpecs.Items(jupyter.PodSpec, "volumes").Select(v => (string?)v["persistentVolumeClaim"]?["claimName"]).Should().Contain(pvc.Name);
    }

    [Fact]
    public async Task Jupyter_client_cache_follows_the_package_list()
    {
        string ClientDir(Rendered r) => (string)r.Single("Deployment", "jupyter").Container("jupyter").EnvVar("PYTHONPATH")["value"]!;

        var plain = await ChartRender.RenderAsync("4.1");
        var pinned = await ChartRender.RenderAsync("4.1", "jupyter.extraPackages={numpy<2}");
        var older = await ChartRender.RenderAsync("3.5");

        new[] { ClientDir(plain), ClientDir(pinned), ClientDir(older) }.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Jupyter_can_skip_package_installation()
    {
        var jupyter = (await ChartRender.RenderAsync("4.1", "jupyter.installPackages=false")).Single("Deployment", "jupyter");

        jupyter.InitContainers().Select(c => (string?)c["name"]).Should().Equal(["seed-home"], "only the home is seeded; nothing is installed");
        jupyter.Container("jupyter").Env().Should().NotContain(e => (string?)e["name"] == "PYTHONPATH");
    }

    [Fact]
    public void Notes_explain_how_to_connect()
    {
        var notes = File.ReadAllText(Path.Combine(SparkK8s.Testing.RepoPaths.Chart, "templates", "NOTES.txt"));

        notes.Should().Contain("port-forward svc/").And.Contain("SPARK_REMOTE=sc://localhost:")
            .And.Contain("spark-k8s.connectUrl").And.Contain("get secret").And.Contain("jupyterSecretName");
    }

    [Fact]
    public async Task Upgrading_spark_keeps_immutable_fields_unchanged()
    {
        var old = await ChartRender.RenderAsync("3.5");
        var current = await ChartRender.RenderAsync("4.1");

        foreach (var kind in new[] { "StatefulSet", "Deployment" })
        {
            foreach (var before in old.OfKind(kind))
            {
                var after = current.OfKind(kind).Single(o => o.Name == before.Name);
                after.Body["spec"]!["selector"]!.ToJsonString().Should().Be(before.Body["spec"]!["selector"]!.ToJsonString(), before.DisplayName);
                (after.Body["spec"]!["volumeClaimTemplates"]?.ToJsonString()).Should().Be(before.Body["spec"]!["volumeClaimTemplates"]?.ToJsonString(), before.DisplayName);
            }
        }
    }
}
