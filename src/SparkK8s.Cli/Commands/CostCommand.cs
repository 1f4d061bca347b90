using System.CommandLine;
using System.Globalization;
using System.Text;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Cost;
using SparkK8s.Core.Diagnostics;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Sizing;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SparkK8s.Cli.Commands;

/// <summary><c>spark-k8s cost</c>: what Spark applications cost and wasted, attributed to teams, namespaces, users or apps, from their event logs.</summary>
public static class CostCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Cost and waste of Spark applications from their event logs, attributed by team, namespace, user or app.";

    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "An event log file, a rolling log directory (eventlog_v2_*), a directory of event logs, or an s3:// / s3a:// prefix." };
        var pricing = new CostPricingOptions("Attribute costs by: team, job (the chart's batch job name), namespace, user, app, or any label key (spark.kubernetes.{driver,executor}.label.KEY).");
        var byApp = new Option<bool>("--by-app") { Description = "Also list every application (table); CSV lists apps instead of groups." };
        var failOnWaste = new Option<double?>("--fail-on-waste") { Description = "Exit 1 when any app wasted at least PCT percent of its cost (0-100)." };
        var output = OutputOptions.Create(OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv);
        var input = new EventLogInput();

        var command = new Command("cost", Description);
        command.Arguments.Add(path);
        foreach (var option in pricing.All.Concat([byApp, failOnWaste, output]))
        {
            command.Options.Add(option);
        }

        input.AddTo(command);
        command.Subcommands.Add(CostServeCommand.Create());
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var format = parseResult.GetValue(output);
            var wasteLimit = parseResult.GetValue(failOnWaste);
            if (wasteLimit is < 0 or > 100)
            {
                throw new UserInputException("--fail-on-waste: give a percentage between 0 and 100, for example --fail-on-waste 40.");
            }

            var sinceMs = SinceFilter.Parse(parseResult.GetValue(pricing.Since), DateTimeOffset.UtcNow);
            var options = pricing.Build(parseResult);
            var terminal = Terminal.For(parseResult);

            IReadOnlyList<AppCost> apps;
            IReadOnlyList<SkippedLog> skipped;
            using (PhaseTimer.Measure("cost: read and price the event logs"))
            {
                (apps, skipped) = await input.ReadAsync(
                    parseResult, terminal, format, parseResult.GetValue(path)!, "PATH",
                    app => sinceMs is null || app.StartMs >= sinceMs ? CostCalculator.Price(app, options) : null,
                    cancellationToken).ConfigureAwait(false);
            }

            var report = CostCalculator.Report(apps, skipped, options);
            using var writing = PhaseTimer.Measure("cost: write the report");
            EventLogInput.ReportWarnings(terminal, skipped, apps.Select(a => (a.AppId, a.Warnings)));

            switch (format)
            {
                case OutputFormat.Json:
                    OutputOptions.WriteJson(terminal.Out, report, GeneratedJson.Output.CostReport);
                    break;
                case OutputFormat.Csv:
                    await terminal.Out.WriteAsync(CostCsv.Render(report, parseResult.GetValue(byApp))).ConfigureAwait(false);
                    break;
                default:
                    RenderTables(terminal, report, parseResult.GetValue(byApp));
                    break;
            }

            if (wasteLimit is { } limit)
            {
                var over = CostCalculator.OverWasteLimit(report, limit);
                foreach (var app in over.OrderByDescending(a => a.WasteUsd).Take(FindingsListed))
                {
                    terminal.Error.WriteLine(TerminalText.Clean(Invariant($"waste: {app.AppId} wasted {app.WasteUsd / app.CostUsd * 100:0.#}% of its cost (limit {limit:0.#}%): {app.Finding}")));
                }

                if (over.Count > FindingsListed)
                {
                    terminal.Error.WriteLine(Invariant($"waste: ... and {over.Count - FindingsListed} more apps over the limit (--output json lists them all)."));
                }

                if (over.Count > 0)
                {
                    return CliApplication.ExitFindings;
                }
            }

            return CliApplication.ExitOk;
        });
        return command;
    }

    private static void RenderTables(Terminal terminal, CostReport report, bool byApp)
    {
        var pricing = report.Pricing;
        terminal.Ansi.Write(new Text(Invariant($"Priced as {pricing.NodeType}: {pricing.VcpuHourUsd:0.######} USD per vCPU-hour, {pricing.GibHourUsd:0.######} USD per GiB-hour{(pricing.Spot ? Invariant($", executors at {pricing.SpotDiscount:0%} spot discount") : "")} (catalog {pricing.CatalogDate}); grouped by {pricing.GroupBy}.\n")));
        // TableLayout: cells are never broken mid-token; at narrow widths rows become blocks (see Output/TableLayout.cs).
        var groupRows = report.Groups
            .Select(group => (IReadOnlyList<string>)[group.Group, Num(group.Apps), Num(group.CoreHours, "0.###"), Num(group.GibHours, "0.###"), Pct(group.Utilization), Num(group.CostUsd, "0.####"), Num(group.WasteUsd, "0.####")])
            .ToList();
        var totals = report.Totals;
        groupRows.Add(["TOTAL", Num(totals.Apps), Num(totals.CoreHours, "0.###"), Num(totals.GibHours, "0.###"), "", Num(totals.CostUsd, "0.####"), Num(totals.WasteUsd, "0.####") + Invariant($" ({totals.WastePercent:0.#}%)")]);
        TableLayout.Write(terminal, $"Cost by {pricing.GroupBy}",
            [new(pricing.GroupBy), new("apps"), new("core-h"), new("GiB-h"), new("utilization"), new("cost USD"), new("waste USD", CellWrap.Words)], groupRows);

        if (byApp)
        {
            TableLayout.Write(terminal, "Cost by application",
                [new("app id"), new("name", CellWrap.Words), new("user"), new(pricing.GroupBy), new("executors"), new("executor core-s", CellWrap.Words), new("task s", CellWrap.Words), new("utilization"), new("cost USD", CellWrap.Words), new("waste USD", CellWrap.Words)],
                report.Apps.Select(app => (IReadOnlyList<string>)[app.AppId, app.AppName, app.User, app.Group, Num(app.ExecutorCount), Num(app.ExecutorCoreSeconds, "0.###"), Num(app.TaskRunSeconds, "0.###"), Pct(app.Utilization), Num(app.CostUsd, "0.######"), Num(app.WasteUsd, "0.######")]).ToList());
        }

        foreach (var line in FindingLines(report.Apps))
        {
            terminal.Ansi.Write(new Text(line + "\n"));
        }
    }

    /// <summary>Up to <see cref="FindingsListed"/> findings one per app; more are summarised by cause, with the most wasteful apps named.</summary>
    internal static IReadOnlyList<string> FindingLines(IReadOnlyList<AppCost> apps)
    {
        var flagged = apps.Where(a => a.Finding is not null).ToList();
        if (flagged.Count <= FindingsListed)
        {
            return [.. flagged.Select(a => TerminalText.Clean($"low utilization: {a.AppId} ({a.AppName}): {a.Finding}"))];
        }

        var lines = new List<string> { Invariant($"low utilization: {flagged.Count} apps, {flagged.Sum(a => a.WasteUsd):0.####} USD wasted in all (--output json lists each app's finding):") };
        lines.AddRange(flagged.GroupBy(a => Cause(a.Finding!), StringComparer.Ordinal)
            .OrderByDescending(g => g.Sum(a => a.WasteUsd)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Invariant($"  {g.Count()} × {g.Key} ({g.Sum(a => a.WasteUsd):0.####} USD wasted)")));
        lines.Add("  most wasteful:");
        lines.AddRange(flagged.OrderByDescending(a => a.WasteUsd).ThenBy(a => a.AppId, StringComparer.Ordinal).Take(TopWasters)
            .Select(a => TerminalText.Clean(Invariant($"    {a.AppId} ({a.AppName}): {a.WasteUsd:0.####} USD wasted: {a.Finding}"))));
        return lines;
    }

    /// <summary>A finding's cause without its app-specific numbers: the text before the first ':'.</summary>
    private static string Cause(string finding)
    {
        var colon = finding.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? finding[..colon] : finding;
    }

    internal const int FindingsListed = 10;
    private const int TopWasters = 5;

    private static string Num(double value, string format = "0") => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Pct(double fraction) => Invariant($"{fraction * 100:0.##}%");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>CSV for chargeback: one row per group (or per app with --by-app), then a TOTAL row.</summary>
