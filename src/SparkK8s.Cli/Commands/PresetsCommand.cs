using System.CommandLine;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Diagnostics;
using SparkK8s.Core.Presets;
using Spectre.Console;

namespace SparkK8s.Cli.Commands;

/// <summary><c>spark-k8s presets</c>: the chart's presets with description, components and backend.</summary>
public static class PresetsCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "List the chart's presets: description, components and backend (reads YAML, no helm needed).";

    public static Command Create()
    {
        var options = new ChartCommandOptions();
        var command = new Command("presets", Description);
        options.AddTo(command, withHelm: false);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            Terminal terminal;
            using (PhaseTimer.Measure("presets: the console"))
            {
                terminal = Terminal.For(parseResult);
            }

            var catalog = new PresetCatalog(options.ChartDirectory(parseResult));
            IReadOnlyList<PresetInfo> presets;
            using (PhaseTimer.Measure("presets: the preset list"))
            {
                presets = await catalog.ListAsync(PresetListCache.Default, cancellationToken).ConfigureAwait(false);
            }

            using var writing = PhaseTimer.Measure("presets: write the list");
            if (parseResult.GetValue(options.Output) == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, new { chart = catalog.ChartDirectory, presets, environments = catalog.EnvironmentNames });
                return CliApplication.ExitOk;
            }

            TableLayout.Write(terminal, null,
                [new("Preset"), new("Description", CellWrap.Words), new("Components", CellWrap.Words), new("Backend")],
                presets.Select(p => (IReadOnlyList<string>)[p.Name, p.Description, string.Join(", ", p.Components), p.Backend ?? "-"]).ToList());
            terminal.WriteWrapped($"Environments: {string.Join(", ", catalog.EnvironmentNames)}");
            return CliApplication.ExitOk;
        });
        return command;
    }
}
