namespace SparkK8s.Core.Validation.Spark;

/// <summary>SPK013: two objects with the same kind, namespace and name (the second overwrites the first on install).</summary>
public sealed class DuplicateObjectCheck() : SparkCheck(
    "SPK013",
    Severity.Error,
    "Two rendered objects have the same kind, namespace and name",
    "Give each object its own name (for long release names use a shorter release name or fullnameOverride)")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var groups = context.Model.Objects
            .Where(o => o.Name.Length > 0)
            .GroupBy(o => (o.ApiVersion.Split('/')[0] == o.ApiVersion ? string.Empty : o.Group, o.Kind, o.Namespace ?? string.Empty, o.Name))
            .Where(g => g.Count() > 1);
        foreach (var group in groups)
        {
            var ns = group.Key.Item3.Length == 0 ? "the release namespace" : $"namespace {group.Key.Item3}";
            yield return Found(group.First().DisplayName, "metadata.name", $"{group.Count()} objects of kind {group.Key.Kind} are named '{group.Key.Name}' in {ns}");
        }
    }
}
