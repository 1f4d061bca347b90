using System.CommandLine;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Processes;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Schema;
using SparkK8s.Core.Validation.Spark;

namespace SparkK8s.Cli.Commands;

/// <summary>Options every chart command shares: --chart, --helm and --output.</summary>
/// <param name="formats">The --output formats the command supports (default: table and json).</param>
internal sealed class ChartCommandOptions(params OutputFormat[] formats)
{
    public Option<string?> Chart { get; } = new("--chart") { Description = "Chart directory (default: charts/spark-k8s of this checkout, or $SPARK_K8S_CHART)." };
    public Option<string?> Helm { get; } = new("--helm") { Description = "Helm binary (default: $SPARK_K8S_HELM, helm on PATH, or .tools/helm/v4/helm)." };
    public Option<OutputFormat> Output { get; } = OutputOptions.Create(formats);

    public void AddTo(Command command, bool withHelm = true)
    {
        command.Options.Add(Chart);
        if (withHelm)
        {
            command.Options.Add(Helm);
        }

        command.Options.Add(Output);
    }

    public string ChartDirectory(ParseResult parseResult) => ChartLocator.Locate(NotBlank(parseResult.GetValue(Chart), "--chart", "a chart directory such as charts/spark-k8s"));

    /// <summary>An option given with an empty value is a mistake, not "use the default".</summary>
    public static string? NotBlank(string? value, string flag, string expected) =>
        value is not null && string.IsNullOrWhiteSpace(value)
            ? throw new UserInputException($"{flag}: the value is empty; give {expected}, or leave {flag} out for the default.")
            : value;

    /// <summary>The helm client; a missing helm is a usage error that says how to get one.</summary>
    public async Task<HelmClient> HelmAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        try
        {
            var explicitHelm = NotBlank(parseResult.GetValue(Helm), "--helm", "the path of a helm executable");
            return await HelmLocator.LocateAsync(explicitHelm, ChartLocator.FindRepositoryRoot(), cancellationToken).ConfigureAwait(false);
        }
        catch (ToolNotFoundException ex)
        {
            throw new UserInputException($"--helm: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
    }
}

/// <summary>What to render: the preset argument and --env, --spark-version, -f, --set, --release, --namespace.</summary>
internal sealed class RenderInputOptions
{
    public RenderInputOptions(bool presetRequired = true)
    {
        Preset = new Argument<string?>("preset")
        {
            Description = "Preset name (see 'spark-k8s presets') or path to a values YAML file.",
            Arity = presetRequired ? ArgumentArity.ExactlyOne : ArgumentArity.ZeroOrOne,
        };
    }

    public Argument<string?> Preset { get; }
    public Option<string?> Environment { get; } = new("--env", "-e") { Description = "Environment overlay: dev, staging or prod (environments/<env>.yaml)." };
    public Option<string?> SparkVersion { get; } = new("--spark-version") { Description = $"Spark line: {string.Join(" or ", SparkVersions.Supported)} (sets spark.version)." };
    public Option<string[]> Values { get; } = new("--values", "-f") { Description = "Extra values file, applied after the preset and environment (repeatable).", DefaultValueFactory = _ => [] };
    public Option<string[]> Set { get; } = new("--set") { Description = "Override a value, key=value as in helm (repeatable).", DefaultValueFactory = _ => [] };
    public Option<string> Release { get; } = new("--release") { Description = "Release name.", DefaultValueFactory = _ => "spark" };
    public Option<string> Namespace { get; } = new("--namespace", "-n") { Description = "Namespace to render for.", DefaultValueFactory = _ => "spark" };

    public void AddTo(Command command)
    {
        command.Arguments.Add(Preset);
        foreach (var option in new Option[] { Environment, SparkVersion, Values, Set, Release, Namespace })
        {
            command.Options.Add(option);
        }
    }

    public RenderOptions Bind(ParseResult parseResult, string chartDirectory, string? preset = null) => new()
    {
        ChartDirectory = chartDirectory,
        Preset = preset ?? parseResult.GetValue(Preset) ?? throw new UserInputException("preset: give a preset name (see 'spark-k8s presets') or a values file."),
        Environment = ChartCommandOptions.NotBlank(parseResult.GetValue(Environment), "--env", "an environment: dev, staging or prod"),
        SparkVersion = parseResult.GetValue(SparkVersion),
        ValueFiles = parseResult.GetValue(Values) ?? [],
        SetValues = parseResult.GetValue(Set) ?? [],
        ReleaseName = ValidRelease(parseResult.GetValue(Release) ?? "spark"),
        Namespace = ValidNamespace(parseResult.GetValue(Namespace) ?? "spark"),
    };

    /// <summary>Helm's release name rule: a lowercase DNS-1123 subdomain of at most 53 characters.</summary>
    public static string ValidRelease(string release) =>
        ObjectNameCheck.IsReleaseName(release)
            ? release
            : throw new UserInputException(
                $"--release: '{release}' is not a valid Helm release name; use at most {ObjectNameCheck.MaxReleaseName} lowercase letters, digits, '-' or '.', "
                + "starting and ending with a letter or digit (e.g. spark).");

    /// <summary>A Kubernetes namespace name: a DNS-1123 label of at most 63 characters.</summary>
    public static string ValidNamespace(string ns) =>
        ObjectNameCheck.IsLabel(ns)
            ? ns
            : throw new UserInputException(
                $"--namespace: '{ns}' is not a valid namespace name; use at most 63 lowercase letters, digits or '-', "
                + "starting and ending with a letter or digit (e.g. spark).");
}

/// <summary>--schema-location and --skip-kinds, for the commands that validate.</summary>
internal sealed class SchemaOptions
{
    public Option<string?> Location { get; } = new(SchemaLocation.Flag)
    {
        Description = "Directory with kubernetes/*swagger*.json and crds/<group>/<kind>_<version>.json (default: the cluster schemas of 'spark-k8s schemas fetch', else the embedded Kubernetes bundle).",
    };

    public Option<string[]> SkipKinds { get; } = new("--skip-kinds")
    {
        Description = "Kinds not to schema-check, as Kind or group/version/Kind (repeatable or comma-separated).",
        DefaultValueFactory = _ => [],
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Location);
        command.Options.Add(SkipKinds);
    }

    /// <summary>Settings with the schemas to use: --schema-location DIR, else the cache of 'schemas fetch', else the embedded bundle.</summary>
    public ValidationSettings Bind(ParseResult parseResult)
    {
        var store = SchemaLocation.Open(parseResult.GetValue(Location));
        var skip = (parseResult.GetValue(SkipKinds) ?? []).SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
        return new ValidationSettings(store, skip);
    }
}