internal static class CostCsv
{
    public static string Render(CostReport report, bool byApp)
    {
        var csv = new StringBuilder();
        if (byApp)
        {
            Row(csv, "appId", "appName", "user", "group", "namespace", "startMs", "endMs", "executorCount", "executorCoreSeconds", "taskRunSeconds", "utilization", "coreHours", "gibHours", "costUsd", "wasteUsd", "finding");
            foreach (var app in report.Apps)
            {
                Row(csv, app.AppId, app.AppName, app.User, app.Group, app.Namespace ?? "", N(app.StartMs), N(app.EndMs), N(app.ExecutorCount), N(app.ExecutorCoreSeconds), N(app.TaskRunSeconds), N(app.Utilization), N(app.CoreHours), N(app.GibHours), N(app.CostUsd), N(app.WasteUsd), app.Finding ?? "");
            }

            Row(csv, "TOTAL", "", "", "", "", "", "", "", "", "", "", N(report.Totals.CoreHours), N(report.Totals.GibHours), N(report.Totals.CostUsd), N(report.Totals.WasteUsd), "");
        }
        else
        {
            Row(csv, "group", "apps", "coreHours", "gibHours", "utilization", "costUsd", "wasteUsd");
            foreach (var group in report.Groups)
            {
                Row(csv, group.Group, N(group.Apps), N(group.CoreHours), N(group.GibHours), N(group.Utilization), N(group.CostUsd), N(group.WasteUsd));
            }

            Row(csv, "TOTAL", N(report.Totals.Apps), N(report.Totals.CoreHours), N(report.Totals.GibHours), "", N(report.Totals.CostUsd), N(report.Totals.WasteUsd));
        }

        return csv.ToString();
    }

