using System.Text.RegularExpressions;
using SparkK8s.Core.Diagnostics;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Manifests;
using SparkK8s.Core.Presets;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation.Lint;
using SparkK8s.Core.Validation.Schema;
using SparkK8s.Core.Validation.Security;
using SparkK8s.Core.Validation.Spark;
using SparkK8s.Core.Validation.Upgrade;

namespace SparkK8s.Core.Validation;

/// <summary>
/// How to validate: the schemas (see <see cref="Schema.SchemaLocation.Open"/>), kinds not to schema-check, and optionally
/// the objects of the release an upgrade starts from (<see cref="Upgrade.PreviousRender"/>), compared for immutable fields.
/// </summary>
public sealed record ValidationSettings(SchemaStore Schemas, IReadOnlyCollection<string> SkipKinds, IReadOnlyList<KubeObject>? UpgradeFrom = null)
{
    public SchemaValidator CreateSchemaValidator() => new(Schemas);
}

/// <summary>
/// The outcome of validating one preset × environment × Spark version. <paramref name="SchemaSource"/> says which schemas
/// the objects were checked against (and which kinds came from the embedded bundle behind a cluster cache); null when
/// nothing was rendered.
/// </summary>
public sealed record ValidationRun(
    string Preset,
    string? Environment,
    string SparkVersion,
    IReadOnlyList<Finding> Findings,
    int ObjectCount,
    string? SchemaSource)
{
    /// <summary>The template each rendered object came from ("Kind/name" → "spark-k8s/templates/connect/deployment.yaml", helm's <c># Source:</c>), for SARIF locations.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, string> Sources { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public int Errors => Findings.Count(f => f.Severity == Severity.Error);
    public int Warnings => Findings.Count(f => f.Severity == Severity.Warning);

    /// <summary>Why this preset × Spark line was not rendered (its components do not work on the line); null when it was.</summary>
    public string? Skipped { get; init; }

    /// <summary>CRDs the render's custom resources need in the cluster (the Spark operators' application kinds).</summary>
    public IReadOnlyList<RequiredCrd> RequiredCrds { get; init; } = [];
}

/// <summary>
/// Runs the checks in order: helm lint --strict, rendering, strict schema validation, Spark-aware checks, security rules (SEC0xx). One render
/// runs <c>helm lint --strict</c> with its values; <see cref="RunAllAsync"/> lints each chart once and makes lint's
/// per-document checks on each render's output instead (see <see cref="ChartLint"/>).
/// </summary>
public sealed class ValidationRunner(HelmClient helm)
{
    public HelmClient Helm { get; } = helm;

    public Task<(ValidationRun Run, RenderedManifest? Manifest)> RunAsync(RenderOptions options, ValidationSettings settings, CancellationToken cancellationToken) =>
        RunAsync(options, settings, chartLint: null, cache: null, cancellationToken);

