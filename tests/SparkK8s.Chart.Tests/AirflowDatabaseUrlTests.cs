using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// Airflow's metadata database URL (AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD): the command the chart renders, run for
/// real with python3 the way Airflow runs a _CMD option (shlex.split, no shell, stdout is the value), for passwords
/// with every character that has a meaning in a URL; the URL it prints must parse back to the same user, password,
/// host, port and database, both with urllib and with the grammar SQLAlchemy's make_url reads a URL with
/// (sqlalchemy/engine/url.py _parse_url: the password runs to the first "@", then percent-decoding). Every pod that
/// connects to the database gets the command; the task pods of the KubernetesExecutor connect to none.
/// </summary>
public class AirflowDatabaseUrlTests
{
    private const string Probe = """
        import json, os, re, shlex, subprocess, sys
        from urllib.parse import unquote, urlsplit
        args = json.load(sys.stdin)
        env = dict(os.environ)
        env.update(args["env"])
        out = subprocess.run(shlex.split(args["command"]), env=env, capture_output=True, text=True, check=True).stdout
        # The grammar of SQLAlchemy's make_url (sqlalchemy/engine/url.py), written out here.
        m = re.match(r"(?P<name>[\w+]+)://(?:(?P<user>[^:/]*)(?::(?P<password>[^@]*))?@)?(?:(?P<host>[^/:?]+)?(?::(?P<port>[^/?]*))?)?(?:/(?P<database>[^?]*))?(?:\?(?P<query>.*))?$", out)
        s = urlsplit(out)
        print(json.dumps({"url": out,
            "sqlalchemy": {"user": unquote(m["user"]), "password": unquote(m["password"]), "host": m["host"], "port": m["port"], "database": unquote(m["database"]), "query": m["query"]},
            "urllib": {"user": unquote(s.username), "password": unquote(s.password), "host": s.hostname, "port": str(s.port), "database": unquote(s.path[1:]), "query": s.query}}))
        """;

    /// <summary>Passwords with each character that ends or changes a part of a URL, and a few that shells or YAML mind.</summary>
    public static TheoryData<string> Passwords() => new()
    {
        "p@ss", "p:ss", "p/ss", "p%ss", "p%40ss", "p#ss", "p?ss", "a@b:c/d%e#f?g",
        "sp ace", "quote'and\"double", "dollar$(HOME)$HOME", "back\\slash", "semi;colon&amp=1+plus", "[brackets]{braces}", "ünïcødé-пароль", "trailing-newline\n",
    };

    private static JsonObject RunProbe(JsonObject container, string password)
    {
        var env = new JsonObject();
        foreach (var entry in container.Env())
        {
            if (((string?)entry["name"])?.StartsWith("AIRFLOW_DB_", StringComparison.Ordinal) == true && entry["value"] is JsonValue value)
            {
                env[(string)entry["name"]!] = value.ToString();
            }
        }

        env["AIRFLOW_DB_PASSWORD"] = password;
        var command = container.Env().Single(e => (string?)e["name"] == "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD")["value"]!.ToString();
        var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Probe);
        using var process = Process.Start(start)!;
        process.StandardInput.Write(new JsonObject { ["command"] = command, ["env"] = env }.ToJsonString());
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, stderr);
        return JsonNode.Parse(stdout)!.AsObject();
    }

    /// <summary>The URL the container's _CMD prints with that password.</summary>
    public static string Url(JsonObject container, string password) => (string)RunProbe(container, password)["url"]!;

    private static Task<Rendered> RenderAsync(params string[] sets) => ChartRender.RenderAsync("4.1", ["airflow.enabled=true", .. sets]);

    [Theory]
    [MemberData(nameof(Passwords))]
    public async Task Any_password_parses_back_to_itself_with_sqlalchemy_and_urllib(string password)
    {
        var rendered = await RenderAsync();
        var result = RunProbe(rendered.Single("Deployment", "airflow-scheduler").Containers().First(), password);

        using var scope = new AssertionScope();
        foreach (var parser in new[] { "sqlalchemy", "urllib" })
        {
            var parts = result[parser]!;
            ((string?)parts["password"]).Should().Be(password, $"{parser} reads {result["url"]}");
            ((string?)parts["user"]).Should().Be("airflow", parser);
            ((string?)parts["host"]).Should().Be("spark-spark-k8s-postgresql.spark.svc", parser);
            ((string?)parts["port"]).Should().Be("5432", parser);
            ((string?)parts["database"]).Should().Be("airflow", parser);
            ((string?)parts["query"]).Should().Be("sslmode=disable", parser);
        }

        ((string)result["url"]!).Should().StartWith("postgresql+psycopg2://airflow:").And.NotContain("\n");
    }

    [Fact]
    public async Task External_database_user_and_name_with_url_characters_are_encoded_too()
    {
        var rendered = await RenderAsync("airflow.externalDatabase.host=pg.example.com", "airflow.externalDatabase.existingSecret=af-db",
            "airflow.externalDatabase.username=svc@tenant", "airflow.externalDatabase.sslmode=require");
        var result = RunProbe(rendered.Single("Deployment", "airflow-scheduler").Containers().First(), "x/y@z");

        ((string?)result["sqlalchemy"]!["user"]).Should().Be("svc@tenant");
        ((string?)result["sqlalchemy"]!["password"]).Should().Be("x/y@z");
        ((string?)result["sqlalchemy"]!["host"]).Should().Be("pg.example.com");
        ((string?)result["sqlalchemy"]!["query"]).Should().Be("sslmode=require");
    }

    [Fact]
    public async Task Every_pod_that_connects_gets_the_command_and_the_password_only_from_a_secret()
    {
        var rendered = await RenderAsync("airflow.executor=KubernetesExecutor");
        var connecting = rendered.PodWorkloads.Where(w => w.Labels.GetValueOrDefault(Rendered.ComponentLabel, "") is "airflow-api-server" or "airflow-scheduler"
            or "airflow-dag-processor" or "airflow-triggerer" or "airflow-migrate" or "airflow-db").ToList();
        connecting.Select(w => w.Labels[Rendered.ComponentLabel]).Distinct().Should().HaveCount(6);

        using var scope = new AssertionScope();
        foreach (var workload in connecting)
        {
            // Main containers and the wait-for-migrations init container (`airflow db check-migrations` connects too).
            foreach (var container in workload.AllContainers().Where(c => (string?)c["name"] is not "git-sync" and not "git-sync-init"))
            {
                var names = container.Env().Select(e => (string?)e["name"]).ToList();
                names.Should().Contain("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD", $"{workload.DisplayName} {container["name"]}");
                names.Should().NotContain("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "a plain URL would win over the command (env var before _CMD)");
                container.Env().Single(e => (string?)e["name"] == "AIRFLOW_DB_PASSWORD")["valueFrom"]!["secretKeyRef"].Should().NotBeNull();
                JsonSerializer.Serialize(container).Should().NotContain("$(AIRFLOW_DB_PASSWORD)");
            }
        }

        var template = rendered.SparkPodTemplates.Single(t => t.Labels.GetValueOrDefault(Rendered.ComponentLabel) == "airflow-worker");
        template.Containers().Single().Env().Select(e => (string?)e["name"]).Should().NotContain(n => n!.StartsWith("AIRFLOW_DB_", StringComparison.Ordinal) || n.StartsWith("AIRFLOW__DATABASE__", StringComparison.Ordinal),
            "Airflow 3 task pods reach the task execution API, never the database (their NetworkPolicy has no PostgreSQL egress)");
    }
}
