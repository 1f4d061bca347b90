using System.Text.Json.Nodes;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK096 (warning): the render scrapes the job drivers (a PodMonitor selecting <c>spark-role: driver</c> pods, which
/// the chart renders for <c>jobs:</c> with monitoring.enabled) while a job's own properties take away what it scrapes:
/// the UI that serves the endpoints (<c>spark.ui.enabled=false</c>), the PrometheusServlet sink or its path
/// (<c>spark.metrics.conf.*.sink.prometheusServlet.*</c>), or the executors' summary (<c>spark.ui.prometheus.enabled=false</c>).
/// That job's driver target then stays down or empty (apache/spark MetricsSystem registers the servlet on the UI only
/// when the sink is configured; PrometheusResource serves /metrics/executors/prometheus only with spark.ui.prometheus.enabled).
/// </summary>
public sealed class JobMetricsCheck() : SparkCheck(
    "SPK096",
    Severity.Warning,
    "A batch job turns off the Prometheus endpoints the job-driver PodMonitor scrapes",
    "Remove the override from the job's sparkConf (with monitoring.enabled the chart sets spark.ui.enabled's default, the PrometheusServlet sink on /metrics/prometheus and spark.ui.prometheus.enabled), or accept that the job's driver is not scraped")
{
    private const string SinkClass = "spark.metrics.conf.*.sink.prometheusServlet.class";
    private const string SinkPath = "spark.metrics.conf.*.sink.prometheusServlet.path";
    private const string ServletClass = "org.apache.spark.metrics.sink.PrometheusServlet";
    private const string ExecutorsPath = "/metrics/executors/prometheus";

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var paths = DriverMonitorPaths(context.Model);
        if (paths is null)
        {
            yield break;
        }

        foreach (var job in context.Model.Jobs)
        {
            if (job.IsFalse("spark.ui.enabled"))
            {
                yield return Found(job.Find("spark.ui.enabled")!, "spark.ui.enabled is false: the driver runs no UI, so it serves no metrics and its scrape target is down");
                continue;
            }

            var servletPaths = paths.Where(p => p != ExecutorsPath).ToList();
            if (servletPaths.Count > 0 && !string.Equals(job.Get(SinkClass)?.Trim(), ServletClass, StringComparison.Ordinal))
            {
                var property = job.Find(SinkClass) ?? job.Properties.First();
                yield return Found(property.Object, property.Field + (property.Key == SinkClass ? $": {SinkClass}" : string.Empty),
                    $"job '{job.Job}' has no PrometheusServlet sink ({SinkClass} is {job.Get(SinkClass) ?? "unset"}): its driver answers {string.Join(", ", servletPaths)} with 404");
            }
            else if (job.Get(SinkPath) is { } path && !servletPaths.Contains(path.Trim(), StringComparer.Ordinal))
            {
                yield return Found(job.Find(SinkPath)!, $"the servlet serves {path.Trim()}, but the PodMonitor scrapes {string.Join(", ", servletPaths)}: the scrape gets 404");
            }

            if (paths.Contains(ExecutorsPath, StringComparer.Ordinal) && job.IsFalse("spark.ui.prometheus.enabled"))
            {
                yield return Found(job.Find("spark.ui.prometheus.enabled")!, $"spark.ui.prometheus.enabled is false: the driver answers {ExecutorsPath} with 404, so the executors' series are missing");
            }
        }
    }

    /// <summary>The paths of the PodMonitor that scrapes Spark drivers (selector spark-role: driver), or null without one.</summary>
    private static List<string>? DriverMonitorPaths(SparkRenderModel model)
    {
        foreach (var monitor in model.Objects.Where(o => o.Kind == "PodMonitor"))
        {
            var spec = monitor.Body["spec"];
            if ((string?)spec?["selector"]?["matchLabels"]?["spark-role"] != "driver")
            {
                continue;
            }

            return (spec?["podMetricsEndpoints"] as JsonArray ?? []).Select(e => (string?)e?["path"]).OfType<string>().ToList();
        }

        return null;
    }
}
