using System.Text.Json.Nodes;
using FluentAssertions;
using Xunit;
using SparkK8s.Connect.Tests.Fakes;
using SparkK8s.Testing;

namespace SparkK8s.Connect.Tests;

/// <summary>`smoke --release` through the real KubernetesClient against a fake API server: pods by label, the token
/// from the release's Secret, WebSocket port-forwards to the in-test Spark Connect and History servers.</summary>
public sealed class ReleaseSmokeTests
{
    private const string ConnectPod = "spark-spark-k8s-connect-7d9f8c6b5-x2x4z";
    private const string HistoryPod = "spark-spark-k8s-history-server-5c4b3a2-9qwe";
    private const string Token = "t0ken-from-the-secret";

    [Fact]
    public async Task Smoke_port_forwards_to_the_release_reads_its_token_and_sees_its_executors()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync(new FakeSparkState { RequiredToken = Token });
        await using var history = await FakeHistoryServer.StartAsync(FakeHistoryServer.Recorded());
        await using var api = await Release(spark, history);
        using var directory = new TempDirectory();

        var result = await Cli.RunAsync("smoke", "--release", "spark", "-n", "spark", "--kubeconfig", KubeConfig.Write(directory.Path, api.Url), "--output", "json");

        result.ExitCode.Should().Be(0, result.Stderr + result.Stdout);
        using var json = result.Json();
        json.RootElement.GetProperty("endpoint").GetString().Should().Contain($"port-forward to pod/{ConnectPod} in spark");
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToList();
        checks.Take(8).Should().OnlyContain(c => c.GetProperty("outcome").GetString() == "passed");
        checks.Skip(8).Select(c => c.GetProperty("detail").GetString()).Should().Equal(
            "skipped: release 'spark' has no submit or operator job (jobs: in the values)",
            "skipped: release 'spark' has no Airflow (airflow.enabled=false)");
        checks[1].GetProperty("detail").GetString().Should().Contain("executor pods: 1 (spark-spark-k8s-exec-1)");
        checks[7].GetProperty("detail").GetString().Should().Contain("spark-3c0ffee0d15c4f2e9f1b5a3d2e4f6a7b");
        spark.State.AuthorizationHeaders.Should().OnlyContain(h => h == $"Bearer {Token}");
        (result.Stdout + result.Stderr).Should().NotContain(Token);
        api.Requests.Should().Contain(r => r.Contains($"/pods/{ConnectPod}/portforward", StringComparison.Ordinal))
            .And.Contain(r => r.Contains("labelSelector=spark-role%3Dexecutor", StringComparison.Ordinal) || r.Contains("labelSelector=spark-role=executor", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_release_without_a_history_server_skips_that_check()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync(new FakeSparkState { RequiredToken = Token });
        await using var history = await FakeHistoryServer.StartAsync(FakeHistoryServer.Recorded());
        await using var api = await Release(spark, history);
        api.Pods.RemoveAll(p => p["metadata"]!["name"]!.GetValue<string>() == HistoryPod);
        using var directory = new TempDirectory();

        var result = await Cli.RunAsync("smoke", "--release", "spark", "-n", "spark", "--kubeconfig", KubeConfig.Write(directory.Path, api.Url), "--output", "json");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = result.Json();
        var last = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "SMOKE008");
        last.GetProperty("outcome").GetString().Should().Be("skipped");
        last.GetProperty("detail").GetString().Should().Contain("has no History Server");
    }

    [Fact]
    public async Task A_namespace_that_does_not_exist_is_a_usage_error()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var directory = new TempDirectory();

        var result = await Cli.RunAsync("smoke", "--release", "spark", "-n", "nope", "--kubeconfig", KubeConfig.Write(directory.Path, api.Url));

        result.ShouldBeUsageError("--namespace", "'nope' does not exist");
    }

    [Fact]
    public async Task A_release_without_a_ready_connect_pod_exits_1_and_points_to_doctor()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Pods.Add(FakeKubernetesApi.Pod(ConnectPod, Labels("connect"), ready: false, ("grpc", 15002)));
        using var directory = new TempDirectory();

        var result = await Cli.RunAsync("smoke", "--release", "spark", "-n", "spark", "--kubeconfig", KubeConfig.Write(directory.Path, api.Url));

        result.ExitCode.Should().Be(1, result.Stderr);
        result.Stdout.Should().BeEmpty();
        result.ShouldBeClean();
        result.Stderr.Should().Contain("has no ready connect pod").And.Contain($"{ConnectPod}: Pending").And.Contain("spark-k8s doctor --release spark -n spark");
    }

    [Fact]
    public async Task No_permission_to_list_pods_exits_1_naming_the_permission()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Forbidden.Add("pods");
        using var directory = new TempDirectory();

        var result = await Cli.RunAsync("smoke", "--release", "spark", "-n", "spark", "--kubeconfig", KubeConfig.Write(directory.Path, api.Url));

        result.ExitCode.Should().Be(1, result.Stderr);
        result.ShouldBeClean();
        result.Stderr.Should().Contain("refused to list pods in namespace 'spark' (403 Forbidden").And.Contain("--verb=list --resource=pods");
    }

    private static Dictionary<string, string> Labels(string component) => new()
    {
        ["app.kubernetes.io/name"] = "spark-k8s",
        ["app.kubernetes.io/instance"] = "spark",
        ["app.kubernetes.io/component"] = component,
    };

    private static async Task<FakeKubernetesApi> Release(FakeSparkConnectServer spark, FakeHistoryServer history)
    {
        var api = await FakeKubernetesApi.StartAsync();
        var connect = FakeKubernetesApi.Pod(ConnectPod, Labels("connect"), ready: true, ("grpc", 15002), ("ui", 4040));
        connect["spec"]!["containers"]![0]!["env"] = new JsonArray(new JsonObject
        {
            ["name"] = "SPARK_CONNECT_AUTHENTICATE_TOKEN",
            ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = "spark-spark-k8s-connect-auth", ["key"] = "token" } },
        });
        api.Pods.Add(connect);
        api.Pods.Add(FakeKubernetesApi.Pod(HistoryPod, Labels("history-server"), ready: true, ("http", 18080)));
        var executorLabels = Labels("executor");
        executorLabels["spark-role"] = "executor";
        api.Pods.Add(FakeKubernetesApi.Pod("spark-spark-k8s-exec-1", executorLabels));
        api.Secrets.Add(FakeKubernetesApi.Secret("spark-spark-k8s-connect-auth", Labels("connect"), new Dictionary<string, string> { ["token"] = Token }));
        api.ForwardTargets[ConnectPod] = spark.Port;
        api.ForwardTargets[HistoryPod] = new Uri(history.Url).Port;
        return api;
    }
}
