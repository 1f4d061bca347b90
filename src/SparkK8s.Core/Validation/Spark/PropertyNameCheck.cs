namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK006: a Spark property that is not a known property of the chosen Spark version. An error with "did you mean"
/// when a known name is a few edits away (a typo), a warning otherwise (a plugin's or a newer property).
/// </summary>
public sealed class PropertyNameCheck() : SparkCheck(
    "SPK006",
    Severity.Error,
    "A Spark property name is misspelled or unknown for the chosen Spark version (did you mean ...)",
    "Use the suggested property name; unknown names without a suggestion are warnings (check the Spark docs of your version)")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in context.Model.ConfByComponent.Values.SelectMany(c => c.Properties))
        {
            if (context.Known.IsKnown(property.Key) || !seen.Add($"{property.Object}|{property.Key}"))
            {
                continue;
            }

            var suggestion = context.Known.Suggest(property.Key);
            yield return suggestion is not null
                ? Found(property, $"'{property.Key}' is not a Spark {context.SparkVersion} property; did you mean '{suggestion}'?", $"Rename it to {suggestion}")
                : Found(property, $"'{property.Key}' is not a known Spark {context.SparkVersion} property",
                    "Check the name against the Spark configuration docs of your version", Severity.Warning);
        }
    }
}
