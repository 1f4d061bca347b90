using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Chart.Tests.Network;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Manifests;
using Xunit;

namespace SparkK8s.Chart.Tests.DataQuality;

/// <summary>
/// dataQuality (issue 14 §4): the Great Expectations runner as a CronJob (scheduled, or suspended as the template of
/// runs on demand), its ConfigMaps, the modes, the example DAG's pod file and RBAC, PSS, strict schemas and flows.
/// </summary>
public class DataQualityChartTests
{
    private const string Component = "data-quality";
    private const string DagFile = "spark_k8s_data_quality.py";
    private const string PodFile = "spark_k8s_data_quality_pod.yaml";

    private static Task<Rendered> RenderAsync(string version, params string[] sets) =>
        ChartRender.RenderAsync(version, ["dataQuality.enabled=true", .. sets]);

    private static Task<Rendered> AirflowAsync(string version, string environment, params string[] sets) =>
        ChartRender.RenderAsync(new RenderInput(
            Files: ["presets/airflow-connect-k8s.yaml", $"environments/{environment}.yaml"],
            Sets: [$"spark.version={version}", "dataQuality.enabled=true", .. sets]));


    private static JsonObject DagData(Rendered rendered) =>
        (JsonObject)rendered.OfKind("ConfigMap").Single(c => c.Name.EndsWith("-airflow-dags", StringComparison.Ordinal)).Body["data"]!;

    private static KubeObject DagPod(Rendered rendered) =>
        new((JsonObject)ManifestParser.ParseYaml((string)DagData(rendered)[PodFile]!, PodFile)!, PodFile);

    public static TheoryData<string> Versions() => ChartRender.Versions();

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task It_is_off_by_default(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);

        rendered.WithComponent(Component).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Mode_always_renders_a_suspended_cron_job_running_the_runner_of_the_spark_line(string version)
    {
        var rendered = await RenderAsync(version);
        var cron = rendered.Single("CronJob", Component);
        var runner = cron.Container("runner");
        var sparkVersion = (string)ChartValues.Release(version)["sparkVersion"]!;

        ((bool?)cron.Body["spec"]!["suspend"]).Should().BeTrue("mode always runs on demand and from pipelines, not on a schedule");
        ((string?)cron.Body["spec"]!["concurrencyPolicy"]).Should().Be("Forbid");
        ((string?)runner["image"]).Should().Be($"spark-k8s/data-quality:{sparkVersion}", "the image is built per Spark line (images/data-quality)");
        runner["command"]!.AsArray().Select(c => (string)c!).Should().Equal("python3", "/opt/data-quality/runner.py");
        ((string?)runner.EnvVar("DQ_MODE")["value"]).Should().Be("always");
        ((string?)runner.EnvVar("DQ_BUCKET")["value"]).Should().Be("spark-warehouse", "s3.buckets.warehouse, where the Spark key writes");
        ((string?)runner.EnvVar("DQ_SUITES_DIR")["value"]).Should().Be("/etc/data-quality/suites");
        ((string?)runner.EnvVar("SPARK_REMOTE")["value"]).Should().StartWith("sc://spark-spark-k8s-connect.spark.svc:15002");
        ((string?)cron.PodSpec!["restartPolicy"]).Should().Be("Never");
        ((long?)cron.Body["spec"]!["jobTemplate"]!["spec"]!["backoffLimit"]).Should().Be(0, "a failed expectation is a failed run, not a retry");
        ((string?)rendered.OfKind("ConfigMap").Single(c => c.Name == "spark-spark-k8s-data-quality").Body["data"]!["runner.py"]).Should().Be(File.ReadAllText(Path.Combine(SparkK8s.Testing.RepoPaths.Chart, "files", "data-quality", "runner.py")).TrimEnd('\n'));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Mode_scheduled_runs_the_cron_job_on_its_schedule(string version)
    {
        var rendered = await RenderAsync(version, "dataQuality.mode=scheduled", "dataQuality.schedule=30 5 * * *", "dataQuality.timeZone=Europe/Berlin");
        var spec = rendered.Single("CronJob", Component).Body["spec"]!;

        ((bool?)spec["suspend"]).Should().BeFalse();
        ((string?)spec["schedule"]).Should().Be("30 5 * * *");
        ((string?)spec["timeZone"]).Should().Be("Europe/Berlin");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Mode_skip_renders_nothing_that_runs(string version)
    {
        var rendered = await AirflowAsync(version, "dev", "dataQuality.mode=skip");

        rendered.WithComponent(Component).Should().BeEmpty();
        rendered.OfKind("Role").Should().NotContain(r => r.Name.EndsWith("-data-quality", StringComparison.Ordinal));
        var dags = DagData(rendered);
        dags.ContainsKey(DagFile).Should().BeTrue("the DAG still runs its pipeline steps and skips the validation");
        dags.ContainsKey(PodFile).Should().BeFalse();
    }

    [Theory]
    [InlineData("dev", false)]
    [InlineData("staging", false)]
    [InlineData("prod", true)]
    public async Task Mode_production_only_runs_only_with_the_prod_environment(string environment, bool runs)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Files: ["presets/jupyter-connect-k8s.yaml", $"environments/{environment}.yaml"],
            Sets: ["dataQuality.enabled=true", "dataQuality.mode=production_only"]));

