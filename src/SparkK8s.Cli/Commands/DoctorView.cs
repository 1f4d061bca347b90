using System.Globalization;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Operations;
using SparkK8s.Core.Operations.Doctor;

namespace SparkK8s.Cli.Commands;

/// <summary>Prints a doctor report for people: where it looked, one row per check, then each finding as a numbered block.</summary>
internal static class DoctorView
{
    public static void Write(Terminal terminal, DoctorReport report)
    {
        terminal.WriteWrapped($"Cluster: context {report.Context} ({report.Server}), Kubernetes {report.ServerVersion ?? "unknown"}; namespace {report.Namespace}; "
            + $"release {report.Release} {(report.Installed ? "installed" : "not installed")}");
        TableLayout.Write(terminal, "Checks", [new("Check"), new("Result"), new("Summary", CellWrap.Words)],
            report.Checks.Select(c => (IReadOnlyList<string>)[c.Name, Outcome(c.Outcome), c.Summary]).ToList());
        var number = 0;
        foreach (var finding in report.Findings.OrderBy(f => f.Severity))
        {
            number++;
            terminal.WriteWrapped($"{number.ToString(CultureInfo.InvariantCulture)}. {finding.Severity.ToString().ToUpperInvariant()} {finding.Id} {finding.Object}: {finding.Message}", string.Empty, "   ");
            foreach (var line in finding.Detail)
            {
                terminal.WriteWrapped(line, "   | ", "   | ");
            }

            terminal.WriteWrapped($"fix: {finding.Fix}", "   ", "     ");
            terminal.WriteWrapped($"runbook: {finding.Runbook}", "   ", "     ");
        }

        terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Errors} error(s), {report.Warnings} warning(s)."));
    }

    public static string Outcome(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Passed => "ok",
        CheckOutcome.Failed => "FAILED",
        _ => "skipped",
    };
}
