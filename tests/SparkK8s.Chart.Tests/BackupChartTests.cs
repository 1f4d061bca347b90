using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Manifests;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>The backup CronJobs, the verify CronJobs and the restore Job.</summary>
public class BackupChartTests
{
    private const string Enabled = "backup.enabled=true";
    private const string RestoreYaml = "restore: {enabled: true, backupId: metastore-20261121T020000Z}";

    private static Task<Rendered> RenderAsync(params string[] sets) => ChartRender.RenderAsync(new RenderInput(Sets: sets));

    [Fact]
    public async Task Nothing_is_rendered_by_default()
    {
        var rendered = await RenderAsync();

        rendered.OfKind("CronJob").Should().BeEmpty();
        rendered.Objects.Where(IsBackupObject).Should().BeEmpty();
    }

    [Fact]
    public async Task A_daily_backup_cronjob_runs_backup_run_for_the_metastore()
    {
        var rendered = await RenderAsync(Enabled);

        var cronJob = rendered.Single("CronJob", "backup");
        cronJob.Name.Should().Be("spark-spark-k8s-backup-metastore");
        var spec = cronJob.Body["spec"]!;
        ((string?)spec["schedule"]).Should().Be("0 2 * * *");
        ((string?)spec["concurrencyPolicy"]).Should().Be("Forbid");
        ((long?)spec["jobTemplate"]!["spec"]!["backoffLimit"]).Should().Be(1);
        ((long?)spec["jobTemplate"]!["spec"]!["activeDeadlineSeconds"]).Should().Be(7200);
        spec["timeZone"].Should().BeNull();

        var container = cronJob.Containers().Single();
        Args(container).Should().Equal(
            "backup", "run", "--name", "metastore",
            "--database", "postgresql://hive_backup@spark-spark-k8s-postgresql.spark.svc:5432/metastore",
            "--retention-days", "30", "--keep-last", "1",
            "--target", "s3://spark-backups/spark",
            "--s3-endpoint", "http://spark-spark-k8s-minio.spark.svc:9000",
            "--s3-region", "us-east-1");
        ((string?)container["image"]).Should().Be("spark-k8s/tools:0.1.0");
    }

