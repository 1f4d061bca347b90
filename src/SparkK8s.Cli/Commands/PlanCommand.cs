using System.CommandLine;
using System.Globalization;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Planning;
using SparkK8s.Core.Units;
using SparkK8s.Core.Validation;
using Spectre.Console;

namespace SparkK8s.Cli.Commands;

/// <summary>
/// <c>spark-k8s plan</c>: what deploying a preset creates — components, images, endpoints, resource totals and executor
/// capacity — plus its validation. Strict schema validation always runs (embedded bundle by default).
/// </summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var chart = new ChartCommandOptions();
        var input = new RenderInputOptions();
        var schema = new SchemaOptions();
        var command = new Command("plan", "Show what a preset deploys: components, images, endpoints, CPU/memory totals, executor capacity and validation.");
        input.AddTo(command);
        schema.AddTo(command);
        chart.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var format = parseResult.GetValue(chart.Output);
            var options = input.Bind(parseResult, chart.ChartDirectory(parseResult));
            Core.Rendering.ChartRenderer.BuildRequest(options);
            var settings = schema.Bind(parseResult);
            var helm = await chart.HelmAsync(parseResult, cancellationToken).ConfigureAwait(false);
            var (run, manifest) = await terminal.WithProgressAsync("Rendering and validating ...", format,
                _ => new ValidationRunner(helm).RunAsync(options, settings, cancellationToken)).ConfigureAwait(false);
            if (manifest is null)
            {
                if (format == OutputFormat.Json)
                {
                    OutputOptions.WriteJson(terminal.Out, new { validation = run });
                }
                else
                {
                    FindingsView.Write(terminal, [run]);
                }

                return CliApplication.ExitFindings;
            }

            var plan = PlanBuilder.Build(manifest, run);
            if (format == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, plan);
            }
            else
            {
                Write(terminal, plan);
            }

            return run.Errors > 0 ? CliApplication.ExitFindings : CliApplication.ExitOk;
        });
        return command;
    }

    private static void Write(Terminal terminal, DeploymentPlan plan)
    {
        var console = terminal.Ansi;
        console.WriteLine($"Plan for preset {plan.Preset}" + (plan.Environment is null ? string.Empty : $", environment {plan.Environment}")
            + $", Spark {plan.SparkVersion}: release {plan.Release} in namespace {plan.Namespace}");
        console.WriteLine($"Components: {string.Join(", ", plan.Components)}");

        var workloads = new Table().Title("Workloads").AddColumns("Component", "Workload", "Replicas", "Images", "CPU req", "CPU limit", "Mem req", "Mem limit");
        foreach (var w in plan.Workloads)
        {
            workloads.AddRow(Markup.Escape(w.Component), Markup.Escape($"{w.Kind}/{w.Name}"), w.Counted ? w.Replicas.ToString(CultureInfo.InvariantCulture) : "run once",
                Markup.Escape(string.Join("\n", w.Images.Select(i => i.Reference))), Cpu(w.Total.CpuRequest), Cpu(w.Total.CpuLimit), Bytes(w.Total.MemoryRequest), Bytes(w.Total.MemoryLimit));
        }

        console.Write(workloads);

        var images = new Table().Title("Images").AddColumns("Repository", "Tag");
        foreach (var image in plan.Images)
        {
            images.AddRow(Markup.Escape(image.Repository), Markup.Escape(image.Tag));
        }

        console.Write(images);

        var endpoints = new Table().Title("Endpoints").AddColumns("Component", "Port", "In-cluster URL", "From your machine");
        foreach (var e in plan.Endpoints)
        {
            endpoints.AddRow(Markup.Escape(e.Component), Markup.Escape($"{e.PortName} {e.Port}"), Markup.Escape(e.InClusterUrl), Markup.Escape(e.PortForward));
        }

        console.Write(endpoints);

        var totals = new Table().Title("Resources").AddColumns("What", "CPU request", "CPU limit", "Memory request", "Memory limit");
        totals.AddRow("Platform (long-running pods × replicas)", Cpu(plan.PlatformTotal.CpuRequest), Cpu(plan.PlatformTotal.CpuLimit), Bytes(plan.PlatformTotal.MemoryRequest), Bytes(plan.PlatformTotal.MemoryLimit));
        if (plan.Executors is { } executors)
        {
            var each = $"{KubeQuantity.FormatCpu(executors.CoresPerExecutor)} cores, {KubeQuantity.FormatBytes(executors.MemoryPerExecutorBytes)} ({executors.MemoryRule})";
            totals.AddRow(Markup.Escape($"Executors at min ({executors.MinExecutors} × {each})"), Cpu(executors.AtMin.CpuRequest), "-", Bytes(executors.AtMin.MemoryRequest), Bytes(executors.AtMin.MemoryLimit));
            totals.AddRow(Markup.Escape($"Executors at max ({executors.MaxExecutors?.ToString(CultureInfo.InvariantCulture) ?? "unbounded"})" + (executors.DynamicAllocation ? " (dynamic allocation)" : " (static)")),
                executors.AtMax is null ? "unbounded" : Cpu(executors.AtMax.CpuRequest), "-",
                executors.AtMax is null ? "unbounded" : Bytes(executors.AtMax.MemoryRequest), executors.AtMax is null ? "unbounded" : Bytes(executors.AtMax.MemoryLimit));
        }

        console.Write(totals);
        console.WriteLine("Validation:");
        FindingsView.Write(terminal, [plan.Validation]);
    }

    private static string Cpu(decimal? cores) => cores is null ? "none" : KubeQuantity.FormatCpu(cores.Value);

    private static string Bytes(decimal? bytes) => bytes is null ? "none" : KubeQuantity.FormatBytes(bytes.Value);
}
