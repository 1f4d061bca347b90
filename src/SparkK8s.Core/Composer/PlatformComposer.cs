using System.Text;
using System.Text.Json.Nodes;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Presets;

namespace SparkK8s.Core.Composer;

/// <summary>What to compose: components (catalog names or values keys), a backend, and optionally a preset to start from.</summary>
public sealed record ComposeRequest
{
    /// <summary>A preset of the catalog to start from; <see cref="With"/> adds components to it.</summary>
    public string? From { get; init; }

    public IReadOnlyList<string> With { get; init; } = [];

    /// <summary>null: the preset's backend, else the first backend of the catalog.</summary>
    public string? Backend { get; init; }

    /// <summary>spark.version to pin in the overlay ("3.5", "4.1"); null leaves the chart's default.</summary>
    public string? SparkVersion { get; init; }

    /// <summary>The first comment line; null: the preset's, or one made from the components.</summary>
    public string? Description { get; init; }
}

/// <summary>A component added because another one needs it.</summary>
public sealed record AddedComponent(string Name, string NeededBy);

/// <summary>A composed platform: its components, backend, where its S3 comes from, and the overlay (tree and text).</summary>
public sealed record ComposedPlatform(
    IReadOnlyList<string> Components,
    string Backend,
    bool ExternalS3,
    IReadOnlyList<AddedComponent> Added,
    string Command,
    JsonObject Values,
    string Text);

/// <summary>
/// Composes a values overlay from the catalog: resolves requirements (adding what is needed and saying why), refuses
/// combinations that cannot work with the reason, then writes every component's switch in catalog order followed by
/// the overlays of the chosen components, the backend and, without minio, the external-S3 placeholders.
/// </summary>
public sealed class PlatformComposer(ComposeCatalog catalog)
{
    public ComposedPlatform Compose(ComposeRequest request)
    {
        var recipe = request.From is null ? null : catalog.FindPreset(request.From)
            ?? throw new UserInputException($"--from: '{request.From}' is not a preset of the catalog. Use one of: {string.Join(", ", catalog.Presets.Select(p => p.Name))}.");
        var backend = ResolveBackend(request.Backend ?? recipe?.Backend ?? catalog.Backends[0].Name);
        var chosen = new List<CatalogComponent>();
        foreach (var name in (recipe?.With ?? []).Concat(request.With))
        {
            var component = catalog.FindComponent(name)
                ?? throw new UserInputException($"--with: unknown component '{name}'. Use any of: {string.Join(", ", catalog.Components.Select(c => c.Name))}.");
            if (!chosen.Contains(component))
            {
                chosen.Add(component);
            }
        }

        var added = AddRequirements(chosen, backend);
        RefuseImpossible(chosen, backend);
        var externalS3 = NeedsS3(chosen, backend) && !chosen.Any(c => c.Name == ComposeCatalog.MinioComponent);
        var ordered = catalog.Components.Where(chosen.Contains).Select(c => c.Name).ToList();

        var values = new JsonObject();
        foreach (var component in catalog.Components.Where(c => c.Switched))
        {
            values[component.ValuesKey] = new JsonObject { ["enabled"] = chosen.Contains(component) };
        }

        foreach (var component in catalog.Components.Where(chosen.Contains))
        {
            Merge(values, component.Overlay);
        }

        Merge(values, backend.Overlay);
        if (externalS3)
        {
            Merge(values, catalog.ExternalS3Overlay);
        }

        var lines = ComposeCatalog.SparkLinesOf(chosen);
        if (lines is not null && request.SparkVersion is { } asked && !lines.Contains(asked, StringComparer.Ordinal))
        {
            var limiting = chosen.Where(c => c.SparkLines.Count > 0 && !c.SparkLines.Contains(asked, StringComparer.Ordinal)).Select(c => c.Name);
            throw new UserInputException(lines.Count == 0
                ? $"--with: {string.Join(", ", chosen.Where(c => c.SparkLines.Count > 0).Select(c => c.Name))} share no Spark line; drop one of them."
                : $"--spark-version {asked}: {string.Join(", ", limiting)} works on Spark {string.Join(", ", lines)} only; use --spark-version {lines[0]} or drop {string.Join(", ", limiting)}.");
        }

        if (lines is { Count: 0 })
        {
            throw new UserInputException($"--with: {string.Join(", ", chosen.Where(c => c.SparkLines.Count > 0).Select(c => c.Name))} share no Spark line; drop one of them.");
        }

        // A component that works on some lines only pins the first of them (the preset installs on a line it supports).
        if ((request.SparkVersion ?? lines?[0]) is { } sparkVersion)
        {
            Merge(values, new JsonObject { ["spark"] = new JsonObject { ["version"] = sparkVersion } });
        }

        var command = recipe is not null && request.With.Count == 0 && request.Backend is null
            ? $"spark-k8s new --from {recipe.Name}"
            : $"spark-k8s new --with {string.Join(',', ordered)} --backend {backend.Name}";
        if (request.SparkVersion is not null)
        {
            command += $" --spark-version {request.SparkVersion}";
        }

        var description = request.Description ?? (request.With.Count == 0 && request.Backend is null ? recipe?.Description : null)
            ?? $"{string.Join(" + ", ordered)} on the {backend.Name} backend";
        var notes = new List<string>();
        if (request.With.Count == 0 && request.Backend is null && recipe is not null)
        {
            notes.AddRange(recipe.Notes);
        }

        if (externalS3)
        {
            notes.InsertRange(0, catalog.ExternalS3Notes);
        }

        return new ComposedPlatform(ordered, backend.Name, externalS3, added, command, values, Render(description, notes, command, values));
    }

