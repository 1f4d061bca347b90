using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>Credentials live in Secrets only and reach pods through secretKeyRef.</summary>
public class SecretsTests
{
    private static readonly string[] SensitiveEnv = ["PASSWORD", "SECRET", "TOKEN", "ACCESS_KEY"];

    /// <summary>
    /// Env vars whose expanded value only a client library reads from its environment, never a command line: Jupyter's
    /// SPARK_REMOTE carries the Connect token as a bearer header (PySpark reads SPARK_REMOTE with os.environ, see
    /// spark-k8s.connect.clientEnv), no more exposed than the SPARK_CONNECT_TOKEN it is built from.
    /// </summary>
    private static readonly string[] ReadFromTheEnvironment = ["SPARK_REMOTE"];

    public static TheoryData<string> Versions() => ChartRender.Versions();

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Generated_secret_values_never_appear_outside_their_secret(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);
        var secretValues = rendered.OfKind("Secret")
            .SelectMany(s => s.Body["data"]!.AsObject().Select(p => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)p.Value!))))
            .ToList();
        secretValues.Should().HaveCount(version == "3.5" ? 10 : 11,
            "MinIO root, Spark and History Server key pairs, PostgreSQL metastore and admin passwords, Jupyter token, the RPC secret and (4.x) the Connect token");
        secretValues.Should().OnlyContain(v => v.Length >= 20);

        var everythingElse = string.Join("\n", rendered.Objects.Where(o => o.Kind != "Secret").Select(o => o.Body.ToJsonString()));
        secretValues.Should().OnlyContain(v => !everythingElse.Contains(v));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Sensitive_env_vars_come_from_secret_key_refs(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);

        using var scope = new AssertionScope();
        foreach (var workload in rendered.PodWorkloads)
        {
            foreach (var container in workload.AllContainers())
            {
                foreach (var env in container.Env().Where(e => SensitiveEnv.Any(s => ((string)e["name"]!).Contains(s))))
                {
                    env["value"].Should().BeNull($"{workload.Describe(container)} {env["name"]}");
                    env["valueFrom"]?["secretKeyRef"].Should().NotBeNull($"{workload.Describe(container)} {env["name"]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Every_spark_process_gets_s3_credentials_from_the_secret(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);

        foreach (var (workload, container, secret) in new[]
        {
            (rendered.Single("Deployment", "connect"), "spark-connect", "spark-spark-k8s-s3-spark"),
            (rendered.Single("Deployment", "history-server"), "history-server", "spark-spark-k8s-s3-history"),
            (rendered.ExecutorPodTemplate, "spark-executor", "spark-spark-k8s-s3-spark"),
            (rendered.Single("Deployment", "metastore"), "metastore", "spark-spark-k8s-s3-spark"),
        })
        {
            rendered.OfKind("Secret").Should().Contain(o => o.Name == secret);
            var c = workload.Container(container);
            foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY" })
            {
                ((string?)c.EnvVar(name)["valueFrom"]?["secretKeyRef"]?["name"]).Should().Be(secret, $"{workload.DisplayName} {name}");
                ((string?)c.EnvVar(name)["valueFrom"]?["secretKeyRef"]?["key"]).Should().Be(name);
            }
        }
    }

    [Fact]
    public async Task Existing_secrets_replace_generated_ones()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(ValuesYaml: """
            s3: {credentials: {existingSecret: my-s3, accessKeyIdKey: id, secretAccessKeyKey: secret, spark: {existingSecret: my-spark}, historyServer: {existingSecret: my-history}}}
            postgresql: {auth: {existingSecret: my-pg, passwordKey: pw, adminPasswordKey: admin}}
            jupyter: {token: {existingSecret: my-jupyter, key: tok}}
            connect: {auth: {existingSecret: my-connect, key: tk}, rpcAuth: {existingSecret: my-rpc, key: rk}}
            """));

        rendered.OfKind("Secret").Should().BeEmpty();
        var refs = rendered.PodWorkloads.SelectMany(w => w.AllContainers()).SelectMany(c => c.Env())
            .Select(e => e["valueFrom"]?["secretKeyRef"]).OfType<JsonObject>()
            .Select(r => ((string)r["name"]!, (string)r["key"]!)).Distinct().ToList();
        refs.Should().BeEquivalentTo(new[]
        {
            ("my-s3", "id"), ("my-s3", "secret"), ("my-spark", "id"), ("my-spark", "secret"), ("my-history", "id"), ("my-history", "secret"),
            ("my-pg", "pw"), ("my-pg", "admin"), ("my-jupyter", "tok"), ("my-connect", "tk"),
        });
        rendered.PodWorkloads.SelectMany(w => (w.PodSpec!["volumes"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(v => (string?)v["secret"]?["secretName"]).OfType<string>().Distinct().Should().Contain("my-rpc").And.NotContain(n => n.StartsWith("spark-spark-k8s", StringComparison.Ordinal));
    }

    /// <summary>
    /// The kubelet expands $(VAR) in command, args and env values: a secret-sourced variable referenced there lands on a
    /// command line (the metastore's -Djavax.jdo.option.ConnectionPassword=$(DB_PASSWORD) did).
    /// </summary>
    [Theory]
    [MemberData(nameof(Versions))]
    public async Task No_command_line_or_env_literal_carries_a_secret(string version)
    {
        var rendered = await ChartRender.RenderAsync(CredentialBoundaryTests.Everything(version));

        using var scope = new AssertionScope();
        foreach (var workload in rendered.PodWorkloads)
        {
            foreach (var container in workload.AllContainers())
            {
                var secretVars = container.Env().Where(e => e["valueFrom"]?["secretKeyRef"] is not null).Select(e => (string)e["name"]!).ToList();
                var literals = (container["command"] as JsonArray ?? []).Concat(container["args"] as JsonArray ?? [])
                    .Select(n => (string?)n ?? string.Empty)
                    .Concat(container.Env().Where(e => !ReadFromTheEnvironment.Contains((string)e["name"]!)).Select(e => (string?)e["value"] ?? string.Empty)).ToList();
                foreach (var name in secretVars)
                {
                    literals.Should().NotContain(l => l.Contains($"$({name})", StringComparison.Ordinal), $"{workload.Describe(container)} expands {name}");
                }
            }
        }

        // And no generated value appears outside its Secret, with every credential of the chart generated.
        var values = rendered.OfKind("Secret").SelectMany(s => s.Body["data"]!.AsObject().Select(p => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)p.Value!)))).ToList();
        values.Should().HaveCount(version == "3.5" ? 20 : 21, "MinIO root and four purpose key pairs, PostgreSQL admin, metastore, backup, restore, exporter and MLflow passwords, the MLflow admin password and Flask key, Jupyter token, the RPC secret and (4.x) the Connect token");
        var everythingElse = string.Join("\n", rendered.Objects.Where(o => o.Kind != "Secret").Select(o => o.Body.ToJsonString()));
        values.Should().OnlyContain(v => !everythingElse.Contains(v, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metastore_config_has_no_password()
    {
        var rendered = await ChartRender.RenderAsync("4.1");
        var xml = rendered.ConfigData("metastore", "hive-site.xml");

        xml.Should().NotContain("ConnectionPassword");
        foreach (var workload in new[] { rendered.Single("Deployment", "metastore"), rendered.OfKind("Job").Single(j => j.Name.Contains("metastore-schema", StringComparison.Ordinal)) })
        {
            foreach (var container in workload.AllContainers())
            {
                // The password was once -Djavax.jdo.option.ConnectionPassword=$(DB_PASSWORD) in SERVICE_OPTS: on the JVM
                // command line and in the apache/hive entrypoint's set -x trace.
                container.ToJsonString().Should().NotContain("ConnectionPassword=").And.NotContain("DB_PASSWORD", workload.Describe(container));
            }
        }
    }

    [Fact]
    public async Task Generated_secrets_are_kept_on_uninstall_and_name_the_key_that_replaces_them()
    {
        var rendered = await ChartRender.RenderAsync("4.1");

        using var scope = new AssertionScope();
        var expected = new Dictionary<string, string>
        {
            ["postgresql"] = "postgresql.auth.existingSecret",
            ["s3"] = "s3.credentials.existingSecret",
            ["jupyter"] = "jupyter.token.existingSecret",
        };
        foreach (var (component, key) in expected)
        {
            var annotations = rendered.OfKind("Secret").Single(o => o.Name == $"spark-spark-k8s-{component}").Body["metadata"]!["annotations"];
            ((string?)annotations?["helm.sh/resource-policy"]).Should().Be("keep", component);
            ((string?)annotations?["spark-k8s.io/generated-secret"]).Should().Be(key, component);
        }
    }

    [Theory]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task Staging_and_prod_generate_no_secrets(string environment)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: [$"environments/{environment}.yaml"]));

        rendered.OfKind("Secret").Should().BeEmpty();
    }

    [Theory]
    [InlineData("postgresql.auth.existingSecret")]
    [InlineData("s3.credentials.existingSecret")]
    [InlineData("jupyter.token.existingSecret")]
    public async Task Require_existing_refuses_to_generate_and_names_the_key(string key)
    {
        // With an external S3 (prod), Spark's own S3 Secret falls back to s3.credentials.existingSecret: blank both.
        string[] sets = key.StartsWith("s3.", StringComparison.Ordinal) ? [$"{key}=", "s3.credentials.spark.existingSecret="] : [$"{key}="];
        var render = () => ChartRender.RenderUncachedAsync(new RenderInput(Files: ["environments/prod.yaml"], Sets: sets));

        (await render.Should().ThrowAsync<HelmException>()).Which.Message.Should().Contain($"{key}: secrets.provider is \"existing\"");
    }

    [Fact]
    public async Task Require_existing_still_means_the_existing_provider()
    {
        var render = () => ChartRender.RenderUncachedAsync(new RenderInput(Sets: ["secrets.requireExisting=true", "jupyter.enabled=false", "postgresql.auth.existingSecret=pg"]));

        (await render.Should().ThrowAsync<HelmException>()).Which.Message.Should().Contain(".existingSecret: secrets.requireExisting is true");
    }

    [Fact]
    public async Task PostgreSQL_superuser_is_separate_from_the_role_the_metastore_and_backups_use()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Sets: ["backup.enabled=true"]));
        const string secret = "spark-spark-k8s-postgresql";

        var postgres = rendered.Single("StatefulSet", "postgresql").Container("postgresql");
        ((string?)postgres.EnvVar("POSTGRES_USER")["value"]).Should().Be("postgres");
        ((string?)postgres.EnvVar("POSTGRES_PASSWORD")["valueFrom"]!["secretKeyRef"]!["key"]).Should().Be("admin-password");

        var hiveSite = rendered.ConfigData("metastore", "hive-site.xml");
        hiveSite.Should().Contain("<value>hive</value>").And.NotContain("<value>postgres</value>");
        var backup = rendered.Single("CronJob", "backup").Containers().Single();
        ((JsonArray)backup["args"]!).Select(a => (string?)a).Should().Contain(a => a!.StartsWith("postgresql://hive_backup@", StringComparison.Ordinal));
        ((string?)backup.EnvVar("PGPASSWORD")["valueFrom"]!["secretKeyRef"]!["name"]).Should().Be("spark-spark-k8s-postgresql-backup");

        var roles = rendered.OfKind("Job").Single(j => j.Name.Contains("postgresql-roles", StringComparison.Ordinal)).Containers().Single();
        ((string?)roles.EnvVar("PGUSER")["value"]).Should().Be("postgres");
        ((string?)roles.EnvVar("DB_METASTORE_OWNER")["value"]).Should().Be("hive");
        ((string?)roles.EnvVar("DB_METASTORE_PASSWORD")["valueFrom"]!["secretKeyRef"]!["name"]).Should().Be(secret);
        ((string?)((JsonArray)roles["command"]!)[2]).Should().Contain("NOSUPERUSER");
    }

    [Fact]
    public async Task The_metastore_role_cannot_be_the_superuser()
    {
        var render = () => ChartRender.RenderUncachedAsync(new RenderInput(Sets: ["postgresql.auth.adminUsername=hive"]));

        (await render.Should().ThrowAsync<HelmException>()).Which.Message.Should().Contain("postgresql.auth.adminUsername: must differ from postgresql.auth.username");
    }
}
