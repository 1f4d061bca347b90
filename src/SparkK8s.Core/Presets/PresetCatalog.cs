using System.Text.Json.Nodes;
using SparkK8s.Core.Composer;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Presets;

/// <summary>One preset of the chart: its file, one-line description, and what it deploys.</summary>
public sealed record PresetInfo(string Name, string Description, string Path, IReadOnlyList<string> Components, string? Backend);

/// <summary>
/// The presets (<c>presets/*.yaml</c>) and environments (<c>environments/*.yaml</c>) of a chart.
/// Components and backend come from the preset merged over the chart's values.yaml: every top-level key whose
/// <c>enabled</c> is true is a component, and so is <c>jobs</c> when the preset has batch jobs; the backend is <c>connect.backend</c>, or for a batch preset without Connect
/// the jobs' default type.
/// </summary>
public sealed class PresetCatalog(string chartDirectory)
{
    public const string DescriptionPrefix = "# description:";

    private IReadOnlySet<string>? _componentKeys;

    public string ChartDirectory { get; } = chartDirectory;
    public string PresetDirectory => Path.Combine(ChartDirectory, "presets");
    public string EnvironmentDirectory => Path.Combine(ChartDirectory, "environments");

    public IReadOnlyList<string> PresetNames => NamesIn(PresetDirectory);
    public IReadOnlyList<string> EnvironmentNames => NamesIn(EnvironmentDirectory);

    public Task<IReadOnlyList<PresetInfo>> ListAsync(CancellationToken cancellationToken) => ListAsync(null, cancellationToken);

    /// <summary>
    /// The presets, taken from <paramref name="cache"/> when the chart's values.yaml, compose.yaml and presets have the
    /// same content as when they were last listed, else parsed (and then stored there).
    /// </summary>
    public async Task<IReadOnlyList<PresetInfo>> ListAsync(PresetListCache? cache, CancellationToken cancellationToken)
    {
        var names = PresetNames;
        var inputs = cache is null ? null : PresetListCache.Inputs(ChartDirectory, names);
        if (inputs is not null && cache!.TryGet(ChartDirectory, inputs) is { } cached)
        {
            return cached;
        }

        var presets = await ParseAllAsync(names, cancellationToken).ConfigureAwait(false);
        if (inputs is not null)
        {
            cache!.Store(ChartDirectory, inputs, presets);
        }

        return presets;
    }

    private async Task<IReadOnlyList<PresetInfo>> ParseAllAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var defaults = await ValuesDocument.LoadAsync(Path.Combine(ChartDirectory, "values.yaml"), "--chart", cancellationToken).ConfigureAwait(false);
        var presets = new List<PresetInfo>();
        foreach (var name in names)
        {
            presets.Add(await DescribeAsync(defaults, Path.Combine(PresetDirectory, name + ".yaml"), cancellationToken).ConfigureAwait(false));
        }

