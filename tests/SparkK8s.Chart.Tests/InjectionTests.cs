using System.Xml.Linq;
using FluentAssertions;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// Values cannot add objects, config lines, XML elements or shell commands: the schema refuses them with the key
/// named, and what it lets through reaches scripts only through env vars and config files only escaped.
/// </summary>
public class InjectionTests
{
    private const string ClusterAdmin =
        "x\\n---\\napiVersion: rbac.authorization.k8s.io/v1\\nkind: ClusterRoleBinding\\nmetadata:\\n  name: pwn\\n"
        + "roleRef: {kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io}\\n"
        + "subjects: [{kind: Group, name: 'system:authenticated', apiGroup: rbac.authorization.k8s.io}]\\nx:";

    public static TheoryData<string, string> Injections() => new()
    {
        // values YAML, path of the key helm must name (JSON-pointer segments)
        { $"jupyter: {{persistence: {{storageClass: \"{ClusterAdmin}\"}}}}", "jupyter/persistence/storageClass" },
        { $"postgresql: {{persistence: {{storageClass: \"{ClusterAdmin}\"}}}}", "postgresql/persistence/storageClass" },
        { "connect: {sparkConf: {spark.sql.shuffle.partitions: \"8\\nspark.master local[*]\"}}", "connect/sparkConf/spark.sql.shuffle.partitions" },
        { "historyServer: {sparkConf: {spark.history.ui.port: \"1\\rspark.x y\"}}", "historyServer/sparkConf/spark.history.ui.port" },
        { "connect: {sparkConf: {spark.x: \"a\\u2028spark.y b\"}}", "connect/sparkConf/spark.x" },
        { "postgresql: {auth: {username: \"hive</value></property><property><name>x</name><value>&amp;<\"}}", "postgresql/auth/username" },
        { "metastore: {externalDatabase: {username: \"a&b<c\"}}", "metastore/externalDatabase/username" },
        { "s3: {buckets: {events: \"x;id\"}}", "s3/buckets/events" },
        { "s3: {buckets: {warehouse: \"x$(id)\"}}", "s3/buckets/warehouse" },
        { "jars: {repository: \"https://repo.example.invalid/m2\\\"; id; echo \\\"\"}", "jars/repository" },
        { "jupyter: {extraPackages: [\"numpy'; id; echo '\"]}", "jupyter/extraPackages/0" },
        { "metastore: {heap: \"1g -Dx=1\"}", "metastore/heap" },
        { "connect: {image: {repository: \"apache/spark\\\"\\nkind: x\"}}", "connect/image/repository" },
        { "backup: {enabled: true, databases: {metastore: {username: \"$(DB_PASSWORD)\"}}}", "backup/databases/metastore/username" },
    };

    [Theory]
    [MemberData(nameof(Injections))]
    public async Task Injected_objects_lines_and_commands_are_refused_with_the_key_named(string values, string path)
    {
        var error = await ChartRender.RenderErrorAsync(values);

        error.Should().Match(e => NamesKey(e, path), $"helm names {path}: {error}");
    }

