using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Testing.Monitoring;

namespace SparkK8s.Chart.Tests.Monitoring;

/// <summary>The renders the monitoring tests share: monitoring on with every component that exports metrics.</summary>
public static class MonitoringRenders
{
    /// <summary>The k8s backend with backups and their verify runs, the cost exporter with one budget, Airflow, MLflow and Celeborn (every alert group but the standalone rows).</summary>
    public static RenderInput Full(string version, params string[] sets) => new(Sets:
    [
        $"spark.version={version}", "monitoring.enabled=true", "backup.enabled=true", "backup.verify.enabled=true",
        "connect.dynamicAllocation.enabled=true", "costExporter.enabled=true", "costExporter.budgets.data-eng=2000", "airflow.enabled=true",
        "mlflow.enabled=true", "celeborn.enabled=true", .. sets,
    ]);

    /// <summary>The standalone backend (master and worker rows).</summary>
    public static RenderInput Standalone(string version, params string[] sets) => new(Sets:
    [
        $"spark.version={version}", "monitoring.enabled=true", "connect.backend=standalone", "standalone.enabled=true", .. sets,
    ]);

    /// <summary>The rule file (spec.groups) of the release's PrometheusRules.</summary>
    public static string RuleFile(Rendered rendered) => Promtool.RuleFile(rendered.OfKind("PrometheusRule").Select(o => o.Body));
}