    [Fact]
    public async Task Backup_pods_meet_pod_security_restricted_and_set_resources()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: [Enabled, "backup.verify.enabled=true"], ValuesYaml: RestoreYaml));
        var workloads = rendered.Objects.Where(IsBackupObject).ToList();

        workloads.Select(w => w.DisplayName).Should().BeEquivalentTo(
            "CronJob/spark-spark-k8s-backup-metastore", "CronJob/spark-spark-k8s-backup-verify-metastore", "Job/spark-spark-k8s-restore-metastore-r1");
        using var scope = new AssertionScope();
        foreach (var workload in workloads)
        {
            var pod = workload.PodSpec!;
            ((bool?)pod["securityContext"]!["runAsNonRoot"]).Should().BeTrue(workload.DisplayName);
            ((long?)pod["securityContext"]!["runAsUser"]).Should().Be(1654, workload.DisplayName);
            ((string?)pod["securityContext"]!["seccompProfile"]!["type"]).Should().Be("RuntimeDefault", workload.DisplayName);
            ((string?)pod["restartPolicy"]).Should().Be("Never", workload.DisplayName);
            ((bool?)pod["automountServiceAccountToken"]).Should().BeFalse(workload.DisplayName);
            foreach (var container in workload.AllContainers())
            {
                var what = workload.Describe(container);
                ((bool?)container["securityContext"]!["allowPrivilegeEscalation"]).Should().BeFalse(what);
                container["securityContext"]!["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c).Should().Contain("ALL", what);
                container["resources"]!["requests"]!["cpu"].Should().NotBeNull(what);
                container["resources"]!["requests"]!["memory"].Should().NotBeNull(what);
                container["resources"]!["limits"]!["memory"].Should().NotBeNull(what);
            }
        }
    }

    [Fact]
    public async Task Backup_objects_match_the_kubernetes_schema()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: ["environments/prod.yaml"], Sets: [Enabled, "backup.timeZone=Etc/UTC"], ValuesYaml: RestoreYaml));
        var objects = rendered.Objects.Where(IsBackupObject).ToList();

        objects.Should().HaveCount(3);
        objects.SelectMany(KubeSchema.Validate).Should().BeEmpty();
    }

    [Fact]
    public async Task Credentials_come_from_the_chart_secrets_and_never_appear_in_plain_text()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: [Enabled, "backup.verify.enabled=true"], ValuesYaml: RestoreYaml));
        var secretValues = rendered.OfKind("Secret")
            .SelectMany(s => (s.Body["data"] as JsonObject ?? []).Select(p => Encoding.UTF8.GetString(Convert.FromBase64String((string)p.Value!))))
            .ToList();
        secretValues.Should().HaveCountGreaterThanOrEqualTo(3);

        using var scope = new AssertionScope();
        foreach (var workload in rendered.Objects.Where(IsBackupObject))
        {
            var container = workload.Containers().Single();
            // Each Job its own PostgreSQL role and the backup purpose's S3 key: never the metastore's role or the MinIO root.
            var role = workload.Kind == "Job" ? "spark-spark-k8s-postgresql-restore" : "spark-spark-k8s-postgresql-backup";
            SecretRef(container, "PGPASSWORD").Should().Be((role, "password"), workload.DisplayName);
            SecretRef(container, "AWS_ACCESS_KEY_ID").Should().Be(("spark-spark-k8s-s3-backup", "AWS_ACCESS_KEY_ID"), workload.DisplayName);
            SecretRef(container, "AWS_SECRET_ACCESS_KEY").Should().Be(("spark-spark-k8s-s3-backup", "AWS_SECRET_ACCESS_KEY"), workload.DisplayName);
            var text = workload.Body.ToJsonString();
            secretValues.Should().NotContain(v => text.Contains(v, StringComparison.Ordinal), workload.DisplayName);
            var userInfos = Args(container).Where(a => a.StartsWith("postgresql://", StringComparison.Ordinal))
                .Select(a => a.Substring("postgresql://".Length).Split('@')[0]).ToList();
            userInfos.Should().NotBeEmpty().And.OnlyContain(u => !u.Contains(':'), "a libpq URI must carry no password");
        }
    }

    [Fact]
    public async Task Verify_cronjob_restores_the_latest_backup_into_a_scratch_database_weekly()
    {
        var rendered = await RenderAsync(Enabled, "backup.verify.enabled=true");

        var cronJob = rendered.Single("CronJob", "backup-verify");
        ((string?)cronJob.Body["spec"]!["schedule"]).Should().Be("0 4 * * 0");
        ((string?)cronJob.Body["spec"]!["concurrencyPolicy"]).Should().Be("Forbid");
        Args(cronJob.Containers().Single()).Should().ContainInOrder(
            "verify", "--backup", "latest", "--name", "metastore", "--scratch", "postgresql://hive_backup@spark-spark-k8s-postgresql.spark.svc:5432/metastore_verify");
        PodSpecs.Items(cronJob.PodSpec, "volumes").Single()["emptyDir"]!["sizeLimit"]!.ToString().Should().Be("64Mi", "the archive is streamed, so /tmp only holds HOME");
    }

    [Theory]
    [InlineData("dev", "0 3 * * *", "7", "1", false)]
    [InlineData("staging", "0 2 * * *", "14", "3", false)]
    [InlineData("prod", "0 2 * * *", "30", "7", true)]
    public async Task Environments_set_schedule_and_retention(string environment, string schedule, string retentionDays, string keepLast, bool verify)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: [$"environments/{environment}.yaml"], Sets: [Enabled]));

        var cronJob = rendered.Single("CronJob", "backup");
        ((string?)cronJob.Body["spec"]!["schedule"]).Should().Be(schedule);
        var args = Args(cronJob.Containers().Single());
        args[args.IndexOf("--retention-days") + 1].Should().Be(retentionDays);
        args[args.IndexOf("--keep-last") + 1].Should().Be(keepLast);
        rendered.WithComponent("backup-verify").Any().Should().Be(verify);
    }

    [Theory]
    [InlineData("dev", false)]
    [InlineData("staging", false)]
    [InlineData("prod", true)]
    public async Task Prod_backs_up_without_being_asked(string environment, bool enabled)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: [$"environments/{environment}.yaml"]));

        rendered.WithComponent("backup").Any().Should().Be(enabled);
    }

    [Fact]
    public async Task Another_database_is_one_entry_with_its_own_schedule_and_secret()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Sets: [Enabled, "backup.timeZone=Etc/UTC"],
            ValuesYaml: "backup: {databases: {airflow: {enabled: true, schedule: '30 1 * * *', host: airflow-db, port: 5433, database: airflow, username: airflow, existingSecret: airflow-db, passwordKey: pw}}}"));

        var cronJobs = rendered.OfKind("CronJob").ToList();
        cronJobs.Select(c => c.Name).Should().BeEquivalentTo("spark-spark-k8s-backup-airflow", "spark-spark-k8s-backup-metastore");
        var airflow = cronJobs.Single(c => c.Name.EndsWith("airflow", StringComparison.Ordinal));
        ((string?)airflow.Body["spec"]!["schedule"]).Should().Be("30 1 * * *");
        ((string?)airflow.Body["spec"]!["timeZone"]).Should().Be("Etc/UTC");
        Args(airflow.Containers().Single()).Should().ContainInOrder("--name", "airflow", "--database", "postgresql://airflow@airflow-db:5433/airflow");
        SecretRef(airflow.Containers().Single(), "PGPASSWORD").Should().Be(("airflow-db", "pw"));
    }

    [Fact]
    public async Task The_mlflow_database_is_backed_up_and_verified_only_when_mlflow_is_on()
    {
        var off = await RenderAsync(Enabled, "backup.verify.enabled=true");
        off.OfKind("CronJob").Select(c => c.Name).Should().NotContain(n => n.Contains("mlflow", StringComparison.Ordinal));

        var on = await RenderAsync(Enabled, "backup.verify.enabled=true", "mlflow.enabled=true");
        on.OfKind("CronJob").Select(c => c.Name).Should().BeEquivalentTo(
            "spark-spark-k8s-backup-metastore", "spark-spark-k8s-backup-mlflow", "spark-spark-k8s-backup-verify-metastore", "spark-spark-k8s-backup-verify-mlflow");
        var mlflow = on.OfKind("CronJob").Single(c => c.Name == "spark-spark-k8s-backup-mlflow").Containers().Single();
        // The backup role (pg_read_all_data) reads MLflow's database too; MLflow's own role never backs up.
        Args(mlflow).Should().ContainInOrder("--name", "mlflow", "--database", "postgresql://hive_backup@spark-spark-k8s-postgresql.spark.svc:5432/mlflow");
        SecretRef(mlflow, "PGPASSWORD").Should().Be(("spark-spark-k8s-postgresql-backup", "password"));

        var external = await RenderAsync(Enabled, "mlflow.enabled=true", "postgresql.enabled=false", "metastore.enabled=false",
            "mlflow.externalDatabase.host=pg.example.com", "mlflow.externalDatabase.existingSecret=mlflow-pg", "mlflow.externalDatabase.database=tracking");
        var externalJob = external.OfKind("CronJob").Single(c => c.Name == "spark-spark-k8s-backup-mlflow").Containers().Single();
        Args(externalJob).Should().ContainInOrder("--database", "postgresql://mlflow@pg.example.com:5432/tracking");
        SecretRef(externalJob, "PGPASSWORD").Should().Be(("mlflow-pg", "password"));
    }

    [Fact]
    public async Task External_database_and_s3_are_taken_from_the_chart_settings()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Sets: [Enabled, "backup.target.bucket=dr-backups", "backup.target.prefix=team-a/prod"],
            ValuesYaml: """
                postgresql: {enabled: false}
                minio: {enabled: false}
                s3: {endpoint: 'https://s3.eu-central-1.amazonaws.com', region: eu-central-1, credentials: {existingSecret: s3-creds}}
                metastore: {externalDatabase: {host: pg.example.internal, database: hms, username: hms_user, existingSecret: hms-db, passwordKey: secret}}
                """));

        var container = rendered.Single("CronJob", "backup").Containers().Single();
        Args(container).Should().ContainInOrder(
            "--database", "postgresql://hms_user@pg.example.internal:5432/hms",
            "--target", "s3://dr-backups/team-a/prod",
            "--s3-endpoint", "https://s3.eu-central-1.amazonaws.com",
            "--s3-region", "eu-central-1");
        SecretRef(container, "PGPASSWORD").Should().Be(("hms-db", "secret"));
        SecretRef(container, "AWS_SECRET_ACCESS_KEY").Should().Be(("s3-creds", "AWS_SECRET_ACCESS_KEY"));
    }

    [Fact]
    public async Task Backups_can_go_to_s3_outside_the_cluster()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Sets: [Enabled],
            ValuesYaml: "backup: {target: {bucket: dr-backups, endpoint: 'https://s3.eu-west-1.amazonaws.com', region: eu-west-1, existingSecret: dr-s3}}"));

        var container = rendered.Single("CronJob", "backup").Containers().Single();
        Args(container).Should().ContainInOrder("--target", "s3://dr-backups/spark", "--s3-endpoint", "https://s3.eu-west-1.amazonaws.com", "--s3-region", "eu-west-1");
        SecretRef(container, "AWS_ACCESS_KEY_ID").Should().Be(("dr-s3", "AWS_ACCESS_KEY_ID"));
        SecretRef(container, "PGPASSWORD").Should().Be(("spark-spark-k8s-postgresql-backup", "password"));
    }

    [Fact]
    public async Task Restore_job_restores_the_named_backup_with_bounded_retries()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(ValuesYaml: RestoreYaml));

        var job = rendered.Single("Job", "restore");
        job.Name.Should().Be("spark-spark-k8s-restore-metastore-r1");
        ((long?)job.Body["spec"]!["backoffLimit"]).Should().Be(3);
        ((long?)job.Body["spec"]!["activeDeadlineSeconds"]).Should().Be(14400);
        var args = Args(job.Containers().Single());
        args.Should().ContainInOrder("restore", "--backup", "metastore-20261121T020000Z", "--name", "metastore", "--database", "postgresql://hive_restore@spark-spark-k8s-postgresql.spark.svc:5432/metastore", "--create");
        args.Should().NotContain("--clean").And.NotContain("--yes");

        var clean = await ChartRender.RenderAsync(new RenderInput(Sets: ["restore.clean=true"], ValuesYaml: RestoreYaml));
        Args(clean.Single("Job", "restore").Containers().Single()).Should().Contain(["--clean", "--yes"]);
    }

    [Theory]
    [InlineData("restore: {enabled: true}", "restore.backupId")]
    [InlineData("restore: {enabled: true, backupId: latest, database: analytics}", "restore.database")]
    [InlineData("backup: {enabled: true, databases: {analytics: {enabled: true, host: db}}}", "backup.databases.analytics.database")]
    [InlineData("backup: {enabled: true, schedule: 'daily'}", "schedule")]
    [InlineData("backup: {enabled: true, retentionDays: 0}", "retentionDays")]
    [InlineData("backup: {enabled: true, databases: {Bad_Name: {enabled: true}}}", "Bad_Name")]
    public async Task Bad_values_fail_naming_the_key(string valuesYaml, string key)
    {
        var render = () => ChartRender.RenderUncachedAsync(new RenderInput(ValuesYaml: valuesYaml));

        (await render.Should().ThrowAsync<HelmException>()).Which.Message.Should().Contain(key);
    }

    /// <summary>The backup, verify and restore workloads (their ServiceAccounts and NetworkPolicies are tested with the others').</summary>
    private static bool IsBackupObject(KubeObject o) =>
        o.Kind is "CronJob" or "Job"
        && o.Labels.GetValueOrDefault(Rendered.ComponentLabel) is "backup" or "backup-verify" or "restore";

    private static List<string> Args(JsonObject container) =>
        (container["args"] as JsonArray ?? []).Select(a => (string)a!).ToList();

    private static (string? Secret, string? Key) SecretRef(JsonObject container, string name)
    {
        var variable = container.EnvVar(name);
        variable["value"].Should().BeNull($"{name} must come from a Secret");
        var reference = variable["valueFrom"]?["secretKeyRef"];
        return ((string?)reference?["name"], (string?)reference?["key"]);
    }
}