    [Fact]
    public async Task Scripts_get_bucket_names_and_the_jar_repository_from_env_vars_not_as_script_text()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(ValuesYaml: """
            jars: {repository: "https://mirror.example.invalid/maven2/"}
            s3: {buckets: {events: ev-bucket, warehouse: wh-bucket, backups: bk-bucket}}
            """));

        var buckets = rendered.OfKind("Job").Single(j => j.Name.Contains("minio-buckets", StringComparison.Ordinal)).Container("create-buckets");
        var bucketScript = (string)buckets["command"]!.AsArray().Last()!;
        bucketScript.Should().NotContainAny("ev-bucket", "wh-bucket", "bk-bucket");
        ((string?)buckets.EnvVar("BUCKETS")["value"]).Should().Be("ev-bucket wh-bucket bk-bucket");

        var fetchJars = rendered.Single("Deployment", "connect").Container("fetch-jars");
        var jarScript = (string)fetchJars["command"]!.AsArray().Last()!;
        jarScript.Should().NotContain("mirror.example.invalid").And.NotContain("/opt/spark/extra-jars");
        ((string?)fetchJars.EnvVar("JARS_REPOSITORY")["value"]).Should().Be("https://mirror.example.invalid/maven2");
    }

    [Theory]
    [InlineData("0123", "2024")]
    [InlineData("yes", "0x1F")]
    [InlineData("2024", "no")]
    public async Task Yaml_1_1_lookalike_user_and_database_names_stay_strings(string user, string database)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(ValuesYaml:
            $"postgresql: {{auth: {{username: \"{user}\", database: \"{database}\", backup: {{username: \"0777\"}}}}}}\nbackup: {{enabled: true, verify: {{enabled: true}}}}\n"));

        var xml = XDocument.Parse(rendered.ConfigData("metastore", "hive-site.xml"));
        HiveProperty(xml, "javax.jdo.option.ConnectionUserName").Should().Be(user);
        HiveProperty(xml, "javax.jdo.option.ConnectionURL").Should().Be($"jdbc:postgresql://spark-spark-k8s-postgresql.spark.svc:5432/{database}");

        var postgres = rendered.Single("StatefulSet", "postgresql").Container("postgresql");
        var roles = rendered.OfKind("Job").Single(j => j.Name.Contains("postgresql-roles", StringComparison.Ordinal)).Containers().Single();
        ((string?)roles.EnvVar("DB_METASTORE_OWNER")["value"]).Should().Be(user, "the roles Job creates the metastore's role");
        ((string?)postgres.EnvVar("POSTGRES_DB")["value"]).Should().Be(database);

        ((string?)roles.EnvVar("BACKUP_USER")["value"]).Should().Be("0777", "the roles Job creates the backup role");
        var uri = $"postgresql://0777@spark-spark-k8s-postgresql.spark.svc:5432/{database}";
        ArgAfter(rendered.Single("CronJob", "backup"), "--database").Should().Be(uri);
        ArgAfter(rendered.Single("CronJob", "backup-verify"), "--scratch").Should().Be(uri + "_verify");
    }

    [Fact]
    public async Task Hive_site_xml_is_well_formed_and_holds_every_value_exactly()
    {
        var rendered = await ChartRender.RenderAsync("4.1");

        var xml = XDocument.Parse(rendered.ConfigData("metastore", "hive-site.xml"));
        HiveProperty(xml, "javax.jdo.option.ConnectionUserName").Should().Be("hive");
        HiveProperty(xml, "fs.s3a.endpoint").Should().Be("http://spark-spark-k8s-minio.spark.svc:9000");
        xml.Root!.Elements("property").Should().HaveCount(12);
    }

    private static string? HiveProperty(XDocument xml, string name) =>
        xml.Root!.Elements("property").Where(p => (string?)p.Element("name") == name).Select(p => (string?)p.Element("value")).SingleOrDefault();

    private static string ArgAfter(Core.Manifests.KubeObject cronJob, string flag)
    {
        var args = cronJob.Containers().Single()["args"]!.AsArray().Select(a => (string)a!).ToList();
        return args[args.IndexOf(flag) + 1];
    }

    /// <summary>
    /// Whether helm's error names the key (given as '/'-separated segments): Helm 3 prints dotted paths, Helm 4 JSON
    /// pointers (RFC 6901: "~" as "~0", "/" as "~1").
    /// </summary>
    public static bool NamesKey(string error, string path) => NamesKey(error, path.Split('/'));

    public static bool NamesKey(string error, IReadOnlyList<string> segments)
    {
        var dotted = string.Join('.', segments);
        var pointer = "'/" + string.Join('/', segments.Select(s => s.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal))) + "'";
        return error.Contains(dotted + ":", StringComparison.Ordinal) || error.Contains(dotted + " ", StringComparison.Ordinal)
            || error.Contains(pointer, StringComparison.Ordinal);
    }

}