        rendered.OfKind("CronJob").Where(c => c.Labels[Rendered.ComponentLabel] == Component).Should().HaveCount(runs ? 1 : 0);
        if (runs)
        {
            ((string?)rendered.Single("CronJob", Component).Container("runner").EnvVar("DQ_ENVIRONMENT")["value"]).Should().Be("prod");
        }
    }

    [Theory]
    [InlineData("dataQuality: {enabled: true, mode: scheduled}", "dataQuality.schedule", "cron schedule")]
    [InlineData("dataQuality: {enabled: true}\nconnect: {enabled: false}\njupyter: {enabled: false}", "connect.enabled", "Spark Connect server")]
    [InlineData("dataQuality: {enabled: true, git: {enabled: true}}", "dataQuality.git.repo", "repository URL")]
    [InlineData("dataQuality: {enabled: true, examples: false}", "dataQuality.suites", "no suite to run")]
    public async Task Settings_that_cannot_run_fail_with_the_key_named(string values, string key, string hint)
    {
        var error = await ChartRender.RenderErrorAsync(values);

        error.Should().Contain(key).And.Contain(hint);
    }

    [Theory]
    [InlineData("dataQuality: {mode: sometimes}", "mode")]
    [InlineData("dataQuality: {schedule: 'every day'}", "schedule")]
    [InlineData("dataQuality: {resultFormat: ALL}", "resultFormat")]
    [InlineData("dataQuality: {suites: {'Bad Name.txt': 'x'}}", "suites")]
    [InlineData("dataQuality: {typo: true}", "typo")]
    [InlineData("environment: Production", "environment")]
    public async Task The_schema_is_closed_and_typed(string values, string key)
    {
        var error = await ChartRender.RenderErrorAsync(values);

        error.Should().Contain(key);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task The_suites_config_map_holds_the_examples_and_dataQuality_suites_which_win_by_file_name(string version)
    {
        const string mine = "name: yellow_trips\ntable: sales.trips\nexpectations:\n  - type: expect_table_row_count_to_be_between\n    kwargs: {min_value: 1}\n";
        var rendered = await ChartRender.RenderAsync(new RenderInput(
            Sets: [$"spark.version={version}", "dataQuality.enabled=true"],
            ValuesYaml: "dataQuality:\n  suites:\n    yellow_trips.yaml: |\n" + string.Join('\n', mine.TrimEnd().Split('\n').Select(l => "      " + l)) + "\n"));
        var suites = (JsonObject)rendered.OfKind("ConfigMap").Single(c => c.Name == "spark-spark-k8s-data-quality-suites").Body["data"]!;

        suites.Select(p => p.Key).Should().BeEquivalentTo(["taxi_zones.yaml", "yellow_trips.yaml"]);
        ((string?)suites["yellow_trips.yaml"]).Should().Be(mine.TrimEnd('\n'));
        ((string?)suites["taxi_zones.yaml"]).Should().Contain("table: spark_k8s_load.taxi_zones");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Suites_from_git_are_cloned_by_a_one_time_git_sync_with_credentials_from_the_secret(string version)
    {
        var rendered = await RenderAsync(version, "dataQuality.git.enabled=true", "dataQuality.git.repo=https://git.example.com/suites.git",
            "dataQuality.git.ref=v2", "dataQuality.git.path=checks/dq", "dataQuality.git.existingSecret=suites-git");
        var cron = rendered.Single("CronJob", Component);
        var clone = cron.Container("git-clone");

        rendered.OfKind("ConfigMap").Should().NotContain(c => c.Name.EndsWith("-data-quality-suites", StringComparison.Ordinal));
        ((string?)clone.EnvVar("GITSYNC_REPO")["value"]).Should().Be("https://git.example.com/suites.git");
        ((string?)clone.EnvVar("GITSYNC_REF")["value"]).Should().Be("v2");
        ((string?)clone.EnvVar("GITSYNC_ONE_TIME")["value"]).Should().Be("true");
        ((string?)clone.EnvVar("GITSYNC_PASSWORD")["valueFrom"]!["secretKeyRef"]!["name"]).Should().Be("suites-git");
        ((string?)cron.Container("runner").EnvVar("DQ_SUITES_DIR")["value"]).Should().Be("/git/repo/checks/dq");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task The_pod_is_restricted_with_resources_and_its_own_service_account_without_a_token(string version)
    {
        var rendered = await RenderAsync(version, "dataQuality.git.enabled=true", "dataQuality.git.repo=https://git.example.com/suites.git");
        var cron = rendered.Single("CronJob", Component);
        var pod = cron.PodSpec!;

        using var scope = new AssertionScope();
        ((bool?)pod["securityContext"]!["runAsNonRoot"]).Should().BeTrue();
        ((string?)pod["securityContext"]!["seccompProfile"]!["type"]).Should().Be("RuntimeDefault");
        ((bool?)pod["automountServiceAccountToken"]).Should().BeFalse("the runner never talks to the Kubernetes API");
        ((string?)pod["serviceAccountName"]).Should().Be("spark-spark-k8s-data-quality");
        rendered.OfKind("ServiceAccount").Should().Contain(s => s.Name == "spark-spark-k8s-data-quality");
        foreach (var name in new[] { "runner", "git-clone" })
        {
            var container = cron.Container(name);
            var security = container["securityContext"]!;
            ((bool?)security["allowPrivilegeEscalation"]).Should().BeFalse(name);
            ((bool?)security["readOnlyRootFilesystem"]).Should().BeTrue(name);
            security["capabilities"]!["drop"]!.AsArray().Select(c => (string)c!).Should().Equal(["ALL"], name);
            container["resources"]!["requests"]!["cpu"].Should().NotBeNull(name);
            container["resources"]!["limits"]!["memory"].Should().NotBeNull(name);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Its_objects_and_the_dag_pod_pass_the_strict_kubernetes_schema(string version)
    {
        var rendered = await AirflowAsync(version, "dev");

        using var scope = new AssertionScope();
        foreach (var obj in rendered.WithComponent(Component).Concat(rendered.OfKind("Role").Concat(rendered.OfKind("RoleBinding")).Where(r => r.Name.EndsWith("-data-quality", StringComparison.Ordinal))))
        {
            KubeSchema.Validate(obj).Should().BeEmpty(obj.DisplayName);
        }

        KubeSchema.Validate(DagPod(rendered)).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Credentials_reach_the_runner_only_as_secret_key_refs_and_no_config_map_holds_a_secret(string version)
    {
        var rendered = await AirflowAsync(version, "dev");
        var runner = rendered.Single("CronJob", Component).Container("runner");
        var secrets = rendered.OfKind("Secret")
            .SelectMany(s => (s.Body["data"] as JsonObject ?? []).Select(p => Encoding.UTF8.GetString(Convert.FromBase64String((string)p.Value!))))
            .Where(v => v.Length >= 12)
            .ToList();

        using var scope = new AssertionScope();
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY" })
        {
            ((string?)runner.EnvVar(name)["valueFrom"]!["secretKeyRef"]!["name"]).Should().Be("spark-spark-k8s-s3-spark", name);
        }

        if (version != "3.5")
        {
            ((string?)runner.EnvVar("SPARK_CONNECT_TOKEN")["valueFrom"]!["secretKeyRef"]!["name"]).Should().Be("spark-spark-k8s-connect-auth");
            ((string?)runner.EnvVar("SPARK_REMOTE")["value"]).Should().Contain("$(SPARK_CONNECT_TOKEN)", "the token is expanded by the kubelet, never rendered");
        }

        secrets.Should().NotBeEmpty();
        foreach (var map in rendered.OfKind("ConfigMap"))
        {
            var text = map.Body.ToJsonString();
            secrets.Should().NotContain(s => text.Contains(s, StringComparison.Ordinal), map.DisplayName);
        }

        var literals = runner.Env().Select(e => (string?)e["value"]).OfType<string>().ToList();
        secrets.Should().NotContain(s => literals.Any(l => l.Contains(s, StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task The_example_dag_ships_with_its_pod_file_and_the_airflow_tasks_may_run_that_pod(string version)
    {
        var rendered = await AirflowAsync(version, "dev");
        var dags = DagData(rendered);
        var pod = DagPod(rendered);
        var scheduler = rendered.OfKind("ServiceAccount").Single(s => s.Name == "spark-spark-k8s-airflow-scheduler");
        var role = rendered.OfKind("Role").Single(r => r.Name == "spark-spark-k8s-airflow-scheduler-data-quality");
        var binding = rendered.OfKind("RoleBinding").Single(r => r.Name == "spark-spark-k8s-airflow-scheduler-data-quality");

        ((string?)dags[DagFile]).Should().Be(File.ReadAllText(Path.Combine(SparkK8s.Testing.RepoPaths.Chart, "files", "airflow", "dags", DagFile)).TrimEnd('\n'));
        pod.Labels.Should().Contain(Rendered.ComponentLabel, Component).And.Contain(Rendered.InstanceLabel, "spark").And.NotContainKey("app.kubernetes.io/managed-by");
        pod.PodSpec!.ToJsonString().Should().Be(rendered.Single("CronJob", Component).PodSpec!.ToJsonString(), "the DAG runs the same pod as the CronJob");
        ((bool?)scheduler.Body["automountServiceAccountToken"]).Should().BeTrue("the LocalExecutor's task processes create the pod through the API");
        role.Body["rules"]!.AsArray().SelectMany(r => r!["resources"]!.AsArray().Select(x => (string)x!)).Should().BeEquivalentTo(["pods", "pods/log", "events"]);
        ((string?)binding.Body["subjects"]![0]!["name"]).Should().Be("spark-spark-k8s-airflow-scheduler");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Without_dataQuality_the_dag_is_not_shipped(string version)
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: ["presets/airflow-connect-k8s.yaml"], Sets: [$"spark.version={version}"]));

        DagData(rendered).Select(p => p.Key).Should().NotContain([DagFile, PodFile]);
    }

    [Theory]
    [InlineData("3.5", "dev")]
    [InlineData("4.1", "dev")]
    [InlineData("4.1", "prod")]
    public async Task Exactly_the_required_flows_are_allowed_the_runner_reaching_connect_and_s3(string version, string environment)
    {
        var rendered = await AirflowAsync(version, environment);
        var pods = ReleaseNetwork.Pods(rendered);
        var inChartS3 = rendered.OfKind("StatefulSet").Any(s => s.Labels[Rendered.ComponentLabel] == "minio");
        var inChartDatabase = rendered.OfKind("StatefulSet").Any(s => s.Labels[Rendered.ComponentLabel] == "postgresql");
        var required = ReleaseNetwork.Required(pods, inChartS3, inChartDatabase);

        pods.Select(ReleaseNetwork.Component).Should().Contain(Component);
        required.Should().Contain(new Flow(Component, "connect", "grpc"));
        ReleaseNetwork.Mismatches(new NetworkPolicyEvaluator(rendered.Objects), pods, required).Should().BeEmpty();
    }
}
