using System.Text.Json;
using FluentAssertions;
using SparkK8s.Connect.Tests.Fakes;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Connect.Tests;

/// <summary>
/// SMOKE010 against a fake Airflow 3 api-server reached through the Kubernetes port-forward of the fake API server: the
/// admin Secret read through the API, the JWT from /auth/token, the example DAGs listed by tag, unpaused, triggered with
/// logical_date null, polled to a terminal state, and paused again.
/// </summary>
public sealed class AirflowSmokeTests
{
    private const string ApiServerPod = "spark-spark-k8s-airflow-api-server-6d8f7c9b4-k2m5x";
    private const string AdminSecret = "spark-spark-k8s-airflow-admin";

    [Fact]
    public async Task The_example_dags_are_triggered_and_succeed_and_are_paused_again()
    {
        await using var airflow = await FakeAirflowServer.StartAsync();
        airflow.Dags["spark_k8s_connect_k8s"] = (true, ["spark-k8s-example"]);
        airflow.Dags["spark_k8s_submit"] = (true, ["spark-k8s-example", "spark"]);
        airflow.Dags["unrelated"] = (false, ["team-a"]);
        airflow.RunStates["spark_k8s_connect_k8s"] = ["queued", "running", "success"];
        airflow.RunStates["spark_k8s_submit"] = ["running", "success"];
        await using var api = await ReleaseAsync(airflow, airflow.Password);

        var (result, check) = await SmokeAsync(api);

        result.ExitCode.Should().Be(0, result.Stderr + result.Stdout);
        check.GetProperty("outcome").GetString().Should().Be("passed");
        check.GetProperty("detail").GetString().Should().Be("2 example DAG run(s) succeeded: spark_k8s_connect_k8s, spark_k8s_submit");
        var requests = airflow.Requests.ToList();
        requests.Should().Contain(r => r.StartsWith("GET /api/v2/dags?tags=spark-k8s-example", StringComparison.Ordinal));
        requests.Should().ContainInOrder(
            "PATCH /api/v2/dags/spark_k8s_connect_k8s {\"is_paused\":false}",
            "PATCH /api/v2/dags/spark_k8s_connect_k8s {\"is_paused\":true}");
        requests.Should().Contain(r => r.StartsWith("POST /api/v2/dags/spark_k8s_submit/dagRuns {\"logical_date\":null,", StringComparison.Ordinal));
        requests.Should().NotContain(r => r.Contains("unrelated", StringComparison.Ordinal));
        airflow.Dags["spark_k8s_submit"].Paused.Should().BeTrue();
        (result.Stdout + result.Stderr).Should().NotContain(airflow.Password);
        api.Requests.Should().Contain(r => r.Contains($"/secrets/{AdminSecret}", StringComparison.Ordinal))
            .And.Contain(r => r.Contains($"/pods/{ApiServerPod}/portforward", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_run_reports_its_failed_task_instances_with_their_try_number()
    {
        await using var airflow = await FakeAirflowServer.StartAsync();
        airflow.Dags["spark_k8s_submit"] = (true, ["spark-k8s-example"]);
        airflow.RunStates["spark_k8s_submit"] = ["running", "failed"];
        airflow.Tasks["spark_k8s_submit"] = [("prepare", "success", 1), ("submit_pi", "failed", 2), ("report", "upstream_failed", 0)];
        await using var api = await ReleaseAsync(airflow, airflow.Password);

        var (result, check) = await SmokeAsync(api);

        result.ExitCode.Should().Be(1, result.Stderr);
        check.GetProperty("detail").GetString().Should()
            .Contain("spark_k8s_submit run manual__2026-12-01T14:00:00.123456+00:00 failed: task submit_pi failed (try 2), task report upstream_failed (try 0)")
            .And.NotContain("prepare");
        airflow.Dags["spark_k8s_submit"].Paused.Should().BeTrue("a failure pauses the DAG again too");
        result.ShouldBeClean();
    }

    [Fact]
    public async Task A_wrong_admin_password_is_a_401_naming_the_secret_and_never_the_password()
    {
        await using var airflow = await FakeAirflowServer.StartAsync();
        airflow.Dags["spark_k8s_submit"] = (true, ["spark-k8s-example"]);
        await using var api = await ReleaseAsync(airflow, "an-outdated-password");

        var (result, check) = await SmokeAsync(api);

        result.ExitCode.Should().Be(1, result.Stderr);
        check.GetProperty("detail").GetString().Should().Contain($"refused the admin credentials from Secret {AdminSecret} (401 Unauthorized)");
        (result.Stdout + result.Stderr).Should().NotContain("an-outdated-password").And.NotContain(airflow.Password);
        airflow.Requests.Should().ContainSingle("nothing is called after a refused login");
        result.ShouldBeClean();
    }

    [Fact]
    public async Task No_example_dag_fails_and_points_to_the_dag_processor()
    {
        await using var airflow = await FakeAirflowServer.StartAsync();
        airflow.Dags["unrelated"] = (false, ["team-a"]);
        await using var api = await ReleaseAsync(airflow, airflow.Password);

        var (result, check) = await SmokeAsync(api);

        result.ExitCode.Should().Be(1, result.Stderr);
        check.GetProperty("detail").GetString().Should().Contain("has no DAG tagged spark-k8s-example").And.Contain("importErrors");
        airflow.Requests.Should().NotContain(r => r.StartsWith("POST /api/v2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_run_that_never_finishes_times_out_naming_it()
    {
        await using var airflow = await FakeAirflowServer.StartAsync();
        airflow.Dags["spark_k8s_operator"] = (true, ["spark-k8s-example"]);
        airflow.RunStates["spark_k8s_operator"] = ["running"];
        await using var api = await ReleaseAsync(airflow, airflow.Password);

        var (result, check) = await SmokeAsync(api, "--airflow-timeout", "2s");

        result.ExitCode.Should().Be(1, result.Stderr);
        check.GetProperty("detail").GetString().Should().Contain("not finished within 2 s: spark_k8s_operator run manual__2026-12-01T14:00:00.123456+00:00 still running")
            .And.Contain("--airflow-timeout");
        airflow.Dags["spark_k8s_operator"].Paused.Should().BeTrue();
    }

    [Fact]
    public async Task Airflow_url_is_used_instead_of_a_port_forward()
    {
        await using var airflow = await FakeAirflowServer.StartAsync();
        airflow.Dags["spark_k8s_submit"] = (true, ["spark-k8s-example"]);
        await using var api = await ReleaseAsync(airflow, airflow.Password);
        api.ForwardTargets.Clear();

        var (result, check) = await SmokeAsync(api, "--airflow-url", airflow.Url);

        result.ExitCode.Should().Be(0, result.Stderr + result.Stdout);
        check.GetProperty("outcome").GetString().Should().Be("passed");
        api.Requests.Should().NotContain(r => r.Contains("portforward", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_release_without_airflow_skips_the_check()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Objects["batch/v1/jobs"].Add(new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject
            {
                ["name"] = "spark-spark-k8s-x-r1",
                ["namespace"] = "spark",
                ["labels"] = new System.Text.Json.Nodes.JsonObject { ["app.kubernetes.io/instance"] = "spark", ["app.kubernetes.io/component"] = "job-submitter" },
            },
            ["spec"] = new System.Text.Json.Nodes.JsonObject
            {
                ["template"] = new System.Text.Json.Nodes.JsonObject { ["spec"] = new System.Text.Json.Nodes.JsonObject { ["containers"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["name"] = "spark-submit", ["image"] = "i" }) } },
            },
        });
        api.StatusProgressions["batch/v1/jobs"] = [new System.Text.Json.Nodes.JsonObject { ["succeeded"] = 1 }];

        var (result, check) = await SmokeAsync(api);

        result.ExitCode.Should().Be(0, result.Stderr + result.Stdout);
        check.GetProperty("outcome").GetString().Should().Be("skipped");
        check.GetProperty("detail").GetString().Should().Contain("has no Airflow (airflow.enabled=false)");
    }

    [Fact]
    public async Task Smoke_against_an_endpoint_skips_the_release_checks()
    {
        await using var spark = await FakeSparkConnectServer.StartAsync(new FakeSparkState());

        var result = await Cli.RunAsync("smoke", "--connect", $"sc://127.0.0.1:{spark.Port}", "--output", "json", "--timeout", "30s");

        result.ExitCode.Should().Be(0, result.Stderr);
        using var json = result.Json();
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToList();
        checks.Select(c => c.GetProperty("id").GetString()).Should().EndWith(["SMOKE009", "SMOKE010"]);
        checks.TakeLast(2).Should().OnlyContain(c => c.GetProperty("outcome").GetString() == "skipped" && c.GetProperty("detail").GetString()!.Contains("needs --release"));
    }

    [Fact]
    public async Task The_admin_secret_named_by_the_api_server_pod_is_read_when_existing_secret_renames_it()
    {
        // staging and prod set airflow.admin.existingSecret: the chart names that Secret in the api-server pod's annotation.
        await using var airflow = await FakeAirflowServer.StartAsync();
        airflow.Dags["spark_k8s_connect_k8s"] = (true, ["spark-k8s-example"]);
        airflow.RunStates["spark_k8s_connect_k8s"] = ["success"];
        await using var api = await FakeKubernetesApi.StartAsync();
        var pod = FakeKubernetesApi.Pod(ApiServerPod, JobSmokeTests.Labels("airflow-api-server"), ready: true, ("http", 8080));
        pod["metadata"]!["annotations"] = new System.Text.Json.Nodes.JsonObject { ["spark-k8s.io/airflow-admin-secret"] = "spark-k8s-airflow-admin" };
        api.Pods.Add(pod);
        api.Secrets.Add(FakeKubernetesApi.Secret("spark-k8s-airflow-admin", JobSmokeTests.Labels("airflow-api-server"), new Dictionary<string, string> { ["username"] = airflow.Username, ["password"] = airflow.Password }));
        api.ForwardTargets[ApiServerPod] = airflow.Port;

        var (result, check) = await SmokeAsync(api);

        result.ExitCode.Should().Be(0, result.Stderr + result.Stdout);
        check.GetProperty("outcome").GetString().Should().Be("passed");
        api.Requests.Should().Contain(r => r.Contains("/secrets/spark-k8s-airflow-admin", StringComparison.Ordinal))
            .And.NotContain(r => r.Contains($"/secrets/{AdminSecret}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_api_server_pod_without_containers_fails_the_check_with_a_message_instead_of_crashing()
    {
        // A ready pod the API returned without its spec (a proxy or a partial object): nothing to port-forward to.
        await using var airflow = await FakeAirflowServer.StartAsync();
        await using var api = await ReleaseAsync(airflow, airflow.Password);
        api.Pods.Single().Remove("spec");

        var (result, check) = await SmokeAsync(api);

        result.ExitCode.Should().Be(1, result.Stderr);
        check.GetProperty("outcome").GetString().Should().Be("failed");
        check.GetProperty("detail").GetString().Should().Contain($"the Kubernetes API returned the airflow-api-server pod of release 'spark' in namespace 'spark' without a name or containers")
            .And.Contain("--airflow-url");
        result.ShouldBeClean();
        airflow.Requests.Should().BeEmpty();
    }

    private static async Task<(CliResult Result, JsonElement Check)> SmokeAsync(FakeKubernetesApi api, params string[] extra)
    {
        using var directory = new TempDirectory();
        var result = await Cli.RunAsync(["smoke", "--release", "spark", "-n", "spark", "--kubeconfig", KubeConfig.Write(directory.Path, api.Url), "--output", "json", .. extra]);
        result.Stdout.Should().NotBeEmpty(result.Stderr);
        using var json = result.Json();
        return (result, json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "SMOKE010").Clone());
    }

    /// <summary>A release with Airflow only (no Connect, no jobs): the api-server pod, forwarded to the fake, and the admin Secret.</summary>
    private static async Task<FakeKubernetesApi> ReleaseAsync(FakeAirflowServer airflow, string secretPassword)
    {
        var api = await FakeKubernetesApi.StartAsync();
        api.Pods.Add(FakeKubernetesApi.Pod(ApiServerPod, JobSmokeTests.Labels("airflow-api-server"), ready: true, ("http", 8080)));
        api.Secrets.Add(FakeKubernetesApi.Secret(AdminSecret, JobSmokeTests.Labels("airflow-api-server"), new Dictionary<string, string> { ["username"] = airflow.Username, ["password"] = secretPassword }));
        api.ForwardTargets[ApiServerPod] = airflow.Port;
        return api;
    }
}
