using SparkK8s.Cli.Output;
using SparkK8s.Core.Validation;
using Spectre.Console;

namespace SparkK8s.Cli.Commands;

/// <summary>Prints validation runs for people: one table of findings and one summary line per run.</summary>
internal static class FindingsView
{
    public static void Write(Terminal terminal, IReadOnlyList<ValidationRun> runs)
    {
        var findings = runs.SelectMany(r => r.Findings.Select(f => (Run: r, Finding: f))).ToList();
        if (findings.Count > 0)
        {
            var many = runs.Count > 1;
            var table = new Table();
            if (many)
            {
                table.AddColumns("Preset", "Env", "Spark");
            }

            table.AddColumns("Severity", "Id", "Object", "Field", "Message", "Fix");
            foreach (var (run, finding) in findings)
            {
                var cells = new List<string>();
                if (many)
                {
                    cells.AddRange([run.Preset, run.Environment ?? "-", run.SparkVersion]);
                }

                cells.AddRange([finding.Severity == Severity.Error ? "error" : "warning", finding.Id, finding.Object, finding.Field, finding.Message, finding.Fix]);
                table.AddRow(cells.Select(Markup.Escape).ToArray());
            }

            terminal.Ansi.Write(table);
        }

        var summary = new Table().AddColumns("Preset", "Env", "Spark", "Objects", "Errors", "Warnings", "Schema");
        foreach (var run in runs)
        {
            summary.AddRow(Markup.Escape(run.Preset), Markup.Escape(run.Environment ?? "-"), run.SparkVersion, run.ObjectCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                run.Errors.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Warnings.ToString(System.Globalization.CultureInfo.InvariantCulture),
                run.SchemaSource is null ? "not rendered" : "checked");
        }

        terminal.Ansi.Write(summary);
        foreach (var source in runs.Select(r => r.SchemaSource).OfType<string>().Distinct())
        {
            terminal.Ansi.WriteLine($"Schemas: {source}");
        }

        terminal.Ansi.WriteLine($"{runs.Sum(r => r.Errors)} error(s), {runs.Sum(r => r.Warnings)} warning(s) in {runs.Count} render(s).");
    }
}
