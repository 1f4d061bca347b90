using System.Diagnostics;
using System.Text.Json.Nodes;
using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Chart.Tests.Network;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// Apache Iceberg (iceberg.*, issue 14 §1): the runtime jar of each line from the version table, the catalog properties
/// of the Connect server and the jobs, the REST catalog's credential kept out of every ConfigMap, and the maintenance
/// CronJob. Upstream facts (apache/iceberg at apache-iceberg-1.11.0) are cited in templates/iceberg/_iceberg.tpl.
/// </summary>
public class IcebergChartTests
{
    private const string Extensions = "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";
    private const string Metastore = "thrift://spark-spark-k8s-metastore.spark.svc:9083";

    public static TheoryData<string> Versions() => ChartRender.Versions();

    private static readonly string[] On = ["iceberg.enabled=true"];

    private static readonly string[] IcebergCheckIds = ["SPK110", "SPK111", "SPK112", "SPK113", "SPK114"];

    private const string Rest = "iceberg: {enabled: true, catalogType: rest, rest: {uri: 'https://catalog.example.com/api/catalog', warehouse: analytics, auth: {type: oauth2, existingSecret: iceberg-catalog, scope: 'PRINCIPAL_ROLE:ALL'}}}";

    private const string Maintenance = "iceberg: {enabled: true, maintenance: {enabled: true, tables: [demo.events, sales.orders]}}";

