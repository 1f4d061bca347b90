using System.Collections;
using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text;

namespace SparkK8s.Cli.Output;

/// <summary>
/// Writes a command's help in System.CommandLine 2.0's own layout (sections Description, Usage, Arguments, Options,
/// Commands; two aligned columns wrapped to the width), character for character, with plain loops over arrays.
/// System.CommandLine's help builder sorts and groups aliases and rows with LINQ over value tuples, generic code that
/// ReadyToRun cannot precompile, so every <c>--help</c> compiled about 70 methods at start (docs/en/performance.md,
/// Start-up). A test renders every command of the tree at several widths with both and requires the same text.
/// </summary>
public static class HelpText
{
    private const string Indent = "  ";

    /// <summary>Replaces the help action of <paramref name="root"/>'s help option (recursive: it serves every command).</summary>
    public static void Install(RootCommand root)
    {
        foreach (var option in root.Options)
        {
            if (option is HelpOption help)
            {
                help.Action = new Action();
            }
        }
    }

    /// <summary>The help of <paramref name="command"/>, wrapped to <paramref name="maxWidth"/> columns (≤ 0: no wrapping).</summary>
    public static string Render(Command command, int maxWidth)
    {
        var writer = new Writer(maxWidth <= 0 ? int.MaxValue : maxWidth);
        if (!command.Hidden)
        {
            writer.Write(command);
        }

        return writer.ToString();
    }

