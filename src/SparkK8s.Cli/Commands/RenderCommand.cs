using System.CommandLine;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Rendering;
using Spectre.Console;

namespace SparkK8s.Cli.Commands;

/// <summary><c>spark-k8s render</c>: renders a preset through helm, to stdout or one file per object under --out.</summary>
public static class RenderCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Render a preset to Kubernetes manifests (YAML stream, or one file per object with --out).";

    public static Command Create()
    {
        var chart = new ChartCommandOptions();
        var input = new RenderInputOptions();
        var outDirectory = new Option<string?>("--out") { Description = "Write DIR/<component>/<kind>-<name>.yaml. DIR must be new, empty or an earlier render's (marked by .spark-k8s-render); it is replaced only when rendering succeeds." };
        var command = new Command("render", Description);
        input.AddTo(command);
        chart.AddTo(command);
        command.Options.Add(outDirectory);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var format = parseResult.GetValue(chart.Output);
            var options = input.Bind(parseResult, chart.ChartDirectory(parseResult));
            ChartRenderer.BuildRequest(options);
            var target = parseResult.GetValue(outDirectory);
            string[] untouchable = [Directory.GetCurrentDirectory(), options.ChartDirectory];
            if (target is not null)
            {
                ManifestWriter.CheckTarget(target, untouchable, options.ChartDirectory);
            }

            var helm = await chart.HelmAsync(parseResult, cancellationToken).ConfigureAwait(false);
            var manifest = await terminal.WithProgressAsync("Rendering ...", format, _ => new ChartRenderer(helm).RenderAsync(options, cancellationToken)).ConfigureAwait(false);
            IReadOnlyList<string>? files = target is null ? null : await ManifestWriter.WriteAsync(manifest, target, untouchable, cancellationToken).ConfigureAwait(false);
            if (format == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, new
                {
                    preset = options.Preset,
                    environment = options.Environment,
                    sparkVersion = options.SparkVersion,
                    @out = target is null ? null : Path.GetFullPath(target),
                    objects = manifest.Documents.Select((d, i) => new
                    {
                        component = d.Component,
                        kind = d.Object.Kind,
                        name = d.Object.Name,
                        file = files?[i],
                        manifest = target is null ? d.Object.Body : null,
                    }),
                });
                return CliApplication.ExitOk;
            }

            if (files is null)
            {
                await terminal.Out.WriteAsync(manifest.Yaml).ConfigureAwait(false);
                return CliApplication.ExitOk;
            }

            TableLayout.Write(terminal, null, [new("Kind"), new("Name"), new("Component")],
                manifest.Documents.Select(d => (IReadOnlyList<string>)[d.Object.Kind, d.Object.Name, d.Component]).ToList());
            terminal.Out.WriteLine($"Wrote {files.Count} objects, one file each, to");
            terminal.Out.WriteLine($"  {Path.GetFullPath(target!)}");
            foreach (var file in files)
            {
                terminal.Out.WriteLine($"  {file}");
            }
            return CliApplication.ExitOk;
        });
        return command;
    }
}
