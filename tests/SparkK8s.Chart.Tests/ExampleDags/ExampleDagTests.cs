using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Processes;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests.ExampleDags;

/// <summary>
/// Issue 11 §2: the example DAGs in charts/spark-k8s/files/airflow/dags. They compile with Python 3, follow the
/// contract (DAG id = file stem, tag, no schedule, paused on creation), read only connections and Variables the chart
/// defines, run the pipeline (write, read back, count check), and what they submit is valid: the spark-submit driver
/// pod and the SparkApplication of each operator flavour pass the strict Kubernetes/CRD schemas and Pod Security
/// "restricted". No Airflow is needed: dag_facts.py reads the files with Python's ast module, and runs single task
/// functions against stand-ins of the Airflow API.
/// </summary>
public class ExampleDagTests
{
    private const string SecretSentinel = "sentinel-secret-value-never-in-a-pod";

    private static string Script => Path.Combine(RepoPaths.Root, "tests", "SparkK8s.Chart.Tests", "ExampleDags", "dag_facts.py");

    public static TheoryData<string> DagFiles() => new(ExampleDagContract.DagPresets.Keys.Order(StringComparer.Ordinal));

    public static TheoryData<string, string> OperatorRenders()
    {
        var data = new TheoryData<string, string>();
        foreach (var line in ChartRender.SparkVersions)
        {
            data.Add("kubeflow", line);
        }

        data.Add("apache", "4.1"); // the Apache operator runs Spark 4.0 and later (values.yaml operator.flavor)
        return data;
    }

    private static async Task<ProcessResult> PythonAsync(params string[] arguments)
    {
        var python = ProcessRunner.FindOnPath("python3")
            ?? throw new InvalidOperationException("python3 is not installed (apt-get install python3): the example DAG tests need it");
        return await ProcessRunner.RunAsync(python, arguments, TestContext.Current.CancellationToken, RepoPaths.Root);
    }

    private static async Task<JsonNode> ScriptJsonAsync(params string[] arguments)
    {
        var result = await PythonAsync([Script, .. arguments]);
        result.ExitCode.Should().Be(0, result.StandardError);
        return JsonNode.Parse(result.StandardOutput)!;
    }

    private static async Task<JsonObject> FactsAsync(string file) =>
        (JsonObject)(await ScriptJsonAsync("facts", Path.Combine(ExampleDagContract.DagFolder, file)))[0]!;

    private static IReadOnlyList<string> Strings(JsonNode? node) => node?.AsArray().Select(n => (string)n!).ToList() ?? [];

    [Fact]
    public void The_dag_folder_holds_exactly_the_contract_files()
    {
        var files = Directory.EnumerateFiles(ExampleDagContract.DagFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal);

        files.Should().Equal(ExampleDagContract.DagPresets.Keys.Concat(ExampleDagContract.CompanionFiles.Keys).Order(StringComparer.Ordinal),
            "the chart renders these names into the DAG ConfigMap (contracts.md); a renamed or extra file would be missed or shipped by accident");
    }

    [Theory]
    [MemberData(nameof(DagFiles))]
    public async Task Dag_file_compiles_with_python3(string file)
    {
        using var temp = new TempDirectory();
        var result = await PythonAsync("-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)",
            Path.Combine(ExampleDagContract.DagFolder, file), Path.Combine(temp.Path, "out.pyc"));

        result.ExitCode.Should().Be(0, result.StandardError);
    }

