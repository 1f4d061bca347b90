using System.CommandLine;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Composer;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Files;
using SparkK8s.Core.Planning;
using SparkK8s.Core.Presets;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation;

namespace SparkK8s.Cli.Commands;

/// <summary>
/// <c>spark-k8s new</c>: composes a values overlay from the chart's component catalog (compose.yaml), validates it
/// with the environment, and writes it only when it has no errors; prints the platform's flows and its plan.
/// </summary>
public static class NewCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Compose a platform from components: resolve what they need, refuse what cannot work, validate, and write the values overlay.";

    private static readonly GeneratedFile OverlayFile = new("--out", "# Composed by: spark-k8s new", "'spark-k8s new'");

    public static Command Create()
    {
        var from = new Option<string?>("--from") { Description = "Preset to start from (see 'spark-k8s presets')." };
        var with = new Option<string[]>("--with")
        {
            Description = "Components to add, comma-separated or repeated: connect, jupyter, history, metastore, postgresql, minio, backup, ... (see compose.yaml).",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [],
        };
        var backend = new Option<string?>("--backend") { Description = "Backend: k8s (default), or another backend of compose.yaml." };
        var environment = new Option<string?>("--env", "-e") { Description = "Environment to validate with: dev, staging or prod." };
        var sparkVersion = new Option<string?>("--spark-version") { Description = $"Spark line to pin in the overlay: {string.Join(" or ", SparkVersions.Supported)}." };
        var description = new Option<string?>("--description") { Description = "First comment line of the overlay (default: made from the components)." };
        var outFile = new Option<string?>("--out", "-o") { Description = "Values overlay to write (default: print it)." };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file that 'spark-k8s new' did not write." };
        var chart = new ChartCommandOptions();
        var output = OutputOptions.Create(withShortAlias: false);
        var schema = new SchemaOptions();

        var command = new Command("new", Description);
        foreach (var option in new Option[] { from, with, backend, environment, sparkVersion, description, outFile, force, chart.Chart, chart.Helm, output })
        {
            command.Options.Add(option);
        }

        schema.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var format = parseResult.GetValue(output);
            var target = ChartCommandOptions.NotBlank(parseResult.GetValue(outFile), "--out", "the values file to write, e.g. my-platform.yaml");
            if (target is not null && Enum.TryParse<OutputFormat>(target, ignoreCase: true, out _))
            {
                throw new UserInputException($"-o/--out: '{target}' names the overlay file to write; for {target.ToLowerInvariant()} output use --output {target.ToLowerInvariant()}.");
            }

            var force_ = parseResult.GetValue(force);
            var fullTarget = target is null ? null : OverlayFile.CheckWritable(target, force_);
            var chartDirectory = chart.ChartDirectory(parseResult);
            var presets = new PresetCatalog(chartDirectory);
            var env = ChartCommandOptions.NotBlank(parseResult.GetValue(environment), "--env", "an environment: dev, staging or prod");
            var envPath = env is null ? null : presets.ResolveEnvironment(env);
            var version = parseResult.GetValue(sparkVersion);
            if (version is not null && !SparkVersions.Supported.Contains(version))
            {
                throw new UserInputException($"--spark-version: '{version}' is not a supported Spark line; use {string.Join(" or ", SparkVersions.Supported)}.");
            }

            var catalog = ComposeCatalog.Load(chartDirectory);
            var request = new ComposeRequest
            {
                From = ChartCommandOptions.NotBlank(parseResult.GetValue(from), "--from", "a preset name"),
                With = (parseResult.GetValue(with) ?? []).SelectMany(w => w.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(),
                Backend = ChartCommandOptions.NotBlank(parseResult.GetValue(backend), "--backend", "a backend such as k8s"),
                SparkVersion = version,
                Description = ChartCommandOptions.NotBlank(parseResult.GetValue(description), "--description", "one line of text"),
            };
            if (request.From is null && request.With.Count == 0)
            {
                throw new UserInputException("--with: give the components to compose (e.g. --with jupyter,history,metastore), or --from PRESET.");
            }

            var platform = new PlatformComposer(catalog).Compose(request);
            var envChanges = envPath is null ? [] : await EnvironmentChanges.FindAsync(catalog, platform, envPath, env!, cancellationToken).ConfigureAwait(false);
            var helmClient = await chart.HelmAsync(parseResult, cancellationToken).ConfigureAwait(false);
            var settings = schema.Bind(parseResult);

            // The render is named after the file being written, so the validation table and the plan say which one it is.
            var scratchDirectory = Directory.CreateTempSubdirectory("spark-k8s-new-").FullName;
            var scratch = Path.Combine(scratchDirectory, target is null ? "composed.yaml" : Path.GetFileName(target));
            ValidationRun run;
            RenderedManifest? manifest;
            try
            {
                await File.WriteAllTextAsync(scratch, platform.Text, cancellationToken).ConfigureAwait(false);
                var options = new RenderOptions { ChartDirectory = chartDirectory, Preset = scratch, Environment = env };
                (run, manifest) = await terminal.WithProgressAsync("Validating the composed platform ...", format,
                    _ => new ValidationRunner(helmClient).RunAsync(options, settings, cancellationToken)).ConfigureAwait(false);
            }
            finally
            {
                Directory.Delete(scratchDirectory, recursive: true);
            }

            var flows = FlowDiagram.Flows(catalog, platform, manifest?.Objects);
            var plan = manifest is null ? null : PlanBuilder.Build(manifest, run);
            var written = run.Errors == 0 && fullTarget is not null;
            if (written)
            {
                await OverlayFile.WriteAsync(fullTarget!, platform.Text, force_, cancellationToken).ConfigureAwait(false);
            }

            if (format == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, new
                {
                    platform.Components,
                    platform.Backend,
                    platform.ExternalS3,
                    platform.Added,
                    environmentChanges = envChanges,
                    platform.Command,
                    flows,
                    written = written ? fullTarget : null,
                    overlay = platform.Text,
                    plan,
                    validation = plan is null ? run : null,
                });
            }
            else
            {
                WriteTable(terminal, platform, envChanges, flows, plan, run, written ? target : null);
            }

            return run.Errors > 0 ? CliApplication.ExitFindings : CliApplication.ExitOk;
        });
        return command;
    }

    private static void WriteTable(
        Terminal terminal, ComposedPlatform platform, IReadOnlyList<string> envChanges, IReadOnlyList<PlatformFlow> flows,
        DeploymentPlan? plan, ValidationRun run, string? written)
    {
        terminal.WriteWrapped($"Platform: {string.Join(", ", platform.Components)} on the {platform.Backend} backend"
            + (platform.ExternalS3 ? ", with an external S3 (fill in the placeholders)" : string.Empty));
        foreach (var added in platform.Added)
        {
            terminal.WriteWrapped($"added {added.Name}: {added.NeededBy} needs it", "  ");
        }

        foreach (var change in envChanges)
        {
            terminal.WriteWrapped(change, "  ");
        }

        terminal.Out.WriteLine("Flows:");
        var width = flows.Count == 0 ? 0 : flows.Max(f => f.From.Length);
        foreach (var flow in flows)
        {
            terminal.Out.WriteLine($"  {flow.From.PadRight(width)} --> {flow.To} ({flow.What})");
        }

        if (plan is not null)
        {
            PlanCommand.Write(terminal, plan);
        }
        else
        {
            FindingsView.Write(terminal, [run]);
        }

        if (run.Errors > 0)
        {
            terminal.WriteWrapped("Not written: the composed platform has errors (above).");
        }
        else if (written is not null)
        {
            terminal.WriteWrapped($"Wrote {written}. Install it with: helm install <release> charts/spark-k8s -f {written}");
        }
        else
        {
            terminal.Out.WriteLine("Overlay:");
            terminal.Out.Write(platform.Text);
        }
    }
}
