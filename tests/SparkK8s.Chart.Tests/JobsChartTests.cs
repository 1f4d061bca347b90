using System.Diagnostics;
using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Manifests;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>Batch jobs (values `jobs`): submit Jobs/CronJobs and operator applications on both Spark lines.</summary>
public class JobsChartTests
{
    private const string JobLabel = "spark-k8s.io/job";

    /// <summary>A one-off Python job from a ConfigMap, a scheduled JVM job and a job with a Secret env var.</summary>
    private const string Jobs = """
        jobs:
          load:
            pythonSource: |
              print("load")
            team: analytics
            secretEnv:
              - {name: API_TOKEN, secretName: api-credentials, key: token}
          nightly:
            mainApplicationFile: local:///opt/spark/examples/jars/spark-examples.jar
            mainClass: org.apache.spark.examples.SparkPi
            args: ["100"]
            jars: [s3a://deps/extra.jar]
            schedule: "0 2 * * *"
            timeZone: Europe/Berlin
            retries: 4
            ttlSecondsAfterFinished: 600
        """;

    public static TheoryData<string> Versions() => ChartRender.Versions();

    public static TheoryData<string, string> Backends()
    {
        var data = new TheoryData<string, string>();
        foreach (var version in ChartRender.SparkVersions)
        {
            data.Add(version, "submit");
            data.Add(version, "kubeflow");
        }

        data.Add("4.1", "apache");
        return data;
    }

    private static Task<Rendered> RenderAsync(string version, string backend, string jobs = Jobs)
    {
        var sets = new List<string> { $"spark.version={version}", $"jobDefaults.type={(backend == "submit" ? "submit" : "operator")}" };
        if (backend != "submit")
        {
            sets.Add($"operator.flavor={backend}");
        }

        var yaml = backend == "apache" ? jobs.Replace("    schedule: \"0 2 * * *\"\n    timeZone: Europe/Berlin\n", string.Empty, StringComparison.Ordinal) : jobs;
        return ChartRender.RenderAsync(new RenderInput(Sets: sets, ValuesYaml: yaml));
    }

    [Fact]
    public async Task Volcano_jobs_get_a_pod_group_template_with_the_queue_and_kubeflow_its_batch_scheduler_fields()
    {
        string[] volcano = ["spark.version=4.1", "connect.enabled=false", "jupyter.enabled=false", "spark.executorScheduling.batchScheduler.name=volcano", "spark.executorScheduling.batchScheduler.queue=batch"];
        var submit = await ChartRender.RenderAsync(new RenderInput(Sets: [.. volcano, "jobDefaults.type=submit"], ValuesYaml: Jobs));
        var map = OfJob(submit, "ConfigMap", "load");
        var conf = SparkDefaultsFile.Parse((string)map.Body["data"]!["spark-defaults.conf"]!);

        conf["spark.kubernetes.scheduler.name"].Should().Be("volcano");
        conf["spark.kubernetes.driver.pod.featureSteps"].Should().Be("org.apache.spark.deploy.k8s.features.VolcanoFeatureStep");
        conf["spark.kubernetes.scheduler.volcano.podGroupTemplateFile"].Should().EndWith("/podgroup-template.yaml");
        var podGroup = (System.Text.Json.Nodes.JsonObject)SparkK8s.Core.Manifests.ManifestParser.ParseYaml((string)map.Body["data"]!["podgroup-template.yaml"]!, "podgroup")!;
        ((string?)podGroup["kind"]).Should().Be("PodGroup");
        ((string?)podGroup["spec"]!["queue"]).Should().Be("batch");

        var kubeflow = await ChartRender.RenderAsync(new RenderInput(Sets: [.. volcano, "jobDefaults.type=operator", "operator.flavor=kubeflow"], ValuesYaml: Jobs));
        var app = OfJob(kubeflow, "SparkApplication", "load");
        ((string?)app.Body["spec"]!["batchScheduler"]).Should().Be("volcano");
        ((string?)app.Body["spec"]!["batchSchedulerOptions"]!["queue"]).Should().Be("batch");

        var plain = await ChartRender.RenderAsync(new RenderInput(Sets: ["spark.version=4.1", "jobDefaults.type=submit"], ValuesYaml: Jobs));
        OfJob(plain, "ConfigMap", "load").Body["data"]!["podgroup-template.yaml"].Should().BeNull("no batch scheduler, no PodGroup");
    }

