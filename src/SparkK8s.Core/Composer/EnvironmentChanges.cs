using System.Text.Json.Nodes;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Presets;

namespace SparkK8s.Core.Composer;

/// <summary>
/// What an environment overlay (applied after the composed one) does to the composition: a chosen component it turns
/// off is refused, because the user would silently lose it; a component it turns on is reported.
/// </summary>
public static class EnvironmentChanges
{
    public static async Task<IReadOnlyList<string>> FindAsync(
        ComposeCatalog catalog, ComposedPlatform platform, string environmentPath, string environment, CancellationToken cancellationToken)
    {
        var overlay = await ValuesDocument.LoadAsync(environmentPath, "--env", cancellationToken).ConfigureAwait(false);
        var changes = new List<string>();
        foreach (var component in catalog.Components)
        {
            if (overlay[component.ValuesKey]?["enabled"] is not JsonValue value || !value.TryGetValue<bool>(out var enabled))
            {
                continue;
            }

            var chosen = platform.Components.Contains(component.Name);
            if (chosen && !enabled)
            {
                throw new UserInputException(
                    $"--with {component.Name}: the {environment} environment turns {component.ValuesKey}.enabled off, so the platform would not have it; "
                    + $"drop {component.Name}, or pick another --env.");
            }

            if (!chosen && enabled)
            {
                changes.Add($"the {environment} environment adds {component.Name} ({component.ValuesKey}.enabled: true)");
            }
        }

        return changes;
    }
}
