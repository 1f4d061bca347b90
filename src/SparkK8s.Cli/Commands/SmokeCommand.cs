using System.CommandLine;
using System.Globalization;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Operations;
using SparkK8s.Core.Operations.Smoke;
using SparkK8s.Core.Sizing;
using Spectre.Console;

namespace SparkK8s.Cli.Commands;

/// <summary><c>spark-k8s smoke</c>: timed checks of a Spark Connect endpoint or of a release on a cluster.</summary>
public static class SmokeCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Check a running platform end to end: SELECT 1, a 10M-row range on executors, CREATE/INSERT/SELECT/TRUNCATE/DROP of a Parquet table in the metastore, the History Server listing the application, a copy of a submit or operator job run to completion, and the Airflow example DAGs triggered and completed. Exit 1 when a check fails.";

    public static Command Create()
    {
        var target = new LiveTargetOptions();
        var historyUrl = new Option<string?>("--history-url") { Description = "History Server base URL for the application check, e.g. http://localhost:18080 (with --release it is port-forwarded unless given)." };
        var timeout = new Option<string>("--timeout") { Description = "Time limit of each check, e.g. 90s or 5m.", DefaultValueFactory = _ => "2m" };
        var job = new Option<string?>("--job") { Description = "With --release: which of the release's jobs SMOKE009 submits a copy of (a key of jobs:; default: the first one-shot job by name)." };
        var jobTimeout = new Option<string>("--job-timeout") { Description = "How long the submitted job (SMOKE009) may take, e.g. 10m.", DefaultValueFactory = _ => "10m" };
        var airflowUrl = new Option<string?>("--airflow-url") { Description = "Airflow api-server base URL for SMOKE010, e.g. http://localhost:8080 (with --release it is port-forwarded unless given)." };
        var airflowTimeout = new Option<string>("--airflow-timeout") { Description = "How long the example DAG runs (SMOKE010) may take, e.g. 10m.", DefaultValueFactory = _ => "10m" };
        var output = OutputOptions.Create();
        var command = new Command("smoke", Description);
        target.AddTo(command);
        command.Options.Add(historyUrl);
        command.Options.Add(timeout);
        command.Options.Add(job);
        command.Options.Add(jobTimeout);
        command.Options.Add(airflowUrl);
        command.Options.Add(airflowTimeout);
        command.Options.Add(output);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var format = parseResult.GetValue(output);
            var (endpoint, release) = target.Resolve(parseResult);
            var options = new SmokeOptions
            {
                CheckTimeout = DurationText.Parse(parseResult.GetValue(timeout) ?? "2m", "--timeout"),
                HistoryUrl = HistoryUrl(parseResult.GetValue(historyUrl)),
                Job = JobName(parseResult.GetValue(job)),
                JobTimeout = DurationText.Parse(parseResult.GetValue(jobTimeout) ?? "10m", "--job-timeout"),
                AirflowUrl = HttpUrl(parseResult.GetValue(airflowUrl), "--airflow-url", "the Airflow api-server's base URL, e.g. http://localhost:8080"),
                AirflowTimeout = DurationText.Parse(parseResult.GetValue(airflowTimeout) ?? "10m", "--airflow-timeout"),
            };
            var progress = format == OutputFormat.Table && terminal.Interactive
                ? new InlineProgress<CheckResult>(check => terminal.Error.WriteLine($"  {check.Id} {Outcome(check.Outcome),-7} {check.Name} ({Seconds(check.Duration)})"))
                : null;
            var report = endpoint is not null
                ? await EndpointSmoke.RunAsync(endpoint, options, progress, cancellationToken).ConfigureAwait(false)
                : await new ReleaseSmokeRunner(options).RunAsync(release!, progress, cancellationToken).ConfigureAwait(false);
            Write(terminal, format, report);
            if (report.Passed)
            {
                return CliApplication.ExitOk;
            }

            var failed = report.Checks.Where(c => c.Outcome == CheckOutcome.Failed).ToList();
            await terminal.Error.WriteLineAsync($"error: {failed.Count} of {report.Checks.Count} smoke checks failed against {report.Endpoint}; first: {failed[0].Id} {failed[0].Name}: {failed[0].Detail}").ConfigureAwait(false);
            return CliApplication.ExitFindings;
        });
        return command;
    }

    internal static Uri? HistoryUrl(string? text) =>
        HttpUrl(text, "--history-url", "the History Server's base URL, e.g. http://localhost:18080");

    internal static Uri? HttpUrl(string? text, string flag, string what)
    {
        if (text is null)
        {
            return null;
        }

        return Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? uri
            : throw new UserInputException($"{flag}: '{text}' is not an http(s) URL; give {what}.");
    }

    /// <summary>A jobs: key as the chart accepts it (a DNS label), or null.</summary>
    internal static string? JobName(string? text) =>
        text is null ? null
        : System.Text.RegularExpressions.Regex.IsMatch(text, "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$") ? text
        : throw new UserInputException($"--job: '{text}' is not a job name; give a key of the release's jobs: (lower-case letters, digits and '-'), e.g. --job events-load.");

    private static void Write(Terminal terminal, OutputFormat format, SmokeReport report)
    {
        if (format == OutputFormat.Json)
        {
            OutputOptions.WriteJson(terminal.Out, new
            {
                endpoint = report.Endpoint,
                passed = report.Passed,
                checks = report.Checks.Select(c => new { id = c.Id, name = c.Name, outcome = c.Outcome, seconds = Math.Round(c.Duration.TotalSeconds, 3), detail = c.Detail }),
            });
            return;
        }

        terminal.Ansi.WriteLine($"Smoke checks against {report.Endpoint}");
        var table = new Table().AddColumns("ID", "CHECK", "RESULT", "TIME", "DETAIL");
        foreach (var check in report.Checks)
        {
            table.AddRow(
                check.Id,
                Markup.Escape(check.Name),
                check.Outcome switch
                {
                    CheckOutcome.Passed => "[green]passed[/]",
                    CheckOutcome.Failed => "[red]FAILED[/]",
                    _ => "[grey]skipped[/]",
                },
                Seconds(check.Duration),
                Markup.Escape(check.Detail));
        }

        terminal.Ansi.Write(table);
        var passed = report.Checks.Count(c => c.Outcome == CheckOutcome.Passed);
        var skipped = report.Checks.Count(c => c.Outcome == CheckOutcome.Skipped);
        terminal.Ansi.WriteLine($"{passed} passed, {report.Checks.Count - passed - skipped} failed, {skipped} skipped.");
    }

    private static string Outcome(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Passed => "passed",
        CheckOutcome.Failed => "FAILED",
        _ => "skipped",
    };

    private static string Seconds(TimeSpan duration) => $"{duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s";
}
