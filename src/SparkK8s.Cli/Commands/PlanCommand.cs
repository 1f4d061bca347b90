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
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Show what a preset deploys: components, images, endpoints, CPU/memory totals, executor capacity and validation.";

    public static Command Create()
    {
        var chart = new ChartCommandOptions();
        var input = new RenderInputOptions();
        var schema = new SchemaOptions();
        var kube = new KubeOptions(contextDescription: "kubeconfig context of the target cluster: plan then asks its API whether it is OpenShift and renders with openshift.enabled=true if so (default: no cluster is contacted).");
        var command = new Command("plan", Description);
        input.AddTo(command);
        schema.AddTo(command);
        kube.AddTo(command);
        chart.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var format = parseResult.GetValue(chart.Output);
            var options = input.Bind(parseResult, chart.ChartDirectory(parseResult));
            string? cluster = null;
            if (kube.Given(parseResult))
            {
                (options, cluster) = await DetectOpenShiftAsync(kube, parseResult, options, cancellationToken).ConfigureAwait(false);
            }

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

            var plan = PlanBuilder.Build(manifest, run) with { Cluster = cluster };
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

    /// <summary>Tables hold names and numbers only; image references, URLs and commands go on their own lines under them.</summary>
    internal static void Write(Terminal terminal, DeploymentPlan plan)
    {
        terminal.WriteWrapped($"Plan for preset {plan.Preset}" + (plan.Environment is null ? string.Empty : $", environment {plan.Environment}")
            + $", Spark {plan.SparkVersion}: release {plan.Release} in namespace {plan.Namespace}");
        terminal.WriteWrapped($"Components: {string.Join(", ", plan.Components)}");
        if (plan.Cluster is { } cluster)
        {
            terminal.WriteWrapped($"Cluster: {cluster}");
        }

        TableLayout.Write(terminal, "Workloads",
            [new("Workload"), new("Component"), new("Replicas"), new("CPU req/limit", CellWrap.Words), new("Memory req/limit", CellWrap.Words)],
            plan.Workloads.Select(w => (IReadOnlyList<string>)[
                $"{w.Kind}/{w.Name}", w.Component, w.Counted ? w.Replicas.ToString(CultureInfo.InvariantCulture) : "run once",
                $"{Cpu(w.Total.CpuRequest)} / {Cpu(w.Total.CpuLimit)}", $"{Bytes(w.Total.MemoryRequest)} / {Bytes(w.Total.MemoryLimit)}"]).ToList());

        terminal.Out.WriteLine("Images:");
        foreach (var image in plan.Images)
        {
            var users = plan.Workloads.Where(w => w.Images.Any(i => i.Reference == image.Reference)).Select(w => w.Component).Distinct().ToList();
            terminal.Out.WriteLine($"  {image.Reference}");
            if (users.Count > 0)
            {
                terminal.WriteWrapped($"used by {string.Join(", ", users)}", "    ", "    ");
            }
        }

        terminal.Out.WriteLine("Endpoints (in-cluster URL, then the command that forwards it to your machine):");
        foreach (var e in plan.Endpoints)
        {
            terminal.Out.WriteLine($"  {e.Component} {e.PortName} {e.Port.ToString(CultureInfo.InvariantCulture)}");
            terminal.Out.WriteLine($"    {e.InClusterUrl}");
            terminal.Out.WriteLine($"    {e.PortForward}");
        }

        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "Platform (long-running pods × replicas)", Cpu(plan.PlatformTotal.CpuRequest), Cpu(plan.PlatformTotal.CpuLimit), Bytes(plan.PlatformTotal.MemoryRequest), Bytes(plan.PlatformTotal.MemoryLimit) },
        };
        if (plan.Executors is { } executors && plan.Standalone is null)
        {
            rows.Add([Invariant($"Executors at min ({executors.MinExecutors})"), Cpu(executors.AtMin.CpuRequest), "-", Bytes(executors.AtMin.MemoryRequest), Bytes(executors.AtMin.MemoryLimit)]);
            rows.Add([$"Executors at max ({executors.MaxExecutors?.ToString(CultureInfo.InvariantCulture) ?? "unbounded"})",
                executors.AtMax is null ? "unbounded" : Cpu(executors.AtMax.CpuRequest), "-",
                executors.AtMax is null ? "unbounded" : Bytes(executors.AtMax.MemoryRequest), executors.AtMax is null ? "unbounded" : Bytes(executors.AtMax.MemoryLimit)]);
        }

        TableLayout.Write(terminal, "Resources",
            [new("What", CellWrap.Words), new("CPU request", CellWrap.Words), new("CPU limit", CellWrap.Words), new("Memory request", CellWrap.Words), new("Memory limit", CellWrap.Words)], rows);
        if (plan.Executors is { } each)
        {
            terminal.WriteWrapped(
                $"Each executor: {KubeQuantity.FormatCpu(each.CoresPerExecutor)} cores, {KubeQuantity.FormatBytes(each.MemoryPerExecutorBytes)} ({each.MemoryRule})"
                + (each.DynamicAllocation ? "; dynamic allocation scales between min and max." : "; static allocation."));
        }

        if (plan.Standalone is { } standalone)
        {
            WriteStandalone(terminal, standalone);
        }

        if (plan.Jobs.Count > 0)
        {
            TableLayout.Write(terminal, "Jobs",
                [new("job"), new("backend"), new("kind"), new("object", CellWrap.Words), new("schedule", CellWrap.Words)],
                plan.Jobs.Select(j => (IReadOnlyList<string>)[j.Name, j.Backend, j.Kind, j.Object, j.Schedule ?? "-"]).ToList());
        }

        FindingsView.WriteRequiredCrds(terminal, plan.RequiredCrds);
        terminal.Out.WriteLine("Validation:");
        FindingsView.Write(terminal, [plan.Validation]);
    }

    /// <summary>Standalone workers: capacity per worker and in all, and how many executors of the configured size fit.</summary>
    private static void WriteStandalone(Terminal terminal, StandaloneCapacity s)
    {
        var workers = s.MinWorkers == s.MaxWorkers ? Invariant($"{s.MaxWorkers}") : Invariant($"{s.MinWorkers}-{s.MaxWorkers}");
        var executor = s.ExecutorCores is { } cores ? Invariant($"{cores} cores, {Bytes(s.ExecutorHeapBytes)} heap") : "-";
        TableLayout.Write(terminal, "Standalone workers (executors run inside them)",
            [new("Workers"), new("Cores each"), new("Memory each"), new("Executor", CellWrap.Words), new("Executors per worker"), new("Executors at most")],
            [[workers, s.CoresPerWorker?.ToString(CultureInfo.InvariantCulture) ?? "all node cores", s.MemoryPerWorkerBytes is null ? "node memory - 1 GiB" : Bytes(s.MemoryPerWorkerBytes),
                executor, s.ExecutorsPerWorker?.ToString(CultureInfo.InvariantCulture) ?? "-", s.ExecutorsAtMaxWorkers?.ToString(CultureInfo.InvariantCulture) ?? "-"]]);
    }

    /// <summary>
    /// With --kube-context or --kubeconfig: asks the cluster for its API groups; on OpenShift (security.openshift.io) the
    /// render gets openshift.enabled=true unless the values set openshift.enabled themselves, so the restricted-v2 SCC
    /// assigns the UIDs.
    /// </summary>
    private static async Task<(Core.Rendering.RenderOptions Options, string Cluster)> DetectOpenShiftAsync(
        KubeOptions kube, ParseResult parseResult, Core.Rendering.RenderOptions options, CancellationToken cancellationToken)
    {
        var target = kube.Target(parseResult, options.Namespace, options.ReleaseName);
        using var session = Core.Kubernetes.KubeConnection.Open(target);
        var openShift = await Core.Kubernetes.OpenShiftDetection.DetectAsync(session.Api, cancellationToken).ConfigureAwait(false);
        if (!openShift)
        {
            return (options, $"{session.Context} is not OpenShift (no {Core.Kubernetes.OpenShiftDetection.SecurityGroup} API group)");
        }

        if (options.SetValues.Any(v => v.StartsWith("openshift.enabled=", StringComparison.Ordinal)))
        {
            return (options, $"{session.Context} is OpenShift; openshift.enabled is kept as --set gives it");
        }

        return (options with { SetValues = [.. options.SetValues, Core.Kubernetes.OpenShiftDetection.SetValue] },
            $"{session.Context} is OpenShift ({Core.Kubernetes.OpenShiftDetection.SecurityGroup} served): rendering with openshift.enabled=true, so its SCC assigns the UIDs");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Cpu(decimal? cores) => cores is null ? "none" : KubeQuantity.FormatCpu(cores.Value);

    private static string Bytes(decimal? bytes) => bytes is null ? "none" : KubeQuantity.FormatBytes(bytes.Value);
}
