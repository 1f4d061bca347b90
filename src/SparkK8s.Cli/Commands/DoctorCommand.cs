using System.CommandLine;
using SparkK8s.Cli.Live;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations.Doctor;

namespace SparkK8s.Cli.Commands;

/// <summary>
/// <c>spark-k8s doctor</c>: checks a cluster before an install (version, Pod Security, CRDs, storage, capacity, egress)
/// and diagnoses an installed release (pods not ready with the reason, failed Jobs, Connect and History Server). Exit 1 on errors.
/// </summary>
public static class DoctorCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Check a cluster before installing a preset, or diagnose an installed release: each finding with an id, a one-line fix and its runbook.";

    public static Command Create()
    {
        var chart = new ChartCommandOptions();
        var input = new RenderInputOptions(presetRequired: false);
        var kube = new KubeOptions();
        var command = new Command("doctor", Description);
        input.AddTo(command);
        kube.AddTo(command);
        chart.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var format = parseResult.GetValue(chart.Output);
            var ns = RenderInputOptions.ValidNamespace(parseResult.GetValue(input.Namespace) ?? "spark");
            var release = RenderInputOptions.ValidRelease(parseResult.GetValue(input.Release) ?? "spark");
            var target = kube.Target(parseResult, ns, release);
            var chartDirectory = chart.ChartDirectory(parseResult);
            DoctorRequest request;
            if (parseResult.GetValue(input.Preset) is not null)
            {
                var options = input.Bind(parseResult, chartDirectory);
                Core.Rendering.ChartRenderer.BuildRequest(options);
                var helm = await chart.HelmAsync(parseResult, cancellationToken).ConfigureAwait(false);
                var (render, plan) = await DoctorInput.PrepareAsync(helm, options, cancellationToken).ConfigureAwait(false);
                request = new DoctorRequest(target, chartDirectory, render, plan);
            }
            else
            {
                var stray = new (string Flag, bool Given)[]
                {
                    ("--env", parseResult.GetValue(input.Environment) is not null),
                    ("--spark-version", parseResult.GetValue(input.SparkVersion) is not null),
                    ("--values", (parseResult.GetValue(input.Values) ?? []).Length > 0),
                    ("--set", (parseResult.GetValue(input.Set) ?? []).Length > 0),
                }.FirstOrDefault(f => f.Given).Flag;
                if (stray is not null)
                {
                    throw new Core.Errors.UserInputException($"{stray}: applies to a preset; give the preset too (e.g. spark-k8s doctor jupyter-connect-k8s {stray} ...), or leave {stray} out to diagnose the installed release.");
                }

                request = new DoctorRequest(target, chartDirectory, null, null);
            }

            using var session = KubeConnection.Open(target);
            var report = await terminal.WithProgressAsync("Examining the cluster ...", format,
                _ => new DoctorRunner(session.Api, LiveServices.Probe(session)).RunAsync(request, cancellationToken)).ConfigureAwait(false);
            if (format == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, report);
            }
            else
            {
                DoctorView.Write(terminal, report);
            }

            return report.Errors > 0 ? CliApplication.ExitFindings : CliApplication.ExitOk;
        });
        return command;
    }
}
