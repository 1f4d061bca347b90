using System.CommandLine;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Upgrade;

namespace SparkK8s.Cli.Commands;

/// <summary>
/// <c>spark-k8s validate</c>: helm lint --strict, rendering, strict schema validation and Spark-aware checks for one preset,
/// or for every preset × environment × Spark version with --all, including the security rules (SEC0xx). Prints a table,
/// JSON, or SARIF 2.1.0 (--output sarif, for GitHub code scanning). Exit 1 when any check reports an error.
/// </summary>
public static class ValidateCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Lint, render, schema-check (strict) and Spark-check a preset, or all presets with --all.";

    /// <summary>More helm processes than this at once only thrash the machine.</summary>
    public const int MaxParallel = 32;

    public static Command Create()
    {
        var chart = new ChartCommandOptions(OutputFormat.Table, OutputFormat.Json, OutputFormat.Sarif);
        var input = new RenderInputOptions(presetRequired: false);
        var schema = new SchemaOptions();
        var all = new Option<bool>("--all") { Description = "Validate every preset × environment × Spark version." };
        var parallel = new Option<int>("--parallel") { Description = "Renders to run at once with --all.", DefaultValueFactory = _ => 3 };
        var upgradeFrom = new Option<string?>(PreviousRender.Flag)
        {
            Description = "Previous release's manifest (helm get manifest RELEASE > FILE): name every change Kubernetes refuses on upgrade (volume claims, selectors, other immutable fields).",
            HelpName = "FILE",
        };
        var command = new Command("validate", Description);
        input.AddTo(command);
        command.Options.Add(all);
        command.Options.Add(parallel);
        command.Options.Add(upgradeFrom);
        schema.AddTo(command);
        chart.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var format = parseResult.GetValue(chart.Output);
            var preset = parseResult.GetValue(input.Preset);
            var everything = parseResult.GetValue(all);
            if (everything == (preset is not null))
            {
                throw new UserInputException("validate: give either a preset (name or values file) or --all, not both and not neither.");
            }

            if (everything && (parseResult.GetValue(input.Environment) is not null || parseResult.GetValue(input.SparkVersion) is not null))
            {
                throw new UserInputException("--all: covers every environment and Spark version; drop --env and --spark-version.");
            }

            if (parseResult.GetValue(parallel) is < 1 or > MaxParallel)
            {
                throw new UserInputException($"--parallel: give a number of renders to run at once from 1 to {MaxParallel}, e.g. --parallel 3.");
            }

            var chartDirectory = chart.ChartDirectory(parseResult);
            var options = input.Bind(parseResult, chartDirectory, preset ?? "(all)");
            if (!everything)
            {
                Core.Rendering.ChartRenderer.BuildRequest(options);
            }

            var previousPath = parseResult.GetValue(upgradeFrom);
            if (everything && previousPath is not null)
            {
                throw new UserInputException($"{PreviousRender.Flag}: compares one render with the release it upgrades; give a preset instead of --all.");
            }

            var bindSpan = Core.Diagnostics.PhaseTimer.Measure("validate: schema store and helm");
            var settings = schema.Bind(parseResult) with
            {
                UpgradeFrom = previousPath is null ? null : await PreviousRender.LoadAsync(previousPath, cancellationToken).ConfigureAwait(false),
            };
            var helm = await chart.HelmAsync(parseResult, cancellationToken).ConfigureAwait(false);
            bindSpan.Dispose();
            var runner = new ValidationRunner(helm);
            var runs = await terminal.WithProgressAsync("Validating ...", format, async progress => everything
                ? await runner.RunAllAsync(options, settings, parseResult.GetValue(parallel), progress, cancellationToken).ConfigureAwait(false)
                : [(await runner.RunAsync(options, settings, cancellationToken).ConfigureAwait(false)).Run]).ConfigureAwait(false);

            using var outputSpan = Core.Diagnostics.PhaseTimer.Measure("validate: output");
            if (format == OutputFormat.Sarif)
            {
                terminal.Out.WriteLine(Core.Validation.Sarif.SarifLog.Build(runs, chartDirectory, Environment.CurrentDirectory).ToJsonString(OutputOptions.Json));
            }
            else if (format == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, new
                {
                    errors = runs.Sum(r => r.Errors),
                    warnings = runs.Sum(r => r.Warnings),
                    schemaSource = settings.Schemas.Source,
                    distinctFindings = FindingGroup.Of(runs).Select(g => new
                    {
                        severity = g.Finding.Severity,
                        id = g.Finding.Id,
                        @object = g.Finding.Object,
                        field = g.Finding.Field,
                        message = g.Finding.Message,
                        fix = g.Finding.Fix,
                        renders = g.Runs.Select(r => new { preset = r.Preset, environment = r.Environment, sparkVersion = r.SparkVersion }),
                    }),
                    runs,
                });
            }
            else
            {
                FindingsView.Write(terminal, runs);
                FindingsView.WriteRequiredCrds(terminal, runs.SelectMany(r => r.RequiredCrds));
            }

            return runs.Any(r => r.Errors > 0) ? CliApplication.ExitFindings : CliApplication.ExitOk;
        });
        return command;
    }
}
