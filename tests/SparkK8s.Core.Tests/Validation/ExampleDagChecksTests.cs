using FluentAssertions;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Spark;
using Xunit;

namespace SparkK8s.Core.Tests.Validation;

/// <summary>SPK085 and SPK086: the example operator DAG against the render that ships it (issue 11 §2).</summary>
public class ExampleDagChecksTests
{
    private static IReadOnlyList<Finding> Check(string yaml, string id) =>
        SparkChecks.Run(new SparkCheckContext(SparkRenderModel.From(RenderFixtures.Parse(yaml).Documents), "4.1", KnownSparkProperties.For("4.1")))
            .Where(f => f.Id == id).ToList();

    /// <summary>A DAG ConfigMap with the given files and the Variables ConfigMap the Airflow pods read with envFrom.</summary>
    private static string Release(string flavour, string sparkVersion, params string[] files) => $$"""
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: spark-spark-k8s-airflow-dags
          labels: {"app.kubernetes.io/component": airflow-dag-processor}
        data:
        {{string.Concat(files.Select(f => $"  {f}: \"# example\"\n"))}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: spark-spark-k8s-airflow-variables
          labels: {"app.kubernetes.io/component": airflow-scheduler}
        data:
          AIRFLOW_VAR_SPARK_K8S_OPERATOR_FLAVOUR: {{flavour}}
          AIRFLOW_VAR_SPARK_K8S_SPARK_VERSION: "{{sparkVersion}}"
        """;

    private const string Dag = "spark_k8s_operator.py";
    private const string Template = "spark_k8s_operator_app.yaml";

    [Theory]
    [InlineData("apache", "3.5.8", true)]
    [InlineData("apache", "4.1.2", false)]
    [InlineData("kubeflow", "3.5.8", false)]
    public void Operator_dag_for_the_apache_operator_needs_spark_4(string flavour, string version, bool found)
    {
        var findings = Check(Release(flavour, version, Dag, Template), "SPK085");

        if (found)
        {
            findings.Should().ContainSingle().Which.Message.Should().Contain("3.5.8").And.Contain("Spark 4.0 and later");
            findings[0].Object.Should().Be("ConfigMap/spark-spark-k8s-airflow-dags");
            findings[0].Severity.Should().Be(Severity.Error);
        }
        else
        {
            findings.Should().BeEmpty();
        }
    }

    [Fact]
    public void No_finding_when_the_operator_dag_is_not_shipped()
    {
        Check(Release("apache", "3.5.8", "spark_k8s_connect_k8s.py"), "SPK085").Should().BeEmpty();
        Check(Release("apache", "3.5.8", "spark_k8s_connect_k8s.py"), "SPK086").Should().BeEmpty();
    }

    [Fact]
    public void Operator_dag_without_its_template_is_an_error_naming_the_missing_file()
    {
        var findings = Check(Release("kubeflow", "4.1.2", Dag), "SPK086");

        findings.Should().ContainSingle().Which.Field.Should().Be($"data.{Template}");
        Check(Release("kubeflow", "4.1.2", Dag, Template), "SPK086").Should().BeEmpty();
    }

    [Fact]
    public void Variables_set_as_env_literals_count_too()
    {
        const string yaml = """
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: dags}
            data:
              spark_k8s_operator.py: "# example"
              spark_k8s_operator_app.yaml: "# template"
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: scheduler
              labels: {"app.kubernetes.io/component": airflow-scheduler}
            spec:
              template:
                spec:
                  containers:
                    - name: scheduler
                      image: apache/airflow:3.3.2-python3.10
                      env:
                        - {name: AIRFLOW_VAR_SPARK_K8S_OPERATOR_FLAVOUR, value: apache}
                        - {name: AIRFLOW_VAR_SPARK_K8S_SPARK_VERSION, value: "3.5.8"}
            """;

        Check(yaml, "SPK085").Should().ContainSingle();
    }
}
