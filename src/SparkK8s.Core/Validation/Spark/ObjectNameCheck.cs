using System.Text.RegularExpressions;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK014: names Kubernetes or Helm reject: metadata.namespace not a DNS-1123 label (63 characters), metadata.name not a
/// DNS-1123 subdomain (253; Services, Namespaces: DNS-1123 label, 63; CronJobs at most 52 so Job names fit), and an
/// app.kubernetes.io/instance label that is not a valid Helm release name (lowercase DNS-1123 subdomain of at most 53 characters).
/// </summary>
public sealed partial class ObjectNameCheck() : SparkCheck(
    "SPK014",
    Severity.Error,
    "An object, namespace or release name is not valid for Kubernetes or Helm",
    "Use lowercase letters, digits and '-' (starting and ending with a letter or digit); release names at most 53 characters, namespaces 63")
{
    public const int MaxReleaseName = 53;

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var obj in context.Model.Objects)
        {
            if (obj.Namespace is { } ns && !IsLabel(ns))
            {
                yield return Found(obj.DisplayName, "metadata.namespace", $"namespace '{ns}' is not a DNS-1123 label (lowercase letters, digits, '-', at most 63)");
            }

            var (max, label) = obj.Kind switch
            {
                "Service" or "Namespace" => (63, true),
                "CronJob" => (52, false),
                _ => (253, false),
            };
            if (obj.Name.Length > 0 && (obj.Name.Length > max || !(label ? IsLabel(obj.Name) : IsSubdomain(obj.Name))))
            {
                yield return Found(obj.DisplayName, "metadata.name",
                    $"name '{obj.Name}' is not a DNS-1123 {(label ? "label" : "subdomain")} of at most {max} characters");
            }

            if (obj.Labels.TryGetValue("app.kubernetes.io/instance", out var release) && !IsReleaseName(release))
            {
                yield return Found(obj.DisplayName, "metadata.labels[app.kubernetes.io/instance]",
                    $"release name '{release}' is not a valid Helm release name (lowercase DNS-1123 subdomain, at most {MaxReleaseName} characters)");
            }
        }
    }

    public static bool IsLabel(string text) => text.Length <= 63 && Label().IsMatch(text);

    public static bool IsSubdomain(string text) => text.Length <= 253 && Subdomain().IsMatch(text);

    /// <summary>Helm's release name rule (pkg/chart/common/util ValidateReleaseName in helm/helm): DNS-1123 subdomain, at most 53 characters.</summary>
    public static bool IsReleaseName(string text) => text.Length <= MaxReleaseName && Subdomain().IsMatch(text);

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();
}