    private static string N(double value) => value.ToString("0.##########", CultureInfo.InvariantCulture);

    /// <summary>Removes escape sequences but keeps TAB, CR and LF, which CSV quoting carries.</summary>
    private static string StripEscapes(string field)
    {
        var parts = field.Split(['\t', '\r', '\n']);
        var separators = field.Where(c => c is '\t' or '\r' or '\n').ToArray();
        var clean = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            clean.Append(TerminalText.Clean(parts[i]));
            if (i < separators.Length)
            {
                clean.Append(separators[i]);
            }
        }

        return clean.ToString();
    }

    private static void Row(StringBuilder csv, params string[] fields) =>
        csv.Append(string.Join(',', fields.Select(Escape))).Append('\n');

    /// <summary>
    /// RFC 4180 quoting. Terminal escape sequences are removed. A leading TAB or CR, or a leading =, +, - or @ that does
    /// not start a number, is prefixed with ' so spreadsheets do not run the field as a formula (OWASP CSV injection).
    /// </summary>
    internal static string Escape(string field)
    {
        if (field.Contains('\x1b', StringComparison.Ordinal) || field.Contains('\x9b', StringComparison.Ordinal))
        {
            field = StripEscapes(field);
        }

        if (field.Length > 0 && (field[0] is '\t' or '\r' || ("=+-@".Contains(field[0], StringComparison.Ordinal) && !double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out _))))
        {
            field = "'" + field;
        }

        return field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }
}