    private static KubeObject OfJob(Rendered rendered, string kind, string job) =>
        rendered.OfKind(kind).Single(o => o.Labels.GetValueOrDefault(JobLabel) == job);

    private static IReadOnlyList<string> Args(KubeObject workload) =>
        workload.Container("spark-submit")["args"]!.AsArray().Select(a => (string)a!).ToList();

    private static KubeObject Pod(string yaml, string name)
    {
        var body = (JsonObject)ManifestParser.ParseYaml(yaml, name)!;
        body["metadata"]!["name"] = name;
        return new KubeObject(body, name);
    }

    private static KubeObject Pod(JsonObject template, string name)
    {
        var body = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = template["metadata"]!.DeepClone(), ["spec"] = template["spec"]!.DeepClone() };
        body["metadata"]!["name"] = name;
        return new KubeObject(body, name);
    }

    /// <summary>Every pod a job runs: the submitter pods and the driver and executor templates (ConfigMaps or applications).</summary>
    private static IEnumerable<KubeObject> JobPods(Rendered rendered)
    {
        foreach (var workload in rendered.Objects.Where(o => o.PodSpec is not null && o.Labels.ContainsKey(JobLabel)))
        {
            yield return workload;
        }

        foreach (var map in rendered.OfKind("ConfigMap").Where(o => o.Labels.GetValueOrDefault(Rendered.ComponentLabel) == "job-submitter"))
        {
            foreach (var role in new[] { "driver", "executor" })
            {
                yield return Pod((string)map.Body["data"]![$"{role}-pod-template.yaml"]!, $"{map.Name}-{role}");
            }
        }

        foreach (var app in rendered.Objects.Where(o => o.Kind is "SparkApplication" or "ScheduledSparkApplication"))
        {
            var spec = app.Kind == "ScheduledSparkApplication" ? app.Body["spec"]!["template"]! : app.Body["spec"]!;
            foreach (var role in new[] { "driver", "executor" })
            {
                var template = app.ApiVersion.StartsWith("spark.apache.org/", StringComparison.Ordinal)
                    ? spec[$"{role}Spec"]!["podTemplateSpec"]! : spec[role]!["template"]!;
                yield return Pod(template.AsObject(), $"{app.Name}-{role}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Submit_jobs_render_a_job_or_a_cron_job_running_spark_submit_in_cluster_mode(string version)
    {
        var rendered = await RenderAsync(version, "submit");
        var job = OfJob(rendered, "Job", "load");
        var cron = OfJob(rendered, "CronJob", "nightly");
        var conf = SparkDefaultsFile.Parse((string)OfJob(rendered, "ConfigMap", "load").Body["data"]!["spark-defaults.conf"]!);

        using var scope = new AssertionScope();
        job.Name.Should().Be("spark-spark-k8s-job-load-r1", "a Job's pod template is immutable, so one-off jobs are named per revision");
        ((long?)job.Body["spec"]!["ttlSecondsAfterFinished"]).Should().Be(86400);
        ((long?)job.Body["spec"]!["backoffLimit"]).Should().Be(2);
        Args(job).Should().StartWith(["--master", "k8s://https://kubernetes.default.svc", "--deploy-mode", "cluster", "--name", "spark-spark-k8s-load"]);
        Args(job).Last().Should().Be("local:///opt/spark/job/main.py");
        conf["spark.submit.deployMode"].Should().Be("cluster");
        conf["spark.kubernetes.submission.waitAppCompletion"].Should().Be("true");
        conf["spark.kubernetes.authenticate.driver.serviceAccountName"].Should().Be("spark-spark-k8s-job-driver");
        conf["spark.kubernetes.driver.podTemplateFile"].Should().Be("/tmp/spark-templates/driver-pod-template.yaml");
        conf["spark.kubernetes.executor.podTemplateFile"].Should().Be("/opt/spark/conf/executor-pod-template.yaml");
        conf["spark.kubernetes.container.image"].Should().StartWith($"apache/spark:{version}.");
        conf["spark.eventLog.dir"].Should().Be("s3a://spark-events/spark-events/spark/spark-spark-k8s");
        conf["spark.kubernetes.driver.label.spark-k8s.io/job"].Should().Be("load");
        conf["spark.kubernetes.executor.label.spark-k8s.io/job"].Should().Be("load");
        conf["spark.kubernetes.executor.label.team"].Should().Be("analytics");
        ((string?)job.PodSpec!["serviceAccountName"]).Should().Be("spark-spark-k8s-job-submitter");

        var cronSpec = cron.Body["spec"]!;
        ((string?)cronSpec["schedule"]).Should().Be("0 2 * * *");
        ((string?)cronSpec["timeZone"]).Should().Be("Europe/Berlin");
        ((string?)cronSpec["concurrencyPolicy"]).Should().Be("Forbid");
        ((long?)cronSpec["jobTemplate"]!["spec"]!["backoffLimit"]).Should().Be(4);
        ((long?)cronSpec["jobTemplate"]!["spec"]!["ttlSecondsAfterFinished"]).Should().Be(600);
        Args(cron).Should().ContainInOrder("--class", "org.apache.spark.examples.SparkPi", "--jars", "s3a://deps/extra.jar",
            "local:///opt/spark/examples/jars/spark-examples.jar", "100");
        rendered.OfKind("SparkApplication").Should().BeEmpty();
    }

    /// <summary>
    /// Runs the submitter's own script (up to its exec of spark-submit) on the rendered driver pod template: the
    /// template it writes keeps every label and gains an owner reference to the submitter pod, so deleting that pod
    /// (Job TTL, CronJob history) garbage-collects the driver. Fails if the template's metadata moves or the script
    /// stops adding the reference.
    /// </summary>
    [Fact]
    public async Task Submitter_gives_the_driver_pod_an_owner_reference_to_itself()
    {
        var rendered = await RenderAsync("4.1", "submit");
        var job = OfJob(rendered, "Job", "load");
        var command = job.Container("spark-submit")["command"]!.AsArray().Select(c => (string)c!).ToList();
        command.Take(5).Should().Equal("/usr/bin/tini", "-s", "--", "/bin/bash", "-ec");
        var script = command[5];
        const string Exec = "exec /opt/spark/bin/spark-submit \"$@\"";
        script.TrimEnd().Should().EndWith(Exec);

        using var dir = new TempDirectory();
        var confDir = Directory.CreateDirectory(Path.Combine(dir.Path, "conf")).FullName;
        var template = Path.Combine(dir.Path, "out", "driver-pod-template.yaml");
        await File.WriteAllTextAsync(Path.Combine(confDir, "driver-pod-template.yaml"),
            (string)OfJob(rendered, "ConfigMap", "load").Body["data"]!["driver-pod-template.yaml"]!, TestContext.Current.CancellationToken);
        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardError = true };
        start.ArgumentList.Add("-ec");
        start.ArgumentList.Add(script.Replace(Exec, "exit 0", StringComparison.Ordinal));
        start.Environment["SPARK_CONF_DIR"] = confDir;
        start.Environment["SPARK_DRIVER_POD_TEMPLATE"] = template;
        start.Environment["SUBMITTER_POD_NAME"] = "spark-spark-k8s-job-load-r1-abcde";
        start.Environment["SUBMITTER_POD_UID"] = "0b6c1c7e-1111-2222-3333-444455556666";
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        process.ExitCode.Should().Be(0, await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken));

        var pod = (JsonObject)ManifestParser.ParseYaml(await File.ReadAllTextAsync(template, TestContext.Current.CancellationToken), "driver")!;
        var owner = pod["metadata"]!["ownerReferences"]!.AsArray().Single()!;
        ((string?)owner["apiVersion"]).Should().Be("v1");
        ((string?)owner["kind"]).Should().Be("Pod");
        ((string?)owner["name"]).Should().Be("spark-spark-k8s-job-load-r1-abcde");
        ((string?)owner["uid"]).Should().Be("0b6c1c7e-1111-2222-3333-444455556666");
        ((string?)pod["metadata"]!["labels"]![JobLabel]).Should().Be("load");
        ((string?)pod["metadata"]!["labels"]![Rendered.ComponentLabel]).Should().Be("job-driver");
        ((string?)pod["spec"]!["containers"]![0]!["name"]).Should().Be("spark-driver");

        var env = job.Container("spark-submit")["env"]!.AsArray();
        env.Should().Contain(e => (string?)e!["name"] == "SUBMITTER_POD_UID" && (string?)e["valueFrom"]!["fieldRef"]!["fieldPath"] == "metadata.uid");
        env.Should().Contain(e => (string?)e!["name"] == "SUBMITTER_POD_NAME" && (string?)e["valueFrom"]!["fieldRef"]!["fieldPath"] == "metadata.name");
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Kubeflow_jobs_render_a_spark_application_or_a_scheduled_one(string version)
    {
        var rendered = await RenderAsync(version, "kubeflow");
        var app = OfJob(rendered, "SparkApplication", "load");
        var scheduled = OfJob(rendered, "ScheduledSparkApplication", "nightly");
        var spec = app.Body["spec"]!;

        using var scope = new AssertionScope();
        app.ApiVersion.Should().Be("sparkoperator.k8s.io/v1beta2");
        ((string?)spec["type"]).Should().Be("Python");
        ((string?)spec["mode"]).Should().Be("cluster");
        ((string?)spec["sparkVersion"]).Should().StartWith($"{version}.");
        ((string?)spec["mainApplicationFile"]).Should().Be("local:///opt/spark/job/main.py");
        ((string?)spec["driver"]!["serviceAccount"]).Should().Be("spark-spark-k8s-job-driver");
        ((string?)spec["sparkConf"]!["spark.kubernetes.driver.label.spark-k8s.io/job"]).Should().Be("load");
        spec["sparkConf"]!.AsObject().Should().NotContainKey("spark.kubernetes.driver.podTemplateFile", "the operator writes spec.driver.template itself");
        ((string?)spec["driver"]!["template"]!["spec"]!["volumes"]!.AsArray().Last()!["configMap"]!["name"]).Should().Be("spark-spark-k8s-job-load");
        OfJob(rendered, "ConfigMap", "load").Body["data"]!["main.py"]!.ToString().Should().Contain("print(\"load\")");
        ((string?)spec["restartPolicy"]!["type"]).Should().Be("OnFailure");

        var template = scheduled.Body["spec"]!["template"]!;
        ((string?)scheduled.Body["spec"]!["schedule"]).Should().Be("0 2 * * *");
        ((string?)scheduled.Body["spec"]!["timeZone"]).Should().Be("Europe/Berlin");
        ((string?)template["type"]).Should().Be("Scala");
        ((string?)template["mainClass"]).Should().Be("org.apache.spark.examples.SparkPi");
        template["deps"]!["jars"]!.AsArray().Select(j => (string?)j).Should().Equal("s3a://deps/extra.jar");
        ((long?)template["restartPolicy"]!["onFailureRetries"]).Should().Be(4);
        ((long?)template["timeToLiveSeconds"]).Should().Be(600);
        rendered.OfKind("Job").Where(o => o.Labels.ContainsKey(JobLabel)).Should().BeEmpty();
        rendered.OfKind("CronJob").Where(o => o.Labels.ContainsKey(JobLabel)).Should().BeEmpty();
    }

    [Fact]
    public async Task Apache_flavor_renders_spark_apache_org_applications()
    {
        var rendered = await RenderAsync("4.1", "apache");
        var python = OfJob(rendered, "SparkApplication", "load").Body["spec"]!;
        var jvm = OfJob(rendered, "SparkApplication", "nightly").Body["spec"]!;

        using var scope = new AssertionScope();
        OfJob(rendered, "SparkApplication", "load").ApiVersion.Should().Be("spark.apache.org/v1");
        ((string?)python["pyFiles"]).Should().Be("local:///opt/spark/job/main.py");
        ((string?)python["runtimeVersions"]!["sparkVersion"]).Should().StartWith("4.1.");
        ((string?)python["sparkConf"]!["spark.kubernetes.authenticate.driver.serviceAccountName"]).Should().Be("spark-spark-k8s-job-driver");
        python["driverSpec"]!["podTemplateSpec"]!["spec"]!["containers"]![0]!["name"]!.ToString().Should().Be("spark-driver");
        ((string?)jvm["jars"]).Should().Be("local:///opt/spark/examples/jars/spark-examples.jar,s3a://deps/extra.jar");
        ((string?)jvm["mainClass"]).Should().Be("org.apache.spark.examples.SparkPi");
        jvm["driverArgs"]!.AsArray().Select(a => (string?)a).Should().Equal("100");
        ((long?)jvm["applicationTolerations"]!["restartConfig"]!["maxRestartAttempts"]).Should().Be(4);
        ((long?)jvm["applicationTolerations"]!["ttlAfterStopMillis"]).Should().Be(600_000);
    }

    [Theory]
    [InlineData("spark.version=3.5", "jobs.load.type: operator.flavor \"apache\"")]
    [InlineData("spark.version=4.1", "jobs.nightly.schedule: operator.flavor \"apache\" has no scheduled applications")]
    public async Task Unsupported_operator_and_spark_line_pairs_are_refused_naming_the_key(string set, string message)
    {
        var act = () => ChartRender.RenderUncachedAsync(new RenderInput(Sets: [set, "jobDefaults.type=operator", "operator.flavor=apache"], ValuesYaml: Jobs));

        (await act.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain(message);
    }

    [Theory]
    [InlineData("jobs:\n  Nightly_Report:\n    mainApplicationFile: s3a://code/app.py\n", "jobs.Nightly_Report: a job name must be a DNS label")]
    [InlineData("jobs:\n  both:\n    mainApplicationFile: s3a://code/app.py\n    pythonSource: print(1)\n", "jobs.both: set mainApplicationFile or pythonSource, not both")]
    [InlineData("jobs:\n  none:\n    schedule: \"@daily\"\n", "jobs.none.mainApplicationFile: set it")]
    public async Task A_bad_job_entry_is_refused_naming_the_job(string values, string message)
    {
        var act = () => ChartRender.RenderUncachedAsync(new RenderInput(ValuesYaml: values));

        (await act.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain(message);
    }

    [Fact]
    public async Task A_python_source_with_a_control_character_is_refused_not_dropped()
    {
        // The resolved job goes through toYaml/fromYaml, which fails on such a character and used to drop the job silently
        // (helm 4); the schema now refuses it, naming the key. Helm 3's YAML reader already refuses the values file.
        var act = () => ChartRender.RenderUncachedAsync(new RenderInput(ValuesYaml: "jobs:\n  bad:\n    pythonSource: \"print(1)\\x7f\"\n"));

        (await act.Should().ThrowAsync<Exception>()).Which.Message.Should().Match(m => m.Contains("/jobs/bad/pythonSource") || m.Contains("control characters are not allowed"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Every_job_object_is_strict_schema_valid(string version, string backend)
    {
        var rendered = await RenderAsync(version, backend);
        rendered.Objects.Should().Contain(o => o.Labels.ContainsKey(JobLabel));

        rendered.Objects.SelectMany(KubeSchema.Validate).Should().BeEmpty();
        JobPods(rendered).SelectMany(KubeSchema.Validate).Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Every_job_pod_and_pod_template_is_restricted(string version, string backend)
    {
        var rendered = await RenderAsync(version, backend);
        var pods = JobPods(rendered).ToList();
        pods.Count.Should().Be(backend == "submit" ? 6 : 4);

        using var scope = new AssertionScope();
        foreach (var pod in pods)
        {
            var sc = pod.PodSpec!["securityContext"];
            ((bool?)sc?["runAsNonRoot"]).Should().BeTrue(pod.DisplayName);
            ((string?)sc?["seccompProfile"]?["type"]).Should().Be("RuntimeDefault", pod.DisplayName);
            foreach (var container in pod.AllContainers())
            {
                var what = pod.Describe(container);
                var csc = container["securityContext"];
                ((bool?)csc?["allowPrivilegeEscalation"]).Should().BeFalse(what);
                ((bool?)csc?["runAsNonRoot"]).Should().BeTrue(what);
                csc?["capabilities"]?["drop"]?.AsArray().Select(c => (string?)c).Should().Contain("ALL", what);
                ((string?)csc?["seccompProfile"]?["type"]).Should().Be("RuntimeDefault", what);
            }

            PodSpecs.Items(pod.PodSpec, "volumes").Should().NotContain(v => v["hostPath"] != null, pod.DisplayName);
        }

        pods.Where(p => p.Name.EndsWith("-executor", StringComparison.Ordinal))
            .Should().OnlyContain(p => (bool?)p.PodSpec!["automountServiceAccountToken"] == false, "executors never call the API server");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Secrets_reach_jobs_only_through_secret_key_refs(string version, string backend)
    {
        var rendered = await RenderAsync(version, backend);
        var text = string.Join("\n", rendered.Objects.Select(o => o.Body.ToJsonString()));

        text.Should().NotContain("API_TOKEN=", "no secret goes into args or Spark properties");
        foreach (var pod in JobPods(rendered).Where(p => p.Name.Contains("-load", StringComparison.Ordinal) && !p.Name.EndsWith("-r1", StringComparison.Ordinal)))
        {
            var container = pod.Containers().First();
            container["env"]!.AsArray().Should().Contain(e => (string?)e!["name"] == "API_TOKEN"
                && (string?)e["valueFrom"]!["secretKeyRef"]!["name"] == "api-credentials" && (string?)e["valueFrom"]!["secretKeyRef"]!["key"] == "token",
                pod.DisplayName);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Job_drivers_and_submitters_get_least_privilege_roles(string version)
    {
        var submit = await RenderAsync(version, "submit");
        var operatorOnly = await RenderAsync(version, "kubeflow");

        static IReadOnlyList<(string Resources, string Verbs)> Rules(KubeObject role) =>
            role.Body["rules"]!.AsArray().Select(r => (
                string.Join(",", r!["resources"]!.AsArray().Select(x => (string?)x)),
                string.Join(",", r["verbs"]!.AsArray().Select(x => (string?)x).Order()))).ToList();

        using var scope = new AssertionScope();
        Rules(submit.Single("Role", "job-driver")).Should().BeEquivalentTo(new[]
        {
            ("pods", "create,delete,deletecollection,get,list,patch,watch"),
            ("configmaps", "create,delete,deletecollection,get,list,patch,watch"),
        }, "the driver manages executor pods and their ConfigMap, and never Services");
        Rules(submit.Single("Role", "job-submitter")).Should().BeEquivalentTo(new[]
        {
            ("pods", "create,delete,get,list,watch"),
            ("services,configmaps", "create,delete,get,patch"),
        });
        submit.Single("ServiceAccount", "job-driver").Body["automountServiceAccountToken"]!.GetValue<bool>().Should().BeFalse();
        operatorOnly.Single("Role", "job-driver").Should().NotBeNull();
        operatorOnly.WithComponent("job-submitter").Should().BeEmpty("operator jobs need no spark-submit pod of the chart");
        foreach (var rendered in new[] { submit, operatorOnly })
        {
            rendered.OfKind("ClusterRole").Concat(rendered.OfKind("ClusterRoleBinding")).Should().BeEmpty();
        }
    }

    [Fact]
    public async Task Schema_defaults_of_a_job_are_what_the_chart_renders()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(ValuesYaml: "jobs:\n  plain:\n    mainApplicationFile: s3a://code/app.py\n"));
        var conf = SparkDefaultsFile.Parse((string)OfJob(rendered, "ConfigMap", "plain").Body["data"]!["spark-defaults.conf"]!);
        var schema = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Chart, "values.schema.json"), TestContext.Current.CancellationToken))!;
        var entry = schema["properties"]!["jobs"]!["additionalProperties"]!["properties"]!;

        string Default(string group, string key) => entry[group]!["properties"]![key]!["default"]!.ToJsonString().Trim('"');

        using var scope = new AssertionScope();
        conf["spark.driver.cores"].Should().Be(Default("driver", "cores"));
        conf["spark.driver.memory"].Should().Be(Default("driver", "memory"));
        conf["spark.executor.cores"].Should().Be(Default("executor", "cores"));
        conf["spark.executor.memory"].Should().Be(Default("executor", "memory"));
        conf["spark.executor.memoryOverhead"].Should().Be(Default("executor", "memoryOverhead"));
        conf["spark.executor.instances"].Should().Be(Default("executor", "instances"));
        conf["spark.dynamicAllocation.enabled"].Should().Be(Default("dynamicAllocation", "enabled"));
        conf.Should().NotContainKey("spark.executor.pyspark.memory", $"pysparkMemory defaults to {Default("executor", "pysparkMemory")}");
    }

    [Fact]
    public async Task Releases_with_different_backends_share_a_namespace_without_collisions()
    {
        var connect = await ChartRender.RenderAsync(new RenderInput(Release: "interactive", Namespace: "shared"));
        var submit = await ChartRender.RenderAsync(new RenderInput(Files: ["presets/batch-submit.yaml"], Release: "batch", Namespace: "shared"));
        var operatorJobs = await ChartRender.RenderAsync(new RenderInput(Files: ["presets/batch-operator.yaml"], Release: "ops", Namespace: "shared"));
        var all = new[] { connect, submit, operatorJobs };

        using var scope = new AssertionScope();
        all.SelectMany(r => r.Objects).GroupBy(o => (o.Kind, o.Name)).Where(g => g.Count() > 1).Select(g => g.Key).Should().BeEmpty();
        var appNames = all.SelectMany(r => r.OfKind("ConfigMap"))
            .Select(c => (string?)c.Body["data"]?["spark-defaults.conf"]).OfType<string>()
            .Select(t => SparkDefaultsFile.Parse(t).GetValueOrDefault("spark.app.name")).OfType<string>()
            .Concat(operatorJobs.Objects.Where(o => o.Kind is "SparkApplication" or "ScheduledSparkApplication")
                .Select(o => (string?)(o.Body["spec"]!["template"] ?? o.Body["spec"])!["sparkConf"]!["spark.app.name"]).OfType<string>())
            .ToList();
        appNames.Should().OnlyHaveUniqueItems("Spark names driver pods and Services after spark.app.name");
        appNames.Should().HaveCountGreaterThan(4);
    }
}
