namespace SparkK8s.Core.Validation.Schema;

/// <summary>Where a schema store's documents come from, in the order <see cref="SchemaLocation.Open"/> prefers them.</summary>
public enum SchemaSourceKind
{
    /// <summary><c>--schema-location DIR</c>.</summary>
    Directory,

    /// <summary>The user cache filled by <c>spark-k8s schemas fetch</c> from a live cluster.</summary>
    Cache,

    /// <summary>The structural-only bundle embedded in the CLI.</summary>
    Bundle,
}

/// <summary>A schema source: its kind, where it is, and the Kubernetes version its OpenAPI document describes.</summary>
public sealed record SchemaSource(SchemaSourceKind Kind, string Location, string KubernetesVersion)
{
    /// <summary>One line for people, e.g. "embedded bundle (Kubernetes 1.36)".</summary>
    public string Description => Kind switch
    {
        SchemaSourceKind.Bundle => $"embedded bundle (Kubernetes {KubernetesVersion})",
        SchemaSourceKind.Cache => $"cluster schemas from the cache (Kubernetes {KubernetesVersion}, {Location})",
        _ => $"directory {Location} (Kubernetes {KubernetesVersion})",
    };
}
