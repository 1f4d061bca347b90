using System.CommandLine;
using SparkK8s.Cli.Live;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations.Doctor;
using SparkK8s.Core.Operations.Up;
using SparkK8s.Core.Planning;
using SparkK8s.Core.Sizing;
using SparkK8s.Core.Validation;
using SparkK8s.Core.Validation.Schema;

namespace SparkK8s.Cli.Commands;

/// <summary>
/// <c>spark-k8s up</c>: validate, doctor's preflight, helm upgrade --install --wait with progress per component, then
/// smoke. On failure doctor's diagnosis is printed and the release is left for inspection. --dry-run prints the helm
/// command and the plan and touches nothing.
/// </summary>
public static class UpCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Install or upgrade a preset on a cluster: doctor's preflight, helm upgrade --install --wait with progress per component, then smoke.";

    public static Command Create()
    {
        var chart = new ChartCommandOptions();
        var input = new RenderInputOptions();
        var kube = new KubeOptions();
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the helm command and the plan; contact no cluster and install nothing." };
        var timeout = new Option<string>("--timeout") { Description = "How long helm waits for the release to become ready (helm --timeout), e.g. 15m.", DefaultValueFactory = _ => "15m" };
        var command = new Command("up", Description);
        input.AddTo(command);
        kube.AddTo(command);
        command.Options.Add(dryRun);
        command.Options.Add(timeout);
        chart.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var format = parseResult.GetValue(chart.Output);
            var options = input.Bind(parseResult, chart.ChartDirectory(parseResult));
            var target = kube.Target(parseResult, options.Namespace, options.ReleaseName);
            var wait = DurationText.Parse(parseResult.GetValue(timeout) ?? "15m", "--timeout");
            Core.Rendering.ChartRenderer.BuildRequest(options);
            var helm = await chart.HelmAsync(parseResult, cancellationToken).ConfigureAwait(false);
            var install = HelmInstall.Build(helm.ExecutablePath, options, target, wait);

            var (run, manifest) = await new ValidationRunner(helm).RunAsync(options, new ValidationSettings(SchemaLocation.Open(null), new HashSet<string>()), cancellationToken).ConfigureAwait(false);
            if (manifest is null || run.Errors > 0)
            {
                if (format == OutputFormat.Json)
                {
                    OutputOptions.WriteJson(terminal.Out, new { helmCommand = install.CommandLine, validation = run });
                }
                else
                {
                    terminal.WriteWrapped("The preset does not validate; nothing was installed.");
                    FindingsView.Write(terminal, [run]);
                }

                return CliApplication.ExitFindings;
            }

            var plan = PlanBuilder.Build(manifest, run);
            if (parseResult.GetValue(dryRun))
            {
                if (format == OutputFormat.Json)
                {
                    OutputOptions.WriteJson(terminal.Out, new { helmCommand = install.CommandLine, helmArguments = install.Arguments, plan });
                }
                else
                {
                    terminal.Out.WriteLine("Dry run: nothing was contacted or installed. up would run:");
                    terminal.Out.WriteLine($"  {install.CommandLine}");
                    PlanCommand.Write(terminal, plan);
                }

                return CliApplication.ExitOk;
            }

            using var session = KubeConnection.Open(target);
            var runner = new UpRunner(session.Api, LiveServices.Smoke, LiveServices.Probe(session));
            var report = await runner.RunAsync(new DoctorRequest(target, options.ChartDirectory, manifest, plan), install, new LiveProgress(terminal), cancellationToken).ConfigureAwait(false);
            if (format == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, report);
            }
            else
            {
                Write(terminal, report);
            }

            return report.Succeeded ? CliApplication.ExitOk : CliApplication.ExitFindings;
        });
        return command;
    }

    private static void Write(Terminal terminal, UpReport report)
    {
        terminal.Out.WriteLine("Preflight:");
        DoctorView.Write(terminal, report.Preflight);
        terminal.Out.WriteLine($"helm: {report.HelmCommand}");
        if (report.HelmError is not null)
        {
            terminal.WriteWrapped($"helm did not finish: {report.HelmError}");
        }

        if (report.Components.Count > 0)
        {
            TableLayout.Write(terminal, "Components", [new("Component"), new("Ready")],
                report.Components.Select(c => (IReadOnlyList<string>)[c.Component, $"{c.Ready}/{c.Total}"]).ToList());
        }

        if (report.Smoke is { } smoke)
        {
            SmokeTable.Write(terminal, "Smoke", smoke.Checks);
        }

        if (report.Diagnosis is { } diagnosis)
        {
            terminal.Out.WriteLine("Diagnosis (the release is left installed for inspection):");
            DoctorView.Write(terminal, diagnosis);
        }

        terminal.Out.WriteLine(report.Succeeded ? "up: the release is installed and smoke passed." : "up: FAILED.");
    }
}

/// <summary>Timed checks as a table: smoke's checks, chaos scenarios, upgrade-test steps.</summary>
internal static class SmokeTable
{
    public static void Write(Terminal terminal, string title, IReadOnlyList<Core.Operations.CheckResult> checks) =>
        TableLayout.Write(terminal, title, [new("Id"), new("Check", CellWrap.Words), new("Result"), new("Time"), new("Detail", CellWrap.Words)],
            checks.Select(c => (IReadOnlyList<string>)[c.Id, c.Name, DoctorView.Outcome(c.Outcome), DurationText.Format(c.Duration), c.Detail]).ToList());
}