    /// <param name="chartLint">Null: lint this render with helm. Otherwise the chart-level lint findings shared by every render.</param>
    /// <param name="cache">Null: parse and schema-check every document. Otherwise shared by the renders of one run.</param>
    private async Task<(ValidationRun Run, RenderedManifest? Manifest)> RunAsync(
        RenderOptions options, ValidationSettings settings, Task<IReadOnlyList<Finding>>? chartLint, RenderedDocumentCache? cache,
        CancellationToken cancellationToken)
    {
        HelmRenderRequest request;
        using (PhaseTimer.Measure("validate: build request"))
        {
            request = ChartRenderer.BuildRequest(options);
        }

        string version;
        using (PhaseTimer.Measure("validate: effective spark version"))
        {
            version = await EffectiveSparkVersionAsync(options, request.ValueFiles, cancellationToken).ConfigureAwait(false);
        }

        var findings = new List<Finding>();
        var userValues = options.ValueFiles.Count > 0 || options.SetValues.Count > 0;

        // helm lint and helm template are separate processes: run them side by side, then report lint first, as before.
        var lintTask = chartLint is null ? Helm.LintAsync(request, strict: true, cancellationToken) : null;
        RenderedManifest? manifest = null;
        Exception? renderFailure = null;
        try
        {
            manifest = await new ChartRenderer(Helm).RenderAsync(options, cache, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (lintTask is not null)
        {
            renderFailure = ex;
        }
        catch (Exception ex) when (ex is OperationFailedException || (ex is UserInputException && !userValues))
        {
            renderFailure = ex;
        }

        if (lintTask is not null)
        {
            var lint = await lintTask.ConfigureAwait(false);
            if (!lint.Succeeded)
            {
                var text = (lint.StandardOutput + "\n" + lint.StandardError).Trim();
                if (userValues && HelmErrors.IsUserInput(text))
                {
                    throw HelmErrors.Classify(text, "helm lint");
                }

                findings.AddRange(ChartLint.Findings(text));
            }

            if (renderFailure is not null && !(renderFailure is OperationFailedException || (renderFailure is UserInputException && !userValues)))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(renderFailure);
            }
        }

        if (renderFailure is not null || manifest is null)
        {
            if (chartLint is not null)
            {
                findings.AddRange(await chartLint.ConfigureAwait(false));
            }

            findings.Add(new Finding(ValidationStage.Render, "HELM002", Severity.Error, "chart", string.Empty, renderFailure?.Message ?? string.Empty, "Fix the template or values helm names above"));
            return (new ValidationRun(PresetName(options), options.Environment, version, findings, 0, null), null);
        }

        if (chartLint is not null)
        {
            findings.AddRange(await chartLint.ConfigureAwait(false));
            using var lintSpan = PhaseTimer.Measure("validate: rendered lint checks");
            findings.AddRange(RenderedLintChecks.Run(manifest));
        }

        var schemaSpan = PhaseTimer.Measure("validate: schema");

        var schema = settings.CreateSchemaValidator();
        var fromFallback = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var document in manifest.Documents)
        {
            var obj = document.Object;
            var gvk = SchemaStore.Key(obj.Group, obj.Version, obj.Kind);
            var skipped = settings.SkipKinds.Contains(obj.Kind) || settings.SkipKinds.Contains(gvk);
            if (!skipped && schema.Store.Find(obj.Group, obj.Version, obj.Kind) is { FromFallback: true })
            {
                fromFallback.Add(obj.Group.Length == 0 ? $"{obj.Version}/{obj.Kind}" : gvk);
            }

            var violations = cache is null
                ? schema.Validate(obj, settings.SkipKinds)
                : cache.Violations(document.Yaml, () => schema.Validate(obj, settings.SkipKinds));
            foreach (var violation in violations)
            {
                findings.Add(new Finding(ValidationStage.Schema, violation.Id, Severity.Error, obj.DisplayName, violation.Path, violation.Message,
                    violation.Kind == ViolationKind.NoSchema
                        ? $"Pass {SchemaLocation.Flag} DIR with its JSON schema in crds/<group>/<kind>_<version>.json, or pass --skip-kinds {obj.Kind}"
                        : "Fix the template or values that produce this field"));
            }
        }

        schemaSpan.Dispose();
        SparkRenderModel model;
        using (PhaseTimer.Measure("validate: spark model"))
        {
            model = SparkRenderModel.From(manifest.Documents);
        }

        using (PhaseTimer.Measure("validate: spark checks"))
        {
            findings.AddRange(SparkChecks.Run(new SparkCheckContext(model, version, KnownSparkProperties.For(version))));
        }

        using (PhaseTimer.Measure("validate: security rules"))
        {
            findings.AddRange(SecurityRules.Run(new SecurityCheckContext(model, options.Environment, ChartTemplates.HasNetworkPolicies(options.ChartDirectory))));
        }

        if (settings.UpgradeFrom is { } previous)
        {
            findings.AddRange(ImmutableFieldCheck.Run(previous, manifest.Objects));
        }

        var source = schema.Store.Source.Description;
        if (fromFallback.Count > 0 && schema.Store.Fallback is { } fallback)
        {
            source += $"; not in the cluster document, so checked against the {fallback.Source.Description}: {string.Join(", ", fromFallback)}";
        }

        using var tail = PhaseTimer.Measure("validate: sources and crds");
        var sources = manifest.Documents.Where(d => d.Object.SourceTemplate is not null)
            .GroupBy(d => d.Object.DisplayName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Object.SourceTemplate!, StringComparer.Ordinal);
        return (new ValidationRun(PresetName(options), options.Environment, version, findings, manifest.Documents.Count, source)
        {
            Sources = sources,
            RequiredCrds = RequiredCrds.From(manifest.Objects),
        }, manifest);
    }

    /// <summary>Every preset × environment × supported Spark version, <paramref name="parallelism"/> at a time, in a stable order.</summary>
    public Task<IReadOnlyList<ValidationRun>> RunAllAsync(
        RenderOptions template, ValidationSettings settings, int parallelism, Action<string>? progress, CancellationToken cancellationToken) =>
        RunAllAsync(template, settings, parallelism, progress, shareDocuments: true, cancellationToken);

