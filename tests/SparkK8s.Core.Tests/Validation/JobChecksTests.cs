using FluentAssertions;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>The Spark-aware checks on batch jobs: submit Jobs' ConfigMaps and operator applications, one application per job.</summary>
public class JobChecksTests
{
    private static IReadOnlyList<Finding> Check(string yaml, string version = "4.1") =>
        SparkChecks.Run(new SparkCheckContext(Model(yaml), version, KnownSparkProperties.For(version)));

    private static SparkRenderModel Model(string yaml) => SparkRenderModel.From(RenderFixtures.Parse(yaml).Documents);

    private const string HistoryServer = """

        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: history
          labels: {"app.kubernetes.io/component": history-server}
        data:
          spark-defaults.conf: |
            spark.history.fs.logDirectory s3a://events/spark-events
            spark.hadoop.fs.s3a.endpoint http://minio:9000
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: history
          labels: {"app.kubernetes.io/component": history-server}
        spec:
          template:
            spec:
              containers: [{name: history, image: spark}]
        """;

    private const string GoodJobConf = """
        spark.master k8s://https://kubernetes.default.svc
        spark.submit.deployMode cluster
        spark.executor.memory 1g
        spark.executor.memoryOverhead 512m
        spark.eventLog.enabled true
        spark.eventLog.dir s3a://events/spark-events
        spark.hadoop.fs.s3a.endpoint http://minio:9000
        spark.kubernetes.authenticate.driver.serviceAccountName job-driver
        spark.kubernetes.executor.podTemplateFile /opt/spark/conf/executor-pod-template.yaml
        spark.kubernetes.executor.podTemplateContainerName spark-executor
        """;

    /// <summary>A submit job's ConfigMap (spark-defaults.conf and an executor template limited to <paramref name="limit"/>) and its Job.</summary>
    private static string SubmitJob(string name, string conf, string limit = "2Gi", string main = "s3a://code/app.jar") => $"""

        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: job-{name}
          labels: {"{"}"app.kubernetes.io/component": job-submitter, "spark-k8s.io/job": {name}{"}"}
        data:
          spark-defaults.conf: |
        {RenderFixtures.Indent(conf, 4)}
          executor-pod-template.yaml: |
            apiVersion: v1
            kind: Pod
            spec:
              containers:
                - name: spark-executor
                  resources:
                    limits:
                      memory: {limit}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: job-{name}
          labels: {"{"}"app.kubernetes.io/component": job-submitter, "spark-k8s.io/job": {name}{"}"}
        spec:
          template:
            spec:
              serviceAccountName: job-submitter
              containers:
                - name: spark-submit
                  image: spark
                  command: [/usr/bin/tini, -s, --, /bin/bash, -ec, "exec spark-submit", spark-submit]
                  args: [--master, "k8s://https://kubernetes.default.svc", --deploy-mode, cluster, --name, {name}, {main}]
        """;

    private const string JobRbac = """

        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: job-driver}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: job-submitter}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: job-driver}
        rules:
          - apiGroups: [""]
            resources: [pods, configmaps]
            verbs: [create, delete, get, list, watch]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: job-driver}
        roleRef: {kind: Role, name: job-driver}
        subjects: [{kind: ServiceAccount, name: job-driver}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: job-submitter}
        rules:
          - apiGroups: [""]
            resources: [pods, services, configmaps]
            verbs: [create, delete, get, list, watch]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: job-submitter}
        roleRef: {kind: Role, name: job-submitter}
        subjects: [{kind: ServiceAccount, name: job-submitter}]
        """;

    private static string ApacheApplication(string sparkVersion) => $$"""

        ---
        apiVersion: spark.apache.org/v1
        kind: SparkApplication
        metadata:
          name: app-nightly
          labels: {"app.kubernetes.io/component": job-application, "spark-k8s.io/job": nightly}
        spec:
          pyFiles: local:///opt/spark/job/main.py
          runtimeVersions: {sparkVersion: "{{sparkVersion}}"}
          sparkConf:
            spark.eventLog.enabled: "true"
            spark.eventLog.dir: s3a://events/spark-events
            spark.hadoop.fs.s3a.endpoint: http://minio:9000
            spark.kubernetes.authenticate.driver.serviceAccountName: job-driver
        """;

