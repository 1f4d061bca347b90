using System.Text;

namespace SparkK8s.Cli.Output;

/// <summary>
/// Writes a <see cref="TableLayout"/> table exactly as Spectre.Console 0.49 renders it (square border, one space of
/// padding each side, header row, word-wrapped cells, columns narrowed by its collapse rule, centred title), for
/// tables of printable ASCII text on a Unicode console. Spectre's table layout runs LINQ over value tuples and
/// measurements, generic code that ReadyToRun cannot precompile, so every table compiled about 150 methods at start
/// (about 20 ms of <c>spark-k8s presets</c>; docs/en/performance.md, Start-up). Any other text (wide or combining
/// characters, whose cell widths Spectre takes from its Unicode tables) is left to Spectre. A test renders random
/// tables with both and requires the same text.
/// </summary>
/// <remarks>
/// The rules follow Spectre.Console 0.49.1: TableMeasurer (column widths from each column's widest cell, then
/// CollapseWidths and Ratio.Reduce from Rich), Paragraph.SplitLines (word wrap; a word longer than the column is cut
/// into pieces), TableRenderer and SquareTableBorder.
/// </remarks>
public static class PlainTable
{
    private const int Padding = 1;

    // What Spectre ends each line with (its Segment.LineBreak).
    private static readonly string NewLine = Environment.NewLine;

    /// <summary>The table's text, or null when Spectre must render it (text outside printable ASCII, a column that cannot get a width).</summary>
    public static string? TryRender(string? title, IReadOnlyList<TableColumnSpec> columns, IReadOnlyList<IReadOnlyList<string>> rows, int maxWidth)
    {
        // A title is markup to Spectre: brackets would split it into several words there.
        if (columns.Count == 0 || (title is not null && (!IsPlain(title) || title.AsSpan().IndexOfAny('[', ']') >= 0)))
        {
            return null;
        }

        var table = new List<string[]>(rows.Count + 1) { Headers(columns) };
        foreach (var row in rows)
        {
            var cells = new string[columns.Count];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = i < row.Count ? row[i] : string.Empty;
            }

            table.Add(cells);
        }

        foreach (var cells in table)
        {
            foreach (var cell in cells)
            {
                if (!IsPlain(cell))
                {
                    return null;
                }
            }
        }

        var nonColumnWidth = (columns.Count - 1) + 2 + (2 * Padding * columns.Count);
        var widths = ColumnWidths(columns, table, maxWidth - nonColumnWidth);
        var tableWidth = nonColumnWidth;
        foreach (var width in widths)
        {
            if (width <= 0)
            {
                return null;
            }

            tableWidth += width;
        }

        if (tableWidth > maxWidth)
        {
            return null;
        }

        var output = new StringBuilder();
        if (title is not null && !WriteTitle(output, title, tableWidth))
        {
            return null;
        }

        for (var r = 0; r < table.Count; r++)
        {
            if (r == 0)
            {
                Border(output, widths, '┌', '┬', '┐');
            }

            var cells = new List<List<string>>(columns.Count);
            var height = 1;
            for (var c = 0; c < columns.Count; c++)
            {
                var lines = Wrap(Words(table[r][c]), widths[c], ellipsis: false);
                cells.Add(lines);
                height = Math.Max(height, lines.Count);
            }

            for (var line = 0; line < height; line++)
            {
                output.Append('│');
                for (var c = 0; c < columns.Count; c++)
                {
                    var text = line < cells[c].Count ? cells[c][line] : string.Empty;
                    output.Append(' ', Padding).Append(text).Append(' ', Math.Max(0, widths[c] - text.Length)).Append(' ', Padding).Append('│');
                }

                output.Append(NewLine);
            }

            if (r == 0 && table.Count > 1)
            {
                Border(output, widths, '├', '┼', '┤');
            }

            if (r == table.Count - 1)
            {
                Border(output, widths, '└', '┴', '┘');
            }
        }

