using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Operations.Load;
using SparkK8s.Core.Sizing;
using Spectre.Console;

namespace SparkK8s.Cli.Commands;

/// <summary><c>spark-k8s load</c>: the NYC-taxi-shaped validation workload, generated on the cluster, with baselines.</summary>
public static class LoadCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Generate a NYC-taxi-shaped trips table (11M rows by default) as Parquet on the cluster, run a fixed query set and report wall time, rows/s, shuffle, spill and executors per query; compare with a baseline.";

    public static Command Create()
    {
        var target = new LiveTargetOptions();
        var rows = new Option<long>("--rows") { Description = "Trips to generate (at least 1000).", DefaultValueFactory = _ => TaxiWorkload.DefaultRows };
        var seed = new Option<long>("--seed") { Description = "Seed of the generated data: the same seed and --rows give the same table.", DefaultValueFactory = _ => 42 };
        var repeat = new Option<int>("--repeat") { Description = "Runs of each query (1-20); the median is reported, the spread is the noise band.", DefaultValueFactory = _ => 3 };
        var partitions = new Option<int?>("--partitions") { Description = "Partitions of the generated data (default: Spark's default parallelism)." };
        var baseline = new Option<string?>("--baseline") { Description = "A previous --report JSON to compare with; exit 1 when a query is more than 10% slower." };
        var report = new Option<string?>("--report") { Description = "Write the results as JSON to this file (the input of a later --baseline)." };
        var historyUrl = new Option<string?>("--history-url") { Description = "History Server base URL for shuffle, spill and executor figures (with --release it is port-forwarded unless given)." };
        var timeout = new Option<string>("--timeout") { Description = "Time limit of each statement, e.g. 30m.", DefaultValueFactory = _ => "30m" };
        var keep = new Option<bool>("--keep-data") { Description = "Keep the generated database afterwards (default: dropped, even on failure)." };
        var output = OutputOptions.Create();
        var command = new Command("load", Description);
        target.AddTo(command);
        foreach (var option in new Option[] { rows, seed, repeat, partitions, baseline, report, historyUrl, timeout, keep, output })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var format = parseResult.GetValue(output);
            var (endpoint, release) = target.Resolve(parseResult);
            var options = new LoadOptions
            {
                Rows = Rows(parseResult.GetValue(rows)),
                Seed = parseResult.GetValue(seed),
                Repeat = Repeat(parseResult.GetValue(repeat)),
                Partitions = Partitions(parseResult.GetValue(partitions)),
                StatementTimeout = DurationText.Parse(parseResult.GetValue(timeout) ?? "30m", "--timeout"),
                KeepData = parseResult.GetValue(keep),
                HistoryUrl = SmokeCommand.HistoryUrl(parseResult.GetValue(historyUrl)),
            };

            // Bad --baseline or --report paths fail before an hour of load, not after.
            var baselineReport = parseResult.GetValue(baseline) is { } baselinePath ? BaselineComparison.ReadBaseline(baselinePath) : null;
            if (baselineReport is not null)
            {
                BaselineComparison.EnsureComparable(baselineReport, options.Rows, options.Seed);
            }

            var reportPath = ReportPath(parseResult.GetValue(report));
            var progress = format == OutputFormat.Table && terminal.Interactive ? new InlineProgress<string>(line => terminal.Error.WriteLine($"  {line}")) : null;
            var result = endpoint is not null
                ? await EndpointLoad.RunAsync(endpoint, options, progress, cancellationToken).ConfigureAwait(false)
                : await new ReleaseLoadRunner(options).RunReportAsync(release!, progress, cancellationToken).ConfigureAwait(false);
            var comparison = baselineReport is null ? null : BaselineComparison.Compare(baselineReport, result);
            if (reportPath is not null)
            {
                await File.WriteAllTextAsync(reportPath, JsonSerializer.Serialize(result, LoadReportJson.Options) + "\n", cancellationToken).ConfigureAwait(false);
            }

            Write(terminal, format, result, comparison);
            if (!result.Completed)
            {
                var failed = new[] { result.Generation }.Concat(result.Queries).First(q => !q.Succeeded);
                await terminal.Error.WriteLineAsync($"error: load against {result.Endpoint} did not complete: {failed.Name}: {failed.Error}").ConfigureAwait(false);
                return CliApplication.ExitFindings;
            }

            if (comparison is { Regressed: true })
            {
                var worst = comparison.Queries.Where(q => q.Regression).MaxBy(q => q.Change)!;
                await terminal.Error.WriteLineAsync($"error: {comparison.Queries.Count(q => q.Regression)} queries regressed by more than {comparison.Threshold * 100:0}%; worst: {worst.Name} {Percent(worst.Change)} ({worst.BaselineSeconds:0.00} s -> {worst.CurrentSeconds:0.00} s).").ConfigureAwait(false);
                return CliApplication.ExitFindings;
            }

            return CliApplication.ExitOk;
        });
        return command;
    }

    private static long Rows(long rows) => rows >= 1000
        ? rows
        : throw new UserInputException($"--rows: {rows} is too few; give at least 1000 (default {TaxiWorkload.DefaultRows.ToString(CultureInfo.InvariantCulture)}).");

    private static int Repeat(int repeat) => repeat is >= 1 and <= 20
        ? repeat
        : throw new UserInputException($"--repeat: {repeat} is not from 1 to 20.");

    private static int? Partitions(int? partitions) => partitions is null or (>= 1 and <= 100_000)
        ? partitions
        : throw new UserInputException($"--partitions: {partitions} is not from 1 to 100000.");

    private static string? ReportPath(string? path)
    {
        if (path is null)
        {
            return null;
        }

        var full = Path.GetFullPath(ChartCommandOptions.NotBlank(path, "--report", "a file to write the JSON report to")!);
        var directory = Path.GetDirectoryName(full);
        return directory is not null && !Directory.Exists(directory)
            ? throw new UserInputException($"--report: the directory '{directory}' does not exist.")
            : Directory.Exists(full) ? throw new UserInputException($"--report: '{path}' is a directory; give a file name.") : full;
    }

    private static void Write(Terminal terminal, OutputFormat format, LoadReport report, BaselineReport? comparison)
    {
        if (format == OutputFormat.Json)
        {
            OutputOptions.WriteJson(terminal.Out, new { report, baseline = comparison });
            return;
        }

        terminal.Ansi.WriteLine($"Load against {report.Endpoint}: {report.Rows.ToString("N0", CultureInfo.InvariantCulture)} trips, seed {report.Seed}, {report.Repeat} run(s) per query, Spark {report.SparkVersion}");
        var table = new Table().AddColumns("QUERY", "RESULT", "WALL (median)", "ROWS/S", "SHUFFLE READ", "SHUFFLE WRITE", "SPILL", "EXECUTORS", "NOTE");
        foreach (var query in new[] { report.Generation }.Concat(report.Queries))
        {
            var metrics = query.Metrics;
            table.AddRow(
                Markup.Escape(query.Name),
                query.Succeeded ? "[green]ok[/]" : "[red]FAILED[/]",
                $"{query.WallSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s",
                query.Succeeded ? query.RowsPerSecond.ToString("N0", CultureInfo.InvariantCulture) : "-",
                metrics is null ? "-" : BackupCommand.FormatSize(metrics.ShuffleReadBytes),
                metrics is null ? "-" : BackupCommand.FormatSize(metrics.ShuffleWriteBytes),
                metrics is null ? "-" : BackupCommand.FormatSize(metrics.MemorySpillBytes + metrics.DiskSpillBytes),
                metrics is null ? "-" : metrics.Executors.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(query.Error ?? string.Empty));
        }

        terminal.Ansi.Write(table);
        if (report.MetricsNote is { } note)
        {
            terminal.Ansi.WriteLine(Markup.Escape($"note: {note}"));
        }

        if (comparison is null)
        {
            return;
        }

        var compared = new Table().AddColumns("QUERY", "BASELINE", "NOW", "CHANGE", "NOISE BAND", "VERDICT");
        foreach (var query in comparison.Queries)
        {
            compared.AddRow(
                Markup.Escape(query.Name),
                $"{query.BaselineSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s",
                $"{query.CurrentSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s",
                Percent(query.Change),
                query.NoiseBand is { } band ? $"±{(band * 50).ToString("0.0", CultureInfo.InvariantCulture)}%" : "n/a",
                query.Regression ? $"[red]{Markup.Escape(query.Verdict)}[/]" : Markup.Escape(query.Verdict));
        }

        terminal.Ansi.Write(compared);
        foreach (var warning in comparison.Warnings)
        {
            terminal.Ansi.WriteLine(Markup.Escape($"warning: {warning}"));
        }
    }

    private static string Percent(double change) => $"{(change >= 0 ? "+" : string.Empty)}{(change * 100).ToString("0.0", CultureInfo.InvariantCulture)}%";
}
