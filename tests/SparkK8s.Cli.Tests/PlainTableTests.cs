using FluentAssertions;
using SparkK8s.Cli.Output;
using Spectre.Console;
using Xunit;

namespace SparkK8s.Cli.Tests;

/// <summary>
/// Plain tables are written without Spectre.Console (start-up), in Spectre's layout: for random tables of every shape
/// the text must be what Spectre renders, character for character; anything else is left to Spectre.
/// </summary>
public class PlainTableTests
{
    private static readonly string[] Vocabulary =
    [
        "a", "to", "the", "spark", "executor", "metastore", "jupyter-connect-k8s", "s3a://bucket/warehouse/table",
        "x", "12", "3.5", "4.1", "-", "k8s", "standalone", "averyveryveryverylongwordthatdoesnotfitinnarrowcolumnsatall",
        "cost", "USD", "0.0421", "(deprecated)", "core-h", "[brackets]", "100%", "team=data", "a,b,c",
    ];

    [Fact]
    public void Random_tables_are_rendered_as_Spectre_renders_them()
    {
        var random = new Random(20261201);
        var rendered = 0;
        const int tables = 600;
        for (var n = 0; n < tables; n++)
        {
            var (title, columns, rows) = RandomTable(random);
            var width = random.Next(40, 260);
            var ours = PlainTable.TryRender(title, columns, rows, width);
            if (ours is null)
            {
                continue;
            }

            rendered++;
            ours.Should().Be(Spectre(title, columns, rows, width, ansi: false), $"table {n} at width {width}");
        }

        rendered.Should().BeGreaterThan(tables / 2, "most random tables are plain and fit, and are rendered without Spectre");
    }

    [Fact]
    public void An_untitled_table_is_the_same_on_an_ANSI_terminal()
    {
        var random = new Random(7);
        for (var n = 0; n < 100; n++)
        {
            var (_, columns, rows) = RandomTable(random);
            var width = random.Next(40, 200);
            if (PlainTable.TryRender(null, columns, rows, width) is { } ours)
            {
                ours.Should().Be(Spectre(null, columns, rows, width, ansi: true), $"table {n}");
            }
        }
    }

    [Fact]
    public void The_presets_table_is_Spectre_s()
    {
        string[][] rows =
        [
            ["jupyter-connect-k8s", "Jupyter + Spark Connect (Kubernetes executors) + History Server + Hive Metastore on PostgreSQL + MinIO", "connect, historyServer, minio, metastore, postgresql, jupyter", "k8s"],
            ["batch-submit", "Batch jobs with spark-submit in cluster mode", "historyServer, minio, jobs", "submit"],
        ];
        TableColumnSpec[] columns = [new("Preset"), new("Description", CellWrap.Words), new("Components", CellWrap.Words), new("Backend")];
        foreach (var width in new[] { 200, 120, 80 })
        {
            PlainTable.TryRender(null, columns, rows, width).Should().Be(Spectre(null, columns, rows, width, ansi: false), $"width {width}");
        }
    }

    [Theory]
    [InlineData("naïve")]
    [InlineData("数据")]
    [InlineData("tab\there")]
    [InlineData("e\u0301")]
    public void Text_outside_printable_ASCII_is_left_to_Spectre(string cell)
    {
        PlainTable.TryRender(null, [new("h")], [[cell]], 80).Should().BeNull();
        PlainTable.TryRender(cell, [new("h")], [["x"]], 80).Should().BeNull();
    }

    [Fact]
    public void Through_the_terminal_a_plain_table_is_written_as_Spectre_writes_it()
    {
        TableColumnSpec[] columns = [new("app id"), new("name", CellWrap.Words), new("cost USD")];
        string[][] rows = [["app-1", "nightly aggregation of the trips table", "1.25"], ["app-2", "hourly", "0.10"]];
        using var output = new StringWriter();
        Terminal.UseWidth(60);
        try
        {
            TableLayout.Write(Terminal.Create(output, new StringWriter()), "Cost by app", columns, rows);
        }
        finally
        {
            Terminal.UseWidth(null);
        }

        output.ToString().Should().Be(Spectre("Cost by app", columns, rows, 60, ansi: false));
    }

    private static (string? Title, TableColumnSpec[] Columns, string[][] Rows) RandomTable(Random random)
    {
        var columns = new TableColumnSpec[random.Next(1, 7)];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = new TableColumnSpec(Words(random, random.Next(1, 4)), random.Next(2) == 0 ? CellWrap.Never : CellWrap.Words);
        }

        var rows = new string[random.Next(0, 10)][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = new string[columns.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                rows[r][c] = random.Next(8) == 0 ? string.Empty : Words(random, random.Next(1, 14));
            }
        }

        var title = random.Next(3) == 0 ? null : Words(random, random.Next(1, 8)).Replace("[", "(", StringComparison.Ordinal).Replace("]", ")", StringComparison.Ordinal);
        return (title, columns, rows);
    }

    private static string Words(Random random, int count)
    {
        var text = new System.Text.StringBuilder();
        if (random.Next(10) == 0)
        {
            text.Append(' ', random.Next(1, 3));
        }

        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                text.Append(' ', random.Next(6) == 0 ? random.Next(2, 5) : 1);
            }

            text.Append(Vocabulary[random.Next(Vocabulary.Length)]);
        }

        if (random.Next(10) == 0)
        {
            text.Append(' ', random.Next(1, 3));
        }

        return text.ToString();
    }

    /// <summary>The table as TableLayout builds it for Spectre, rendered by Spectre at the width.</summary>
    private static string Spectre(string? title, IReadOnlyList<TableColumnSpec> columns, IReadOnlyList<IReadOnlyList<string>> rows, int width, bool ansi)
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = ansi ? ColorSystemSupport.TrueColor : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        console.Profile.Height = 24;
        console.Write(TableLayout.SpectreTable(title, columns, rows));
        return output.ToString();
    }
}