    /// <param name="shareDocuments">
    /// Parse and schema-check each distinct document once for the whole run (<see cref="RenderedDocumentCache"/>);
    /// false does it for every render, as one render does (the tests compare the two).
    /// </param>
    internal async Task<IReadOnlyList<ValidationRun>> RunAllAsync(
        RenderOptions template, ValidationSettings settings, int parallelism, Action<string>? progress, bool shareDocuments,
        CancellationToken cancellationToken)
    {
        var cache = shareDocuments ? new RenderedDocumentCache() : null;
        var catalog = new PresetCatalog(template.ChartDirectory);
        var environments = catalog.EnvironmentNames.Count > 0 ? catalog.EnvironmentNames.Select(e => (string?)e).ToList() : [null];
        var linesOf = await PresetSparkLinesAsync(catalog, cancellationToken).ConfigureAwait(false);
        var all = (from preset in catalog.PresetNames
                   from environment in environments
                   from version in SparkVersions.Supported
                   select template with { Preset = preset, Environment = environment, SparkVersion = version }).ToList();
        // A preset whose components work on some Spark lines only (compose.yaml components.<name>.sparkLines) is not
        // rendered on the others: its run says why instead.
        var skipped = all.Where(t => linesOf.TryGetValue(t.Preset, out var lines) && !lines.Contains(t.SparkVersion!, StringComparer.Ordinal))
            .Select(t => new ValidationRun(t.Preset, t.Environment, t.SparkVersion!, [], 0, null)
            {
                Skipped = $"not rendered: {t.Preset} uses {linesOf[t.Preset].Reason}, which works on Spark {string.Join(", ", linesOf[t.Preset])} only",
            })
            .ToList();
        var targets = all.Where(t => !skipped.Any(s => s.Preset == t.Preset && s.Environment == t.Environment && s.SparkVersion == t.SparkVersion)).ToList();
        var runs = new ValidationRun[targets.Count];
        var done = 0;
        // Started now, awaited by each render once it has its own output: the lint overlaps the first renders.
        var chartLint = ChartLint.ChartLevelAsync(Helm, template.ChartDirectory, template.Namespace, cancellationToken);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, targets.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (i, token) =>
            {
                runs[i] = (await RunAsync(targets[i], settings, chartLint, cache, token).ConfigureAwait(false)).Run;
                progress?.Invoke($"validated {Interlocked.Increment(ref done)}/{targets.Count}: {targets[i].Preset} {targets[i].Environment} {targets[i].SparkVersion}");
            }).ConfigureAwait(false);
        return runs.Concat(skipped).ToList();
    }

    /// <summary>The Spark lines of each preset whose enabled components restrict them (compose.yaml sparkLines).</summary>
    private static async Task<Dictionary<string, PresetLines>> PresetSparkLinesAsync(PresetCatalog catalog, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, PresetLines>(StringComparer.Ordinal);
        if (!File.Exists(Path.Combine(catalog.ChartDirectory, Composer.ComposeCatalog.FileName)))
        {
            return result;
        }

        var compose = Composer.ComposeCatalog.Load(catalog.ChartDirectory);
        if (!compose.Components.Any(c => c.SparkLines.Count > 0))
        {
            return result;
        }

        foreach (var preset in await catalog.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var components = compose.Components.Where(c => c.Switched && preset.Components.Contains(c.ValuesKey, StringComparer.Ordinal)).ToList();
            if (Composer.ComposeCatalog.SparkLinesOf(components) is { } lines)
            {
                result[preset.Name] = new PresetLines(lines, string.Join(", ", components.Where(c => c.SparkLines.Count > 0).Select(c => c.Name)));
            }
        }

        return result;
    }

    private sealed class PresetLines(IReadOnlyList<string> lines, string reason) : List<string>(lines)
    {
        public string Reason { get; } = reason;
    }

    /// <summary>The Spark version a render uses: --spark-version, else a --set, else spark.version from the merged values files.</summary>
    public static async Task<string> EffectiveSparkVersionAsync(RenderOptions options, IReadOnlyList<string> valueFiles, CancellationToken cancellationToken)
    {
        if (options.SparkVersion is not null)
        {
            return options.SparkVersion;
        }

        var fromSet = options.SetValues.LastOrDefault(s => s.StartsWith("spark.version=", StringComparison.Ordinal));
        if (fromSet is not null)
        {
            return fromSet["spark.version=".Length..];
        }

        var values = await ValuesDocument.LoadAsync(Path.Combine(options.ChartDirectory, "values.yaml"), "--chart", cancellationToken).ConfigureAwait(false);
        foreach (var file in valueFiles)
        {
            values = ValuesDocument.Merge(values, await ValuesDocument.LoadAsync(file, "-f", cancellationToken).ConfigureAwait(false));
        }

        var version = ValuesDocument.Get(values, "spark.version")?.ToString();
        return version is not null && SparkVersions.Supported.Contains(version) ? version : SparkVersions.Supported[0];
    }

    private static string PresetName(RenderOptions options) =>
        options.Preset.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) ? Path.GetFileName(options.Preset) : options.Preset;
}