    [Theory]
    [MemberData(nameof(DagFiles))]
    public async Task Dag_id_is_the_file_stem_tagged_unscheduled_and_paused_on_creation(string file)
    {
        var facts = await FactsAsync(file);

        var dag = facts["dags"]!.AsArray().Should().ContainSingle($"{file} defines one DAG").Subject!;
        ((string?)dag["dagId"]).Should().Be(Path.GetFileNameWithoutExtension(file));
        Strings(dag["tags"]).Should().Contain(ExampleDagContract.Tag);
        ((bool)dag["scheduleGiven"]!).Should().BeTrue("schedule=None must be explicit");
        dag["schedule"].Should().BeNull("example DAGs run only when triggered");
        ((bool?)dag["paused"]).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(DagFiles))]
    public async Task Dag_runs_the_pipeline_write_read_and_count_check(string file)
    {
        var facts = await FactsAsync(file);

        Strings(facts["steps"]).Should().BeEquivalentTo(["write", "read", "count", "assert-count"],
            "each example writes a metastore table (saveAsTable), reads it back (spark.table), counts and fails on a mismatch");
    }

    [Theory]
    [MemberData(nameof(DagFiles))]
    public async Task Dag_reads_only_connections_the_chart_defines(string file)
    {
        var facts = await FactsAsync(file);
        var defined = await DefinedAsync(file, "AIRFLOW_CONN_", ExampleDagContract.ConnectionIds, id => id.ToUpperInvariant());

        Strings(facts["unresolved"]).Should().BeEmpty("every connection id is a literal or a module constant, so it can be checked");
        Strings(facts["connections"]).Should().NotBeEmpty().And.BeSubsetOf(defined);
    }

    [Theory]
    [MemberData(nameof(DagFiles))]
    public async Task Dag_and_its_template_read_only_variables_the_chart_sets(string file)
    {
        var variables = Strings((await FactsAsync(file))["variables"]).ToList();
        foreach (var (companion, owner) in ExampleDagContract.CompanionFiles.Where(c => c.Value == file))
        {
            variables.AddRange(Strings((await ScriptJsonAsync("template", Path.Combine(ExampleDagContract.DagFolder, companion)))["variables"]));
        }

        var defined = await DefinedAsync(file, "AIRFLOW_VAR_", ExampleDagContract.Variables, name => name);
        variables.Should().BeSubsetOf(defined);
    }

    /// <summary>
    /// Names the chart defines with that env prefix: from the render of the DAG's preset (env names of the Airflow
    /// containers, keys of the Secrets and ConfigMaps they read) once templates/airflow exists, else the contract list.
    /// </summary>
    private static async Task<IReadOnlyList<string>> DefinedAsync(string file, string prefix, IReadOnlyList<string> contract, Func<string, string> toEnv)
    {
        if (!ExampleDagContract.AirflowTemplatesExist)
        {
            return contract;
        }

        var rendered = await ChartRender.RenderAsync(ExampleDagContract.PresetRender(file));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var obj in rendered.Objects)
        {
            foreach (var container in obj.AllContainers())
            {
                names.UnionWith(container.Env().Select(e => (string?)e["name"] ?? string.Empty));
            }

            if (obj.Kind is "Secret" or "ConfigMap")
            {
                foreach (var section in new[] { "data", "stringData" })
                {
                    names.UnionWith((obj.Body[section] as JsonObject)?.Select(p => p.Key) ?? []);
                }
            }
        }

        var defined = names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Select(n => n[prefix.Length..]).ToHashSet(StringComparer.Ordinal);
        return contract.Where(c => defined.Contains(toEnv(c))).ToList();
    }

    [Theory]
    [MemberData(nameof(DagFiles))]
    public async Task Once_the_chart_renders_airflow_the_dag_ships_in_its_presets_dag_config_map(string file)
    {
        if (!ExampleDagContract.AirflowTemplatesExist)
        {
            // Until br-airflow lands there is nothing to render; the contract lists stand in (DefinedAsync).
            Directory.Exists(Path.Combine(RepoPaths.Chart, "templates", "airflow")).Should().BeFalse();
            return;
        }

        var rendered = await ChartRender.RenderAsync(ExampleDagContract.PresetRender(file));
        var shipped = rendered.OfKind("ConfigMap").SelectMany(c => (c.Body["data"] as JsonObject)?.Select(p => p.Key) ?? []).ToList();
        shipped.Should().Contain(file);
        foreach (var (companion, _) in ExampleDagContract.CompanionFiles.Where(c => c.Value == file))
        {
            shipped.Should().Contain(companion);
        }
    }

    /// <summary>What the chart would set for a release "spark" in namespace "spark" on one Spark line.</summary>
    private static JsonObject TaskInputs(string line, string flavour)
    {
        var values = ManifestParser.ParseYaml(File.ReadAllText(Path.Combine(RepoPaths.Chart, "values.yaml")), "values.yaml")!;
        var release = values["spark"]!["releases"]![line]!;
        var conf = new JsonObject
        {
            ["spark.hadoop.fs.s3a.endpoint"] = "http://spark-spark-k8s-minio.spark.svc:9000",
            ["spark.hadoop.fs.s3a.path.style.access"] = "true",
            ["spark.hadoop.fs.s3a.aws.credentials.provider"] = "com.amazonaws.auth.EnvironmentVariableCredentialsProvider",
            ["spark.kubernetes.driver.secretKeyRef.AWS_ACCESS_KEY_ID"] = "spark-spark-k8s-s3-spark:accessKey",
            ["spark.kubernetes.driver.secretKeyRef.AWS_SECRET_ACCESS_KEY"] = "spark-spark-k8s-s3-spark:secretKey",
            ["spark.kubernetes.executor.secretKeyRef.AWS_ACCESS_KEY_ID"] = "spark-spark-k8s-s3-spark:accessKey",
            ["spark.kubernetes.executor.secretKeyRef.AWS_SECRET_ACCESS_KEY"] = "spark-spark-k8s-s3-spark:secretKey",
            ["spark.eventLog.enabled"] = "true",
            ["spark.eventLog.dir"] = "s3a://spark-logs/events",
        };
        return new JsonObject
        {
            ["variables"] = new JsonObject
            {
                ["SPARK_K8S_NAMESPACE"] = "spark",
                ["SPARK_K8S_SPARK_IMAGE"] = $"apache/spark:{(string)release["imageTag"]!}",
                ["SPARK_K8S_SPARK_VERSION"] = (string)release["sparkVersion"]!,
                ["SPARK_K8S_JOB_SERVICE_ACCOUNT"] = "spark-spark-k8s-job-driver",
                ["SPARK_K8S_OPERATOR_FLAVOUR"] = flavour,
                ["SPARK_K8S_WAREHOUSE"] = "s3a://warehouse/hive",
                ["SPARK_K8S_METASTORE_URI"] = "thrift://spark-spark-k8s-metastore.spark.svc:9083",
                ["SPARK_K8S_SPARK_CONF"] = conf.ToJsonString(),
            },
            ["connections"] = new JsonObject
            {
                ["spark_k8s_submit"] = new JsonObject { ["host"] = "k8s://https://kubernetes.default.svc", ["extra"] = new JsonObject { ["namespace"] = "spark", ["deploy-mode"] = "cluster" } },
                ["spark_operator"] = new JsonObject { ["extra"] = new JsonObject { ["namespace"] = "spark", ["in_cluster"] = true } },
                ["s3"] = new JsonObject { ["login"] = "spark", ["password"] = SecretSentinel },
                ["spark_connect"] = new JsonObject { ["host"] = "spark-spark-k8s-connect.spark.svc", ["port"] = 15002, ["password"] = SecretSentinel },
            },
            ["labels"] = new JsonObject
            {
                ["app.kubernetes.io/name"] = "spark-k8s",
                ["app.kubernetes.io/instance"] = "spark",
                ["app.kubernetes.io/component"] = "airflow-scheduler",
            },
        };
    }

    private static async Task<JsonNode> RunTaskAsync(string file, string task, JsonObject inputs)
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "inputs.json");
        await File.WriteAllTextAsync(path, inputs.ToJsonString(), TestContext.Current.CancellationToken);
        return await ScriptJsonAsync("run", Path.Combine(ExampleDagContract.DagFolder, file), task, path);
    }

    private static void ShouldBeRestricted(KubeObject pod, string what)
    {
        var spec = pod.PodSpec!;
        ((bool?)spec["securityContext"]?["runAsNonRoot"]).Should().BeTrue(what);
        ((long?)spec["securityContext"]?["runAsUser"]).Should().Be(185, $"{what}: the apache/spark image's spark user");
        ((string?)spec["securityContext"]?["seccompProfile"]?["type"]).Should().Be("RuntimeDefault", what);
        foreach (var container in pod.AllContainers())
        {
            var sc = container["securityContext"];
            ((bool?)sc?["allowPrivilegeEscalation"]).Should().BeFalse(what);
            ((bool?)sc?["readOnlyRootFilesystem"]).Should().BeTrue(what);
            sc?["capabilities"]?["drop"]?.AsArray().Select(c => (string?)c).Should().Contain("ALL", what);
            PodSpecs.Items(container, "volumeMounts").Select(m => (string?)m["mountPath"]).Should().Contain("/tmp", $"{what}: Spark and Python write to /tmp");
        }
    }

    [Theory]
    [MemberData(nameof(ChartRender.Versions), MemberType = typeof(ChartRender))]
    public async Task Submit_dag_starts_a_restricted_driver_pod_that_passes_the_strict_schema(string line)
    {
        var output = await RunTaskAsync("spark_k8s_submit.py", "plan_submission", TaskInputs(line, "kubeflow"));
        var body = (JsonObject)output["result"]!["pod"]!.DeepClone();
        body["metadata"]!["name"] = "spark-k8s-submit";
        var pod = new KubeObject(body, "spark_k8s_submit.py");
        var container = pod.Container("base");
        var command = Strings(container["command"]);
        var env = container.Env().ToList();
        var executor = (JsonObject)JsonNode.Parse((string)container.EnvVar("EXECUTOR_POD_TEMPLATE")["value"]!)!;
        executor["metadata"]!["name"] = "spark-k8s-submit-executor";

        using var scope = new AssertionScope();
        KubeSchema.Validate(pod).Should().BeEmpty();
        KubeSchema.Validate(new KubeObject(executor, "spark_k8s_submit.py")).Should().BeEmpty();
        ShouldBeRestricted(pod, "driver pod");
        ShouldBeRestricted(new KubeObject(executor, "executor template"), "executor pod template");
        ((string?)pod.PodSpec!["serviceAccountName"]).Should().Be("spark-spark-k8s-job-driver", "SPARK_K8S_JOB_SERVICE_ACCOUNT");
        pod.Labels.Should().Contain("app.kubernetes.io/component", "job-driver").And.Contain("app.kubernetes.io/instance", "spark");
        executor["metadata"]!["labels"]!["app.kubernetes.io/component"]!.GetValue<string>().Should().Be("job-executor");
        command.Should().ContainInOrder("--conf", "spark.master=k8s://https://kubernetes.default.svc")
            .And.Contain("spark.submit.deployMode=client").And.Contain("spark.driver.host=$(POD_IP)")
            .And.Contain("spark.kubernetes.driver.pod.name=$(POD_NAME)").And.Contain("spark.kubernetes.namespace=spark")
            .And.Contain("spark.sql.warehouse.dir=s3a://warehouse/hive")
            .And.Contain("spark.kubernetes.executor.secretKeyRef.AWS_SECRET_ACCESS_KEY=spark-spark-k8s-s3-spark:secretKey");
        command.Should().NotContain(c => c.StartsWith("spark.kubernetes.driver.secretKeyRef.", StringComparison.Ordinal),
            "in client mode the driver is this pod: its credentials are secretKeyRef env entries of the pod");
        env.Should().Contain(e => (string?)e["name"] == "AWS_SECRET_ACCESS_KEY"
            && (string?)e["valueFrom"]!["secretKeyRef"]!["name"] == "spark-spark-k8s-s3-spark" && (string?)e["valueFrom"]!["secretKeyRef"]!["key"] == "secretKey");
        var names = env.Select(e => (string)e["name"]!).ToList();
        names.IndexOf("PIPELINE_SOURCE").Should().BeLessThan(names.IndexOf("POD_IP"), "Kubernetes would expand $(POD_IP) inside the source otherwise");
        ((string)container.EnvVar("PIPELINE_SOURCE")["value"]!).Should().Be(File.ReadAllText(Path.Combine(ExampleDagContract.DagFolder, "spark_k8s_submit.py")));
        output.ToJsonString().Should().NotContain(SecretSentinel);
        container["resources"]!["limits"]!["memory"].Should().NotBeNull();
    }

    [Theory]
    [MemberData(nameof(OperatorRenders))]
    public async Task Operator_template_renders_a_spark_application_that_passes_its_crd_schema(string flavour, string line)
    {
        var inputs = TaskInputs(line, flavour);
        var staged = await RunTaskAsync("spark_k8s_operator.py", "stage_application", inputs);
        var calls = staged["calls"]!.AsArray().Select(c => c!.AsArray().Select(x => x?.ToString()).ToList()).ToList();
        var render = new JsonObject { ["variables"] = inputs["variables"]!.DeepClone(), ["staged"] = staged["result"]!.DeepClone() };
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "render.json");
        await File.WriteAllTextAsync(path, render.ToJsonString(), TestContext.Current.CancellationToken);
        var result = await PythonAsync(Script, "render", Path.Combine(ExampleDagContract.DagFolder, "spark_k8s_operator_app.yaml"), path);
        result.ExitCode.Should().Be(0, result.StandardError);
        var app = new KubeObject((JsonObject)ManifestParser.ParseYaml(result.StandardOutput, "spark_k8s_operator_app.yaml")!, "spark_k8s_operator_app.yaml");
        var spec = app.Body["spec"]!;
        var version = (string)inputs["variables"]!["SPARK_K8S_SPARK_VERSION"]!;

        using var scope = new AssertionScope();
        app.ApiVersion.Should().Be(flavour == "apache" ? "spark.apache.org/v1" : "sparkoperator.k8s.io/v1beta2");
        app.Kind.Should().Be("SparkApplication");
        KubeSchema.Validate(app).Should().BeEmpty();
        app.Namespace.Should().Be("spark");
        calls.Should().Contain(c => c[0] == "load_file" && c[3] == "warehouse", "the application file is uploaded next to the warehouse");
        string mainFile;
        if (flavour == "apache")
        {
            ((string?)spec["runtimeVersions"]!["sparkVersion"]).Should().Be(version);
            mainFile = (string)spec["pyFiles"]!;
            ((string?)spec["sparkConf"]!["spark.kubernetes.authenticate.driver.serviceAccountName"]).Should().Be("spark-spark-k8s-job-driver");
            foreach (var role in new[] { "driver", "executor" })
            {
                var template = (JsonObject)spec[$"{role}Spec"]!["podTemplateSpec"]!.DeepClone();
                template["apiVersion"] = "v1";
                template["kind"] = "Pod";
                template["metadata"]!["name"] = $"app-{role}";
                var pod = new KubeObject(template, "spark_k8s_operator_app.yaml");
                ShouldBeRestricted(pod, $"{role} pod template");
                pod.Labels.Should().Contain("app.kubernetes.io/component", $"job-{role}");
            }
        }
        else
        {
            ((string?)spec["sparkVersion"]).Should().Be(version);
            ((string?)spec["type"]).Should().Be("Python");
            ((string?)spec["mode"]).Should().Be("cluster");
            mainFile = (string)spec["mainApplicationFile"]!;
            ((string?)spec["driver"]!["serviceAccount"]).Should().Be("spark-spark-k8s-job-driver");
            foreach (var role in new[] { "driver", "executor" })
            {
                // SparkKubernetesOperator reads spec.driver/executor.labels (custom_object_launcher.py) and waits for <name>-driver.
                ((string?)spec[role]!["labels"]!["app.kubernetes.io/component"]).Should().Be($"job-{role}");
                var template = (JsonObject)spec[role]!["template"]!.DeepClone();
                template["apiVersion"] = "v1";
                template["kind"] = "Pod";
                template["metadata"]!["name"] = $"app-{role}";
                ShouldBeRestricted(new KubeObject(template, "spark_k8s_operator_app.yaml"), $"{role} pod template");
            }
        }

        mainFile.Should().StartWith("s3a://warehouse/hive/_airflow/spark_k8s_operator/").And.EndWith("/spark_k8s_operator.py");
        result.StandardOutput.Should().NotContain(SecretSentinel);
        JsonSerializer.Serialize(spec["sparkConf"]).Should().Contain("spark.hadoop.hive.metastore.uris");
    }
}