    private const string KubeflowApplication = """

        ---
        apiVersion: sparkoperator.k8s.io/v1beta2
        kind: ScheduledSparkApplication
        metadata:
          name: app-rollup
          labels: {"app.kubernetes.io/component": job-application, "spark-k8s.io/job": rollup}
        spec:
          schedule: "0 3 * * *"
          template:
            type: Python
            sparkVersion: 3.5.8
            mainApplicationFile: local:///opt/spark/job/main.py
            sparkConf:
              spark.eventLog.enabled: "true"
              spark.eventLog.dir: s3a://events/spark-events
              spark.hadoop.fs.s3a.endpoint: http://minio:9000
              spark.executor.pyspark.memory: 512m
              spark.executor.memoryOverhead: 512m
              spark.executor.podTemplateContainerName: spark-executor
            driver: {cores: 1, memory: 1g, serviceAccount: job-driver}
            executor:
              cores: 1
              memory: 3g
              instances: 2
              template:
                spec:
                  containers:
                    - name: spark-executor
                      resources: {limits: {memory: 2Gi}}
        """;

    [Fact]
    public void Each_job_is_its_own_spark_application_next_to_connect()
    {
        var model = Model(RenderFixtures.ConnectConfigMap("spark.executor.memory 1g") + SubmitJob("load", GoodJobConf) + SubmitJob("nightly", GoodJobConf) + KubeflowApplication);

        model.Jobs.Select(j => j.Job).Should().Equal("load", "nightly", "rollup");
        model.Applications.Should().HaveCount(4);
        model.Connect!.Job.Should().BeNull();
        model.Jobs.First().Get("spark.submit.deployMode").Should().Be("cluster");
        model.Jobs.Single(j => j.Job == "rollup").Get("spark.executor.memory").Should().Be("3g", "kubeflow's typed executor.memory wins over sparkConf");
    }

    [Fact]
    public void A_well_formed_job_render_has_no_findings()
    {
        var findings = Check(HistoryServer + SubmitJob("load", GoodJobConf) + JobRbac);

        findings.Should().BeEmpty();
    }

    [Fact]
    public void Executor_memory_fit_uses_each_jobs_own_pod_template()
    {
        // The job's 2g heap + 512m overhead do not fit its own 1Gi template; Connect's and another job's templates are larger.
        var yaml = RenderFixtures.ConnectConfigMap("spark.executor.memory 512m\nspark.kubernetes.executor.podTemplateFile /opt/spark/conf/executor-pod-template.yaml", """
              executor-pod-template.yaml: |
                apiVersion: v1
                kind: Pod
                spec:
                  containers:
                    - name: spark-executor
                      resources: {limits: {memory: 4Gi}}
            """) + SubmitJob("big", GoodJobConf.Replace("spark.executor.memory 1g", "spark.executor.memory 2g", StringComparison.Ordinal), limit: "1Gi")
            + SubmitJob("small", GoodJobConf, limit: "4Gi");

        var findings = Check(yaml).Where(f => f.Id == "SPK001").ToList();

        findings.Should().ContainSingle();
        findings[0].Object.Should().Be("ConfigMap/job-big");
        findings[0].Message.Should().StartWith("job 'big': executor pods need 2048Mi memory + 512Mi overhead");
    }

    [Fact]
    public void A_scheduled_application_template_too_small_for_its_executors_is_found()
    {
        var findings = Check(HistoryServer + KubeflowApplication, "3.5").Where(f => f.Id == "SPK001").ToList();

        findings.Should().ContainSingle().Which.Field.Should().StartWith("spec.template.executor.template");
        findings[0].Message.Should().Contain("job 'rollup'").And.Contain("512Mi pyspark", "a Python application's executors get the pyspark memory");
    }

