using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using SparkK8s.Connect.Tests.Fakes;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Connect.Tests;

/// <summary>
/// SMOKE009 through the real KubernetesClient against the fake API server: a copy of the release's submit Job or
/// operator SparkApplication is created under a unique name, polled through its recorded status progression to a
/// terminal state, reported with the driver's terminal state and log on failure, and deleted again in every case.
/// </summary>
public sealed class JobSmokeTests
{
    private const string JobsKey = "batch/v1/jobs";
    private const string KubeflowKey = "sparkoperator.k8s.io/v1beta2/sparkapplications";
    private const string ApacheKey = "spark.apache.org/v1/sparkapplications";

    [Fact]
    public async Task A_submit_job_copy_runs_to_completion_and_is_deleted()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Objects[JobsKey].Add(SubmitJob());
        api.StatusProgressions[JobsKey] = [Status(active: 1), Complete()];
        JsonObject? created = null;
        api.OnCreate = (key, obj) => created = key == JobsKey ? (JsonObject)obj.DeepClone() : created;

        var (result, check) = await SmokeAsync(api);

        result.ExitCode.Should().Be(0, result.Stderr + result.Stdout);
        check.GetProperty("outcome").GetString().Should().Be("passed");
        var name = (string)created!["metadata"]!["name"]!;
        name.Should().MatchRegex("^spark-k8s-smoke-[0-9]{14}-[0-9a-f]{6}$");
        check.GetProperty("detail").GetString().Should().Contain($"Job {name} (a copy of Job spark-spark-k8s-events-load-r1, job 'events-load') completed").And.Contain("deleted again");
        var podLabels = created["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        podLabels.Select(l => l.Key).Should().NotContain(["controller-uid", "batch.kubernetes.io/controller-uid", "job-name", "batch.kubernetes.io/job-name"]);
        ((string?)podLabels["spark-k8s.io/smoke-run"]).Should().Be(name);
        created["spec"]!["selector"].Should().BeNull("the API server generates the selector of a new Job");
        ((int)created["spec"]!["backoffLimit"]!).Should().Be(0);
        created["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).Should()
            .StartWith(["--conf", $"spark.kubernetes.driver.label.spark-k8s.io/smoke-run={name}", "--master"]);
        api.Deleted.Should().Equal($"{JobsKey}/{name}");
    }

    [Fact]
    public async Task A_failed_submit_job_shows_the_driver_pods_terminal_state_and_last_log_lines()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Objects[JobsKey].Add(SubmitJob());
        api.StatusProgressions[JobsKey] = [Status(active: 1), Failed()];
        api.OnCreate = (key, obj) => AddDriver(api, (string)obj["metadata"]!["name"]!, "spark-k8s-smoke-driver");
        api.PodLogs["spark-k8s-smoke-driver"] = "26/12/01 14:00:03 INFO SparkContext: Running Spark version 4.1.0\nTraceback (most recent call last):\n  File \"/opt/spark/job/main.py\", line 4, in <module>\nZeroDivisionError: division by zero\n";

        var (result, check) = await SmokeAsync(api);

        result.ExitCode.Should().Be(1, result.Stderr);
        check.GetProperty("outcome").GetString().Should().Be("failed");
        check.GetProperty("detail").GetString().Should()
            .Contain("failed (BackoffLimitExceeded: Job has reached the specified backoff limit)")
            .And.Contain("driver pod spark-k8s-smoke-driver: terminated Error (exit 1)")
            .And.Contain("ZeroDivisionError: division by zero");
        api.Deleted.Should().ContainSingle().Which.Should().StartWith($"{JobsKey}/spark-k8s-smoke-");
        result.ShouldBeClean();
    }

    [Fact]
    public async Task A_job_that_never_finishes_times_out_and_is_still_deleted()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Objects[JobsKey].Add(SubmitJob());
        api.StatusProgressions[JobsKey] = [Status(active: 1)];

        var (result, check) = await SmokeAsync(api, "--job-timeout", "2s");

