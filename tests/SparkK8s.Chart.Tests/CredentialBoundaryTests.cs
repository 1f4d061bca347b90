using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// Least-privilege credentials (issue 9 §3): which pods hold which Secret keys. The MinIO root stays in MinIO and its
/// setup Job, each S3 purpose has its own key pair, and each PostgreSQL purpose its own role.
/// </summary>
public class CredentialBoundaryTests
{
    private const string Prefix = "spark-spark-k8s-";
    private static readonly string[] S3Keys = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];
    private static readonly string[] SparkPods = ["connect", "executor", "metastore", "metastore-schema", "history-server", "jupyter"];

    /// <summary>Everything on: backups, verify runs, a restore, monitoring (the PostgreSQL exporter's role) and MLflow with basic auth, so every credential is in play.</summary>
    public static RenderInput Everything(string version = "4.1", params string[] sets) => new(Sets:
    [
        $"spark.version={version}", "backup.enabled=true", "backup.verify.enabled=true", "restore.enabled=true", "restore.backupId=latest",
        "monitoring.enabled=true", "mlflow.enabled=true", "mlflow.auth.enabled=true", .. sets,
    ]);

    private static IEnumerable<SecretKeyRef> Pair(string secret) => S3Keys.Select(k => new SecretKeyRef(Prefix + secret, k));

    private static SecretKeyRef Key(string secret, string key) => new(Prefix + secret, key);

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task Each_pod_holds_exactly_the_keys_of_its_purpose(string version)
    {
        var rendered = await ChartRender.RenderAsync(Everything(version));
        var spark = Pair("s3-spark").ToList();
        var rpc = Key("spark-auth", "secret");
        // The Connect client token exists on Spark 4.x only (3.5 has no Connect authentication).
        SecretKeyRef[] connectToken = version == "3.5" ? [] : [Key("connect-auth", "token")];
        var expected = new Dictionary<string, IEnumerable<SecretKeyRef>>
        {
            ["connect"] = [.. spark, rpc, .. connectToken],
            ["executor"] = [.. spark, rpc],
            ["metastore"] = [.. spark, Key("postgresql", "password")],
            // schematool talks to the database only: no S3 key (and no S3 flow in its NetworkPolicy).
            ["metastore-schema"] = [Key("postgresql", "password")],
            ["history-server"] = Pair("s3-history"),
            ["jupyter"] = [Key("jupyter", "token"), .. connectToken],
            ["minio"] = Pair("s3"),
            ["minio-buckets"] = [.. Pair("s3"), .. spark, .. Pair("s3-history"), .. Pair("s3-backup"), .. Pair("s3-mlflow")],
            // The exporter sidecar reads its own pg_monitor role's password, nothing else.
            ["postgresql"] = [Key("postgresql", "admin-password"), Key("postgresql-exporter", "password")],
            ["postgresql-roles"] = [Key("postgresql", "admin-password"), Key("postgresql", "password"), Key("postgresql-backup", "password"), Key("postgresql-restore", "password"), Key("postgresql-mlflow", "password"), Key("postgresql-exporter", "password")],
            // MLflow proxies the artifacts: its own S3 key (the mlflow bucket only), its database role, the auth app's admin
            // password and Flask secret key; no client holds any of them.
            ["mlflow"] = [.. Pair("s3-mlflow"), Key("postgresql-mlflow", "password"), Key("mlflow-auth", "admin-password"), Key("mlflow-auth", "flask-secret-key")],
            ["backup"] = [.. Pair("s3-backup"), Key("postgresql-backup", "password")],
            ["backup-verify"] = [.. Pair("s3-backup"), Key("postgresql-backup", "password")],
            ["restore"] = [.. Pair("s3-backup"), Key("postgresql-restore", "password")],
        };

        var held = SecretHoldings.ByComponent(rendered);

        using var scope = new AssertionScope();
        held.Keys.Should().BeEquivalentTo(expected.Keys);
        foreach (var (component, keys) in expected)
        {
            held.GetValueOrDefault(component).Should().BeEquivalentTo(keys, component);
        }
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task No_spark_pod_holds_the_minio_root_the_backup_key_or_a_database_admin_password(string version)
    {
        var rendered = await ChartRender.RenderAsync(Everything(version));
        string[] forbidden = [Prefix + "s3", Prefix + "s3-backup", Prefix + "postgresql-backup", Prefix + "postgresql-restore", Prefix + "postgresql-exporter", Prefix + "s3-mlflow", Prefix + "postgresql-mlflow", Prefix + "mlflow-auth"];

        using var scope = new AssertionScope();
        foreach (var (workload, component, keys) in SecretHoldings.ByWorkload(rendered).Where(h => SparkPods.Contains(h.Component)))
        {
            keys.Should().NotContain(k => forbidden.Contains(k.Secret), $"{workload.DisplayName} runs user code or serves it");
            keys.Should().NotContain(Key("postgresql", "admin-password"), workload.DisplayName);
        }

        foreach (var (workload, component, keys) in SecretHoldings.ByWorkload(rendered).Where(h => !h.Component.StartsWith("minio", StringComparison.Ordinal)))
        {
            keys.Should().NotContain(k => k.Secret == Prefix + "s3", $"{workload.DisplayName}: only MinIO and its setup Job hold the root user");
        }
    }

    [Fact]
    public async Task The_history_server_holds_only_its_own_key_whose_policy_reaches_only_the_events_bucket()
    {
        var rendered = await ChartRender.RenderAsync(Everything("4.1", "historyServer.cleaner.enabled=false", "historyServer.eventLog.maxFilesToRetain=0"));

        SecretHoldings.ByComponent(rendered)["history-server"].Should().BeEquivalentTo(Pair("s3-history"));
        var policy = Policy(rendered, "history");
        Actions(policy).Should().BeEquivalentTo(["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"], "read-only without the cleaner and compaction");
        Resources(policy).Should().BeEquivalentTo(["arn:aws:s3:::spark-events", "arn:aws:s3:::spark-events/*"]);
    }

    [Fact]
    public async Task Policies_grant_each_purpose_its_buckets_only()
    {
        var rendered = await ChartRender.RenderAsync(Everything());

        using var scope = new AssertionScope();
        Resources(Policy(rendered, "spark")).Should().BeEquivalentTo(
            ["arn:aws:s3:::spark-events", "arn:aws:s3:::spark-events/*", "arn:aws:s3:::spark-warehouse", "arn:aws:s3:::spark-warehouse/*"]);
        Resources(Policy(rendered, "backup")).Should().BeEquivalentTo(["arn:aws:s3:::spark-backups", "arn:aws:s3:::spark-backups/*"]);
        Resources(Policy(rendered, "mlflow")).Should().BeEquivalentTo(["arn:aws:s3:::mlflow", "arn:aws:s3:::mlflow/*"], "the MLflow server reaches its artifact bucket only");
        Actions(Policy(rendered, "spark")).Should().Contain("s3:DeleteObject", "Spark writes and overwrites tables and event logs");
        // The cleaner (on by default) deletes expired logs; compaction writes .compact files. Still only the events bucket.
        Actions(Policy(rendered, "history")).Should().Contain(["s3:DeleteObject", "s3:PutObject"]);
        var cleanerOnly = await ChartRender.RenderAsync(Everything("4.1", "historyServer.eventLog.maxFilesToRetain=0"));
        Actions(Policy(cleanerOnly, "history")).Should().BeEquivalentTo(["s3:GetObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetBucketLocation"], "the cleaner deletes, it does not write");
        Resources(Policy(rendered, "history")).Should().OnlyContain(r => r.StartsWith("arn:aws:s3:::spark-events", StringComparison.Ordinal));

        foreach (var purpose in new[] { "spark", "history", "backup", "mlflow" })
        {
            var policy = Policy(rendered, purpose);
            ((string?)policy["Version"]).Should().Be("2012-10-17");
            foreach (var statement in policy["Statement"]!.AsArray().OfType<JsonObject>())
            {
                ((string?)statement["Effect"]).Should().Be("Allow", purpose);
                var actions = statement["Action"]!.AsArray().Select(a => (string)a!).ToList();
                var resources = statement["Resource"]!.AsArray().Select(r => (string)r!).ToList();
                actions.Should().OnlyContain(a => KnownActions.Contains(a), $"{purpose}: plain S3 actions, no wildcards");
                // Bucket-level actions on bucket ARNs, object-level actions on the objects in them; never a bucket list or admin action.
                var objectLevel = actions.All(a => ObjectActions.Contains(a));
                var bucketLevel = actions.All(a => !ObjectActions.Contains(a));
                (objectLevel || bucketLevel).Should().BeTrue($"{purpose}: one statement per resource level");
                resources.Should().OnlyContain(r => objectLevel ? r.EndsWith("/*", StringComparison.Ordinal) : !r.Contains('/'), purpose);
            }
        }
    }

    [Theory]
    [InlineData("s3.buckets.backups=spark-events")]
    [InlineData("backup.target.bucket=spark-warehouse")]
    public async Task Backups_cannot_share_a_bucket_spark_can_write(string set)
    {
        var render = () => ChartRender.RenderUncachedAsync(Everything("4.1", set));

        (await render.Should().ThrowAsync<SparkK8s.Core.Helm.HelmException>()).Which.Message.Should().Contain("must differ from s3.buckets.events and s3.buckets.warehouse");
    }

    [Fact]
    public async Task External_s3_with_one_shared_secret_still_works_for_every_purpose()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: ["presets/connect-k8s-minimal.yaml"],
            Sets: ["historyServer.enabled=true", "backup.enabled=true"],
            ValuesYaml: ExternalDatabaseBackup));

        rendered.OfKind("Secret").Select(s => s.Name).Should().BeEquivalentTo([Prefix + "connect-auth", Prefix + "spark-auth"], "no S3 or database Secret is generated for external stores");
        foreach (var component in new[] { "connect", "executor", "history-server", "backup" })
        {
            S3Secrets(rendered, component).Should().Equal(["CHANGE-ME-s3-credentials"], component);
        }
    }

    [Fact]
    public async Task External_s3_can_give_each_purpose_its_own_secret()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: ["presets/connect-k8s-minimal.yaml"],
            Sets: ["historyServer.enabled=true", "backup.enabled=true", "s3.credentials.spark.existingSecret=spark-s3", "s3.credentials.historyServer.existingSecret=history-s3", "s3.credentials.backup.existingSecret=backup-s3"],
            ValuesYaml: ExternalDatabaseBackup));

        S3Secrets(rendered, "connect").Should().Equal("spark-s3");
        S3Secrets(rendered, "executor").Should().Equal("spark-s3");
        S3Secrets(rendered, "history-server").Should().Equal("history-s3");
        S3Secrets(rendered, "backup").Should().Equal("backup-s3");
    }

    private const string ExternalDatabaseBackup =
        "backup: {image: {repository: registry.example.com/tools}, databases: {metastore: {host: pg.example.internal, database: hms, username: hms, existingSecret: hms-db, passwordKey: pw}}}";

    private static List<string> S3Secrets(Rendered rendered, string component) =>
        SecretHoldings.ByComponent(rendered)[component].Where(k => S3Keys.Contains(k.Key)).Select(k => k.Secret).Distinct().ToList();

    private static readonly string[] ObjectActions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];
    private static readonly string[] KnownActions = [.. ObjectActions, "s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"];

    private static JsonObject Policy(Rendered rendered, string purpose) =>
        JsonNode.Parse((string)rendered.OfKind("ConfigMap").Single(c => c.Name == Prefix + "minio-policies").Body["data"]![$"{purpose}.json"]!)!.AsObject();

    private static IEnumerable<string> Actions(JsonObject policy) =>
        policy["Statement"]!.AsArray().SelectMany(s => s!["Action"]!.AsArray().Select(a => (string)a!));

    private static IEnumerable<string> Resources(JsonObject policy) =>
        policy["Statement"]!.AsArray().SelectMany(s => s!["Resource"]!.AsArray().Select(a => (string)a!));
}
