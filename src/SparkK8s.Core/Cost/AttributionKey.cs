using SparkK8s.Core.EventLogs;

namespace SparkK8s.Core.Cost;

/// <summary>
/// What costs are grouped by: <c>namespace</c> (spark.kubernetes.namespace), <c>user</c>, <c>app</c> (spark.app.name),
/// <c>job</c> (the chart's batch job name, label spark-k8s.io/job, else a plain <c>job</c> label), or any label key from
/// spark.kubernetes.driver.label.* / spark.kubernetes.executor.label.* (e.g. <c>team</c>, <c>project</c>).
/// </summary>
public sealed record AttributionKey(string Key)
{
    public const string None = "(none)";

    /// <summary>Label the chart puts on every job's driver and executors (spark.kubernetes.{driver,executor}.label.spark-k8s.io/job).</summary>
    public const string JobLabel = "spark-k8s.io/job";

    public static AttributionKey Parse(string? text) =>
        new(string.IsNullOrWhiteSpace(text) ? "team" : text.Trim());

    public string ValueOf(ApplicationSummary app)
    {
        var value = Key.ToLowerInvariant() switch
        {
            "namespace" => app.Namespace,
            "user" => app.User,
            "app" => app.AppName,
            "job" => app.Labels.TryGetValue(JobLabel, out var job) ? job : app.Labels.GetValueOrDefault("job"),
            _ => app.Labels.TryGetValue(Key, out var label) ? label : null,
        };
        return string.IsNullOrEmpty(value) ? None : value;
    }
}
