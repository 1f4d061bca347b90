using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SparkK8s.Cli.Output;
using SparkK8s.Cli.Serve;
using SparkK8s.Core.Cost;
using SparkK8s.Core.Cost.Serve;
using SparkK8s.Core.Errors;
using SparkK8s.Core.EventLogs;
using SparkK8s.Core.Sizing;

namespace SparkK8s.Cli.Commands;

/// <summary>
/// <c>spark-k8s cost serve</c>: the cost of Spark applications as Prometheus metrics, recomputed on an interval from
/// the event logs with the reader, pricing and grouping of <c>spark-k8s cost</c>. Stops cleanly on SIGTERM or Ctrl-C.
/// </summary>
public static class CostServeCommand
{
    public static Command Create()
    {
        var events = new Option<string>("--events") { Description = "The event logs to price: a directory of event logs or an s3:// / s3a:// prefix (spark.eventLog.dir).", Required = true };
        var listen = new Option<string>("--listen") { Description = "HOST:PORT to serve /metrics, /healthz and /readyz on; :PORT is every interface.", DefaultValueFactory = _ => ":9108" };
        var interval = new Option<string>("--interval") { Description = "How often to look for new or grown logs (at least 10s).", DefaultValueFactory = _ => "5m" };
        var maxSeries = new Option<int>("--max-series") { Description = "Label sets per cost metric that keep their own namespace, app and job; the rest are summed per team into (other).", DefaultValueFactory = _ => CostServeOptions.DefaultMaxSeries };
        var pricing = new CostPricingOptions("What the team label of the cost metrics holds: team (the default), job, namespace, user, app, or any label key (spark.kubernetes.{driver,executor}.label.KEY).");
        var output = OutputOptions.Create(OutputFormat.Table, OutputFormat.Json);
        var input = new EventLogInput();

        var command = new Command("serve", "Serve the cost and waste of Spark applications as Prometheus metrics, per team, namespace, app and job, recomputed from new or grown event logs on an interval.");
        foreach (var option in new Option[] { events, listen, interval, maxSeries }.Concat(pricing.All).Append(output))
        {
            command.Options.Add(option);
        }

        input.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var format = parseResult.GetValue(output);
            var address = ListenAddress.Parse(parseResult.GetValue(listen));
            var every = DurationText.Parse(parseResult.GetValue(interval) ?? "", "--interval");
            if (every < CostServeOptions.MinInterval)
            {
                throw new UserInputException($"--interval: '{parseResult.GetValue(interval)}' is shorter than 10s; listing the event logs that often only loads the store. Give 10s or more, for example 5m.");
            }

            var series = parseResult.GetValue(maxSeries);
            if (series is < 1 or > 100_000)
            {
                throw new UserInputException($"--max-series: {series} is out of range; give 1 to 100000 (default {CostServeOptions.DefaultMaxSeries}).");
            }

            var since = parseResult.GetValue(pricing.Since);
            SinceFilter.Parse(since, DateTimeOffset.UtcNow);
            var eventsLocation = parseResult.GetValue(events)!;
            CheckEvents(eventsLocation);
            var options = new CostServeOptions(eventsLocation, input.S3(parseResult), pricing.Build(parseResult), since, series, every);
            var exporter = new CostExporter(options, TimeProvider.System);
            var terminal = Terminal.For(parseResult);

            using var server = MetricsHttpServer.Start(address, exporter.Metrics.Registry, () => exporter.Ready);
            Log(terminal, format, "listening", $"serving /metrics, /healthz and /readyz on {address}; pricing {TerminalText.Clean(eventsLocation)} every {parseResult.GetValue(interval)}",
                new() { ["listen"] = address.ToString(), ["events"] = eventsLocation, ["intervalSeconds"] = every.TotalSeconds });
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var serving = server.ServeAsync(stopping.Token);
            try
            {
                await exporter.RunAsync(report => LogScan(terminal, format, report), stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // SIGTERM or Ctrl-C: stop scanning, stop listening, exit 0.
            }
            finally
            {
                await stopping.CancelAsync().ConfigureAwait(false);
                await serving.ConfigureAwait(false);
            }

            Log(terminal, format, "stopped", "stopped", []);
            return CliApplication.ExitOk;
        });
        return command;
    }

    /// <summary>A local events directory must exist (an empty one is fine: apps come later); S3 is checked at the first scan.</summary>
    private static void CheckEvents(string events)
    {
        if (string.IsNullOrWhiteSpace(events))
        {
            throw new UserInputException("--events: give a directory of event logs or an s3:// prefix (spark.eventLog.dir).");
        }

        if (S3Location.IsS3Uri(events))
        {
            S3Location.Parse(events);
            return;
        }

        if (!Directory.Exists(events))
        {
            throw new UserInputException($"--events: '{events}' is not a directory; give the directory of event logs (spark.eventLog.dir) or an s3:// prefix.");
        }
    }

    private static void LogScan(Terminal terminal, OutputFormat format, ScanReport report)
    {
        var seconds = Math.Round(report.Duration.TotalSeconds, 3);
        if (report.Succeeded)
        {
            Log(terminal, format, "scan", Invariant($"scan: {report.Apps} apps priced, {report.LogsRead} logs read ({report.BytesRead} bytes), {report.Skipped} skipped, {report.Series} series{(report.Folded > 0 ? Invariant($" ({report.Folded} folded into (other))") : "")}, {seconds} s"),
                new() { ["apps"] = report.Apps, ["logsRead"] = report.LogsRead, ["bytesRead"] = report.BytesRead, ["skipped"] = report.Skipped, ["series"] = report.Series, ["folded"] = report.Folded, ["durationSeconds"] = seconds });
        }
        else
        {
            Log(terminal, format, "scan-failed", $"warning: scan failed, the last figures stay exported: {TerminalText.Clean(report.Error ?? "")}",
                new() { ["error"] = report.Error, ["durationSeconds"] = seconds });
        }
    }

    /// <summary>One line per event: text for people, or one JSON object per line (a log collector's format).</summary>
    private static void Log(Terminal terminal, OutputFormat format, string kind, string text, Dictionary<string, object?> fields)
    {
        if (format == OutputFormat.Json)
        {
            var line = new Dictionary<string, object?> { ["time"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), ["event"] = kind };
            foreach (var (key, value) in fields)
            {
                line[key] = value;
            }

            terminal.Out.WriteLine(JsonSerializer.Serialize(line, JsonLines));
        }
        else
        {
            (kind == "scan-failed" ? terminal.Error : terminal.Out).WriteLine(text);
        }

        terminal.Out.Flush();
    }

    private static readonly JsonSerializerOptions JsonLines = new(OutputOptions.Json) { WriteIndented = false };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
