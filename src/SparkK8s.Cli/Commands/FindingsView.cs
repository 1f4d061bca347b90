using System.Globalization;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Validation;

namespace SparkK8s.Cli.Commands;

/// <summary>One finding and every render it was found in; identical findings of several renders are reported once.</summary>
public sealed record FindingGroup(Finding Finding, IReadOnlyList<ValidationRun> Runs)
{
    /// <summary>Groups identical findings (same severity, id, object, field, message and fix), errors first, in first-seen order.</summary>
    public static IReadOnlyList<FindingGroup> Of(IReadOnlyList<ValidationRun> runs) =>
        runs.SelectMany(r => r.Findings.Select(f => (Run: r, Finding: f with { Stage = default })))
            .GroupBy(x => x.Finding)
            .Select(g => new FindingGroup(g.First().Finding, g.Select(x => x.Run).Distinct().ToList()))
            .OrderBy(g => g.Finding.Severity)
            .ToList();

    /// <summary>The renders of this group, per preset: "preset (all 6)" or "preset: dev/3.5, prod/4.1".</summary>
    public string DescribeRenders(IReadOnlyList<ValidationRun> all) => string.Join("; ", Runs.GroupBy(r => r.Preset).Select(byPreset =>
    {
        var ofPreset = all.Count(r => r.Preset == byPreset.Key);
        return byPreset.Count() == ofPreset
            ? string.Create(CultureInfo.InvariantCulture, $"{byPreset.Key} (all {ofPreset})")
            : $"{byPreset.Key}: {string.Join(", ", byPreset.Select(r => $"{r.Environment ?? "-"}/{r.SparkVersion}"))}";
    }));
}

/// <summary>
/// Prints validation runs for people: each distinct finding once (with the renders it appears in), then one summary
/// table row per run. Findings are numbered blocks, word-wrapped to the terminal, so object names, field paths and
/// the commands in a fix are never split across lines.
/// </summary>
public static class FindingsView
{
    /// <summary>"Needs CRDs" lines: the custom resource definitions the renders need, each with what installs it.</summary>
    public static void WriteRequiredCrds(Terminal terminal, IEnumerable<Core.Validation.Spark.RequiredCrd> crds)
    {
        var distinct = crds.DistinctBy(c => (c.Name, c.ApiVersion)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        if (distinct.Count == 0)
        {
            return;
        }

        terminal.Out.WriteLine("Needs CRDs in the cluster (the chart does not install them):");
        foreach (var crd in distinct)
        {
            terminal.WriteWrapped($"{crd.Name} ({crd.ApiVersion} {crd.Kind}): install {crd.InstalledBy}", "  - ", "    ");
        }
    }

    public static void Write(Terminal terminal, IReadOnlyList<ValidationRun> runs)
    {
        var groups = FindingGroup.Of(runs);
        var many = runs.Count > 1;
        if (groups.Count > 0)
        {
            var total = runs.Sum(r => r.Findings.Count);
            terminal.Out.WriteLine(many
                ? Invariant($"Findings: {groups.Count} distinct ({total} across {runs.Count} renders)")
                : Invariant($"Findings: {groups.Count}"));
            var number = 0;
            foreach (var group in groups)
            {
                var finding = group.Finding;
                var where = many
                    ? group.Runs.Count == runs.Count ? Invariant($"in all {runs.Count} renders") : Invariant($"in {group.Runs.Count} of {runs.Count} renders")
                    : null;
                var head = $"{finding.Severity.ToString().ToLowerInvariant()} {finding.Id} {finding.Object}" + (where is null ? string.Empty : $" ({where})");
                terminal.WriteWrapped(head, Invariant($"{++number}. "), "   ");
                if (finding.Field.Length > 0)
                {
                    terminal.WriteWrapped(finding.Field, "   field: ", "     ");
                }

                terminal.WriteWrapped(finding.Message, "   ", "   ");
                if (finding.Fix.Length > 0)
                {
                    terminal.WriteWrapped(finding.Fix, "   fix: ", "     ");
                }

                if (many && group.Runs.Count < runs.Count)
                {
                    terminal.WriteWrapped(group.DescribeRenders(runs), "   renders: ", "     ");
                }
            }
        }

        TableLayout.Write(terminal, null,
            [new("Preset"), new("Env"), new("Spark"), new("Objects"), new("Errors"), new("Warns"), new("Schema")],
            runs.Select(run => (IReadOnlyList<string>)[run.Preset, run.Environment ?? "-", run.SparkVersion, N(run.ObjectCount), N(run.Errors), N(run.Warnings),
                run.Skipped is not null ? "skipped" : run.SchemaSource is null ? "not rendered" : "checked"]).ToList());
        foreach (var reason in runs.Select(r => r.Skipped).OfType<string>().Distinct())
        {
            terminal.WriteWrapped(reason, "Skipped: ");
        }

        foreach (var source in runs.Select(r => r.SchemaSource).OfType<string>().Distinct())
        {
            terminal.WriteWrapped(source, "Schemas: ");
        }

        terminal.Out.WriteLine(Invariant($"{runs.Sum(r => r.Errors)} error(s), {runs.Sum(r => r.Warnings)} warning(s) in {runs.Count} render(s)."));
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
