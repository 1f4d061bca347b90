using System.CommandLine;
using System.Globalization;
using SparkK8s.Cli.Live;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Errors;
using SparkK8s.Core.EventLogs;
using SparkK8s.Core.Kubernetes;
using SparkK8s.Core.Operations.Chaos;
using SparkK8s.Core.Sizing;

namespace SparkK8s.Cli.Commands;

/// <summary>
/// <c>spark-k8s chaos</c>: breaks one part of a release at a time while load runs, and reports pass or fail per
/// scenario with the measured recovery time. Refuses to run without --yes or the namespace label spark-k8s.io/chaos=allowed.
/// </summary>
public static class ChaosCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Kill executors, Connect, the metastore, MinIO or PostgreSQL while load runs; pass or fail per scenario with the recovery time.";

    public static Command Create()
    {
        var kube = new KubeOptions();
        var release = new Option<string>("--release") { Description = "Release name.", DefaultValueFactory = _ => "spark" };
        var ns = new Option<string>("--namespace", "-n") { Description = "Namespace of the release.", DefaultValueFactory = _ => "spark" };
        var yes = new Option<bool>("--yes") { Description = $"Run even though the namespace is not labelled {ChaosGuard.Label}={ChaosGuard.Allowed}." };
        var scenarios = new Option<string[]>("--scenario") { Description = "Scenarios to run (repeatable or comma-separated): executors, connect, metastore, s3, postgresql (default: all).", DefaultValueFactory = _ => [] };
        var rows = new Option<long>("--rows") { Description = "Rows of the load that runs during each scenario.", DefaultValueFactory = _ => 1_000_000 };
        var warmup = new Option<string>("--warmup") { Description = "How long the load runs before the fault, e.g. 10s.", DefaultValueFactory = _ => "10s" };
        var outage = new Option<string>("--outage") { Description = "How long MinIO stays at zero replicas in the s3 scenario, e.g. 30s.", DefaultValueFactory = _ => "30s" };
        var recovery = new Option<string>("--recovery-timeout") { Description = "How long each scenario may take to recover before it fails, e.g. 5m.", DefaultValueFactory = _ => "5m" };
        var eventLogDir = new Option<string?>("--event-log-dir") { Description = "The Connect server's spark.eventLog.dir as s3://bucket/prefix or a local path: the connect scenario also reads the killed server's event log there (the History Server is always asked when the release has one)." };
        var s3 = new EventLogInput();
        var output = OutputOptions.Create();
        var command = new Command("chaos", Description);
        foreach (var option in new Option[] { release, ns, yes, scenarios, rows, warmup, outage, recovery, eventLogDir })
        {
            command.Options.Add(option);
        }

        s3.AddTo(command);

        kube.AddTo(command);
        command.Options.Add(output);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var format = parseResult.GetValue(output);
            var target = kube.Target(parseResult, RenderInputOptions.ValidNamespace(parseResult.GetValue(ns) ?? "spark"), RenderInputOptions.ValidRelease(parseResult.GetValue(release) ?? "spark"));
            var rowCount = parseResult.GetValue(rows);
            if (rowCount <= 0)
            {
                throw new UserInputException($"--rows: {rowCount.ToString(CultureInfo.InvariantCulture)} must be a positive number of rows, e.g. --rows 1000000.");
            }

            var options = new ChaosOptions(
                ParseScenarios(parseResult.GetValue(scenarios) ?? []),
                rowCount,
                DurationText.Parse(parseResult.GetValue(warmup) ?? "10s", "--warmup"),
                DurationText.Parse(parseResult.GetValue(outage) ?? "30s", "--outage"),
                DurationText.Parse(parseResult.GetValue(recovery) ?? "5m", "--recovery-timeout"));

            var s3Options = CheckEventLogDir(parseResult.GetValue(eventLogDir)) ? s3.S3(parseResult) : null;
            using var session = KubeConnection.Open(target);
            await ChaosRunner.EnsureAllowedAsync(session.Api, target.Namespace, parseResult.GetValue(yes), cancellationToken).ConfigureAwait(false);
            var eventLogs = new List<IEventLogCheck> { new HistoryServerEventLogCheck(session.Api, options.PollInterval) };
            if (parseResult.GetValue(eventLogDir) is { Length: > 0 } dir)
            {
                eventLogs.Add(new StoredEventLogCheck(dir, s3Options));
            }

            var report = await new ChaosRunner(session.Api, LiveServices.Load, LiveServices.Smoke, options, eventLogs).RunAsync(target, new LiveProgress(terminal), cancellationToken).ConfigureAwait(false);
            if (format == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, report);
            }
            else
            {
                terminal.WriteWrapped($"Chaos in namespace {report.Namespace}, release {report.Release}:");
                SmokeTable.Write(terminal, "Scenarios", report.Scenarios.Select(s => s.AsCheck()).ToList());
                terminal.Out.WriteLine(report.Passed ? "chaos: every scenario passed." : "chaos: FAILED.");
            }

            return report.Passed ? CliApplication.ExitOk : CliApplication.ExitFindings;
        });
        return command;
    }

    /// <summary>True for an s3:// or s3a:// URI (which then needs the S3 options); a local path must be a directory.</summary>
    private static bool CheckEventLogDir(string? dir)
    {
        if (dir is null)
        {
            return false;
        }

        if (S3Location.IsS3Uri(dir))
        {
            try
            {
                _ = S3Location.Parse(dir);
            }
            catch (UserInputException ex)
            {
                throw new UserInputException($"--event-log-dir: {ex.Message}");
            }

            return true;
        }

        return Directory.Exists(dir)
            ? false
            : throw new UserInputException($"--event-log-dir: '{dir}' is neither an s3:// URI nor a directory; give the Connect server's spark.eventLog.dir, e.g. s3a://spark-logs/events.");
    }

    private static IReadOnlyList<ChaosScenario> ParseScenarios(IEnumerable<string> values)
    {
        var names = values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (names.Count == 0)
        {
            return Enum.GetValues<ChaosScenario>();
        }

        var chosen = new List<ChaosScenario>();
        foreach (var name in names)
        {
            if (!Enum.TryParse<ChaosScenario>(name, ignoreCase: true, out var scenario) || int.TryParse(name, out _))
            {
                throw new UserInputException($"--scenario: '{name}' is not a scenario; use one of: {string.Join(", ", Enum.GetNames<ChaosScenario>().Select(n => n.ToLowerInvariant()))}.");
            }

            if (!chosen.Contains(scenario))
            {
                chosen.Add(scenario);
            }
        }

        return chosen.Order().ToList();
    }
}
