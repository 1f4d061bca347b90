using FluentAssertions;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>The Spark-aware Airflow checks SPK070-SPK072 on small renders.</summary>
public class AirflowChecksTests
{
    private static readonly string[] AirflowIds = ["SPK070", "SPK071", "SPK072"];

    private static IReadOnlyList<Finding> Check(string yaml) =>
        SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(RenderFixtures.Parse(yaml).Documents), "4.1", KnownSparkProperties.For("4.1")))
            .Where(f => AirflowIds.Contains(f.Id)).ToList();

    private const string ConnectService = """
        apiVersion: v1
        kind: Service
        metadata:
          name: spark-spark-k8s-connect
          namespace: spark
          labels: {"app.kubernetes.io/component": connect}
        spec:
          ports: [{name: grpc, port: 15002}, {name: ui, port: 4040}]
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: spark-spark-k8s-minio
          namespace: spark
          labels: {"app.kubernetes.io/component": minio}
        spec:
          ports: [{name: s3, port: 9000}]

        """;

    private static string Scheduler(string connection) => $$"""
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: spark-spark-k8s-airflow-scheduler
          namespace: spark
          labels: {"app.kubernetes.io/component": airflow-scheduler}
        spec:
          template:
            spec:
              containers:
                - name: scheduler
                  image: apache/airflow:3.3.0
                  env:
                    - name: AIRFLOW_CONN_SPARK_CONNECT
                      value: '{{connection}}'

        """;

    private static string Variables(string flavour, string? account = null) => $$"""
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: spark-spark-k8s-airflow-variables
          namespace: spark
          labels: {"app.kubernetes.io/component": airflow}
        data:
          AIRFLOW_VAR_SPARK_K8S_OPERATOR_FLAVOUR: "{{flavour}}"
        {{(account is null ? "" : $"  AIRFLOW_VAR_SPARK_K8S_JOB_SERVICE_ACCOUNT: \"{account}\"")}}

        """;

    private const string JobDriverAccount = """
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: spark-spark-k8s-job-driver
          namespace: spark

        """;

    private static string Application(string apiVersion) => $"""
        ---
        apiVersion: {apiVersion}
        kind: SparkApplication
        metadata:
          name: spark-spark-k8s-job-events-load
          namespace: spark

        """;

    [Theory]
    [InlineData("""{"conn_type":"spark_connect","host":"spark-spark-k8s-connect.spark.svc","port":15002}""")]
    [InlineData("""{"conn_type":"spark_connect","host":"sc://spark-spark-k8s-connect.spark.svc.cluster.local","port":"15002"}""")]
    [InlineData("""{"conn_type":"spark_connect","host":"spark-spark-k8s-connect:15002"}""")]
    public void A_spark_connect_connection_to_the_connect_service_and_port_passes(string connection) =>
        Check(ConnectService + Scheduler(connection) + Variables("kubeflow")).Should().BeEmpty();

    [Theory]
    [InlineData("""{"conn_type":"spark_connect","host":"spark-other-connect.spark.svc","port":15002}""", "no Service of this render")]
    [InlineData("""{"conn_type":"spark_connect","host":"spark-spark-k8s-connect.spark.svc","port":15003}""", "does not expose")]
    [InlineData("""{"conn_type":"spark_connect","host":"spark-spark-k8s-minio.spark.svc","port":9000}""", "not the Spark Connect server's")]
    [InlineData("sc://spark-spark-k8s-connect:15002", "not a JSON connection")]
    public void A_spark_connect_connection_elsewhere_is_spk070(string connection, string message)
    {
        var finding = Check(ConnectService + Scheduler(connection) + Variables("kubeflow")).Should().ContainSingle().Subject;

        finding.Id.Should().Be("SPK070");
        finding.Severity.Should().Be(Severity.Error);
        finding.Object.Should().Be("Deployment/spark-spark-k8s-airflow-scheduler");
        finding.Field.Should().Be("spec.template.spec.containers[0].env[0].value");
        finding.Message.Should().Contain(message);
    }

    [Fact]
    public void The_job_service_account_variable_must_name_an_account_of_the_render()
    {
        Check(JobDriverAccount + Variables("kubeflow", "spark-spark-k8s-job-driver")).Should().BeEmpty();

        var finding = Check(Variables("kubeflow", "spark-spark-k8s-job-driver")).Should().ContainSingle().Subject;
        finding.Id.Should().Be("SPK071");
        finding.Field.Should().Be("data.AIRFLOW_VAR_SPARK_K8S_JOB_SERVICE_ACCOUNT");
        finding.Message.Should().Contain("spark-spark-k8s-job-driver");
    }

    [Theory]
    [InlineData("kubeflow", "sparkoperator.k8s.io/v1beta2", false)]
    [InlineData("apache", "spark.apache.org/v1", false)]
    [InlineData("kubeflow", "spark.apache.org/v1", true)]
    [InlineData("apache", "sparkoperator.k8s.io/v1beta2", true)]
    public void The_operator_flavour_variable_must_match_the_applications_api_group(string flavour, string apiVersion, bool finds)
    {
        var findings = Check(Variables(flavour) + Application(apiVersion));

        if (finds)
        {
            findings.Should().ContainSingle().Which.Id.Should().Be("SPK072");
            findings[0].Message.Should().Contain("SparkApplication/spark-spark-k8s-job-events-load");
        }
        else
        {
            findings.Should().BeEmpty();
        }
    }

    [Fact]
    public void An_unknown_operator_flavour_is_spk072()
    {
        var finding = Check(Variables("spark-operator")).Should().ContainSingle().Subject;

        finding.Id.Should().Be("SPK072");
        finding.Message.Should().Contain("kubeflow or apache");
    }
}
