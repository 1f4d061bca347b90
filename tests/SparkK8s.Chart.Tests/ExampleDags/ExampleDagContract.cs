namespace SparkK8s.Chart.Tests.ExampleDags;

/// <summary>
/// The Airflow contract the example DAGs build to (prompts of issue 11, contracts.md), kept in this ONE place: the DAG
/// files with the preset that ships each, the connection ids and the Variables the chart defines. While the chart has no
/// Airflow templates (templates/airflow), the tests check the DAGs against these lists; once it has them, against the
/// render of each DAG's preset (<see cref="AirflowTemplatesExist"/>).
/// </summary>
public static class ExampleDagContract
{
    public const string Tag = "spark-k8s-example";

    public static string DagFolder => Path.Combine(SparkK8s.Testing.RepoPaths.Chart, "files", "airflow", "dags");

    public static bool AirflowTemplatesExist => Directory.Exists(Path.Combine(SparkK8s.Testing.RepoPaths.Chart, "templates", "airflow"));

    /// <summary>Each example DAG file and the preset whose backend it drives.</summary>
    public static readonly IReadOnlyDictionary<string, string> DagPresets = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["spark_k8s_connect_k8s.py"] = "airflow-connect-k8s",
        ["spark_k8s_connect_standalone.py"] = "airflow-connect-standalone",
        ["spark_k8s_submit.py"] = "airflow-k8s-submit",
        ["spark_k8s_operator.py"] = "airflow-operator",
        ["spark_k8s_data_quality.py"] = "airflow-connect-k8s",
    };

    /// <summary>Further --set values a DAG's preset needs before the chart ships that DAG (the data quality DAG ships with dataQuality.enabled).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> DagSets = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["spark_k8s_data_quality.py"] = ["dataQuality.enabled=true"],
    };

    /// <summary>The render input of a DAG's preset.</summary>
    public static SparkK8s.Chart.Tests.Infrastructure.RenderInput PresetRender(string file) =>
        new(Files: [$"presets/{DagPresets[file]}.yaml"], Sets: DagSets.TryGetValue(file, out var sets) ? sets : null);

    /// <summary>Files that ship beside the DAGs: the operator DAG's SparkApplication template.</summary>
    public static readonly IReadOnlyDictionary<string, string> CompanionFiles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["spark_k8s_operator_app.yaml"] = "spark_k8s_operator.py",
    };

    /// <summary>Connection ids (env AIRFLOW_CONN_&lt;ID upper&gt;) the chart defines.</summary>
    public static readonly IReadOnlyList<string> ConnectionIds = ["spark_connect", "kubernetes_default", "spark_k8s_submit", "spark_operator", "s3"];

    /// <summary>Airflow Variables (env AIRFLOW_VAR_&lt;NAME&gt;) the chart sets.</summary>
    public static readonly IReadOnlyList<string> Variables =
    [
        "SPARK_K8S_NAMESPACE", "SPARK_K8S_SPARK_IMAGE", "SPARK_K8S_SPARK_VERSION", "SPARK_K8S_JOB_SERVICE_ACCOUNT",
        "SPARK_K8S_OPERATOR_FLAVOUR", "SPARK_K8S_WAREHOUSE", "SPARK_K8S_METASTORE_URI", "SPARK_K8S_SPARK_CONF",
    ];
}
