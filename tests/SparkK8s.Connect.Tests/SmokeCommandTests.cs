using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions;
using Xunit;
using SparkK8s.Connect.Tests.Fakes;
using SparkK8s.Testing;

namespace SparkK8s.Connect.Tests;

/// <summary>`spark-k8s smoke --connect` against the in-test Spark Connect server, through the real gRPC client.</summary>
public sealed class SmokeCommandTests
{
    [Fact]
    public async Task All_checks_pass_against_a_server_that_answers_like_Spark()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync();
        await using var history = await FakeHistoryServer.StartAsync(FakeHistoryServer.Recorded());

        var result = await Cli.RunAsync("smoke", "--connect", spark.Url, "--history-url", history.Url, "--output", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = result.Json();
        json.RootElement.GetProperty("passed").GetBoolean().Should().BeTrue();
        json.RootElement.GetProperty("endpoint").GetString().Should().Be(spark.Url);
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToList();
        checks.Select(c => c.GetProperty("id").GetString()).Should().Equal("SMOKE001", "SMOKE002", "SMOKE003", "SMOKE004", "SMOKE005", "SMOKE006", "SMOKE007", "SMOKE008", "SMOKE009", "SMOKE010");
        checks.Take(8).Should().OnlyContain(c => c.GetProperty("outcome").GetString() == "passed");
        checks.Skip(8).Should().OnlyContain(c => c.GetProperty("outcome").GetString() == "skipped", "the job and Airflow checks need --release");
        checks[0].GetProperty("detail").GetString().Should().Contain("Spark 4.1.0");
        checks[1].GetProperty("detail").GetString().Should().Contain("10,000,000 rows counted").And.Contain("no --release");
        checks[7].GetProperty("detail").GetString().Should().Contain("spark-3c0ffee0d15c4f2e9f1b5a3d2e4f6a7b");

        var statements = spark.State.Statements.ToList();
        var table = Regex.Match(statements.Single(s => s.StartsWith("CREATE TABLE", StringComparison.Ordinal)), @"CREATE TABLE (\S+) ").Groups[1].Value;
        table.Should().MatchRegex(@"^default\.spark_k8s_smoke_\d{14}_[0-9a-f]{6}$");
        statements.Should().ContainInOrder(
            "SELECT 1 AS one",
            "<aggregate count,sum over range(0,10000000,1)>",
            $"CREATE TABLE {table} (id BIGINT, name STRING) USING parquet",
            $"INSERT INTO {table} VALUES (1, 'a'), (2, 'b'), (3, 'c')",
            $"SELECT count(*) AS n FROM {table}",
            $"TRUNCATE TABLE {table}",
            $"DROP TABLE IF EXISTS {table}");
        spark.State.Tables.Should().BeEmpty("the smoke table is dropped");
        spark.State.SessionIds.Distinct().Should().ContainSingle("every call belongs to one session");
        spark.State.ClientTypes.Should().OnlyContain(t => t.Contains("spark-k8s/"));
        spark.State.Released.Should().NotBeEmpty("reattachable executions are released after ResultComplete");
    }

    [Fact]
    public async Task The_table_shows_every_check_and_a_summary()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync();