    [Fact]
    public void Event_logs_of_a_job_must_go_where_the_history_server_reads()
    {
        var findings = Check(HistoryServer + SubmitJob("load", GoodJobConf.Replace("s3a://events/spark-events", "s3a://elsewhere/logs", StringComparison.Ordinal)) + JobRbac);

        findings.Should().ContainSingle(f => f.Id == "SPK003").Which.Message.Should().StartWith("job 'load': it writes event logs to s3a://elsewhere/logs");
    }

    [Fact]
    public void A_job_without_event_logs_is_a_warning_when_there_is_a_history_server()
    {
        var conf = GoodJobConf.Replace("spark.eventLog.enabled true", "spark.eventLog.enabled false", StringComparison.Ordinal);

        Check(HistoryServer + SubmitJob("load", conf) + JobRbac).Should().ContainSingle(f => f.Id == "SPK051")
            .Which.Should().Match<Finding>(f => f.Severity == Severity.Warning && f.Message.StartsWith("job 'load' writes no event log", StringComparison.Ordinal));
        Check(SubmitJob("load", conf) + JobRbac).Should().NotContain(f => f.Id == "SPK051", "without a History Server nobody reads the logs");
    }

    [Fact]
    public void Property_findings_of_a_job_name_the_job()
    {
        var findings = Check(HistoryServer + SubmitJob("load", GoodJobConf + "\nspark.executor.memry 2g") + JobRbac);

        findings.Should().ContainSingle(f => f.Id == "SPK006").Which.Message.Should().StartWith("job 'load': 'spark.executor.memry'");
    }

    [Fact]
    public void Python_main_resource_of_a_submit_job_makes_it_a_python_application()
    {
        var conf = GoodJobConf + "\nspark.executor.pyspark.memory 512m";
        var jvm = Check(HistoryServer + SubmitJob("load", conf) + JobRbac);
        var python = Check(HistoryServer + SubmitJob("load", conf, main: "local:///opt/spark/job/main.py") + JobRbac);

        jvm.Should().Contain(f => f.Id == "SPK007", "a JVM application's Python workers live inside the 512m overhead");
        python.Should().NotContain(f => f.Id == "SPK007", "Spark adds the pyspark memory to a Python application's executor pods");
    }

    [Theory]
    [InlineData("3.5.8", true)]
    [InlineData("4.1.2", false)]
    public void Apache_operator_refuses_spark_3(string sparkVersion, bool refused)
    {
        var findings = Check(HistoryServer + ApacheApplication(sparkVersion) + JobRbac).Where(f => f.Id == "SPK050").ToList();

        if (refused)
        {
            findings.Should().ContainSingle().Which.Message.Should().Be("job 'nightly': the Apache Spark Kubernetes operator 1.0 runs Spark 4.0 and later, not 3.5.8");
        }
        else
        {
            findings.Should().BeEmpty();
        }
    }

    [Fact]
    public void Job_drivers_and_submitters_need_their_rbac()
    {
        var withoutBindings = string.Join("---", JobRbac.Split("---").Where(d => !d.Contains("RoleBinding", StringComparison.Ordinal)));

        var findings = Check(HistoryServer + SubmitJob("load", GoodJobConf) + withoutBindings).Where(f => f.Id == "SPK052").ToList();

        findings.Select(f => f.Message).Should().BeEquivalentTo(
            "job 'load': the driver's service account 'job-driver' is not bound to a role granting pods create/delete/get/list/watch and configmaps create",
            "job 'load': spark-submit runs as service account 'job-submitter', which is not bound to a role granting pods create/get/watch/delete and services create and configmaps create");
    }

    [Fact]
    public void Required_crds_name_each_operator_kind_once()
    {
        var manifest = RenderFixtures.Parse(KubeflowApplication + ApacheApplication("4.1.2") + SubmitJob("load", GoodJobConf));

        RequiredCrds.From(manifest.Objects).Select(c => (c.Name, c.ApiVersion)).Should().Equal(
            ("scheduledsparkapplications.sparkoperator.k8s.io", "sparkoperator.k8s.io/v1beta2"),
            ("sparkapplications.spark.apache.org", "spark.apache.org/v1"));
    }
}
