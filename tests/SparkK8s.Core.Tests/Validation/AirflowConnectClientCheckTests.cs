using FluentAssertions;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>SPK073: the example Connect DAGs on an image whose task processes cannot import pyspark (issue 11 gap 1).</summary>
public class AirflowConnectClientCheckTests
{
    private static IReadOnlyList<Finding> Check(params string[] documents) =>
        SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(RenderFixtures.Parse(string.Join('\n', documents)).Documents), "4.1", KnownSparkProperties.For("4.1")))
            .Where(f => f.Id == "SPK073").ToList();

    private static string Dags(string file = "spark_k8s_connect_k8s.py", string executor = "LocalExecutor") => $"""
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: spark-spark-k8s-airflow-dags
          labels: {"{"}"app.kubernetes.io/component": airflow{"}"}
        data:
          {file}: "# example"
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: spark-spark-k8s-airflow-config
          labels: {"{"}"app.kubernetes.io/component": airflow{"}"}
        data:
          AIRFLOW__CORE__EXECUTOR: {executor}
        """;

    private static string Scheduler(string image, bool install) => $$"""
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: spark-spark-k8s-airflow-scheduler
          labels: {"app.kubernetes.io/component": airflow-scheduler}
        spec:
          template:
            spec:
              initContainers:
                - name: wait-for-migrations
                  image: {{image}}
        {{(install ? $"        - name: install-spark-client\n          image: {image}\n" : "")}}
              containers:
                - name: scheduler
                  image: {{image}}
                  env:
        {{(install ? "            - {name: PYTHONPATH, value: /opt/spark-k8s/python}\n" : "            - {name: AIRFLOW_HOME, value: /opt/airflow}\n")}}
        """;

    private static string WorkerTemplate(string image, bool install) => $$"""
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: spark-spark-k8s-airflow-pod-template
          labels: {"app.kubernetes.io/component": airflow}
        data:
          pod_template.yaml: |
            apiVersion: v1
            kind: Pod
            metadata:
              name: placeholder-name
              labels: {"app.kubernetes.io/component": airflow-worker}
            spec:
        {{(install ? $"      initContainers:\n        - name: install-spark-client\n          image: {image}\n" : "")}}
              containers:
                - name: base
                  image: {{image}}
                  env:
        {{(install ? "            - {name: PYTHONPATH, value: /opt/spark-k8s/python}\n" : "            - {name: AIRFLOW_HOME, value: /opt/airflow}\n")}}
        """;

    [Theory]
    [InlineData("apache/airflow:3.3.0-python3.10")]
    [InlineData("docker.io/apache/airflow:3.3.0-python3.10@sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    public void Official_image_without_the_install_container_is_an_error_on_the_scheduler(string image)
    {
        var findings = Check(Dags(), Scheduler(image, install: false));

        var finding = findings.Should().ContainSingle().Subject;
        finding.Severity.Should().Be(Severity.Error);
        finding.Object.Should().Be("Deployment/spark-spark-k8s-airflow-scheduler");
        finding.Field.Should().Be("spec.template.spec.containers[0].image");
        finding.Message.Should().Contain("spark_k8s_connect_k8s.py").And.Contain(image).And.Contain("from pyspark.sql import SparkSession");
        finding.Fix.Should().Contain("airflow.installPackages").And.Contain("images/airflow");
    }

    [Fact]
    public void The_kubernetes_executor_checks_its_pod_template_not_the_scheduler()
    {
        var findings = Check(Dags("spark_k8s_connect_standalone.py", "KubernetesExecutor"), Scheduler("apache/airflow:3.3.0-python3.10", install: false), WorkerTemplate("apache/airflow:3.3.0-python3.10", install: false));

        var finding = findings.Should().ContainSingle().Subject;
        finding.Object.Should().Be("ConfigMap/spark-spark-k8s-airflow-pod-template");
        finding.Message.Should().Contain("container base").And.Contain("spark_k8s_connect_standalone.py");
        Check(Dags("spark_k8s_connect_standalone.py", "KubernetesExecutor"), Scheduler("apache/airflow:3.3.0-python3.10", install: false), WorkerTemplate("apache/airflow:3.3.0-python3.10", install: true)).Should().BeEmpty();
    }

    [Theory]
    [InlineData("apache/airflow:3.3.0-python3.10", true)]
    [InlineData("spark-k8s/airflow:3.3.0-spark4.1.2", false)]
    [InlineData("registry.example.com/apache/airflow:3.3.0-spark4.1.2", false)]
    public void Installed_client_or_the_project_image_is_silent(string image, bool install)
    {
        Check(Dags(), Scheduler(image, install)).Should().BeEmpty();
    }

    [Fact]
    public void Submit_and_operator_dags_alone_need_no_client_in_airflow()
    {
        Check(Dags("spark_k8s_submit.py"), Scheduler("apache/airflow:3.3.0-python3.10", install: false)).Should().BeEmpty();
        Check(Dags("spark_k8s_operator.py"), Scheduler("apache/airflow:3.3.0-python3.10", install: false)).Should().BeEmpty();
    }
}