    /// <summary>The help option's action: the layout of System.CommandLine's HelpAction, at the width it would use.</summary>
    public sealed class Action : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.Write(Render(parseResult.CommandResult.Command, DefaultWidth()));
            return 0;
        }

        // As HelpAction.MaxWidth: unlimited when redirected, else the console window's width.
        private static int DefaultWidth()
        {
            try
            {
                return Console.IsOutputRedirected ? int.MaxValue : Console.WindowWidth;
            }
            catch (IOException)
            {
                return int.MaxValue;
            }
            catch (PlatformNotSupportedException)
            {
                return int.MaxValue;
            }
        }
    }

    private readonly record struct Row(string First, string Second);

    private readonly record struct Default(string Name, object? Value);

    /// <summary>An option's or command's name split into its prefix ("-", "--", "/" or none) and the rest.</summary>
    private readonly record struct Spelling(string Prefix, string Alias);

    private sealed class Writer(int maxWidth)
    {
        private readonly StringBuilder output = new();

        public override string ToString() => output.ToString();

        public void Write(Command command)
        {
            var chain = Chain(command);
            Heading("Description:", command.Description);
            output.Append('\n');
            Heading("Usage:", Usage(command, chain));
            output.Append('\n');
            if (Section("Arguments:", ArgumentRows(chain)))
            {
                output.Append('\n');
            }

            if (Section("Options:", OptionRows(command)))
            {
                output.Append('\n');
            }

            var subcommands = new List<Row>();
            foreach (var subcommand in command.Subcommands)
            {
                if (!subcommand.Hidden)
                {
                    subcommands.Add(IdentifierRow(subcommand));
                }
            }

            if (Section("Commands:", subcommands))
            {
                output.Append('\n');
            }

            if (!command.TreatUnmatchedTokensAsErrors)
            {
                Heading("Additional Arguments:", "Arguments passed to the application that is being run.");
                output.Append('\n');
            }
        }

        /// <summary>The command and its first command parent, theirs and so on, root first.</summary>
        private static List<Command> Chain(Command command)
        {
            var chain = new List<Command>();
            for (Command? current = command; current is not null; current = FirstCommandParent(current))
            {
                chain.Insert(0, current);
            }

            return chain;
        }

        private static Command? FirstCommandParent(Symbol symbol)
        {
            foreach (var parent in symbol.Parents)
            {
                if (parent is Command command)
                {
                    return command;
                }
            }

            return null;
        }

        private static string Usage(Command command, List<Command> chain)
        {
            var parts = new List<string>();
            var optionsTitle = false;
            foreach (var parent in chain)
            {
                if (!optionsTitle)
                {
                    foreach (var option in parent.Options)
                    {
                        optionsTitle |= option.Recursive && !option.Hidden;
                    }
                }

                parts.Add(parent.Name);
                if (parent.Arguments.Count > 0)
                {
                    parts.Add(ArgumentUsage(parent.Arguments));
                }
            }

            foreach (var subcommand in command.Subcommands)
            {
                if (!subcommand.Hidden)
                {
                    parts.Add("[command]");
                    break;
                }
            }

            foreach (var option in command.Options)
            {
                optionsTitle |= !option.Hidden;
            }

            if (optionsTitle)
            {
                parts.Add("[options]");
            }

            if (!command.TreatUnmatchedTokensAsErrors)
            {
                parts.Add("[[--] <additional arguments>...]]");
            }

            parts.RemoveAll(string.IsNullOrWhiteSpace);
            return string.Join(' ', parts);
        }

        private static string ArgumentUsage(IList<Argument> arguments)
        {
            var text = new StringBuilder();
            var closing = 0;
            foreach (var argument in arguments)
            {
                if (argument.Hidden)
                {
                    continue;
                }

                var many = argument.Arity.MaximumNumberOfValues > 1 ? "..." : string.Empty;
                if (argument.Arity.MinimumNumberOfValues == 0)
                {
                    text.Append("[<").Append(argument.Name).Append('>').Append(many);
                    closing++;
                }
                else
                {
                    text.Append('<').Append(argument.Name).Append('>').Append(many);
                }

                text.Append(' ');
            }

            if (text.Length > 0)
            {
                text.Length--;
                text.Append(']', closing);
            }

            return text.ToString();
        }

        private static List<Row> ArgumentRows(List<Command> chain)
        {
            var rows = new List<Row>();
            foreach (var command in chain)
            {
                foreach (var argument in command.Arguments)
                {
                    if (argument.Hidden)
                    {
                        continue;
                    }

                    var shown = ShowsDefault(argument.HasDefaultValue, argument.ValueType) ? DefaultText(argument.GetDefaultValue()) : string.Empty;
                    var defaultText = string.IsNullOrWhiteSpace(shown) ? string.Empty : $"[default: {shown}]";
                    var row = new Row(ArgumentLabel(argument) ?? $"<{argument.Name}>", $"{argument.Description ?? string.Empty} {defaultText}".Trim());
                    if (!rows.Contains(row))
                    {
                        rows.Add(row);
                    }
                }
            }

            return rows;
        }

        private static List<Row> OptionRows(Command command)
        {
            var rows = new List<Row>();
            var helpAdded = false;

            // The command's own options, help and version last (a stable order otherwise).
            foreach (var last in (ReadOnlySpan<bool>)[false, true])
            {
                foreach (var option in command.Options)
                {
                    if ((option is HelpOption or VersionOption) == last && !option.Hidden)
                    {
                        helpAdded |= option is HelpOption;
                        rows.Add(IdentifierRow(option));
                    }
                }
            }

            // Then the recursive options of each command above it.
            for (var parent = FirstCommandParent(command); parent is not null; parent = FirstCommandParent(parent))
            {
                foreach (var option in parent.Options)
                {
                    if (option is { Recursive: true, Hidden: false } && (option is not HelpOption || !helpAdded))
                    {
                        rows.Add(IdentifierRow(option));
                    }
                }
            }

            return rows;
        }

        /// <summary>An option's or a command's row: its names and value labels, then its description and default.</summary>
        private static Row IdentifierRow(Symbol symbol)
        {
            ICollection<string> aliases;
            var parameters = new List<Symbol>();
            switch (symbol)
            {
                case Option option:
                    aliases = option.Aliases;
                    parameters.Add(option);
                    break;
                case Command command:
                    aliases = command.Aliases;
                    parameters.AddRange(command.Arguments);
                    break;
                default:
                    throw new ArgumentException("help rows are made for options and commands", nameof(symbol));
            }

            var first = new StringBuilder(AliasLabel(symbol.Name, aliases));
            foreach (var parameter in parameters)
            {
                var label = parameter is Option option ? OptionArgumentLabel(option) : ArgumentLabel((Argument)parameter) ?? $"<{parameter.Name}>";
                if (!parameter.Hidden && !string.IsNullOrWhiteSpace(label))
                {
                    first.Append(' ').Append(label);
                }
            }

            if (symbol is Option { Required: true })
            {
                first.Append(" (REQUIRED)");
            }

            return new Row(first.ToString(), $"{symbol.Description ?? string.Empty} {DefaultsText(parameters)}".Trim());
        }

        /// <summary>"[default: x]" for one parameter with a default, "[a: x, b: y]" for several.</summary>
        private static string DefaultsText(List<Symbol> parameters)
        {
            var withDefaults = new List<Default>();
            foreach (var parameter in parameters)
            {
                switch (parameter)
                {
                    case Option { Hidden: false } option when ShowsDefault(option.HasDefaultValue, option.ValueType):
                        withDefaults.Add(new Default(option.Name, option.GetDefaultValue()));
                        break;
                    case Argument { Hidden: false } argument when ShowsDefault(argument.HasDefaultValue, argument.ValueType):
                        withDefaults.Add(new Default(argument.Name, argument.GetDefaultValue()));
                        break;
                }
            }

            var parts = new List<string>(withDefaults.Count);
            foreach (var parameter in withDefaults)
            {
                var shown = DefaultText(parameter.Value);
                parts.Add(string.IsNullOrWhiteSpace(shown) ? string.Empty : $"{(withDefaults.Count == 1 ? "default" : parameter.Name)}: {shown}");
            }

            var joined = string.Join(", ", parts);
            return joined.Length == 0 ? string.Empty : $"[{joined}]";
        }

        private static bool ShowsDefault(bool hasDefault, Type valueType) => hasDefault && valueType != typeof(bool) && valueType != typeof(bool?);

        private static string DefaultText(object? value) => value switch
        {
            null => string.Empty,
            string text => text,
            IEnumerable items => JoinItems(items),
            _ => value.ToString() ?? string.Empty,
        };

        private static string JoinItems(IEnumerable items)
        {
            var parts = new List<string>();
            foreach (var item in items)
            {
                parts.Add(item?.ToString() ?? string.Empty);
            }

            return string.Join('|', parts);
        }

        /// <summary>The name and aliases by prefix ("-", "--", "/", none), then name, each spelling once: "-?, -h, --help".</summary>
        private static string AliasLabel(string name, ICollection<string> aliases)
        {
            var spelled = new List<Spelling>(aliases.Count + 1) { SplitPrefix(name) };
            foreach (var alias in aliases)
            {
                spelled.Add(SplitPrefix(alias));
            }

            // A stable insertion sort: by prefix, then by the name without it, ignoring case.
            for (var i = 1; i < spelled.Count; i++)
            {
                var item = spelled[i];
                var j = i - 1;
                while (j >= 0 && Compare(spelled[j], item) > 0)
                {
                    spelled[j + 1] = spelled[j];
                    j--;
                }

                spelled[j + 1] = item;
            }

            var seen = new List<string>(spelled.Count);
            var label = new StringBuilder();
            foreach (var spelling in spelled)
            {
                if (seen.Contains(spelling.Alias))
                {
                    continue;
                }

                seen.Add(spelling.Alias);
                label.Append(label.Length > 0 ? ", " : string.Empty).Append(spelling.Prefix).Append(spelling.Alias);
            }

            return label.ToString();

            static int Compare(Spelling a, Spelling b)
            {
                var byPrefix = StringComparer.OrdinalIgnoreCase.Compare(a.Prefix.Length == 0 ? null : a.Prefix, b.Prefix.Length == 0 ? null : b.Prefix);
                return byPrefix != 0 ? byPrefix : StringComparer.OrdinalIgnoreCase.Compare(a.Alias, b.Alias);
            }
        }

        private static Spelling SplitPrefix(string alias) => alias switch
        {
            ['/', ..] => new("/", alias[1..]),
            ['-', '-', ..] => new("--", alias[2..]),
            ['-', ..] => new("-", alias[1..]),
            _ => new(string.Empty, alias),
        };

        private static string OptionArgumentLabel(Option option) =>
            ValueLabel(option.HelpName, option.ValueType, option.Arity, option.CompletionSources, option) ?? string.Empty;

        private static string? ArgumentLabel(Argument argument) =>
            ValueLabel(argument.HelpName, argument.ValueType, argument.Arity, argument.CompletionSources, argument);

        /// <summary>"&lt;help name&gt;", "&lt;a|b|c&gt;" from the completions, "&lt;name&gt;" for an option; null when it takes no value.</summary>
        private static string? ValueLabel(string? helpName, Type valueType, ArgumentArity arity, List<Func<CompletionContext, IEnumerable<CompletionItem>>> completionSources, Symbol symbol)
        {
            if (!string.IsNullOrWhiteSpace(helpName))
            {
                return $"<{helpName}>";
            }

            if (valueType == typeof(bool) || valueType == typeof(bool?) || arity.MaximumNumberOfValues <= 0)
            {
                return null;
            }

            if (completionSources.Count <= 0)
            {
                return symbol is Option ? $"<{symbol.Name.TrimStart('-', '/')}>" : null;
            }

            var labels = new List<string>();
            foreach (var item in symbol.GetCompletions(CompletionContext.Empty))
            {
                labels.Add(item.Label);
            }

            var joined = string.Join('|', labels);
            return joined.Length > 0 ? $"<{joined}>" : null;
        }

        private void Heading(string heading, string? description)
        {
            output.Append(heading).Append('\n');
            if (!string.IsNullOrWhiteSpace(description))
            {
                foreach (var part in Wrap(description, maxWidth - Indent.Length))
                {
                    output.Append(Indent).Append(part).Append('\n');
                }
            }
        }

        private bool Section(string heading, List<Row> rows)
        {
            if (rows.Count == 0)
            {
                return false;
            }

            output.Append(heading).Append('\n');
            WriteColumns(rows);
            return true;
        }

        private void WriteColumns(List<Row> rows)
        {
            var firstWidth = 0;
            var secondWidth = 0;
            foreach (var row in rows)
            {
                firstWidth = Math.Max(firstWidth, row.First.Length);
                secondWidth = Math.Max(secondWidth, row.Second.Length);
            }

            if ((long)firstWidth + secondWidth + (2 * Indent.Length) > maxWidth)
            {
                var firstMaxWidth = (maxWidth / 2) - Indent.Length;
                if (firstWidth > firstMaxWidth)
                {
                    firstWidth = 0;
                    foreach (var row in rows)
                    {
                        foreach (var part in Wrap(row.First, firstMaxWidth))
                        {
                            firstWidth = Math.Max(firstWidth, part.Length);
                        }
                    }
                }

                secondWidth = maxWidth - firstWidth - (2 * Indent.Length);
            }

            foreach (var row in rows)
            {
                var firstParts = Wrap(row.First, firstWidth);
                var secondParts = Wrap(row.Second, secondWidth);
                for (var line = 0; line < Math.Max(firstParts.Count, secondParts.Count); line++)
                {
                    var first = line < firstParts.Count ? firstParts[line] : string.Empty;
                    var second = line < secondParts.Count ? secondParts[line] : string.Empty;
                    output.Append(Indent).Append(first);
                    if (!string.IsNullOrWhiteSpace(second))
                    {
                        output.Append(' ', Math.Max(0, firstWidth - first.Length)).Append(Indent).Append(second);
                    }

                    output.Append('\n');
                }
            }
        }

        /// <summary>
        /// Lines of at most <paramref name="width"/> characters: each line of the text as it is when it fits, else broken
        /// after the last white space that fits (the space stays at the line's end), or at the width inside a long word.
        /// </summary>
        private static List<string> Wrap(string text, int width)
        {
            var lines = new List<string>();
            if (string.IsNullOrWhiteSpace(text))
            {
                return lines;
            }

            width = Math.Max(1, width);
            foreach (var part in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
            {
                if (part.Length <= width)
                {
                    lines.Add(part);
                    continue;
                }

                for (var start = 0; start < part.Length;)
                {
                    if (part.Length - start < width)
                    {
                        lines.Add(part[start..]);
                        break;
                    }

                    var length = -1;
                    for (var j = 0; start + j < part.Length && j < width; j++)
                    {
                        if (char.IsWhiteSpace(part[start + j]))
                        {
                            length = j + 1;
                        }
                    }

                    if (length == -1)
                    {
                        length = width;
                    }

                    lines.Add(part.Substring(start, length));
                    start += length;
                }
            }

            return lines;
        }
    }
}