        var result = await Cli.RunAsync("smoke", "--connect", spark.Url);

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().Contain($"Smoke checks against {spark.Url}").And.Contain("SMOKE008").And.Contain("no --history-url");
        result.Stdout.Should().Contain("7 passed, 0 failed, 3 skipped.");
    }

    [Fact]
    public async Task The_token_is_sent_as_Spark_expects_and_never_printed()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync(new FakeSparkState { RequiredToken = "s3cr3t-t0ken" });

        var result = await Cli.RunAsync("smoke", "--connect", $"{spark.Url}/;token=s3cr3t-t0ken;use_ssl=false", "--output", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        spark.State.AuthorizationHeaders.Should().NotBeEmpty().And.OnlyContain(h => h == "Bearer s3cr3t-t0ken");
        (result.Stdout + result.Stderr).Should().NotContain("s3cr3t-t0ken");
    }

    [Fact]
    public async Task A_missing_token_is_rejected_as_Spark_rejects_it()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync(new FakeSparkState { RequiredToken = "s3cr3t-t0ken" });

        var result = await Cli.RunAsync("smoke", "--connect", spark.Url);

        result.ExitCode.Should().Be(1);
        result.ShouldBeClean();
        result.Stderr.Should().Contain($"Spark Connect at {spark.Url} requires a token").And.Contain("No authentication token provided").And.Contain(";token=");
        spark.State.Statements.Should().BeEmpty("nothing runs without the token");
    }

    [Fact]
    public async Task A_wrong_token_is_rejected_and_not_printed()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync(new FakeSparkState { RequiredToken = "s3cr3t-t0ken" });

        var result = await Cli.RunAsync("smoke", "--connect", $"{spark.Url}/;token=wr0ng-guess;use_ssl=false", "--output", "json");

        result.ExitCode.Should().Be(1);
        result.Stderr.Should().Contain("refused the token").And.Contain("Invalid authentication token");
        (result.Stdout + result.Stderr).Should().NotContain("wr0ng-guess").And.NotContain("s3cr3t-t0ken");
    }

    [Fact]
    public async Task A_hanging_server_times_out_with_the_endpoint_named()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync(new FakeSparkState { HangOn = new Regex("^SELECT 1") });
        var watch = Stopwatch.StartNew();

        var result = await Cli.RunAsync("smoke", "--connect", spark.Url, "--timeout", "2s", "--output", "json");

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
        result.ExitCode.Should().Be(1);
        using var json = result.Json();
        var first = json.RootElement.GetProperty("checks")[0];
        first.GetProperty("outcome").GetString().Should().Be("failed");
        first.GetProperty("detail").GetString().Should().Contain("timed out after 2 s").And.Contain(spark.Url);
        result.Stderr.Should().Contain(spark.Url);
    }

    [Fact]
    public async Task A_failing_create_table_is_reported_and_the_drop_is_still_sent()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync(new FakeSparkState { FailOn = new Regex("^CREATE TABLE") });

        var result = await Cli.RunAsync("smoke", "--connect", spark.Url, "--output", "json");

        result.ExitCode.Should().Be(1);
        result.ShouldBeClean();
        using var json = result.Json();
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c);
        checks["SMOKE003"].GetProperty("outcome").GetString().Should().Be("failed");
        checks["SMOKE003"].GetProperty("detail").GetString().Should().Contain("SCHEMA_NOT_FOUND");
        checks["SMOKE004"].GetProperty("outcome").GetString().Should().Be("skipped");
        checks["SMOKE007"].GetProperty("outcome").GetString().Should().Be("passed");
        var create = spark.State.Statements.Single(s => s.StartsWith("CREATE TABLE", StringComparison.Ordinal));
        var table = Regex.Match(create, @"CREATE TABLE (\S+) ").Groups[1].Value;
        spark.State.Statements.Should().Contain($"DROP TABLE IF EXISTS {table}");
        result.Stderr.Should().Contain("SMOKE003");
    }

    [Fact]
    public async Task Nothing_listening_exits_1_within_30_seconds_naming_the_endpoint()
    {
        var port = FreePort.Next();
        var watch = Stopwatch.StartNew();

        var result = await Cli.RunAsync("smoke", "--connect", $"sc://127.0.0.1:{port}");

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
        result.ExitCode.Should().Be(1);
        result.ShouldBeClean();
        result.Stderr.Should().StartWith("error: ").And.Contain($"sc://127.0.0.1:{port}").And.Contain("not reachable");
    }

    [Fact]
    public async Task A_server_that_does_not_speak_grpc_is_described_without_dotnet_names()
    {
        // Answers every connection with an HTTP/1.1 error page, as a misrouted ingress or a web server would.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                var stream = client.GetStream();
                await stream.WriteAsync("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), stop.Token);
            }
        }, TestContext.Current.CancellationToken);

        var result = await Cli.RunAsync("smoke", "--connect", $"sc://127.0.0.1:{port}", "--timeout", "10s");

        await stop.CancelAsync();
        result.ExitCode.Should().Be(1);
        result.ShouldBeClean();
        result.Stderr.Should().Contain($"sc://127.0.0.1:{port}").And.NotContain("Spark answered");
    }

    [Fact]
    public async Task The_history_check_fails_when_the_application_is_not_listed()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync(new FakeSparkState { ApplicationId = "spark-not-in-the-history" });
        await using var history = await FakeHistoryServer.StartAsync(FakeHistoryServer.Recorded());

        var result = await Cli.RunAsync("smoke", "--connect", spark.Url, "--history-url", history.Url, "--timeout", "2s", "--output", "json");

        result.ExitCode.Should().Be(1);
        using var json = result.Json();
        var last = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "SMOKE008");
        last.GetProperty("outcome").GetString().Should().Be("failed");
        last.GetProperty("detail").GetString().Should().Contain("spark-not-in-the-history not listed").And.Contain("2 other application(s)");
    }

    [Theory]
    [InlineData(new[] { "smoke" }, new[] { "--connect", "--release" })]
    [InlineData(new[] { "smoke", "--connect", "http://localhost:15002" }, new[] { "--connect", "sc://" })]
    [InlineData(new[] { "smoke", "--connect", "sc://host:70000" }, new[] { "--connect", "port" })]
    [InlineData(new[] { "smoke", "--connect", "sc://host/;colour=blue" }, new[] { "--connect", "unknown parameter 'colour'" })]
    [InlineData(new[] { "smoke", "--connect", "sc://host", "--release", "spark" }, new[] { "--connect", "--release" })]
    [InlineData(new[] { "smoke", "--connect", "sc://host", "--kube-context", "kind-spark" }, new[] { "--kube-context", "--release" })]
    [InlineData(new[] { "smoke", "--connect", "sc://host", "-n", "spark" }, new[] { "--namespace" })]
    [InlineData(new[] { "smoke", "--connect", "sc://host", "--timeout", "soon" }, new[] { "--timeout" })]
    [InlineData(new[] { "smoke", "--connect", "sc://host", "--history-url", "ftp://history" }, new[] { "--history-url" })]
    [InlineData(new[] { "smoke", "--connect", "sc://host", "--output", "yaml" }, new[] { "--output" })]
    [InlineData(new[] { "smoke", "--release", "" }, new[] { "--release" })]
    [InlineData(new[] { "smoke", "--release", "spark", "--kubeconfig", "/nonexistent/kubeconfig" }, new[] { "--kubeconfig", "/nonexistent/kubeconfig" })]
    [InlineData(new[] { "smoke", "--bogus" }, new[] { "--bogus" })]
    public async Task Bad_input_is_a_usage_error_naming_the_flag(string[] args, string[] mentions)
    {
        var result = await Cli.RunAsync(args);

        result.ShouldBeUsageError(mentions);
    }

    [Fact]
    public async Task A_context_missing_from_the_kubeconfig_is_a_usage_error()
    {
        using var directory = new TempDirectory();
        var kubeconfig = KubeConfig.Write(directory.Path, "https://127.0.0.1:1");

        var result = await Cli.RunAsync("smoke", "--release", "spark", "-n", "spark", "--kubeconfig", kubeconfig, "--kube-context", "no-such-context");

        result.ShouldBeUsageError("--kube-context", "no-such-context");
    }

    [Fact]
    public async Task An_unreachable_cluster_exits_1_with_a_clear_error()
    {
        using var directory = new TempDirectory();
        var kubeconfig = KubeConfig.Write(directory.Path, $"https://127.0.0.1:{FreePort.Next()}");

        var result = await Cli.RunAsync("smoke", "--release", "spark", "-n", "spark", "--kubeconfig", kubeconfig);

        result.ExitCode.Should().Be(1, result.Stderr);
        result.Stdout.Should().BeEmpty();
        result.ShouldBeClean();
        result.Stderr.Should().StartWith("error: ").And.Contain("cannot reach the Kubernetes API at https://127.0.0.1:").And.Contain("connection refused");
    }
}

internal static class KubeConfig
{
    public static string Write(string directory, string server)
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: {server}
                insecure-skip-tls-verify: true
            users:
            - name: test
              user:
                token: kube-test-token
            contexts:
            - name: test
              context:
                cluster: test
                user: test
                namespace: spark
            current-context: test
            """);
        return path;
    }
}
