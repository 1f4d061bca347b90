using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// The MLflow tracking server (issue 11 §3): the Deployment, Service and PDB, its database and bucket, basic auth,
/// external PostgreSQL and S3, the Jupyter client settings, and the start script that keeps passwords out of args.
/// </summary>
public class MlflowChartTests
{
    private const string Prefix = "spark-spark-k8s-";
    private const string On = "mlflow.enabled=true";

    private static Task<Rendered> RenderAsync(params string[] sets) => ChartRender.RenderAsync(new RenderInput(Sets: sets));

    private static List<string> Args(JsonObject container) => container["args"]!.AsArray().Select(a => (string)a!).ToList();

    private static string? Value(JsonObject container, string name) => (string?)container.EnvVar(name)["value"];

    private static (string? Secret, string? Key) SecretRef(JsonObject container, string name)
    {
        var reference = container.EnvVar(name)["valueFrom"]?["secretKeyRef"];
        return ((string?)reference?["name"], (string?)reference?["key"]);
    }

    [Fact]
    public async Task Off_by_default_and_nothing_of_it_is_rendered()
    {
        var rendered = await RenderAsync();

        rendered.WithComponent("mlflow").Should().BeEmpty();
        rendered.Single("Deployment", "jupyter").Container("jupyter").Env().Select(e => (string?)e["name"]).Should().NotContain("MLFLOW_TRACKING_URI");
        Value(rendered.OfKind("Job").Single(j => j.Name.StartsWith(Prefix + "minio-buckets", StringComparison.Ordinal)).Container("create-buckets"), "BUCKETS")
            .Should().NotContain("mlflow");
        rendered.OfKind("Job").Single(j => j.Name.StartsWith(Prefix + "postgresql-roles", StringComparison.Ordinal)).Container("roles").Env()
            .Select(e => (string?)e["name"]).Should().NotContain(n => n!.StartsWith("DB_MLFLOW", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task Server_proxies_artifacts_to_its_bucket_and_stores_runs_in_postgresql(string version)
    {
        var rendered = await RenderAsync($"spark.version={version}", On);
        var deployment = rendered.Single("Deployment", "mlflow");
        var container = deployment.Container("mlflow");

        deployment.Name.Should().Be(Prefix + "mlflow");
        ((string?)container["image"]).Should().Be("ghcr.io/mlflow/mlflow:v3.17.2-full");
        deployment.Labels["app.kubernetes.io/version"].Should().Be("3.17.2");
        var args = Args(container);
        args.Should().StartWith(["mlflow", "server", "--host", "0.0.0.0", "--port", "5000", "--workers", "2", "--serve-artifacts", "--artifacts-destination", "s3://mlflow/artifacts"]);
        args.Should().NotContain("--app-name", "basic auth is off by default");
        var hosts = args[args.IndexOf("--allowed-hosts") + 1].Split(',');
        hosts.Should().Contain([Prefix + "mlflow", Prefix + "mlflow.spark.svc:5000", Prefix + "mlflow.spark.svc.cluster.local:5000", "localhost:5000"],
            "MLflow 3 rejects other Host headers; clients call the Service by name");

        Value(container, "MLFLOW_DB_HOST").Should().Be(Prefix + "postgresql.spark.svc");
        Value(container, "MLFLOW_DB_NAME").Should().Be("mlflow");
        Value(container, "MLFLOW_DB_USER").Should().Be("mlflow");
        SecretRef(container, "MLFLOW_DB_PASSWORD").Should().Be((Prefix + "postgresql-mlflow", "password"));
        Value(container, "MLFLOW_S3_ENDPOINT_URL").Should().Be("http://spark-spark-k8s-minio.spark.svc:9000");
        SecretRef(container, "AWS_ACCESS_KEY_ID").Should().Be((Prefix + "s3-mlflow", "AWS_ACCESS_KEY_ID"));

        var service = rendered.Single("Service", "mlflow");
        service.Name.Should().Be(Prefix + "mlflow");
        var port = service.Body["spec"]!["ports"]!.AsArray().Single()!;
        ((string?)port["name"]).Should().Be("http");
        ((long?)port["port"]).Should().Be(5000);

        // Jupyter: the tracking URI of this release's Service and the client at the server's release.
        var jupyter = rendered.Single("Deployment", "jupyter");
        Value(jupyter.Container("jupyter"), "MLFLOW_TRACKING_URI").Should().Be("http://spark-spark-k8s-mlflow.spark.svc:5000");
        Value(jupyter.Container("install-spark-client"), "SPARK_CLIENT_PACKAGES").Should().Contain("mlflow-skinny==3.17.2");
    }

    [Fact]
    public async Task Probes_are_on_health_and_a_budget_comes_only_with_replicas()
    {
        var one = await RenderAsync(On);
        var container = one.Single("Deployment", "mlflow").Container("mlflow");
        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            ((string?)container[probe]!["httpGet"]!["path"]).Should().Be("/health", probe);
            ((string?)container[probe]!["httpGet"]!["port"]).Should().Be("http", probe);
        }

        one.OfKind("PodDisruptionBudget").Should().NotContain(p => p.Labels[Rendered.ComponentLabel] == "mlflow");
        var two = await RenderAsync(On, "mlflow.replicas=2");
        ((string?)two.Single("PodDisruptionBudget", "mlflow").Body["spec"]!["maxUnavailable"]?.ToString()).Should().Be("1");
        two.Single("Deployment", "mlflow").PodSpec!["affinity"]!["podAntiAffinity"].Should().NotBeNull();
    }

    [Fact]
    public async Task Basic_auth_takes_the_admin_password_and_flask_key_from_a_secret_and_gets_its_own_database()
    {
        var rendered = await RenderAsync(On, "mlflow.auth.enabled=true", "mlflow.auth.defaultPermission=NO_PERMISSIONS");
        var container = rendered.Single("Deployment", "mlflow").Container("mlflow");

        Args(container).Should().ContainInOrder("--app-name", "basic-auth");
        SecretRef(container, "MLFLOW_AUTH_ADMIN_PASSWORD").Should().Be((Prefix + "mlflow-auth", "admin-password"));
        SecretRef(container, "MLFLOW_FLASK_SERVER_SECRET_KEY").Should().Be((Prefix + "mlflow-auth", "flask-secret-key"));
        Value(container, "MLFLOW_AUTH_DB_NAME").Should().Be("mlflow_auth");
        Value(container, "MLFLOW_AUTH_DEFAULT_PERMISSION").Should().Be("NO_PERMISSIONS");
        Value(container, "MLFLOW_AUTH_CONFIG_PATH").Should().StartWith("/tmp/", "the only writable path of the container");

        var roles = rendered.OfKind("Job").Single(j => j.Name.StartsWith(Prefix + "postgresql-roles", StringComparison.Ordinal)).Container("roles");
        // Two rows of the application-database table, one owner role.
        Value(roles, "DB_MLFLOW_OWNER").Should().Be("mlflow");
        Value(roles, "DB_MLFLOW_NAME").Should().Be("mlflow");
        Value(roles, "DB_MLFLOW_AUTH_OWNER").Should().Be("mlflow");
        Value(roles, "DB_MLFLOW_AUTH_NAME").Should().Be("mlflow_auth");
        SecretRef(roles, "DB_MLFLOW_PASSWORD").Should().Be((Prefix + "postgresql-mlflow", "password"));
        SecretRef(roles, "DB_MLFLOW_AUTH_PASSWORD").Should().Be((Prefix + "postgresql-mlflow", "password"));
        var secret = rendered.OfKind("Secret").Single(s => s.Name == Prefix + "mlflow-auth");
        secret.Body["data"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo("admin-password", "flask-secret-key");
        ((string?)secret.Body["metadata"]!["annotations"]!["helm.sh/resource-policy"]).Should().Be("keep");
    }

    [Fact]
    public async Task No_credential_is_in_args_config_maps_or_literal_env()
    {
        var rendered = await ChartRender.RenderAsync(CredentialBoundaryTests.Everything());
        var secrets = rendered.OfKind("Secret")
            .SelectMany(s => s.Body["data"]?.AsObject().Select(p => Encoding.UTF8.GetString(Convert.FromBase64String((string)p.Value!))) ?? [])
            .Where(v => v.Length >= 16).ToList();
        secrets.Should().NotBeEmpty();

        using var scope = new AssertionScope();
        foreach (var obj in rendered.Objects.Where(o => o.Kind != "Secret"))
        {
            var text = obj.Body.ToJsonString();
            foreach (var value in secrets)
            {
                text.Should().NotContain(value, $"{obj.Kind}/{obj.Name} must reference Secrets, never copy them");
            }
        }

        var container = rendered.Single("Deployment", "mlflow").Container("mlflow");
        container.Env().Where(e => ((string)e["name"]!).Contains("PASSWORD", StringComparison.Ordinal) || ((string)e["name"]!).Contains("SECRET", StringComparison.Ordinal))
            .Should().OnlyContain(e => e["valueFrom"] != null && e["value"] == null);
        string.Join(" ", Args(container)).Should().NotContain("postgresql://").And.NotContain("postgresql+psycopg2://");
    }

    [Fact]
    public async Task External_postgresql_and_s3_are_used_with_their_secrets()
    {
        var rendered = await RenderAsync(On, "postgresql.enabled=false", "metastore.enabled=false", "minio.enabled=false",
            "s3.endpoint=https://s3.eu-central-1.amazonaws.com", "s3.credentials.existingSecret=shared-s3", "s3.credentials.mlflow.existingSecret=mlflow-s3",
            "s3.buckets.mlflow=team-mlflow", "mlflow.externalDatabase.host=pg.example.com", "mlflow.externalDatabase.port=6432",
            "mlflow.externalDatabase.existingSecret=mlflow-pg", "mlflow.externalDatabase.passwordKey=pw");
        var container = rendered.Single("Deployment", "mlflow").Container("mlflow");

        Value(container, "MLFLOW_DB_HOST").Should().Be("pg.example.com");
        Value(container, "MLFLOW_DB_PORT").Should().Be("6432");
        SecretRef(container, "MLFLOW_DB_PASSWORD").Should().Be(("mlflow-pg", "pw"));
        Value(container, "MLFLOW_S3_ENDPOINT_URL").Should().Be("https://s3.eu-central-1.amazonaws.com");
        SecretRef(container, "AWS_SECRET_ACCESS_KEY").Should().Be(("mlflow-s3", "AWS_SECRET_ACCESS_KEY"));
        Args(container).Should().ContainInOrder("--artifacts-destination", "s3://team-mlflow/artifacts");
        rendered.OfKind("Secret").Should().NotContain(s => s.Name.Contains("mlflow", StringComparison.Ordinal), "every credential comes from an existing Secret");

        var fallback = await RenderAsync(On, "postgresql.enabled=false", "metastore.enabled=false", "minio.enabled=false",
            "s3.endpoint=https://s3.eu-central-1.amazonaws.com", "s3.credentials.existingSecret=shared-s3",
            "mlflow.externalDatabase.host=pg.example.com", "mlflow.externalDatabase.existingSecret=mlflow-pg");
        SecretRef(fallback.Single("Deployment", "mlflow").Container("mlflow"), "AWS_ACCESS_KEY_ID").Should().Be(("shared-s3", "AWS_ACCESS_KEY_ID"));
    }

    [Fact]
    public async Task An_external_host_wins_over_the_charts_postgresql()
    {
        var rendered = await RenderAsync(On, "mlflow.externalDatabase.host=pg.example.com", "mlflow.externalDatabase.existingSecret=mlflow-pg");

        Value(rendered.Single("Deployment", "mlflow").Container("mlflow"), "MLFLOW_DB_HOST").Should().Be("pg.example.com");
        rendered.OfKind("Job").Single(j => j.Name.StartsWith(Prefix + "postgresql-roles", StringComparison.Ordinal)).Container("roles").Env()
            .Select(e => (string?)e["name"]).Should().NotContain(n => n!.StartsWith("DB_MLFLOW", StringComparison.Ordinal), "no database of MLflow in the chart's PostgreSQL");
        rendered.OfKind("Secret").Should().NotContain(s => s.Name == Prefix + "postgresql-mlflow");
    }

    [Fact]
    public async Task The_bucket_job_creates_the_mlflow_bucket_and_a_user_for_it_alone()
    {
        var rendered = await RenderAsync(On);
        var job = rendered.OfKind("Job").Single(j => j.Name.StartsWith(Prefix + "minio-buckets", StringComparison.Ordinal)).Container("create-buckets");

        Value(job, "BUCKETS")!.Split(' ').Should().Contain("mlflow");
        Value(job, "PURPOSES")!.Split(' ').Should().Contain("mlflow");
        var policies = rendered.OfKind("ConfigMap").Single(c => c.Name == Prefix + "minio-policies").Body["data"]!;
        var policy = JsonNode.Parse((string)policies["mlflow.json"]!)!;
        policy["Statement"]!.AsArray().SelectMany(s => s!["Resource"]!.AsArray().Select(r => (string)r!))
            .Should().BeEquivalentTo("arn:aws:s3:::mlflow", "arn:aws:s3:::mlflow/*");
        rendered.OfKind("Job").Single(j => j.Name.StartsWith(Prefix + "minio-buckets", StringComparison.Ordinal)).PodSpec!["volumes"]!.AsArray()
            .Select(v => (string?)v!["secret"]?["secretName"]).Should().Contain(Prefix + "s3-mlflow");
    }

    [Theory]
    [InlineData("s3.buckets.mlflow=spark-events", "s3.buckets.mlflow")]
    [InlineData("s3.buckets.mlflow=spark-backups", "s3.buckets.mlflow")]
    [InlineData("mlflow.database.username=hive", "mlflow.database.username")]
    [InlineData("mlflow.database.name=metastore", "mlflow.database.name")]
    [InlineData("mlflow.port=80", "/mlflow/port")]
    [InlineData("mlflow.version=latest", "/mlflow/version")]
    [InlineData("mlflow.allowedHosts[0]=bad host", "/mlflow/allowedHosts/0")]
    [InlineData("mlflow.auth.defaultPermission=ALL", "/mlflow/auth/defaultPermission")]
    public async Task Bad_values_fail_naming_the_key(string set, string key)
    {
        var render = () => ChartRender.RenderUncachedAsync(new RenderInput(Sets: [On, set]));

        // Helm 4 names a schema violation by its JSON pointer (/mlflow/port), Helm 3 by its dotted path (mlflow.port).
        var message = (await render.Should().ThrowAsync<HelmException>()).Which.Message;
        var dotted = key.TrimStart('/').Replace('/', '.');
        message.Should().Match(m => m.Contains(key) || m.Contains(dotted), message);
    }

    [Theory]
    [InlineData("mlflow.auth.enabled=true,mlflow.auth.database=mlflow", "mlflow.auth.database")]
    [InlineData("postgresql.enabled=false,metastore.enabled=false", "mlflow.externalDatabase.host")]
    [InlineData("postgresql.enabled=false,metastore.enabled=false,mlflow.externalDatabase.host=db", "mlflow.externalDatabase.existingSecret")]
    public async Task Impossible_combinations_fail_naming_the_key(string sets, string key)
    {
        var render = () => ChartRender.RenderUncachedAsync(new RenderInput(Sets: [On, .. sets.Split(',')]));

        (await render.Should().ThrowAsync<HelmException>()).Which.Message.Should().Contain(key);
    }

    [Fact]
    public async Task Start_script_passes_the_uri_in_the_environment_with_the_password_encoded()
    {
        var rendered = await RenderAsync(On, "mlflow.auth.enabled=true");
        var container = rendered.Single("Deployment", "mlflow").Container("mlflow");
        var command = container["command"]!.AsArray().Select(c => (string)c!).ToList();
        command.Take(2).Should().Equal("python3", "-c");

        using var work = new TempDirectory("mlflow");
        var dump = Path.Combine(work.Path, "dump");
        var fake = Path.Combine(work.Path, "mlflow");
        // A stand-in for the mlflow executable: records its arguments and environment.
        await File.WriteAllTextAsync(fake, $"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{dump}.args'\nenv > '{dump}.env'\n", TestContext.Current.CancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        const string password = "p@ss:w/rd%41 #x";
        var config = Path.Combine(work.Path, "mlflow-auth", "basic_auth.ini");
        var start = new ProcessStartInfo("python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command[2]);
        foreach (var arg in Args(container))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PATH"] = $"{work.Path}:{Environment.GetEnvironmentVariable("PATH")}";
        foreach (var name in new[] { "MLFLOW_DB_HOST", "MLFLOW_DB_PORT", "MLFLOW_DB_NAME", "MLFLOW_DB_USER", "MLFLOW_AUTH_DB_NAME", "MLFLOW_AUTH_ADMIN_USERNAME", "MLFLOW_AUTH_DEFAULT_PERMISSION" })
        {
            start.Environment[name] = Value(container, name);
        }

        start.Environment["MLFLOW_DB_PASSWORD"] = password;
        start.Environment["MLFLOW_AUTH_ADMIN_PASSWORD"] = "admin%pw";
        start.Environment["MLFLOW_AUTH_CONFIG_PATH"] = config;
        using (var process = Process.Start(start)!)
        {
            var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            process.ExitCode.Should().Be(0, await errors);
        }

        var args = await File.ReadAllLinesAsync(dump + ".args", TestContext.Current.CancellationToken);
        args.Should().Equal(Args(container).Skip(1), "the script execs the mlflow command line unchanged");
        string.Join("\n", args).Should().NotContain("p@ss");
        var env = (await File.ReadAllLinesAsync(dump + ".env", TestContext.Current.CancellationToken))
            .Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        env["MLFLOW_BACKEND_STORE_URI"].Should().Be("postgresql+psycopg2://mlflow:p%40ss%3Aw%2Frd%2541%20%23x@spark-spark-k8s-postgresql.spark.svc:5432/mlflow");
        env.Should().NotContainKey("MLFLOW_DB_PASSWORD").And.NotContainKey("MLFLOW_AUTH_ADMIN_PASSWORD");
        env["MLFLOW_AUTH_CONFIG_PATH"].Should().Be(config);

        // The auth config as MLflow reads it (configparser, mlflow/server/auth/config.py): "%" doubled for interpolation.
        var ini = await File.ReadAllTextAsync(config, TestContext.Current.CancellationToken);
        ini.Should().Contain("admin_password = admin%%pw").And.Contain("admin_username = admin").And.Contain("default_permission = READ")
            .And.Contain("database_uri = postgresql+psycopg2://mlflow:p%%40ss%%3Aw%%2Frd%%2541%%20%%23x@spark-spark-k8s-postgresql.spark.svc:5432/mlflow_auth");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(config).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, "only the server's user reads the admin password");
        }

        var parsed = await ReadWithConfigParserAsync(config);
        parsed.Should().Be("admin%pw|postgresql+psycopg2://mlflow:p%40ss%3Aw%2Frd%2541%20%23x@spark-spark-k8s-postgresql.spark.svc:5432/mlflow_auth");
    }

    private static async Task<string> ReadWithConfigParserAsync(string path)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import configparser, sys\nc = configparser.ConfigParser()\nc.read(sys.argv[1])\nprint(c['mlflow']['admin_password'] + '|' + c['mlflow']['database_uri'], end='')");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        process.ExitCode.Should().Be(0, errors);
        return output;
    }

    [Fact]
    public async Task Start_script_refuses_an_admin_password_the_config_file_cannot_hold()
    {
        var rendered = await RenderAsync(On, "mlflow.auth.enabled=true");
        var container = rendered.Single("Deployment", "mlflow").Container("mlflow");
        using var work = new TempDirectory("mlflow");
        var start = new ProcessStartInfo("python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add((string)container["command"]![2]!);
        start.ArgumentList.Add("true");
        foreach (var name in new[] { "MLFLOW_DB_HOST", "MLFLOW_DB_PORT", "MLFLOW_DB_NAME", "MLFLOW_DB_USER", "MLFLOW_AUTH_DB_NAME", "MLFLOW_AUTH_ADMIN_USERNAME", "MLFLOW_AUTH_DEFAULT_PERMISSION" })
        {
            start.Environment[name] = Value(container, name);
        }

        start.Environment["MLFLOW_DB_PASSWORD"] = "pw";
        start.Environment["MLFLOW_AUTH_ADMIN_PASSWORD"] = "two\nlines";
        start.Environment["MLFLOW_AUTH_CONFIG_PATH"] = Path.Combine(work.Path, "auth.ini");
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        process.ExitCode.Should().NotBe(0);
        errors.Should().Contain("admin_password").And.NotContain("two").And.NotContain("Traceback");
        File.Exists(Path.Combine(work.Path, "auth.ini")).Should().BeFalse("nothing is written for a refused value");
    }

    [Fact]
    public async Task Side_by_side_releases_get_their_own_server_database_and_tracking_uri()
    {
        var a = await ChartRender.RenderAsync(new RenderInput(Sets: [On], Release: "alpha", Namespace: "team"));
        var b = await ChartRender.RenderAsync(new RenderInput(Sets: [On], Release: "beta", Namespace: "team"));

        a.Single("Deployment", "mlflow").Name.Should().Be("alpha-spark-k8s-mlflow");
        b.Single("Deployment", "mlflow").Name.Should().Be("beta-spark-k8s-mlflow");
        Value(a.Single("Deployment", "jupyter").Container("jupyter"), "MLFLOW_TRACKING_URI").Should().Be("http://alpha-spark-k8s-mlflow.team.svc:5000");
        Value(b.Single("Deployment", "mlflow").Container("mlflow"), "MLFLOW_DB_HOST").Should().Be("beta-spark-k8s-postgresql.team.svc");
    }
}