    /// <summary>The file `spark-k8s new` writes: description, notes, how to recompose it, then the values.</summary>
    private static string Render(string description, IReadOnlyList<string> notes, string command, JsonObject values)
    {
        var text = new StringBuilder();
        text.Append(PresetCatalog.DescriptionPrefix).Append(' ').Append(description).Append('\n');
        foreach (var note in notes)
        {
            text.Append("# ").Append(note).Append('\n');
        }

        text.Append("# Composed by: ").Append(command).Append('\n');
        text.Append(YamlEmitter.Write(values));
        return text.ToString();
    }

    private CatalogBackend ResolveBackend(string name) =>
        catalog.FindBackend(name)
        ?? throw new UserInputException($"--backend: unknown backend '{name}'. Use one of: {string.Join(", ", catalog.Backends.Select(b => b.Name))}.");

    /// <summary>Adds every component a chosen one (or the backend) requires, transitively; S3 is met by minio or an external endpoint.</summary>
    private List<AddedComponent> AddRequirements(List<CatalogComponent> chosen, CatalogBackend backend)
    {
        var added = new List<AddedComponent>();
        var pending = new Queue<(string Requirement, string NeededBy)>(
            backend.Requires.Select(r => (r, $"the {backend.Name} backend")).Concat(chosen.SelectMany(c => c.Requires.Select(r => (r, c.Name)))));
        while (pending.TryDequeue(out var next))
        {
            if (next.Requirement == ComposeCatalog.S3)
            {
                continue;
            }

            var component = catalog.FindComponent(next.Requirement)!;
            if (chosen.Contains(component))
            {
                continue;
            }

            chosen.Add(component);
            added.Add(new AddedComponent(component.Name, next.NeededBy));
            foreach (var requirement in component.Requires)
            {
                pending.Enqueue((requirement, component.Name));
            }
        }

        return added;
    }

    private static void RefuseImpossible(List<CatalogComponent> chosen, CatalogBackend backend)
    {
        foreach (var component in chosen.Where(c => c.Backends.Count > 0 && !c.Backends.Contains(backend.Name)))
        {
            var dependants = chosen.Where(c => c.Requires.Contains(component.Name)).Select(c => c.Name).ToList();
            var drop = dependants.Count == 0 ? component.Name : $"{component.Name} and {string.Join(", ", dependants)}";
            throw new UserInputException(
                $"--with {component.Name}: it runs on the {string.Join(" or ", component.Backends)} backend, not on {backend.Name}; "
                + $"use --backend {component.Backends[0]}, or drop {drop}.");
        }
    }

    private static bool NeedsS3(List<CatalogComponent> chosen, CatalogBackend backend) =>
        backend.Requires.Contains(ComposeCatalog.S3) || chosen.Any(c => c.Requires.Contains(ComposeCatalog.S3));

    /// <summary>Deep merge that keeps the target's key order and appends new keys (maps merge, anything else replaces).</summary>
    private static void Merge(JsonObject target, JsonObject? overlay)
    {
        if (overlay is null)
        {
            return;
        }

        foreach (var (key, value) in overlay)
        {
            if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }
}