        return output.ToString();
    }

    private static string[] Headers(IReadOnlyList<TableColumnSpec> columns)
    {
        var headers = new string[columns.Count];
        for (var i = 0; i < headers.Length; i++)
        {
            headers[i] = columns[i].Header;
        }

        return headers;
    }

    /// <summary>Printable ASCII only: one terminal cell per character, as Spectre counts them.</summary>
    private static bool IsPlain(string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static void Border(StringBuilder output, List<int> widths, char left, char separator, char right)
    {
        output.Append(left);
        for (var c = 0; c < widths.Count; c++)
        {
            output.Append('─', widths[c] + (2 * Padding)).Append(c == widths.Count - 1 ? right : separator);
        }

        output.Append(NewLine);
    }

    /// <summary>Each column as wide as its widest cell; when that is too wide, the widest wrapping columns are narrowed first.</summary>
    private static List<int> ColumnWidths(IReadOnlyList<TableColumnSpec> columns, List<string[]> table, int cellWidth)
    {
        var widths = new List<int>(columns.Count);
        for (var c = 0; c < columns.Count; c++)
        {
            var widest = 0;
            foreach (var cells in table)
            {
                widest = Math.Max(widest, Math.Min(cells[c].Length, cellWidth));
            }

            widths.Add(widest);
        }

        if (Sum(widths) > cellWidth)
        {
            widths = Collapse(widths, columns, cellWidth);
            if (Sum(widths) > cellWidth)
            {
                var ones = new List<int>(widths.Count);
                for (var c = 0; c < widths.Count; c++)
                {
                    ones.Add(1);
                }

                widths = Reduce(Sum(widths) - cellWidth, ones, widths, widths);
            }
        }

        return widths;
    }

    private static List<int> Collapse(List<int> widths, IReadOnlyList<TableColumnSpec> columns, int maxWidth)
    {
        var anyWraps = false;
        foreach (var column in columns)
        {
            anyWraps |= column.Wrap != CellWrap.Never;
        }

        if (!anyWraps)
        {
            return widths;
        }

        var total = Sum(widths);
        var excess = total - maxWidth;
        while (total != 0 && excess > 0)
        {
            var widest = int.MinValue;
            for (var c = 0; c < widths.Count; c++)
            {
                if (columns[c].Wrap != CellWrap.Never)
                {
                    widest = Math.Max(widest, widths[c]);
                }
            }

            var secondWidest = int.MinValue;
            var ratios = new List<int>(widths.Count);
            var anyRatio = false;
            for (var c = 0; c < widths.Count; c++)
            {
                var wraps = columns[c].Wrap != CellWrap.Never;
                secondWidest = Math.Max(secondWidest, wraps && widths[c] != widest ? widths[c] : 1);
                ratios.Add(widths[c] == widest && wraps ? 1 : 0);
                anyRatio |= widths[c] == widest && wraps;
            }

            var difference = widest - secondWidest;
            if (!anyRatio || difference == 0)
            {
                break;
            }

            var maximums = new List<int>(widths.Count);
            for (var c = 0; c < widths.Count; c++)
            {
                maximums.Add(Math.Min(excess, difference));
            }

            widths = Reduce(excess, ratios, maximums, widths);
            total = Sum(widths);
            excess = total - maxWidth;
        }

        return widths;
    }

    /// <summary>Takes <paramref name="total"/> away from the values in proportion to the ratios, each at most its maximum (Rich's ratio_reduce).</summary>
    private static List<int> Reduce(int total, List<int> ratios, List<int> maximums, List<int> values)
    {
        var effective = new List<int>(ratios.Count);
        var totalRatio = 0;
        for (var i = 0; i < ratios.Count; i++)
        {
            effective.Add(maximums[i] > 0 ? ratios[i] : 0);
            totalRatio += effective[i];
        }

        if (totalRatio <= 0)
        {
            return values;
        }

        var remaining = total;
        var result = new List<int>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            if (effective[i] != 0 && totalRatio > 0)
            {
                // Integer division first, as Spectre does, then the rounding of a whole number.
                var distributed = (int)Math.Min(maximums[i], Math.Round((double)(effective[i] * remaining / totalRatio)));
                result.Add(values[i] - distributed);
                remaining -= distributed;
                totalRatio -= effective[i];
            }
            else
            {
                result.Add(values[i]);
            }
        }

        return result;
    }

    private static int Sum(List<int> values)
    {
        var sum = 0;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum;
    }

    /// <summary>The title centred over the table, wrapped at its width; false when a word does not fit (Spectre cuts it with an ellipsis).</summary>
    private static bool WriteTitle(StringBuilder output, string title, int tableWidth)
    {
        var words = Words(title);
        foreach (var word in words)
        {
            if (word.Length > tableWidth)
            {
                return false;
            }
        }

        foreach (var line in Wrap(words, tableWidth, ellipsis: true))
        {
            if (line.Length >= tableWidth)
            {
                output.Append(line);
            }
            else
            {
                var side = (tableWidth - line.Length) / 2;
                output.Append(' ', side).Append(line).Append(' ', side + ((tableWidth - line.Length) % 2));
            }

            output.Append(NewLine);
        }

        return true;
    }

    /// <summary>The text as Spectre splits it: runs of white space and runs of the rest, in order; an empty text is one empty word.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || char.IsWhiteSpace(text[i]) != char.IsWhiteSpace(text[start]))
            {
                words.Add(text[start..i]);
                start = i;
            }
        }

        if (words.Count == 0)
        {
            words.Add(string.Empty);
        }

        return words;
    }

    /// <summary>
    /// The lines of a cell <paramref name="width"/> wide: the text as it is when it fits; else words are added while
    /// they fit, a word that does not starts the next line (white space there is dropped), and a word wider than the
    /// column is cut into pieces of the width.
    /// </summary>
    private static List<string> Wrap(List<string> words, int width, bool ellipsis)
    {
        var total = 0;
        foreach (var word in words)
        {
            total += word.Length;
        }

        var lines = new List<string>();
        if (total <= width)
        {
            lines.Add(string.Concat(words));
            return lines;
        }

        var line = new StringBuilder();
        var lineHasSegments = false;
        var queue = new Queue<string>();
        var next = 0;
        while (queue.Count > 0 || next < words.Count)
        {
            var current = queue.Count > 0 ? queue.Dequeue() : words[next++];
            var newLine = false;
            if (current.Length > width)
            {
                var pieces = new List<string>();
                if (ellipsis)
                {
                    pieces.Add(current[..(width - 1)] + "…");
                }
                else
                {
                    for (var i = 0; i < current.Length; i += width)
                    {
                        pieces.Add(current.Substring(i, Math.Min(width, current.Length - i)));
                    }
                }

                if (line.Length + pieces[0].Length > width)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                    lineHasSegments = false;
                    pieces.ForEach(queue.Enqueue);
                    continue;
                }

                line.Append(pieces[0]);
                lineHasSegments = true;
                for (var i = 1; i < pieces.Count; i++)
                {
                    queue.Enqueue(pieces[i]);
                }

                continue;
            }

            if (line.Length + current.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
                lineHasSegments = false;
                newLine = true;
            }

            if (newLine && string.IsNullOrWhiteSpace(current))
            {
                continue;
            }

            line.Append(current);
            lineHasSegments = true;
        }

        if (lineHasSegments)
        {
            lines.Add(line.ToString());
        }

        return lines;
    }
}
