using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Chart.Tests.Network;
using SparkK8s.Core.Helm;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// The Airflow 3 component (issue 11 §1): its components on and off, both executors with their exact RBAC, the
/// migrate and admin Jobs, probes on the real endpoints, secrets only through secretKeyRef, the connections and
/// variables of the contract, the example DAGs per backend, backups, the network flows and the strict schema.
/// </summary>
public class AirflowChartTests
{
    private static readonly string[] Components =
        ["airflow-api-server", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer", "airflow-statsd"];

    private static Task<Rendered> RenderAsync(string version, params string[] sets) =>
        ChartRender.RenderAsync(version, ["airflow.enabled=true", .. sets]);

    private static Task<Rendered> PresetAsync(string preset, string version, string environment = "dev", params string[] sets) =>
        ChartRender.RenderAsync(new RenderInput(
            Files: [$"presets/{preset}.yaml", $"environments/{environment}.yaml"],
            Sets: [$"spark.version={version}", .. sets]));

    public static TheoryData<string> Versions() => ChartRender.Versions();

    private static JsonObject MainContainer(Rendered rendered, string component) =>
        rendered.Single("Deployment", component).Containers().First();

    private static string? Env(JsonObject container, string name) =>
        container.Env().Where(e => (string?)e["name"] == name).Select(e => (string?)e["value"]).SingleOrDefault();

    private static IReadOnlyDictionary<string, string> Data(Rendered rendered, string suffix) =>
        ((JsonObject)rendered.OfKind("ConfigMap").Single(c => c.Name.EndsWith(suffix, StringComparison.Ordinal)).Body["data"]!)
        .ToDictionary(p => p.Key, p => (string)p.Value!);

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Off_by_default_renders_no_airflow_object(string version)
    {
        var rendered = await ChartRender.RenderAsync(version);

        rendered.Objects.Where(o => o.Labels.GetValueOrDefault(Rendered.ComponentLabel, "").StartsWith("airflow", StringComparison.Ordinal))
            .Select(o => o.DisplayName).Should().BeEmpty();
        rendered.OfKind("Job").Single(j => j.Name.Contains("postgresql-roles", StringComparison.Ordinal)).Containers().Single().Env()
            .Select(e => (string?)e["name"]).Should().NotContain("DB_AIRFLOW_NAME", "no Airflow database without Airflow");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task On_renders_the_four_components_the_exporter_the_service_and_the_contract_secret(string version)
    {
        var rendered = await RenderAsync(version);

        using var scope = new AssertionScope();
        foreach (var component in Components)
        {
            rendered.Single("Deployment", component).Should().NotBeNull();
        }

        var service = rendered.OfKind("Service").Single(s => s.Name == "spark-spark-k8s-airflow-api-server");
        var port = (JsonObject)service.Body["spec"]!["ports"]![0]!;
        ((string?)port["name"]).Should().Be("http");
        Json.Int(port["port"]).Should().Be(8080);
        var admin = rendered.OfKind("Secret").Single(s => s.Name == "spark-spark-k8s-airflow-admin");
        ((JsonObject)admin.Body["data"]!).Select(p => p.Key).Should().BeEquivalentTo("username", "password");
        Encoding.UTF8.GetString(Convert.FromBase64String((string)admin.Body["data"]!["username"]!)).Should().Be("admin");
        ((string?)admin.Body["metadata"]!["annotations"]!["helm.sh/resource-policy"]).Should().Be("keep");
        var keys = rendered.OfKind("Secret").Single(s => s.Name == "spark-spark-k8s-airflow");
        var fernet = Encoding.UTF8.GetString(Convert.FromBase64String((string)keys.Body["data"]!["fernet-key"]!));
        Convert.FromBase64String(fernet.Replace('-', '+').Replace('_', '/')).Should().HaveCount(32, "a Fernet key is URL-safe base64 of 32 bytes");
        rendered.OfKind("Deployment").Where(d => d.Labels[Rendered.ComponentLabel] == "airflow-worker").Should().BeEmpty("LocalExecutor runs no task pods");
    }

    [Fact]
    public async Task The_statsd_exporter_can_be_switched_off()
    {
        var rendered = await RenderAsync("4.1", "airflow.statsd.enabled=false");

        rendered.WithComponent("airflow-statsd").Should().BeEmpty();
        Data(rendered, "-airflow-config").Should().NotContainKey("AIRFLOW__METRICS__STATSD_ON");
    }

    [Fact]
    public async Task The_exporter_row_has_the_metrics_field_of_the_monitoring_contract_and_a_service_port_for_it()
    {
        var rendered = await RenderAsync("4.1");

        var service = rendered.Single("Service", "airflow-statsd");
        var ports = PodSpecs.Items(service.Body["spec"], "ports").ToDictionary(p => (string)p["name"]!, p => p);
        ((string?)ports["statsd"]["protocol"]).Should().Be("UDP");
        Json.Int(ports["metrics"]["port"]).Should().Be(9102);
        var exporter = MainContainer(rendered, "airflow-statsd");
        ((string?)exporter["readinessProbe"]!["httpGet"]!["path"]).Should().Be("/metrics");
        Data(rendered, "-airflow-config")["AIRFLOW__METRICS__STATSD_HOST"].Should().Be("spark-spark-k8s-airflow-statsd.spark.svc");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Probes_are_on_the_real_endpoints(string version)
    {
        var rendered = await RenderAsync(version);

        using var scope = new AssertionScope();
        var api = MainContainer(rendered, "airflow-api-server");
        ((string?)api["livenessProbe"]!["httpGet"]!["path"]).Should().Be("/api/v2/monitor/health");
        ((string?)api["livenessProbe"]!["httpGet"]!["port"]).Should().Be("http");

        var scheduler = MainContainer(rendered, "airflow-scheduler");
        ((string?)scheduler["livenessProbe"]!["httpGet"]!["path"]).Should().Be("/health");
        var health = PodSpecs.Items(scheduler, "ports").Single(p => (string?)p["name"] == "health");
        var config = Data(rendered, "-airflow-config");
        config["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"].Should().Be("True");
        config["AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT"].Should().Be(Json.Int(health["containerPort"])!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));

        foreach (var (component, job) in new[] { ("airflow-triggerer", "TriggererJob"), ("airflow-dag-processor", "DagProcessorJob") })
        {
            var container = MainContainer(rendered, component);
            foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
            {
                ((JsonArray)container[probe]!["exec"]!["command"]!).Select(n => (string?)n).Should()
                    .Equal(["airflow", "jobs", "check", "--job-type", job, "--local"], $"{component} {probe}");
                Json.Int(container[probe]!["timeoutSeconds"]).Should().BeGreaterThanOrEqualTo(30, "the CLI takes seconds to start");
            }
        }

        foreach (var component in Components.Take(4))
        {
            var wait = rendered.Single("Deployment", component).InitContainers().Single(c => (string?)c["name"] == "wait-for-migrations");
            ((string)wait["command"]![2]!).Should().Contain("airflow db check-migrations", component);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Migrate_and_admin_jobs_are_named_per_revision_and_idempotent(string version)
    {
        var rendered = await RenderAsync(version);

        var migrate = rendered.Single("Job", "airflow-migrate");
        migrate.Name.Should().Be("spark-spark-k8s-airflow-migrate-r1");
        var script = (string)migrate.Containers().Single()["command"]![2]!;
        script.Should().Contain("airflow db migrate");
        var admin = rendered.Single("Job", "airflow-db");
        admin.Name.Should().Be("spark-spark-k8s-airflow-db-r1");
        var adminScript = (string)admin.Containers().Single()["command"]![2]!;
        adminScript.Should().Contain("airflow users create").And.Contain("airflow users reset-password");
        adminScript.Should().NotContain("|| true");
        var env = admin.Containers().Single().Env().ToDictionary(e => (string)e["name"]!);
        ((string?)env["ADMIN_USERNAME"]["valueFrom"]!["secretKeyRef"]!["name"]).Should().Be("spark-spark-k8s-airflow-admin");
        ((string?)env["ADMIN_PASSWORD"]["valueFrom"]!["secretKeyRef"]!["key"]).Should().Be("password");
        Data(rendered, "-airflow-config")["AIRFLOW__CORE__AUTH_MANAGER"].Should().Be("airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager");
    }

    [Fact]
    public async Task Local_executor_has_no_executor_rbac_and_no_api_token()
    {
        var rendered = await RenderAsync("4.1");

        rendered.OfKind("Role").Where(r => r.Name.Contains("airflow", StringComparison.Ordinal)).Should().BeEmpty();
        rendered.OfKind("ServiceAccount").Single(s => s.Name == "spark-spark-k8s-airflow-scheduler").Body["automountServiceAccountToken"]!
            .GetValue<bool>().Should().BeFalse();
        rendered.OfKind("ConfigMap").Should().NotContain(c => c.Name.EndsWith("-airflow-pod-template", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Kubernetes_executor_gets_its_pod_template_and_exactly_the_rbac_it_needs(string version)
    {
        var rendered = await RenderAsync(version, "airflow.executor=KubernetesExecutor");

        var role = rendered.OfKind("Role").Single(r => r.Name == "spark-spark-k8s-airflow-scheduler-executor");
        var rules = PodSpecs.Items(role.Body, "rules")
            .Select(r => $"{string.Join(",", ((JsonArray)r["resources"]!).Select(n => (string?)n))}: {string.Join(",", ((JsonArray)r["verbs"]!).Select(n => (string?)n).Order())}");
        rules.Should().BeEquivalentTo("pods: create,delete,get,list,patch,watch", "pods/log: get", "events: list");
        PodSpecs.Items(role.Body, "rules").Should().OnlyContain(r => ((JsonArray)r["apiGroups"]!).Single()!.GetValue<string>() == "");
        var binding = rendered.OfKind("RoleBinding").Single(b => b.Name == role.Name);
        ((string?)binding.Body["subjects"]![0]!["name"]).Should().Be("spark-spark-k8s-airflow-scheduler");
        rendered.OfKind("ServiceAccount").Single(s => s.Name == "spark-spark-k8s-airflow-scheduler").Body["automountServiceAccountToken"]!
            .GetValue<bool>().Should().BeTrue("the executor in the scheduler calls the API");

        var template = rendered.SparkPodTemplates.Single(t => t.Labels.GetValueOrDefault(Rendered.ComponentLabel) == "airflow-worker");
        ((string?)template.PodSpec!["serviceAccountName"]).Should().Be("spark-spark-k8s-airflow-worker");
        ((bool?)template.PodSpec!["automountServiceAccountToken"]).Should().BeFalse("tasks without Spark jobs need no API access");
        var baseContainer = template.Containers().Single();
        ((string?)baseContainer["name"]).Should().Be("base", "the KubernetesExecutor runs the task in the container named base");
        baseContainer.Env().Select(e => (string?)e["name"]).Should().NotContain(["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD", "AIRFLOW_DB_PASSWORD", "AIRFLOW__API_AUTH__JWT_SECRET"],
            "Airflow 3 task pods use the task execution API, not the database");
        var config = Data(rendered, "-airflow-config");
        config["AIRFLOW__KUBERNETES_EXECUTOR__POD_TEMPLATE_FILE"].Should().Be("/opt/airflow/pod-templates/pod_template.yaml");
        config["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].Should().Be("http://spark-spark-k8s-airflow-api-server.spark.svc:8080/execution/");
    }

    [Theory]
    [InlineData("airflow-k8s-submit", "LocalExecutor", "airflow-scheduler")]
    [InlineData("airflow-k8s-submit", "KubernetesExecutor", "airflow-worker")]
    [InlineData("airflow-operator", "KubernetesExecutor", "airflow-worker")]
    public async Task Spark_job_dags_get_the_submitter_or_operator_rights_on_the_account_that_runs_tasks(string preset, string executor, string runner)
    {
        var rendered = await PresetAsync(preset, "4.1", "dev", $"airflow.executor={executor}");

        var role = rendered.OfKind("Role").Single(r => r.Name == $"spark-spark-k8s-{runner}-spark");
        var groups = PodSpecs.Items(role.Body, "rules").SelectMany(r => ((JsonArray)r["apiGroups"]!).Select(n => (string)n!)).ToHashSet();
        groups.Should().BeEquivalentTo(preset == "airflow-operator" ? ["sparkoperator.k8s.io"] : new[] { "" });
        ((string?)rendered.OfKind("RoleBinding").Single(b => b.Name == role.Name).Body["subjects"]![0]!["name"]).Should().Be($"spark-spark-k8s-{runner}");
        var variables = Data(rendered, "-airflow-variables");
        variables["AIRFLOW_VAR_SPARK_K8S_JOB_SERVICE_ACCOUNT"].Should().Be("spark-spark-k8s-job-driver");
        rendered.OfKind("ServiceAccount").Should().Contain(s => s.Name == "spark-spark-k8s-job-driver", "the variable names an account the render has");
    }

    [Theory]
    [InlineData("dev", "spark-spark-k8s-airflow-admin")]
    [InlineData("prod", "spark-k8s-airflow-admin")]
    public async Task The_api_server_pod_names_the_admin_secret_smoke_reads(string environment, string secret)
    {
        var rendered = await PresetAsync("airflow-connect-k8s", "4.1", environment);

        var annotations = rendered.Single("Deployment", "airflow-api-server").Body["spec"]!["template"]!["metadata"]!["annotations"]!;
        ((string?)annotations["spark-k8s.io/airflow-admin-secret"]).Should().Be(secret);
        rendered.Single("Deployment", "airflow-scheduler").Body["spec"]!["template"]!["metadata"]!["annotations"]!["spark-k8s.io/airflow-admin-secret"]
            .Should().BeNull("only the api-server, which smoke forwards to, names it");
    }

    [Fact]
    public async Task Airflow_tasks_get_the_releases_mlflow_tracking_uri_only_with_mlflow()
    {
        var with = await PresetAsync("airflow-connect-k8s", "4.1", "dev", "mlflow.enabled=true");
        Data(with, "-airflow-config").Should().Contain("MLFLOW_TRACKING_URI", "http://spark-spark-k8s-mlflow.spark.svc:5000");

        var without = await PresetAsync("airflow-connect-k8s", "4.1");
        Data(without, "-airflow-config").Should().NotContainKey("MLFLOW_TRACKING_URI");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Connections_and_variables_follow_the_contract(string version)
    {
        var rendered = await PresetAsync("airflow-connect-k8s", version);

        var scheduler = MainContainer(rendered, "airflow-scheduler");
        var connect = JsonNode.Parse(Env(scheduler, "AIRFLOW_CONN_SPARK_CONNECT")!)!;
        ((string?)connect["conn_type"]).Should().Be("spark_connect");
        ((string?)connect["host"]).Should().Be("spark-spark-k8s-connect.spark.svc");
        Json.Int(connect["port"]).Should().Be(15002);
        if (version == "4.1")
        {
            ((string?)connect["password"]).Should().Be("$(SPARK_CONNECT_TOKEN)");
            ((string?)scheduler.EnvVar("SPARK_CONNECT_TOKEN")["valueFrom"]!["secretKeyRef"]!["name"]).Should().Be("spark-spark-k8s-connect-auth");
        }
        else
        {
            connect["password"].Should().BeNull("Spark 3.5 has no Connect authentication");
        }

        var submit = JsonNode.Parse(Env(scheduler, "AIRFLOW_CONN_SPARK_K8S_SUBMIT")!)!;
        ((string?)submit["conn_type"]).Should().Be("spark");
        ((string?)submit["host"]).Should().Be("k8s://https://kubernetes.default.svc");
        ((string?)submit["extra"]!["deploy-mode"]).Should().Be("cluster");
        ((string?)submit["extra"]!["namespace"]).Should().Be("spark");
        ((bool?)JsonNode.Parse(Env(scheduler, "AIRFLOW_CONN_KUBERNETES_DEFAULT")!)!["extra"]!["in_cluster"]).Should().BeTrue();
        ((string?)JsonNode.Parse(Env(scheduler, "AIRFLOW_CONN_SPARK_OPERATOR")!)!["conn_type"]).Should().Be("kubernetes");
        var s3 = JsonNode.Parse(Env(scheduler, "AIRFLOW_CONN_S3")!)!;
        ((string?)s3["conn_type"]).Should().Be("aws");
        ((string?)s3["extra"]!["endpoint_url"]).Should().Be("http://spark-spark-k8s-minio.spark.svc:9000");

        var variables = Data(rendered, "-airflow-variables");
        variables.Keys.Should().BeEquivalentTo(
            "AIRFLOW_VAR_SPARK_K8S_NAMESPACE", "AIRFLOW_VAR_SPARK_K8S_SPARK_IMAGE", "AIRFLOW_VAR_SPARK_K8S_SPARK_VERSION",
            "AIRFLOW_VAR_SPARK_K8S_OPERATOR_FLAVOUR", "AIRFLOW_VAR_SPARK_K8S_WAREHOUSE", "AIRFLOW_VAR_SPARK_K8S_METASTORE_URI",
            "AIRFLOW_VAR_SPARK_K8S_SPARK_CONF");
        variables["AIRFLOW_VAR_SPARK_K8S_SPARK_VERSION"].Should().StartWith(version + ".");
        variables["AIRFLOW_VAR_SPARK_K8S_METASTORE_URI"].Should().Be("thrift://spark-spark-k8s-metastore.spark.svc:9083");
        var conf = JsonNode.Parse(variables["AIRFLOW_VAR_SPARK_K8S_SPARK_CONF"])!.AsObject();
        conf.Select(p => p.Key).Should().Contain(["spark.hadoop.fs.s3a.endpoint", "spark.hadoop.fs.s3a.path.style.access",
            "spark.hadoop.fs.s3a.aws.credentials.provider", "spark.eventLog.dir", "spark.hadoop.hive.metastore.uris"]);
        ((string?)conf["spark.eventLog.dir"]).Should().Be(rendered.SparkDefaults("connect")["spark.eventLog.dir"]);
        variables["AIRFLOW_VAR_SPARK_K8S_SPARK_IMAGE"].Should().Be(rendered.SparkDefaults("connect")["spark.kubernetes.container.image"]);
    }

    [Theory]
    [InlineData("airflow-connect-k8s", "spark_k8s_connect_k8s.py")]
    [InlineData("airflow-connect-standalone", null)]
    [InlineData("airflow-k8s-submit", null)]
    public async Task Only_the_example_dags_of_the_releases_backend_are_mounted(string preset, string? present)
    {
        var rendered = await PresetAsync(preset, "4.1");

        var maps = rendered.OfKind("ConfigMap").Where(c => c.Name.EndsWith("-airflow-dags", StringComparison.Ordinal)).ToList();
        var keys = maps.SelectMany(m => ((JsonObject)m.Body["data"]!).Select(p => p.Key)).ToList();
        if (preset != "airflow-connect-k8s")
        {
            keys.Should().NotContain("spark_k8s_connect_k8s.py", "that DAG needs Connect on the k8s backend");
        }

        if (present is not null)
        {
            keys.Should().Contain(present);
            Data(rendered, "-airflow-config")["AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST"].Should().Contain("/opt/airflow/dags/examples");
        }

        var staging = await PresetAsync(preset, "4.1", "staging");
        staging.OfKind("ConfigMap").Should().NotContain(c => c.Name.EndsWith("-airflow-dags", StringComparison.Ordinal), "staging and prod keep the examples out");
    }

    [Fact]
    public async Task Git_sync_runs_as_a_pinned_sidecar_and_once_in_task_pods_with_its_own_egress()
    {
        var rendered = await RenderAsync("4.1", "airflow.executor=KubernetesExecutor", "airflow.dags.gitSync.enabled=true",
            "airflow.dags.gitSync.repo=https://git.example.com/data/dags.git", "airflow.dags.gitSync.existingSecret=git-creds", "networkPolicy.egress.gitCidrs[0]=10.9.0.0/16");

        using var scope = new AssertionScope();
        foreach (var component in new[] { "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer" })
        {
            var sync = rendered.Single("Deployment", component).Container("git-sync");
            ((string?)sync["image"]).Should().MatchRegex(@"^registry\.k8s\.io/git-sync/git-sync:v4\.[0-9]+\.[0-9]+$");
            ((string?)sync.EnvVar("GITSYNC_PASSWORD")["valueFrom"]!["secretKeyRef"]!["name"]).Should().Be("git-creds");
            var policy = rendered.OfKind("NetworkPolicy").Single(p => p.Name == $"spark-spark-k8s-{component}");
            policy.Body.ToJsonString().Should().Contain("10.9.0.0/16", $"{component} reaches the git server");
        }

        var template = rendered.SparkPodTemplates.Single(t => t.Labels.GetValueOrDefault(Rendered.ComponentLabel) == "airflow-worker");
        var init = template.InitContainers().First();
        template.InitContainers().Select(c => (string?)c["name"]).Should().Equal("git-sync-init", "install-spark-client");
        ((string?)init.EnvVar("GITSYNC_ONE_TIME")["value"]).Should().Be("true");
        Data(rendered, "-airflow-config")["AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST"].Should().Contain("/opt/airflow/dags/git/repo");
        rendered.OfKind("NetworkPolicy").Single(p => p.Name == "spark-spark-k8s-airflow-api-server").Body.ToJsonString()
            .Should().NotContain("10.9.0.0/16", "only the pods that sync DAGs reach the git server");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task No_secret_value_appears_in_env_literals_configmaps_or_args(string version)
    {
        var rendered = await PresetAsync("airflow-connect-k8s", version, "dev", "airflow.executor=KubernetesExecutor");

        var secretValues = rendered.OfKind("Secret")
            .SelectMany(s => ((JsonObject?)s.Body["data"] ?? []).Select(p => Encoding.UTF8.GetString(Convert.FromBase64String((string)p.Value!))))
            .Where(v => v.Length >= 12).ToHashSet();
        secretValues.Should().NotBeEmpty();

        using var scope = new AssertionScope();
        foreach (var obj in rendered.Objects.Where(o => o.Kind != "Secret"))
        {
            var text = obj.Body.ToJsonString();
            foreach (var value in secretValues)
            {
                text.Contains(value, StringComparison.Ordinal).Should().BeFalse($"{obj.DisplayName} holds a secret value in plain text");
            }
        }

        foreach (var component in Components.Take(4))
        {
            var env = MainContainer(rendered, component).Env().ToDictionary(e => (string)e["name"]!);
            foreach (var name in new[] { "AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API__SECRET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW_DB_PASSWORD" })
            {
                env[name]["valueFrom"]!["secretKeyRef"].Should().NotBeNull($"{component} {name}");
            }

            env.Should().NotContainKey("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "the URL is built at run time by the _CMD command");
            ((string?)env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD"]["value"]).Should().Contain("AIRFLOW_DB_PASSWORD").And.NotContain("$(", "no Kubernetes substitution puts the raw password into a URL");
        }
    }

    [Theory]
    [InlineData("airflow: {config: {AIRFLOW__CORE__FERNET_KEY: x}}", "airflow.config.AIRFLOW__CORE__FERNET_KEY", "Secrets")]
    [InlineData("airflow: {config: {core.dags_folder: x}}", "airflow.config.core.dags_folder", "AIRFLOW__<SECTION>__<KEY>")]
    [InlineData("postgresql: {enabled: false}\nmetastore: {enabled: false}\nbackup: {databases: {metastore: {enabled: false}}}", "airflow.externalDatabase.host", "postgresql.enabled")]
    [InlineData("airflow: {externalDatabase: {host: pg.example.com}}", "airflow.externalDatabase.existingSecret", "password")]
    public async Task Bad_airflow_values_fail_with_the_key_named(string values, string key, string hint)
    {
        var error = await ChartRender.RenderErrorAsync(new RenderInput(Sets: ["airflow.enabled=true"], ValuesYaml: values));
        error.Should().Contain(key).And.Contain(hint);
    }

    [Theory]
    [InlineData("airflow: {executor: CeleryExecutor}", "airflow/executor")]
    [InlineData("airflow: {baseImage: {tag: '2.10.5-python3.10'}}", "airflow/baseImage/tag")]
    [InlineData("airflow: {baseImage: {tag: '3.3.0'}}", "airflow/baseImage/tag")]
    [InlineData("airflow: {sparkPackages: {'4.1': {pyspark-client: latest}}}", "airflow/sparkPackages/4.1/pyspark-client")]
    [InlineData("airflow: {dags: {gitSync: {image: {tag: v3.6.9}}}}", "airflow/dags/gitSync/image/tag")]
    [InlineData("airflow: {dags: {gitSync: {repo: 'git@github.com:x/y.git'}}}", "airflow/dags/gitSync/repo")]
    [InlineData("airflow: {scheduler: {replicas: 0}}", "airflow/scheduler/replicas")]
    [InlineData("airflow: {webserver: {}}", "airflow")]
    public async Task The_schema_rejects_wrong_airflow_values_with_the_key_path(string values, string path)
    {
        var error = await ChartRender.RenderErrorAsync(new RenderInput(ValuesYaml: values));
        error.Should().Match(e => e.Contains(path.Replace('/', '.')) || e.Contains("'/" + path), error);
    }

    [Fact]
    public async Task External_database_is_used_instead_of_the_charts_postgresql()
    {
        var rendered = await RenderAsync("4.1", "airflow.externalDatabase.host=pg.example.com", "airflow.externalDatabase.existingSecret=af-db");

        var scheduler = MainContainer(rendered, "airflow-scheduler");
        AirflowDatabaseUrlTests.Url(scheduler, "pw").Should().Be("postgresql+psycopg2://airflow:pw@pg.example.com:5432/airflow?sslmode=prefer");
        ((string?)MainContainer(rendered, "airflow-scheduler").EnvVar("AIRFLOW_DB_PASSWORD")["valueFrom"]!["secretKeyRef"]!["name"]).Should().Be("af-db");
        rendered.OfKind("Secret").Should().NotContain(s => s.Name == "spark-spark-k8s-postgresql-airflow");
        rendered.OfKind("Job").Single(j => j.Name.Contains("postgresql-roles", StringComparison.Ordinal)).Containers().Single().Env()
            .Select(e => (string?)e["name"]).Should().NotContain("DB_AIRFLOW_NAME");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Backups_include_the_airflow_database_through_the_backup_role(string version)
    {
        var on = await RenderAsync(version, "backup.enabled=true");
        var off = await ChartRender.RenderAsync(version, "backup.enabled=true");

        var names = on.OfKind("CronJob").Where(c => c.Labels[Rendered.ComponentLabel] == "backup").Select(c => c.Name).ToList();
        names.Should().Contain(n => n.Contains("airflow", StringComparison.Ordinal));
        var airflow = on.OfKind("CronJob").Single(c => c.Labels[Rendered.ComponentLabel] == "backup" && c.Name.Contains("airflow", StringComparison.Ordinal));
        airflow.Body.ToJsonString().Should().Contain("postgresql://hive_backup@spark-spark-k8s-postgresql.spark.svc:5432/airflow");
        off.OfKind("CronJob").Should().NotContain(c => c.Name.Contains("airflow", StringComparison.Ordinal), "no Airflow, no Airflow backup");
    }

    public static TheoryData<string, string> Executors() => new()
    {
        { "3.5", "LocalExecutor" }, { "4.1", "LocalExecutor" }, { "3.5", "KubernetesExecutor" }, { "4.1", "KubernetesExecutor" },
    };

    [Theory]
    [MemberData(nameof(Executors))]
    public async Task Exactly_the_required_flows_are_allowed_for_both_executors(string version, string executor)
    {
        var rendered = await PresetAsync("airflow-connect-k8s", version, "dev", $"airflow.executor={executor}");
        var pods = ReleaseNetwork.Pods(rendered);
        var required = ReleaseNetwork.Required(pods, inChartS3: true, inChartDatabase: true);

        pods.Select(ReleaseNetwork.Component).Should().Contain(executor == "KubernetesExecutor" ? "airflow-worker" : "airflow-scheduler");
        required.Should().Contain(new Flow(executor == "KubernetesExecutor" ? "airflow-worker" : "airflow-scheduler", "connect", "grpc"));
        ReleaseNetwork.Mismatches(new NetworkPolicyEvaluator(rendered.Objects), pods, required).Should().BeEmpty();
    }

    [Fact]
    public async Task Pod_disruption_budgets_come_with_more_than_one_replica()
    {
        var one = await RenderAsync("4.1");
        var two = await RenderAsync("4.1", "airflow.apiServer.replicas=2", "airflow.scheduler.replicas=2");

        one.OfKind("PodDisruptionBudget").Should().NotContain(p => p.Labels[Rendered.ComponentLabel].StartsWith("airflow", StringComparison.Ordinal));
        two.OfKind("PodDisruptionBudget").Select(p => p.Labels[Rendered.ComponentLabel]).Should().Contain(["airflow-api-server", "airflow-scheduler"]);
    }

    [Fact]
    public async Task Two_releases_side_by_side_get_distinct_airflow_names()
    {
        var a = await ChartRender.RenderAsync(new RenderInput(Sets: ["airflow.enabled=true"], Release: "one"));
        var b = await ChartRender.RenderAsync(new RenderInput(Sets: ["airflow.enabled=true"], Release: "two"));

        static IEnumerable<string> Names(Rendered r) => r.Objects.Where(o => o.Name.Contains("airflow", StringComparison.Ordinal)).Select(o => o.DisplayName);
        Names(a).Intersect(Names(b)).Should().BeEmpty();
        Data(a, "-airflow-config")["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].Should().Contain("one-spark-k8s-airflow-api-server");
    }
}