        result.ExitCode.Should().Be(1, result.Stderr);
        check.GetProperty("detail").GetString().Should().Contain("did not finish within 2 s (last state: running)")
            .And.Contain("no driver pod was created").And.Contain("raise --job-timeout");
        api.Deleted.Should().ContainSingle();
        result.ShouldBeClean();
    }

    [Fact]
    public async Task No_permission_to_create_jobs_fails_naming_the_permission_and_creates_nothing()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Objects[JobsKey].Add(SubmitJob());
        api.ForbiddenCreate.Add(JobsKey);

        var (result, check) = await SmokeAsync(api);

        result.ExitCode.Should().Be(1, result.Stderr);
        check.GetProperty("detail").GetString().Should().Contain("refused to create jobs").And.Contain("(403 Forbidden").And.Contain("--verb=create --resource=jobs.batch");
        api.Objects[JobsKey].Should().ContainSingle("only the release's own Job exists");
        api.Deleted.Should().BeEmpty();
        result.ShouldBeClean();
    }

    [Fact]
    public async Task A_kubeflow_sparkapplication_copy_runs_to_completed()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Objects[KubeflowKey] = [Application("sparkoperator.k8s.io/v1beta2")];
        api.StatusProgressions[KubeflowKey] =
        [
            new JsonObject { ["applicationState"] = new JsonObject { ["state"] = "SUBMITTED" } },
            new JsonObject { ["applicationState"] = new JsonObject { ["state"] = "RUNNING" } },
            new JsonObject { ["applicationState"] = new JsonObject { ["state"] = "COMPLETED" }, ["driverInfo"] = new JsonObject { ["podName"] = "x-driver" } },
        ];
        JsonObject? created = null;
        api.OnCreate = (_, obj) => created = (JsonObject)obj.DeepClone();

        var (result, check) = await SmokeAsync(api);

        result.ExitCode.Should().Be(0, result.Stderr + result.Stdout);
        var name = (string)created!["metadata"]!["name"]!;
        check.GetProperty("detail").GetString().Should().Contain($"SparkApplication {name} (sparkoperator.k8s.io/v1beta2, a copy of SparkApplication spark-spark-k8s-pi, job 'pi') reached COMPLETED");
        ((string?)created["spec"]!["sparkConf"]!["spark.kubernetes.driver.label.spark-k8s.io/smoke-run"]).Should().Be(name);
        ((string?)created["spec"]!["sparkConf"]!["spark.eventLog.enabled"]).Should().Be("true", "the release's Spark settings are kept");
        api.Deleted.Should().Equal($"{KubeflowKey}/{name}");
    }

    [Fact]
    public async Task A_failed_apache_sparkapplication_reports_its_state_message_and_driver()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Objects[ApacheKey] = [Application("spark.apache.org/v1")];
        api.StatusProgressions[ApacheKey] =
        [
            ApacheStatus("Submitted", null),
            ApacheStatus("DriverRequested", null),
            ApacheStatus("Failed", "Driver has unexpected state: exit code 1"),
        ];
        api.OnCreate = (_, obj) => AddDriver(api, (string)obj["metadata"]!["name"]!, "pi-smoke-0-driver");

        var (result, check) = await SmokeAsync(api);

        result.ExitCode.Should().Be(1, result.Stderr);
        check.GetProperty("detail").GetString().Should().Contain("(spark.apache.org/v1, a copy of SparkApplication spark-spark-k8s-pi, job 'pi') ended Failed: Driver has unexpected state: exit code 1")
            .And.Contain("driver pod pi-smoke-0-driver: terminated Error (exit 1)");
        api.Deleted.Should().ContainSingle().Which.Should().StartWith($"{ApacheKey}/spark-k8s-smoke-");
    }

    [Fact]
    public async Task An_apache_application_that_released_its_resources_after_succeeding_passes()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Objects[ApacheKey] = [Application("spark.apache.org/v1")];
        var released = ApacheStatus("ResourceReleased", "Application resources released");
        released["stateTransitionHistory"] = new JsonObject
        {
            ["0"] = new JsonObject { ["currentStateSummary"] = "Submitted" },
            ["1"] = new JsonObject { ["currentStateSummary"] = "RunningHealthy" },
            ["2"] = new JsonObject { ["currentStateSummary"] = "Succeeded" },
            ["3"] = new JsonObject { ["currentStateSummary"] = "ResourceReleased" },
        };
        api.StatusProgressions[ApacheKey] = [ApacheStatus("RunningHealthy", null), released];

        var (result, check) = await SmokeAsync(api);

        result.ExitCode.Should().Be(0, result.Stderr + result.Stdout);
        check.GetProperty("detail").GetString().Should().Contain("reached ResourceReleased");
    }

    [Fact]
    public async Task A_release_without_jobs_skips_the_job_check()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Pods.Add(FakeKubernetesApi.Pod("spark-spark-k8s-airflow-api-server-1", Labels("airflow-api-server"), ready: false, ("http", 8080)));

        var (result, check) = await SmokeAsync(api);

        check.GetProperty("outcome").GetString().Should().Be("skipped");
        check.GetProperty("detail").GetString().Should().Contain("has no submit or operator job");
        result.ShouldBeClean();
    }

    [Fact]
    public async Task An_unknown_job_name_is_a_usage_error()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Objects[JobsKey].Add(SubmitJob());
        using var directory = new TempDirectory();

        var result = await Cli.RunAsync("smoke", "--release", "spark", "-n", "spark", "--kubeconfig", KubeConfig.Write(directory.Path, api.Url), "--job", "nope");

        result.ShouldBeUsageError("--job", "has no job 'nope'", "events-load");
        api.Deleted.Should().BeEmpty();
    }

    [Fact]
    public async Task An_unknown_job_name_is_refused_before_any_connect_check_runs()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Pods.Add(FakeKubernetesApi.Pod("spark-spark-k8s-connect-7d9f8c6b5-x2x4z", Labels("connect"), ready: true, ("grpc", 15002)));
        using var directory = new TempDirectory();

        var result = await Cli.RunAsync("smoke", "--release", "spark", "-n", "spark", "--kubeconfig", KubeConfig.Write(directory.Path, api.Url), "--job", "nightly");

        result.ShouldBeUsageError("--job", "has no submit or operator job, so there is no job 'nightly'");
        api.Requests.Should().NotContain(r => r.Contains("portforward", StringComparison.Ordinal), "nothing is checked when the flags are wrong");
    }

    private static async Task<(CliResult Result, JsonElement Check)> SmokeAsync(FakeKubernetesApi api, params string[] extra)
    {
        using var directory = new TempDirectory();
        var result = await Cli.RunAsync(["smoke", "--release", "spark", "-n", "spark", "--kubeconfig", KubeConfig.Write(directory.Path, api.Url), "--output", "json", .. extra]);
        result.Stdout.Should().NotBeEmpty(result.Stderr);
        using var json = result.Json();
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToList();
        checks.Take(8).Should().OnlyContain(c => c.GetProperty("outcome").GetString() == "skipped" && c.GetProperty("detail").GetString()!.Contains("has no Spark Connect"));
        return (result, checks.Single(c => c.GetProperty("id").GetString() == "SMOKE009").Clone());
    }

    internal static Dictionary<string, string> Labels(string component) => new()
    {
        ["app.kubernetes.io/name"] = "spark-k8s",
        ["app.kubernetes.io/instance"] = "spark",
        ["app.kubernetes.io/component"] = component,
    };

    private static JsonObject LabelObject(string component, params (string Key, string Value)[] more)
    {
        var labels = new JsonObject(Labels(component).Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));
        foreach (var (key, value) in more)
        {
            labels[key] = value;
        }

        return labels;
    }

    /// <summary>The one-shot Job templates/jobs/submit.yaml renders, as the API server returns it after it ran.</summary>
    private static JsonObject SubmitJob() => new()
    {
        ["apiVersion"] = "batch/v1",
        ["kind"] = "Job",
        ["metadata"] = new JsonObject
        {
            ["name"] = "spark-spark-k8s-events-load-r1",
            ["namespace"] = "spark",
            ["uid"] = "6f1d0c1e-1111-4a5b-9c2d-000000000001",
            ["labels"] = LabelObject("job-submitter", ("spark-k8s.io/job", "events-load")),
        },
        ["spec"] = new JsonObject
        {
            ["backoffLimit"] = 2,
            ["ttlSecondsAfterFinished"] = 86400,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = "6f1d0c1e-1111-4a5b-9c2d-000000000001" } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["labels"] = LabelObject("job-submitter",
                        ("spark-k8s.io/job", "events-load"),
                        ("batch.kubernetes.io/controller-uid", "6f1d0c1e-1111-4a5b-9c2d-000000000001"),
                        ("batch.kubernetes.io/job-name", "spark-spark-k8s-events-load-r1"),
                        ("controller-uid", "6f1d0c1e-1111-4a5b-9c2d-000000000001"),
                        ("job-name", "spark-spark-k8s-events-load-r1")),
                },
                ["spec"] = new JsonObject
                {
                    ["serviceAccountName"] = "spark-spark-k8s-job-submitter",
                    ["restartPolicy"] = "Never",
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "spark-submit",
                        ["image"] = "apache/spark:4.1.0",
                        ["args"] = new JsonArray("--master", "k8s://https://kubernetes.default.svc", "--deploy-mode", "cluster", "--name", "events-load", "local:///opt/spark/job/main.py"),
                    }),
                },
            },
        },
        ["status"] = Complete(),
    };

    private static JsonObject Application(string apiVersion) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = "SparkApplication",
        ["metadata"] = new JsonObject
        {
            ["name"] = "spark-spark-k8s-pi",
            ["namespace"] = "spark",
            ["labels"] = LabelObject("job-application", ("spark-k8s.io/job", "pi")),
        },
        ["spec"] = new JsonObject
        {
            ["mainClass"] = "org.apache.spark.examples.SparkPi",
            ["sparkConf"] = new JsonObject { ["spark.eventLog.enabled"] = "true" },
        },
    };

    private static JsonObject Status(int active) => new() { ["active"] = active, ["startTime"] = "2026-12-01T14:00:00Z" };

    private static JsonObject Complete() => new()
    {
        ["succeeded"] = 1,
        ["conditions"] = new JsonArray(
            new JsonObject { ["type"] = "SuccessCriteriaMet", ["status"] = "True" },
            new JsonObject { ["type"] = "Complete", ["status"] = "True" }),
    };

    private static JsonObject Failed() => new()
    {
        ["failed"] = 1,
        ["conditions"] = new JsonArray(
            new JsonObject { ["type"] = "FailureTarget", ["status"] = "True", ["reason"] = "BackoffLimitExceeded", ["message"] = "Job has reached the specified backoff limit" },
            new JsonObject { ["type"] = "Failed", ["status"] = "True", ["reason"] = "BackoffLimitExceeded", ["message"] = "Job has reached the specified backoff limit" }),
    };

    private static JsonObject ApacheStatus(string state, string? message) => new()
    {
        ["currentState"] = new JsonObject { ["currentStateSummary"] = state, ["lastTransitionTime"] = "2026-12-01T14:00:05Z", ["message"] = message },
    };

    /// <summary>The driver pod Spark creates with the run's label (spark.kubernetes.driver.label.*), terminated with exit 1.</summary>
    private static void AddDriver(FakeKubernetesApi api, string run, string podName)
    {
        var labels = Labels("job-driver");
        labels["spark-role"] = "driver";
        labels["spark-k8s.io/smoke-run"] = run;
        var pod = FakeKubernetesApi.Pod(podName, labels, ready: false);
        pod["status"]!["phase"] = "Failed";
        pod["status"]!["containerStatuses"] = new JsonArray(new JsonObject
        {
            ["name"] = "spark-kubernetes-driver",
            ["ready"] = false,
            ["restartCount"] = 0,
            ["image"] = "apache/spark:4.1.0",
            ["imageID"] = "docker.io/apache/spark@sha256:0000",
            ["state"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 1, ["reason"] = "Error", ["startedAt"] = "2026-12-01T14:00:02Z", ["finishedAt"] = "2026-12-01T14:00:09Z" } },
        });
        pod["spec"]!["containers"]![0]!["name"] = "spark-kubernetes-driver";
        lock (api.Pods)
        {
            api.Pods.Add(pod);
        }
    }
}
