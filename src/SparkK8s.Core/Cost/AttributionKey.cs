using SparkK8s.Core.EventLogs;

namespace SparkK8s.Core.Cost;

/// <summary>
/// What costs are grouped by: <c>namespace</c> (spark.kubernetes.namespace), <c>user</c>, <c>app</c> (spark.app.name),
/// or any label key from spark.kubernetes.driver.label.* / spark.kubernetes.executor.label.* (e.g. <c>team</c>, <c>project</c>).
/// </summary>
public sealed record AttributionKey(string Key)
{
    public const string None = "(none)";

    public static AttributionKey Parse(string? text) =>
        new(string.IsNullOrWhiteSpace(text) ? "team" : text.Trim());

    public string ValueOf(ApplicationSummary app)
    {
        var value = Key.ToLowerInvariant() switch
        {
            "namespace" => app.Namespace,
            "user" => app.User,
            "app" => app.AppName,
            _ => app.Labels.TryGetValue(Key, out var label) ? label : null,
        };
        return string.IsNullOrEmpty(value) ? None : value;
    }
}
