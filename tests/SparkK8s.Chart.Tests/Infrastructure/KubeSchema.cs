using SparkK8s.Core.Manifests;
using SparkK8s.Core.Validation.Schema;

namespace SparkK8s.Chart.Tests.Infrastructure;

/// <summary>
/// Strict Kubernetes 1.36 schema check of rendered objects with the product's own validator
/// (<see cref="SchemaValidator"/>) against the CLI's embedded schema bundle; one readable line per violation.
/// </summary>
public static class KubeSchema
{
    private static readonly Lazy<SchemaValidator> Validator = new(() => new SchemaValidator(SchemaStore.Embedded));

    public static IEnumerable<string> Validate(KubeObject obj) =>
        Validator.Value.Validate(obj).Select(v => $"{obj.DisplayName} {v.Path}: {v.Message}");
}
