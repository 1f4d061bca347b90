using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// What the render tells about the chart's example Airflow DAGs (charts/spark-k8s/files/airflow/dags): which DAG files
/// ConfigMaps ship, and the Airflow Variables (AIRFLOW_VAR_*) from ConfigMap data and container env literals.
/// </summary>
public static class ExampleDags
{
    public const string OperatorDag = "spark_k8s_operator.py";
    public const string OperatorTemplate = "spark_k8s_operator_app.yaml";

    /// <summary>ConfigMaps whose data holds the file.</summary>
    public static IEnumerable<KubeObject> Shipping(IEnumerable<KubeObject> objects, string file) =>
        objects.Where(o => o.Kind == "ConfigMap" && o.Body["data"] is JsonObject data && data.ContainsKey(file));

    /// <summary>The Airflow Variable NAME (AIRFLOW_VAR_NAME) as the render sets it (ConfigMap data or env literal), or null.</summary>
    public static string? Variable(SparkRenderModel model, string name)
    {
        var key = "AIRFLOW_VAR_" + name;
        var fromConfigMap = model.Objects
            .Where(o => o.Kind == "ConfigMap")
            .Select(o => o.Body["data"]?[key])
            .OfType<JsonValue>()
            .Select(v => v.ToString())
            .FirstOrDefault();
        return fromConfigMap ?? PodContainers.All(model).Select(c => c.Env(key)).FirstOrDefault(v => v is not null);
    }
}

/// <summary>
/// SPK085: the example DAG spark_k8s_operator ships with SPARK_K8S_OPERATOR_FLAVOUR "apache" while the release's
/// SPARK_K8S_SPARK_VERSION is below 4.0. The DAG would create a spark.apache.org SparkApplication with that
/// runtimeVersions.sparkVersion, which the Apache Spark Kubernetes operator 1.0 refuses (it runs Spark 4.0 and later;
/// apache/spark-kubernetes-operator 1.0.0 release notes): every run fails only at run time.
/// </summary>
public sealed class ExampleOperatorDagLineCheck() : SparkCheck(
    "SPK085",
    Severity.Error,
    "The example operator DAG targets the Apache operator on a Spark line it does not run",
    "Use operator.flavor kubeflow on Spark 3.5, or spark.version 4.1 with the Apache operator")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var shipping = ExampleDags.Shipping(context.Model.Objects, ExampleDags.OperatorDag).ToList();
        if (shipping.Count == 0 || ExampleDags.Variable(context.Model, "SPARK_K8S_OPERATOR_FLAVOUR") != "apache")
        {
            yield break;
        }

        var version = ExampleDags.Variable(context.Model, "SPARK_K8S_SPARK_VERSION");
        if (version is not null && int.TryParse(version.Split('.')[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var major) && major < 4)
        {
            yield return Found(shipping[0].DisplayName, $"data.{ExampleDags.OperatorDag}",
                $"the DAG creates spark.apache.org SparkApplications with sparkVersion {version} (SPARK_K8S_SPARK_VERSION), but the Apache Spark Kubernetes operator runs Spark 4.0 and later");
        }
    }
}

/// <summary>
/// SPK086: a ConfigMap ships the example DAG spark_k8s_operator.py without its SparkApplication template
/// spark_k8s_operator_app.yaml. The DAG reads the template from its own folder (SparkKubernetesOperator application_file,
/// a Jinja template found on the DAG folder's search path), so every run fails with "template not found".
/// </summary>
public sealed class ExampleOperatorDagTemplateCheck() : SparkCheck(
    "SPK086",
    Severity.Error,
    "The example operator DAG ships without its SparkApplication template",
    "Ship spark_k8s_operator_app.yaml in the same DAG ConfigMap as spark_k8s_operator.py (both from charts/spark-k8s/files/airflow/dags)")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var map in ExampleDags.Shipping(context.Model.Objects, ExampleDags.OperatorDag))
        {
            if (map.Body["data"] is JsonObject data && !data.ContainsKey(ExampleDags.OperatorTemplate))
            {
                yield return Found(map.DisplayName, $"data.{ExampleDags.OperatorTemplate}",
                    $"{map.DisplayName} ships {ExampleDags.OperatorDag} but not {ExampleDags.OperatorTemplate}, which the DAG renders for every run");
            }
        }
    }
}