        return presets;
    }

    /// <summary>A preset name from presets/, or a path to a YAML file; unknown names list the known ones.</summary>
    public string ResolvePreset(string nameOrPath)
    {
        var byName = Path.Combine(PresetDirectory, nameOrPath + ".yaml");
        if (File.Exists(byName) && !nameOrPath.Contains('/', StringComparison.Ordinal))
        {
            return byName;
        }

        var looksLikePath = nameOrPath.Contains('/', StringComparison.Ordinal) || nameOrPath.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
            || nameOrPath.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        if (Directory.Exists(nameOrPath))
        {
            throw new UserInputException($"preset: '{nameOrPath}' is a directory. Give a preset name ({string.Join(", ", PresetNames)}) or the path of a values YAML file.");
        }

        if (looksLikePath)
        {
            return File.Exists(nameOrPath)
                ? Path.GetFullPath(nameOrPath)
                : throw new UserInputException($"preset: file '{nameOrPath}' does not exist. Give a preset name ({string.Join(", ", PresetNames)}) or a path to a values file.");
        }

        throw new UserInputException(
            $"preset: unknown preset '{nameOrPath}'. Known presets: {string.Join(", ", PresetNames)} (run 'spark-k8s presets'), or give a path to a YAML file.");
    }

    /// <summary>environments/&lt;name&gt;.yaml; an unknown name lists the known ones.</summary>
    public string ResolveEnvironment(string name)
    {
        var path = Path.Combine(EnvironmentDirectory, name + ".yaml");
        return EnvironmentNames.Contains(name, StringComparer.Ordinal)
            ? path
            : throw new UserInputException($"--env: unknown environment '{name}'. Use one of: {string.Join(", ", EnvironmentNames)}.");
    }

    public async Task<PresetInfo> DescribeAsync(JsonObject defaults, string presetPath, CancellationToken cancellationToken)
    {
        var preset = await ValuesDocument.LoadAsync(presetPath, "preset", cancellationToken).ConfigureAwait(false);
        var merged = ValuesDocument.Merge(defaults, preset);
        var description = await ReadDescriptionAsync(presetPath, cancellationToken).ConfigureAwait(false);
        return new PresetInfo(
            Path.GetFileNameWithoutExtension(presetPath),
            description,
            presetPath,
            ValuesDocument.Get(merged, "jobs") is JsonObject { Count: > 0 } ? [.. EnabledComponents(merged), "jobs"] : EnabledComponents(merged),
            Backend(merged));
    }

    /// <summary>
    /// The preset's backend: connect.backend when the Connect server is on, else the jobs' default type ("submit" or
    /// "operator") when it has jobs, else none.
    /// </summary>
    public static string? Backend(JsonObject values)
    {
        var connectOn = ValuesDocument.Get(values, "connect.enabled") is JsonValue on && on.TryGetValue<bool>(out var enabled) && enabled;
        if (connectOn && (string?)ValuesDocument.Get(values, "connect.backend") is { } backend)
        {
            return backend;
        }

        return ValuesDocument.Get(values, "jobs") is JsonObject { Count: > 0 } && (string?)ValuesDocument.Get(values, "jobDefaults.type") is { } type
            ? type
            : null;
    }

    /// <summary>
    /// The enabled components of merged values. A component is a switched component of the chart's catalog
    /// (compose.yaml), so chart-wide switches such as networkPolicy.enabled or openshift.enabled are not counted; a chart
    /// without a catalog counts every top-level key with an <c>enabled</c> switch.
    /// </summary>
    public IReadOnlyList<string> EnabledComponents(JsonObject values)
    {
        var components = ComponentKeys;
        return values.Where(p => (components is null || components.Contains(p.Key)) && p.Value is JsonObject component
                && component["enabled"] is JsonValue enabled && enabled.TryGetValue<bool>(out var on) && on)
            .Select(p => p.Key)
            .ToList();
    }

    private IReadOnlySet<string>? ComponentKeys => _componentKeys ??= File.Exists(Path.Combine(ChartDirectory, ComposeCatalog.FileName))
        ? ComposeCatalog.Load(ChartDirectory).Components.Where(c => c.Switched).Select(c => c.ValuesKey).ToHashSet(StringComparer.Ordinal)
        : null;

    private static async Task<string> ReadDescriptionAsync(string path, CancellationToken cancellationToken)
    {
        // Synchronous and lazy, as in ValuesDocument.LoadAsync: only the leading comment lines are read.
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var line in File.ReadLines(path))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith(DescriptionPrefix, StringComparison.OrdinalIgnoreCase))
            {
                return trimmed[DescriptionPrefix.Length..].Trim();
            }

            if (trimmed.Length > 0 && !trimmed.StartsWith('#'))
            {
                break;
            }
        }

        return string.Empty;
    }

    /// <summary>The names of the directory's *.yaml files, in ordinal order (a plain loop: this runs at every start of `presets`).</summary>
    private static IReadOnlyList<string> NamesIn(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var names = new List<string>();
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (name.Length > ".yaml".Length && name.EndsWith(".yaml", StringComparison.Ordinal))
            {
                names.Add(name[..^".yaml".Length]);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
