using System.CommandLine;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Cost;
using SparkK8s.Core.EventLogs;

namespace SparkK8s.Cli.Commands;

/// <summary>The S3 options shared by commands that read event logs, and the read loop with progress.</summary>
internal sealed class EventLogInput
{
    public Option<string?> Endpoint { get; } = new("--s3-endpoint")
    {
        Description = "S3-compatible endpoint URL, e.g. http://minio:9000 (default: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS). Credentials come from the standard AWS environment variables or profile.",
    };

    public Option<bool> PathStyle { get; } = new("--s3-path-style") { Description = "Use path-style S3 addressing (implied by --s3-endpoint)." };

    public Option<string?> Region { get; } = new("--s3-region") { Description = "S3 region (default: AWS_REGION, else us-east-1)." };

    public void AddTo(Command command)
    {
        command.Options.Add(Endpoint);
        command.Options.Add(PathStyle);
        command.Options.Add(Region);
    }

    public S3Options S3(ParseResult parseResult) => new()
    {
        Endpoint = S3Options.CheckEndpoint(parseResult.GetValue(Endpoint), "--s3-endpoint"),
        ForcePathStyle = parseResult.GetValue(PathStyle),
        Region = parseResult.GetValue(Region),
    };

    /// <summary>
    /// Reads every log behind <paramref name="input"/> and keeps <paramref name="select"/>'s projection of each summary
    /// (null drops it), so a directory of thousands of logs never holds their full summaries at once.
    /// Unreadable logs of a multi-log input are returned as skipped.
    /// </summary>
    public async Task<(List<T> Apps, List<SkippedLog> Skipped)> ReadAsync<T>(
        ParseResult parseResult, Terminal terminal, OutputFormat format, string input, string argumentName, Func<ApplicationSummary, T?> select, CancellationToken cancellationToken)
        where T : class
    {
        using var scanner = await EventLogScanner.OpenAsync(input, S3(parseResult), argumentName, cancellationToken).ConfigureAwait(false);
        return await terminal.WithProgressAsync("Reading event logs", format, async status =>
        {
            var apps = new List<T>();
            var skipped = new List<SkippedLog>();
            var index = 0;
            // The status line is built only when it is shown: for thousands of small logs it is per-log work otherwise.
            var showsProgress = terminal.Interactive && format == OutputFormat.Table;
            await foreach (var result in scanner.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                ++index;
                if (showsProgress)
                {
                    status($"Read {index}: {TerminalText.Clean(result.Name)}");
                }

                if (result.Summary is { } summary)
                {
                    if (select(summary) is { } selected)
                    {
                        apps.Add(selected);
                    }
                }
                else
                {
                    skipped.Add(new SkippedLog(result.Name, result.SkipReason ?? "unreadable"));
                }
            }

            return (apps, skipped);
        }).ConfigureAwait(false);
    }

    /// <summary>Skipped logs and reader warnings go to stderr, so stdout stays machine-readable.</summary>
    public static void ReportWarnings(Terminal terminal, IEnumerable<SkippedLog> skipped, IEnumerable<(string AppId, IReadOnlyList<string> Warnings)> apps)
    {
        foreach (var log in skipped)
        {
            var line = log.Reason.Contains(log.Source, StringComparison.Ordinal) ? $"warning: skipped {log.Reason}" : $"warning: skipped {log.Source}: {log.Reason}";
            terminal.Error.WriteLine(TerminalText.Clean(line));
        }

        // The same warning for many apps (e.g. hundreds of in-progress logs) is one line with a count, not hundreds.
        // Only the apps with warnings are grouped (for thousands of apps without any, the grouping is all cost).
        var byText = apps.Where(a => a.Warnings.Count > 0).SelectMany(a => a.Warnings.Select(w => (a.AppId, Warning: w)))
            .GroupBy(w => w.Warning, StringComparer.Ordinal);
        foreach (var group in byText)
        {
            var ids = group.Select(g => g.AppId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var line = ids.Count == 1
                ? $"warning: {ids[0]}: {group.Key}"
                : $"warning: {ids.Count} apps ({string.Join(", ", ids.Take(3))}{(ids.Count > 3 ? ", ..." : "")}): {group.Key}";
            terminal.Error.WriteLine(TerminalText.Clean(line));
        }
    }
}
