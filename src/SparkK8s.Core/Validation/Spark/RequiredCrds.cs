using SparkK8s.Core.Manifests;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>A CustomResourceDefinition a render needs in the cluster, and what installs it.</summary>
public sealed record RequiredCrd(string Name, string ApiVersion, string Kind, string InstalledBy);

/// <summary>
/// The CRDs a render's custom resources need: the chart does not vendor the Spark operators, so `validate` and `plan`
/// name the CRD (and the operator chart that installs it) for each operator kind the release renders.
/// </summary>
public static class RequiredCrds
{
    private static readonly IReadOnlyDictionary<string, string> Installers = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["sparkoperator.k8s.io"] = "the kubeflow Spark operator (helm chart spark-operator/spark-operator)",
        ["spark.apache.org"] = "the Apache Spark Kubernetes operator (helm chart spark/spark-kubernetes-operator)",
    };

    public static IReadOnlyList<RequiredCrd> From(IEnumerable<KubeObject> objects) =>
        objects.Where(o => Installers.ContainsKey(o.Group))
            .Select(o => new RequiredCrd($"{Plural(o.Kind)}.{o.Group}", o.ApiVersion, o.Kind, Installers[o.Group]))
            .DistinctBy(c => (c.Name, c.ApiVersion))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();

    private static string Plural(string kind) => kind.ToLowerInvariant() + "s";
}