    [Theory]
    [InlineData("3.5", "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.11.0", "org/apache/iceberg/iceberg-spark-runtime-3.5_2.12/1.11.0/iceberg-spark-runtime-3.5_2.12-1.11.0.jar@94b8e36f")]
    [InlineData("4.1", "org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.11.0", "org/apache/iceberg/iceberg-spark-runtime-4.1_2.13/1.11.0/iceberg-spark-runtime-4.1_2.13-1.11.0.jar@d6ea6c5d")]
    public async Task Each_line_downloads_its_own_pinned_runtime_jar_from_the_version_table(string version, string coordinate, string entry)
    {
        var release = ChartValues.Release(version);
        var table = release["componentJars"]!["iceberg"]!.AsArray();
        table.Select(j => (string?)j!["coordinate"]).Should().Equal(coordinate);
        ((string?)table[0]!["sha256"]).Should().MatchRegex("^[0-9a-f]{64}$", "the pin comes from public build manifests (docs/en/iceberg.md)");
        coordinate.Should().Contain($"-{version}_{(string?)release["scalaVersion"]}:", "the runtime is built for the line's Spark minor and Scala version");

        var rendered = await ChartRender.RenderAsync(version, On);
        var jars = (string?)rendered.Single("Deployment", "connect").InitContainers().Single().EnvVar("JARS")["value"];
        jars.Should().Contain(entry);
        var executorJars = (string?)rendered.ExecutorPodTemplate.InitContainers().Single().EnvVar("JARS")["value"];
        executorJars.Should().Contain(entry, "executors read and write the table files");

        var off = await ChartRender.RenderAsync(version);
        ((string?)off.Single("Deployment", "connect").InitContainers().Single().EnvVar("JARS")["value"]).Should().NotContain("iceberg");
        off.SparkDefaults("connect").Keys.Should().NotContain(k => k.StartsWith("spark.sql.catalog.", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task The_hive_catalog_uses_the_releases_metastore_and_warehouse_and_joins_the_users_extension(string version)
    {
        var rendered = await ChartRender.RenderAsync(version, "iceberg.enabled=true", "connect.sparkConf.spark\\.sql\\.extensions=com.example.MyExtensions");
        var conf = rendered.SparkDefaults("connect");

        conf.Should().Contain(new Dictionary<string, string>
        {
            ["spark.sql.catalog.lakehouse"] = "org.apache.iceberg.spark.SparkCatalog",
            ["spark.sql.catalog.lakehouse.type"] = "hive",
            ["spark.sql.catalog.lakehouse.uri"] = Metastore,
            ["spark.sql.catalog.lakehouse.warehouse"] = "s3a://spark-warehouse/iceberg",
            // The platform's class first, the user's after, each once (spark-k8s.mergeSparkConfInto).
            ["spark.sql.extensions"] = $"{Extensions},com.example.MyExtensions",
        });
        conf.Should().NotContainKey("spark.sql.catalog.spark_catalog", "sessionCatalog is off by default");
        conf.Should().NotContainKey("spark.sql.catalog.lakehouse.io-impl", "HadoopFileIO on S3A is Iceberg's default for the Hive catalog");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Session_catalog_and_catalog_name_are_configurable(string version)
    {
        var conf = (await ChartRender.RenderAsync(version, "iceberg.enabled=true", "iceberg.sessionCatalog=true", "iceberg.catalogName=ice", "iceberg.warehousePrefix=lake/tables")).SparkDefaults("connect");

        conf.Should().Contain(new Dictionary<string, string>
        {
            ["spark.sql.catalog.ice"] = "org.apache.iceberg.spark.SparkCatalog",
            ["spark.sql.catalog.ice.warehouse"] = "s3a://spark-warehouse/lake/tables",
            ["spark.sql.catalog.spark_catalog"] = "org.apache.iceberg.spark.SparkSessionCatalog",
            ["spark.sql.catalog.spark_catalog.type"] = "hive",
            ["spark.sql.catalog.spark_catalog.uri"] = Metastore,
        });
        conf.Should().NotContainKey("spark.sql.catalog.lakehouse");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Every_job_gets_the_catalog_and_the_extensions(string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: ["presets/batch-submit.yaml"], Sets: [$"spark.version={version}", .. On]));
        var jobMaps = rendered.OfKind("ConfigMap").Where(o => o.Labels.GetValueOrDefault(Rendered.ComponentLabel) == "job-submitter").ToList();

        jobMaps.Should().NotBeEmpty();
        foreach (var map in jobMaps)
        {
            var conf = SparkDefaultsFile.Parse((string)map.Body["data"]!["spark-defaults.conf"]!);
            conf.Should().Contain("spark.sql.extensions", Extensions, map.Name);
            conf.Should().Contain("spark.sql.catalog.lakehouse.uri", Metastore, map.Name);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task The_rest_catalog_credential_reaches_the_drivers_from_a_secret_and_no_configmap_holds_it(string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: [$"spark.version={version}"], ValuesYaml: Rest));
        var conf = rendered.SparkDefaults("connect");

        conf.Should().Contain(new Dictionary<string, string>
        {
            ["spark.sql.catalog.lakehouse.type"] = "rest",
            ["spark.sql.catalog.lakehouse.uri"] = "https://catalog.example.com/api/catalog",
            ["spark.sql.catalog.lakehouse.warehouse"] = "analytics",
            ["spark.sql.catalog.lakehouse.rest.auth.type"] = "oauth2",
            // Iceberg resolves env:<NAME> from the driver's environment (EnvironmentUtil in RESTSessionCatalog.initialize).
            ["spark.sql.catalog.lakehouse.credential"] = "env:ICEBERG_REST_CREDENTIAL",
            ["spark.sql.catalog.lakehouse.scope"] = "PRINCIPAL_ROLE:ALL",
            // Not the REST default ResolvingFileIO, which would pick S3FileIO for s3a:// without the chart's S3 settings.
            ["spark.sql.catalog.lakehouse.io-impl"] = "org.apache.iceberg.hadoop.HadoopFileIO",
        });
        var env = rendered.Single("Deployment", "connect").Container("spark-connect").EnvVar("ICEBERG_REST_CREDENTIAL");
        ((string?)env["valueFrom"]?["secretKeyRef"]?["name"]).Should().Be("iceberg-catalog");
        ((string?)env["valueFrom"]?["secretKeyRef"]?["key"]).Should().Be("credential");
        env["value"].Should().BeNull("the credential is never a literal");
        rendered.ExecutorPodTemplate.Containers().Single().Env().Select(e => (string?)e["name"]).Should().NotContain("ICEBERG_REST_CREDENTIAL", "executors never call the catalog");
        rendered.OfKind("Secret").Should().NotContain(s => s.Name.Contains("iceberg", StringComparison.Ordinal), "the chart cannot generate an external catalog's credential");
    }

    [Fact]
    public async Task A_bearer_token_is_resolved_from_the_environment_too_and_job_drivers_get_it()
    {
        var yaml = Rest.Replace("type: oauth2", "type: token", StringComparison.Ordinal);
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: ["presets/batch-submit.yaml"], Sets: ["spark.version=4.1"], ValuesYaml: yaml));
        var map = rendered.OfKind("ConfigMap").First(o => o.Labels.GetValueOrDefault(Rendered.ComponentLabel) == "job-submitter");

        var conf = SparkDefaultsFile.Parse((string)map.Body["data"]!["spark-defaults.conf"]!);
        conf.Should().Contain("spark.sql.catalog.lakehouse.token", "env:ICEBERG_REST_TOKEN").And.NotContainKey("spark.sql.catalog.lakehouse.credential");
        ((string)map.Body["data"]!["driver-pod-template.yaml"]!).Should().Contain("ICEBERG_REST_TOKEN").And.Contain("iceberg-catalog");
        ((string)map.Body["data"]!["executor-pod-template.yaml"]!).Should().NotContain("ICEBERG_REST_TOKEN");
    }

    [Fact]
    public async Task A_rest_catalog_with_auth_and_no_secret_is_refused_with_the_key_to_set()
    {
        var error = await ChartRender.RenderErrorAsync(new RenderInput(ValuesYaml: Rest.Replace("existingSecret: iceberg-catalog, ", string.Empty, StringComparison.Ordinal)));
        error.Should().Contain("iceberg.rest.auth.existingSecret").And.Contain("<client_id>:<client_secret>");
    }

    [Theory]
    [InlineData("iceberg: {enabled: true}\nmetastore: {enabled: false}", "metastore.enabled")]
    [InlineData("iceberg: {enabled: true, catalogType: rest}", "iceberg.rest.uri")]
    [InlineData("iceberg: {enabled: true, maintenance: {enabled: true}}", "iceberg.maintenance.tables")]
    [InlineData("iceberg: {enabled: true}\nspark: {releases: {'4.1': {componentJars: {iceberg: []}}}}", "Spark line 4.1 has no Iceberg runtime")]
    public async Task Combinations_iceberg_cannot_work_with_are_refused(string values, string hint)
    {
        (await ChartRender.RenderErrorAsync(new RenderInput(ValuesYaml: values))).Should().Contain(hint);
    }

    [Fact]
    public async Task A_line_without_a_runtime_names_the_supported_lines()
    {
        (await ChartRender.RenderErrorAsync(new RenderInput(ValuesYaml: "iceberg: {enabled: true}\nspark: {releases: {'4.1': {componentJars: {iceberg: []}}}}"))).Should().Contain("supported on the lines 3.5");
    }

    [Theory]
    [InlineData("iceberg: {catalogName: spark_catalog}", "iceberg/catalogName")]
    [InlineData("iceberg: {catalogName: 'lake; DROP'}", "iceberg/catalogName")]
    [InlineData("iceberg: {catalogType: glue}", "iceberg/catalogType")]
    [InlineData("iceberg: {rest: {uri: 'ftp://catalog'}}", "iceberg/rest/uri")]
    [InlineData("iceberg: {rest: {auth: {type: basic}}}", "iceberg/rest/auth/type")]
    [InlineData("iceberg: {maintenance: {tables: [\"demo.events'); DROP TABLE x; --\"]}}", "iceberg/maintenance/tables/0")]
    [InlineData("iceberg: {maintenance: {tables: [events]}}", "iceberg/maintenance/tables/0")]
    [InlineData("iceberg: {maintenance: {tables: [a.b.c]}}", "iceberg/maintenance/tables/0")]
    [InlineData("iceberg: {maintenance: {expireSnapshots: {olderThanDays: 0}}}", "iceberg/maintenance/expireSnapshots/olderThanDays")]
    [InlineData("iceberg: {maintenance: {removeOrphanFiles: {olderThanDays: 0}}}", "iceberg/maintenance/removeOrphanFiles/olderThanDays")]
    [InlineData("iceberg: {maintenance: {rewriteDataFiles: {strategy: zorder}}}", "iceberg/maintenance/rewriteDataFiles/strategy")]
    [InlineData("iceberg: {maintenance: {schedule: 'every day'}}", "iceberg/maintenance/schedule")]
    [InlineData("iceberg: {unknown: true}", "iceberg")]
    public async Task The_schema_rejects_bad_iceberg_values_with_the_key_path(string values, string path)
    {
        var error = await ChartRender.RenderErrorAsync(new RenderInput(ValuesYaml: values));
        var helm3 = path.Replace('/', '.');
        var helm4 = "/" + path;
        error.Should().Match(e => e.Contains(helm3, StringComparison.Ordinal) || e.Contains(helm4, StringComparison.Ordinal), $"the error names {path}: {error}");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task The_maintenance_cronjob_runs_local_mode_spark_without_api_access_under_pod_security_restricted(string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: [$"spark.version={version}"], ValuesYaml: Maintenance));
        var cron = rendered.Single("CronJob", "iceberg-maintenance");
        var spec = cron.PodSpec!;

        ((string?)cron.Body["spec"]?["concurrencyPolicy"]).Should().Be("Forbid", "two runs would race on the same tables' commits");
        ((bool?)spec["automountServiceAccountToken"]).Should().BeFalse();
        ((string?)spec["serviceAccountName"]).Should().Be("spark-spark-k8s-iceberg-maintenance");
        rendered.OfKind("ServiceAccount").Should().Contain(s => s.Name == "spark-spark-k8s-iceberg-maintenance");
        rendered.OfKind("Role").Concat(rendered.OfKind("RoleBinding")).Should().NotContain(o => o.Labels.GetValueOrDefault(Rendered.ComponentLabel) == "iceberg-maintenance", "local mode needs no RBAC");
        ((bool?)spec["securityContext"]?["runAsNonRoot"]).Should().BeTrue();
        foreach (var container in cron.AllContainers())
        {
            ((bool?)container["securityContext"]?["allowPrivilegeEscalation"]).Should().BeFalse();
            ((bool?)container["securityContext"]?["readOnlyRootFilesystem"]).Should().BeTrue();
            container["securityContext"]!["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c).Should().Contain("ALL");
            container["resources"]?["limits"]?["memory"].Should().NotBeNull();
        }

        var main = cron.Container("iceberg-maintenance");
        main["command"]!.AsArray().Select(c => (string?)c).Should().Equal(
            "/opt/spark/bin/spark-submit", "--properties-file", "/opt/iceberg-maintenance/spark-defaults.conf",
            "/opt/iceberg-maintenance/maintenance.py", "/opt/iceberg-maintenance/plan.json");
        var conf = rendered.SparkDefaults("iceberg-maintenance");
        conf.Should().Contain(new Dictionary<string, string>
        {
            ["spark.master"] = "local[2]",
            ["spark.sql.session.timeZone"] = "UTC",
            ["spark.sql.extensions"] = Extensions,
            ["spark.sql.catalog.lakehouse.uri"] = Metastore,
        });
        conf.Keys.Should().NotContain(k => k.StartsWith("spark.kubernetes.", StringComparison.Ordinal));
        ((string?)main.EnvVar("AWS_ACCESS_KEY_ID")["valueFrom"]?["secretKeyRef"]?["name"]).Should().Be("spark-spark-k8s-s3-spark");
    }

    [Fact]
    public async Task The_maintenance_pod_reaches_only_the_metastore_and_minio_in_the_release()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: ["presets/jupyter-connect-k8s-iceberg.yaml"], ValuesYaml: Maintenance));
        var pods = ReleaseNetwork.Pods(rendered);
        var required = ReleaseNetwork.Required(pods, inChartS3: true, inChartDatabase: true);

        pods.Select(ReleaseNetwork.Component).Should().Contain("iceberg-maintenance");
        required.Where(f => f.Source == "iceberg-maintenance").Select(f => f.Destination).Should().BeEquivalentTo(["metastore", "minio"]);
        ReleaseNetwork.Mismatches(new NetworkPolicyEvaluator(rendered.Objects), pods, required).Should().BeEmpty();
    }

    /// <summary>
    /// The maintenance script's SQL, run with the real python3 on the rendered plan and script: names are quoted and
    /// escaped, numbers are integers, the order is rewrite, expire, remove orphans, and a name that slipped past the
    /// schema is refused before any SQL is built.
    /// </summary>
    [Fact]
    public async Task The_maintenance_script_builds_escaped_calls_in_order_from_the_rendered_plan()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: ["spark.version=4.1"], ValuesYaml: Maintenance));
        var script = rendered.ConfigData("iceberg-maintenance", "maintenance.py");
        var plan = rendered.ConfigData("iceberg-maintenance", "plan.json");

        var calls = await RunStatementsAsync(script, plan);

        calls.Should().Equal(
            "CALL `lakehouse`.system.rewrite_data_files(table => 'demo.events', strategy => 'binpack', options => map('target-file-size-bytes', '536870912'))",
            "CALL `lakehouse`.system.expire_snapshots(table => 'demo.events', older_than => TIMESTAMP '2026-11-24 03:00:00', retain_last => 5)",
            "CALL `lakehouse`.system.remove_orphan_files(table => 'demo.events', older_than => TIMESTAMP '2026-11-28 03:00:00')",
            "CALL `lakehouse`.system.rewrite_data_files(table => 'sales.orders', strategy => 'binpack', options => map('target-file-size-bytes', '536870912'))",
            "CALL `lakehouse`.system.expire_snapshots(table => 'sales.orders', older_than => TIMESTAMP '2026-11-24 03:00:00', retain_last => 5)",
            "CALL `lakehouse`.system.remove_orphan_files(table => 'sales.orders', older_than => TIMESTAMP '2026-11-28 03:00:00')");

        var tampered = JsonNode.Parse(plan)!;
        tampered["tables"] = new JsonArray("demo.events'); DROP TABLE x; --");
        var act = () => RunStatementsAsync(script, tampered.ToJsonString());
        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("not a valid name");
    }

    public static TheoryData<string, string, string> IcebergPresets()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var preset in new[] { "jupyter-connect-k8s-iceberg", "airflow-iceberg-connect-k8s" })
        {
            foreach (var environment in new[] { "dev", "staging", "prod" })
            {
                foreach (var version in ChartRender.SparkVersions)
                {
                    data.Add(preset, environment, version);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(IcebergPresets))]
    public async Task The_iceberg_presets_turn_iceberg_on_and_no_iceberg_check_fires(string preset, string environment, string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: [$"presets/{preset}.yaml", $"environments/{environment}.yaml"], Sets: [$"spark.version={version}"]));
        var model = SparkRenderModel.From(rendered.Objects.Select(o => new RenderedDocument(string.Empty, o)).ToList());

        rendered.SparkDefaults("connect").Should().Contain("spark.sql.extensions", Extensions);
        SparkChecks.Run(new SparkCheckContext(model, version, KnownSparkProperties.For(version)))
            .Where(f => IcebergCheckIds.Contains(f.Id)).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task No_iceberg_check_fires_on_the_maintenance_or_rest_renders(string version)
    {
        foreach (var yaml in new[] { Maintenance, Rest })
        {
            var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: [$"spark.version={version}"], ValuesYaml: yaml));
            var model = SparkRenderModel.From(rendered.Objects.Select(o => new RenderedDocument(string.Empty, o)).ToList());
            SparkChecks.Run(new SparkCheckContext(model, version, KnownSparkProperties.For(version)))
                .Where(f => IcebergCheckIds.Contains(f.Id)).Should().BeEmpty(yaml);
        }
    }

    private static async Task<IReadOnlyList<string>> RunStatementsAsync(string script, string plan)
    {
        var dir = Directory.CreateTempSubdirectory("iceberg-maintenance-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "maintenance.py"), script);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "plan.json"), plan);
            const string driver = "import datetime, json, sys; sys.path.insert(0, sys.argv[1]); import maintenance; "
                + "plan = json.load(open(sys.argv[1] + '/plan.json')); "
                + "print(json.dumps(maintenance.statements(plan, datetime.datetime(2026, 12, 1, 3, 0, 0))))";
            var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-c", driver, dir.FullName })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(await stderr);
            }

            return JsonNode.Parse(await stdout)!.AsArray().Select(c => (string)c!).ToList();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
