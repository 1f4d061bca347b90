using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SparkK8s.Core.Validation.Spark;

namespace SparkK8s.Core.Validation.Security;

/// <summary>A Secret key that grants administrator rights, found in the render: which service's, and which pod defines it.</summary>
public sealed record PrivilegedCredential(string Secret, string? Key, string Service, string Owner)
{
    public bool Matches(SecretKeyUse use) => use.Secret == Secret && (Key is null || use.Key is null || use.Key == Key);

    public string Describe => Key is null ? $"Secret {Secret} (every key)" : $"key {Key} of Secret {Secret}";
}

/// <summary>
/// The administrator credentials of a render, read from the services that define them rather than from values names: the
/// Secret keys the MinIO container takes as MINIO_ROOT_USER/MINIO_ROOT_PASSWORD (or their *_FILE forms, or envFrom), and
/// the one the PostgreSQL container takes as POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE), with its POSTGRES_USER
/// (the docker-library postgres image defaults it to "postgres").
/// </summary>
public sealed record PrivilegedCredentials(IReadOnlyList<PrivilegedCredential> Keys, IReadOnlyList<string> DatabaseSuperusers)
{
    private static readonly string[] MinioRootEnv = ["MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY"];

    public static PrivilegedCredentials From(IReadOnlyList<RenderedPod> pods)
    {
        var keys = new List<PrivilegedCredential>();
        var superusers = new List<string>();
        foreach (var pod in pods)
        {
            foreach (var (_, container) in pod.Containers())
            {
                var env = (container["env"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                var uses = pod.SecretKeys().Where(u => u.Container == ((string?)container["name"] ?? "?")).ToList();
                var minio = env.Any(e => MinioRootEnv.Contains((string?)e["name"]) || ((string?)e["name"])?.StartsWith("MINIO_ROOT_", StringComparison.Ordinal) == true);
                if (minio)
                {
                    foreach (var name in MinioRootEnv)
                    {
                        keys.AddRange(Referenced(env, name, pod, uses, "MinIO root"));
                        keys.AddRange(Referenced(env, name + "_FILE", pod, uses, "MinIO root"));
                    }

                    // A MinIO container that takes its whole environment from a Secret holds the root pair in it.
                    keys.AddRange(uses.Where(u => u.Field.Contains(".envFrom[", StringComparison.Ordinal))
                        .Select(u => new PrivilegedCredential(u.Secret, null, "MinIO root", pod.Object)));
                }

                var postgres = env.Any(e => (string?)e["name"] is "POSTGRES_PASSWORD" or "POSTGRES_PASSWORD_FILE");
                if (postgres)
                {
                    keys.AddRange(Referenced(env, "POSTGRES_PASSWORD", pod, uses, "PostgreSQL superuser"));
                    keys.AddRange(Referenced(env, "POSTGRES_PASSWORD_FILE", pod, uses, "PostgreSQL superuser"));
                    superusers.Add(env.Where(e => (string?)e["name"] == "POSTGRES_USER").Select(e => (string?)e["value"]).LastOrDefault() ?? "postgres");
                }
            }
        }

        return new PrivilegedCredentials(keys.Distinct().ToList(), superusers.Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>The Secret key behind env var <paramref name="name"/>: its secretKeyRef, or for *_FILE the mounted Secret file it names.</summary>
    private static IEnumerable<PrivilegedCredential> Referenced(List<JsonObject> env, string name, RenderedPod pod, List<SecretKeyUse> uses, string service)
    {
        foreach (var variable in env.Where(e => (string?)e["name"] == name))
        {
            if (variable["valueFrom"]?["secretKeyRef"] is JsonObject reference && (string?)reference["name"] is { } secret)
            {
                yield return new PrivilegedCredential(secret, (string?)reference["key"], service, pod.Object);
            }
            else if (name.EndsWith("_FILE", StringComparison.Ordinal) && (string?)variable["value"] is { } path)
            {
                foreach (var use in uses.Where(u => u.Field.Contains(".volumeMounts[", StringComparison.Ordinal)))
                {
                    var key = path[(path.LastIndexOf('/') + 1)..];
                    if (use.Key is null || use.Key == key)
                    {
                        yield return new PrivilegedCredential(use.Secret, use.Key ?? key, service, pod.Object);
                    }
                }
            }
        }
    }
}

/// <summary>
/// SEC003: a Spark pod (the Connect driver, executors, any pod running a Spark launcher) can read the MinIO root
/// credentials or the PostgreSQL superuser password. Spark runs the code its clients send, so such a key is one
/// <c>os.environ</c> away from deleting every bucket, backups included, or dropping the metastore database.
/// Both are errors: the chart gives Spark its own MinIO user (the buckets Job creates one per purpose) and its own database role.
/// </summary>
public sealed class PrivilegedCredentialRule() : SecurityRule(
    "SEC003",
    Severity.Error,
    "A Spark pod holds the MinIO root or the PostgreSQL superuser credentials",
    "Spark runs the code its clients send; a pod of it that can read the object store's root keys or the database superuser's password hands "
    + "them to every client. The rule finds those keys in the render: the Secret keys MinIO takes as MINIO_ROOT_USER/MINIO_ROOT_PASSWORD and "
    + "PostgreSQL as POSTGRES_PASSWORD.",
    "Give Spark its own S3 user with access to its buckets only (the chart's per-purpose MinIO user, or s3.credentials.spark.existingSecret), and never mount the database superuser's Secret key into Spark pods")
{
    public override IEnumerable<Finding> Run(SecurityCheckContext context)
    {
        var pods = RenderedPods.All(context.Model);
        var privileged = PrivilegedCredentials.From(pods);
        foreach (var pod in pods.Where(p => p.RunsSpark))
        {
            foreach (var use in pod.SecretKeys())
            {
                if (privileged.Keys.FirstOrDefault(k => k.Matches(use)) is { } key)
                {
                    yield return Found(pod.Object, use.Field,
                        $"the {pod.Component} container {use.Container} reads {key.Describe}, the {key.Service} credential of {key.Owner}");
                }
            }
        }
    }
}

/// <summary>
/// SEC004: a client of the database connects as the PostgreSQL superuser: the metastore's JDBC user
/// (javax.jdo.option.ConnectionUserName in a hive-site.xml or a -D option), or the user of a postgresql:// URL in a
/// Job's arguments, equals the POSTGRES_USER of the PostgreSQL pod; or such a client reads the superuser's password.
/// Pods that define the superuser (PostgreSQL itself) and pods that only manage roles (connecting as the superuser to
/// create a non-superuser role) are not clients in this sense: they are the ones the rule leaves out, by not running a
/// metastore or a postgresql:// client.
/// </summary>
public sealed partial class SuperuserDatabaseRoleRule() : SecurityRule(
    "SEC004",
    Severity.Error,
    "The metastore or a backup connects to PostgreSQL as the superuser",
    "The metastore and the backup Jobs need a role of their own without SUPERUSER, CREATEROLE or REPLICATION: a superuser connection "
    + "can read and change every database, run programs on the server (COPY ... PROGRAM) and lock everyone else out.",
    "Connect as a role without SUPERUSER (postgresql.auth.username, distinct from postgresql.auth.adminUsername) and give it only the superuser-free rights it needs")
{
    private const string UserProperty = "javax.jdo.option.ConnectionUserName";

    public override IEnumerable<Finding> Run(SecurityCheckContext context)
    {
        var pods = RenderedPods.All(context.Model);
        var privileged = PrivilegedCredentials.From(pods);
        if (privileged.DatabaseSuperusers.Count == 0)
        {
            yield break;
        }

        var superusers = privileged.DatabaseSuperusers.ToHashSet(StringComparer.Ordinal);
        foreach (var document in context.Model.Documents.Where(d => d.Object.Kind == "ConfigMap"))
        {
            foreach (var (key, value) in document.Object.Body["data"] as JsonObject ?? [])
            {
                if (value?.ToString() is { } text && HiveUser().Match(text) is { Success: true } match && superusers.Contains(match.Groups["user"].Value.Trim()))
                {
                    yield return Found(document.Object.DisplayName, $"data[{key}]: {UserProperty}",
                        $"the metastore connects as {match.Groups["user"].Value.Trim()}, the PostgreSQL superuser");
                }
            }
        }

        foreach (var pod in pods)
        {
            var client = false;
            foreach (var (field, container) in pod.Containers())
            {
                foreach (var (where, word) in Words(field, container))
                {
                    var user = JdoUser().Match(word) is { Success: true } jdo ? jdo.Groups["user"].Value
                        : PostgresUrl().Match(word) is { Success: true } url ? url.Groups["user"].Value : null;
                    client |= word.Contains("javax.jdo.option", StringComparison.Ordinal) || PostgresUrl().IsMatch(word);
                    if (user is not null && superusers.Contains(user))
                    {
                        yield return Found(pod.Object, where, $"the {pod.Component} container {(string?)container["name"]} connects to PostgreSQL as {user}, the superuser");
                    }
                }
            }

            var metastore = pod.Containers().Any(c => (c.Container["volumeMounts"] as JsonArray ?? []).OfType<JsonObject>()
                .Any(m => ((string?)m["mountPath"])?.EndsWith("hive-site.xml", StringComparison.Ordinal) == true || (string?)m["subPath"] == "hive-site.xml"));
            if (!client && !metastore)
            {
                continue;
            }

            foreach (var use in pod.SecretKeys())
            {
                if (privileged.Keys.FirstOrDefault(k => k.Service.StartsWith("PostgreSQL", StringComparison.Ordinal) && k.Matches(use)) is { } key)
                {
                    yield return Found(pod.Object, use.Field, $"the {pod.Component} container {use.Container} reads {key.Describe}, the PostgreSQL superuser's password");
                }
            }
        }
    }

    private static IEnumerable<(string Field, string Word)> Words(string field, JsonObject container)
    {
        foreach (var list in new[] { "command", "args" })
        {
            var words = container[list] as JsonArray ?? [];
            for (var i = 0; i < words.Count; i++)
            {
                yield return ($"{field}.{list}[{i}]", words[i]?.ToString() ?? string.Empty);
            }
        }

        foreach (var env in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (env["value"] is JsonValue value)
            {
                yield return ($"{field}.env[{(string?)env["name"]}]", value.ToString());
            }
        }
    }

    [GeneratedRegex(@"<name>\s*javax\.jdo\.option\.ConnectionUserName\s*</name>\s*<value>(?<user>[^<]*)</value>")]
    private static partial Regex HiveUser();

    [GeneratedRegex(@"-Djavax\.jdo\.option\.ConnectionUserName=(?<user>[^\s""']+)")]
    private static partial Regex JdoUser();

    [GeneratedRegex(@"postgres(ql)?://(?<user>[^:@/\s]+)(:[^@/\s]*)?@")]
    private static partial Regex PostgresUrl();
}
