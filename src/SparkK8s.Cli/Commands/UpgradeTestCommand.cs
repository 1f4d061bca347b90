using System.CommandLine;
using SparkK8s.Cli.Live;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Helm;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations.UpgradeTest;
using SparkK8s.Core.Sizing;

namespace SparkK8s.Cli.Commands;

/// <summary>
/// <c>spark-k8s upgrade-test --from REF|CHART.tgz PRESET</c>: installs the previous chart with a preset, runs smoke,
/// upgrades to the current chart and checks that no immutable field was refused, the Secrets kept their data and
/// smoke passes again.
/// </summary>
public static class UpgradeTestCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Install the previous chart with a preset, smoke, upgrade to the current chart; check immutable fields, Secrets and smoke again.";

    public static Command Create()
    {
        var chart = new ChartCommandOptions();
        var input = new RenderInputOptions();
        var kube = new KubeOptions();
        var from = new Option<string>(PreviousChart.Flag) { Description = "The chart to upgrade from: a git ref of this repository (tag, branch, commit) or a packaged chart .tgz.", Required = true };
        var timeout = new Option<string>("--timeout") { Description = "How long each helm install may wait for the release to become ready, e.g. 15m.", DefaultValueFactory = _ => "15m" };
        var command = new Command("upgrade-test", Description);
        command.Options.Add(from);
        input.AddTo(command);
        kube.AddTo(command);
        command.Options.Add(timeout);
        chart.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var format = parseResult.GetValue(chart.Output);
            var options = input.Bind(parseResult, chart.ChartDirectory(parseResult));
            Core.Rendering.ChartRenderer.BuildRequest(options);
            var target = kube.Target(parseResult, options.Namespace, options.ReleaseName);
            var wait = DurationText.Parse(parseResult.GetValue(timeout) ?? "15m", "--timeout");
            var source = parseResult.GetValue(from) ?? string.Empty;
            var helm = await chart.HelmAsync(parseResult, cancellationToken).ConfigureAwait(false);

            var work = Path.Combine(Path.GetTempPath(), $"spark-k8s-upgrade-test-{Guid.NewGuid():N}");
            Directory.CreateDirectory(work);
            try
            {
                var previous = await PreviousChart.ResolveAsync(source, ChartLocator.FindRepositoryRoot() ?? Path.GetFullPath(Path.Combine(options.ChartDirectory, "..", "..")), work, cancellationToken).ConfigureAwait(false);
                using var session = KubeConnection.Open(target);
                var report = await new UpgradeTestRunner(session.Api, helm, LiveServices.Smoke)
                    .RunAsync(new UpgradeTestRequest(target, options, previous, source, wait), new LiveProgress(terminal), cancellationToken).ConfigureAwait(false);
                if (format == OutputFormat.Json)
                {
                    OutputOptions.WriteJson(terminal.Out, report);
                }
                else
                {
                    terminal.WriteWrapped($"Upgrade test from {report.From} in namespace {report.Namespace}, release {report.Release}:");
                    SmokeTable.Write(terminal, "Steps", report.Steps);
                    terminal.Out.WriteLine(report.Passed ? "upgrade-test: passed." : "upgrade-test: FAILED (the release is left installed for inspection).");
                }

                return report.Passed ? CliApplication.ExitOk : CliApplication.ExitFindings;
            }
            finally
            {
                try
                {
                    Directory.Delete(work, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        });
        return command;
    }
}
