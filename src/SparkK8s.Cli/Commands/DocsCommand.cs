using System.CommandLine;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Docs;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Files;
using SparkK8s.Core.Presets;
using Spectre.Console;

namespace SparkK8s.Cli.Commands;

/// <summary>
/// <c>spark-k8s docs values</c>: generates (or with --check verifies) the values reference from values.yaml comments;
/// <c>spark-k8s docs presets</c>: the README's preset table from the preset catalog.
/// </summary>
public static class DocsCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Generate reference documentation.";

    public static Command Create()
    {
        var docs = new Command("docs", Description);
        docs.Subcommands.Add(CreateValues());
        docs.Subcommands.Add(CreatePresets());
        return docs;
    }

    private static Command CreateValues()
    {
        var chart = new ChartCommandOptions();
        var outFile = new Option<string?>("--out") { Description = "Markdown file to write (default: docs/<lang>/reference/values.md of the checkout)." };
        var language = new Option<string>("--lang") { Description = "Language of headings and intro: en or ru.", DefaultValueFactory = _ => "en" };
        var check = new Option<bool>("--check") { Description = "Do not write; exit 1 if the file is stale or a key has no '# --' description." };
        var force = new Option<bool>("--force") { Description = "Let --out overwrite an existing file that 'spark-k8s docs values' did not write." };
        var command = new Command("values", "Write the values.yaml reference (key, type, default, description) as a Markdown table.");
        chart.AddTo(command, withHelm: false);
        command.Options.Add(outFile);
        command.Options.Add(language);
        command.Options.Add(check);
        command.Options.Add(force);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var lang = parseResult.GetValue(language) ?? "en";
            if (!ValuesMarkdown.Languages.Contains(lang))
            {
                throw new UserInputException($"--lang: '{lang}' is not supported. Use one of: {string.Join(", ", ValuesMarkdown.Languages)}.");
            }

            var chartDirectory = chart.ChartDirectory(parseResult);
            var keys = await ValuesReference.ReadAsync(Path.Combine(chartDirectory, "values.yaml"), cancellationToken).ConfigureAwait(false);
            var markdown = ValuesMarkdown.Render(keys, lang);
            var target = Path.GetFullPath(parseResult.GetValue(outFile)
                ?? Path.Combine(chartDirectory, "..", "..", "docs", lang, "reference", "values.md"));
            var undocumented = ValuesReference.Undocumented(keys);
            var isCheck = parseResult.GetValue(check);
            var file = new GeneratedFile("--out", "`spark-k8s docs values", "'spark-k8s docs values'");
            if (Directory.Exists(target))
            {
                throw new UserInputException($"--out: '{target}' is a directory; give the Markdown file to write, e.g. {Path.Combine(target, "values.md")}.");
            }

            var stale = isCheck && (!File.Exists(target) || await File.ReadAllTextAsync(target, cancellationToken).ConfigureAwait(false) != markdown);
            if (!isCheck)
            {
                await file.WriteAsync(target, markdown, parseResult.GetValue(force), cancellationToken, createDirectory: true).ConfigureAwait(false);
            }

            if (parseResult.GetValue(chart.Output) == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, new
                {
                    file = target,
                    check = isCheck,
                    stale,
                    documented = keys.Count(k => k.Description is not null),
                    undocumented = undocumented.Select(k => new { key = k.Path, line = k.Line }),
                });
            }
            else
            {
                foreach (var key in undocumented)
                {
                    terminal.Ansi.WriteLine(Markup.Escape($"values.yaml:{key.Line}: '{key.Path}' has no '# --' description"));
                }

                terminal.Ansi.WriteLine(Markup.Escape(isCheck
                    ? stale ? $"{target} is stale: run 'spark-k8s docs values --lang {lang}' and commit it." : $"{target} is up to date."
                    : $"Wrote {target} ({keys.Count(k => k.Description is not null)} keys)."));
            }

            return stale || undocumented.Count > 0 ? CliApplication.ExitFindings : CliApplication.ExitOk;
        });
        return command;
    }

    private static Command CreatePresets()
    {
        var chart = new ChartCommandOptions();
        var readme = new Option<string?>("--readme") { Description = "Markdown file whose preset table to rewrite (default: README.md of the checkout)." };
        var check = new Option<bool>("--check") { Description = "Do not write; exit 1 if the table differs from the preset catalog." };
        var command = new Command("presets", "Write the preset table (preset, backend, components, description) into README.md between its presets markers.");
        chart.AddTo(command, withHelm: false);
        command.Options.Add(readme);
        command.Options.Add(check);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var chartDirectory = chart.ChartDirectory(parseResult);
            var target = Path.GetFullPath(parseResult.GetValue(readme) ?? Path.Combine(chartDirectory, "..", "..", "README.md"));
            if (!File.Exists(target))
            {
                throw new UserInputException($"--readme: '{target}' does not exist; give the Markdown file that holds the preset table.");
            }

            var presets = await new PresetCatalog(chartDirectory).ListAsync(cancellationToken).ConfigureAwait(false);
            var current = await File.ReadAllTextAsync(target, cancellationToken).ConfigureAwait(false);
            var updated = PresetTable.Splice(current, PresetTable.Render(presets), "--readme");
            var stale = current != updated;
            var isCheck = parseResult.GetValue(check);
            if (!isCheck && stale)
            {
                // The file is the user's (a README): replaced as a whole through a temporary file, never half-written.
                await new GeneratedFile("--readme", PresetTable.Begin, "'spark-k8s docs presets'")
                    .WriteAsync(target, updated, force: true, cancellationToken).ConfigureAwait(false);
            }

            if (parseResult.GetValue(chart.Output) == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, new { file = target, check = isCheck, stale, presets = presets.Select(p => p.Name) });
            }
            else
            {
                terminal.Ansi.WriteLine(Markup.Escape(isCheck
                    ? stale ? $"{target}: the preset table is stale: run 'spark-k8s docs presets' and commit it." : $"{target}: the preset table is up to date ({presets.Count} presets)."
                    : stale ? $"Wrote the preset table of {target} ({presets.Count} presets)." : $"{target}: the preset table is already up to date ({presets.Count} presets)."));
            }

            return isCheck && stale ? CliApplication.ExitFindings : CliApplication.ExitOk;
        });
        return command;
    }
}
