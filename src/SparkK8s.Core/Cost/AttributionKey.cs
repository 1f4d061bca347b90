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

    public string ValueOf(ApplicationSummary app) => ValueOf(app.Namespace, app.User, app.AppName, app.Labels);

    /// <summary>The same attribution for a priced app (<see cref="AppCost"/> keeps the fields it is made from).</summary>
    public string ValueOf(AppCost app) => ValueOf(app.Namespace, app.User, app.AppName, app.Labels);

    private string ValueOf(string? @namespace, string user, string appName, IReadOnlyDictionary<string, string> labels)
    {
        var value = Key.ToLowerInvariant() switch
        {
            "namespace" => @namespace,
            "user" => user,
            "app" => appName,
            "job" => labels.TryGetValue(JobLabel, out var job) ? job : labels.GetValueOrDefault("job"),
            _ => labels.TryGetValue(Key, out var label) ? label : null,
        };
        return string.IsNullOrEmpty(value) ? None : value;
    }
}
