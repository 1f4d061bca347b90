using Spectre.Console;
using Spectre.Console.Rendering;

namespace SparkK8s.Cli.Output;

/// <summary>How a column's cells may break: never (names, numbers) or between words (prose).</summary>
public enum CellWrap
{
    Never,
    Words,
}

/// <summary>A column of a <see cref="TableLayout"/>.</summary>
public sealed record TableColumnSpec(string Header, CellWrap Wrap = CellWrap.Never);

/// <summary>
/// Tables that stay readable at any width. Cells of <see cref="CellWrap.Never"/> columns are never broken and prose cells
/// break only between words. When the table cannot fit the terminal that way, each row is printed as a short block
/// instead ("first cell" and then "header: value" pairs, word-wrapped). Commands, URLs and image references do not
/// belong in cells at all: commands print them on their own lines under the table.
/// </summary>
public static class TableLayout
{
    /// <summary>Prose columns get at least this many characters before the table falls back to blocks.</summary>
    private const int MinProseWidth = 16;

    public static void Write(Terminal terminal, string? title, IReadOnlyList<TableColumnSpec> columns, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        // Cells and titles can hold names from untrusted input (event logs, values): no escape sequence reaches the terminal.
        title = title is null ? null : TerminalText.Clean(title);
        rows = [.. rows.Select(row => (IReadOnlyList<string>)[.. row.Select(TerminalText.Clean)])];
        if (Fits(terminal.Width, columns, rows))
        {
            // Spectre's own rendering, without its start-up cost, for plain text; a title is coloured on an ANSI terminal.
            var capabilities = terminal.Ansi.Profile.Capabilities;
            if (capabilities.Unicode && (title is null || !capabilities.Ansi)
                && PlainTable.TryRender(title, columns, rows, terminal.Ansi.Profile.Width) is { } text)
            {
                terminal.Out.Write(text);
                return;
            }

            terminal.Ansi.Write(SpectreTable(title, columns, rows));
            return;
        }

        if (title is not null)
        {
            terminal.Out.WriteLine(title);
        }

        foreach (var row in rows)
        {
            terminal.WriteWrapped(row[0], "- ", "  ");
            var pairs = columns.Skip(1).Zip(row.Skip(1)).Where(p => p.Second.Length > 0).Select(p => $"{p.First.Header}: {p.Second.Replace('\n', ' ')}").ToList();
            WritePairs(terminal, pairs);
        }
    }

    /// <summary>The Spectre.Console table of these columns and rows (cells as plain text, never markup); PlainTable writes the same text.</summary>
    public static Table SpectreTable(string? title, IReadOnlyList<TableColumnSpec> columns, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var table = new Table();
        if (title is not null)
        {
            table.Title(new TableTitle(Markup.Escape(title)));
        }

        foreach (var column in columns)
        {
            var spec = new TableColumn(new Text(column.Header));
            table.AddColumn(column.Wrap == CellWrap.Never ? spec.NoWrap() : spec);
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(cell => (IRenderable)new Text(cell)).ToArray());
        }

        return table;
    }

    /// <summary>"header: value" pairs, several to a line, a line breaking only between pairs (or inside one longer than a line).</summary>
    private static void WritePairs(Terminal terminal, IReadOnlyList<string> pairs)
    {
        const string indent = "  ";
        var line = new System.Text.StringBuilder();
        foreach (var pair in pairs)
        {
            if (line.Length > 0 && indent.Length + line.Length + 2 + pair.Length > terminal.Width)
            {
                terminal.Out.WriteLine(indent + line);
                line.Clear();
            }

            if (indent.Length + pair.Length > terminal.Width)
            {
                terminal.WriteWrapped(pair, indent, indent + "  ");
                continue;
            }

            line.Append(line.Length > 0 ? "; " : string.Empty).Append(pair);
        }

        if (line.Length > 0)
        {
            terminal.Out.WriteLine(indent + line);
        }
    }

    /// <summary>True when every unbreakable cell gets its full width and every prose column a fair share (borders: 3 per column + 1).</summary>
    public static bool Fits(int width, IReadOnlyList<TableColumnSpec> columns, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var needed = (3 * columns.Count) + 1;
        for (var i = 0; i < columns.Count; i++)
        {
            var cells = rows.Select(r => i < r.Count ? r[i] : string.Empty).Append(columns[i].Header);
            needed += columns[i].Wrap == CellWrap.Never
                ? cells.SelectMany(c => c.Split('\n')).Max(l => l.Length)
                : Math.Max(Math.Min(MinProseWidth, cells.Max(c => c.Length)), cells.SelectMany(c => c.Split(' ', '\n')).Max(w => w.Length));
        }

        return needed <= width;
    }
}
