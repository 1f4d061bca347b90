using System.CommandLine;
using System.Globalization;
using System.Text;
using Spectre.Console;

namespace SparkK8s.Cli.Output;

/// <summary>
/// Where a command writes: the invocation's stdout/stderr (so tests can capture them) and a Spectre console
/// over stdout for tables and progress. Progress is shown only for table output on an interactive terminal.
/// The width is, in order: the invocation's override (tests), <c>COLUMNS</c>, the terminal's own width, or
/// <see cref="DefaultWidth"/> when output is redirected.
/// </summary>
public sealed class Terminal
{
    public const int DefaultWidth = 200;
    public const int MinWidth = 40;
    public const int MaxWidth = 1000;

    /// <summary>The height Spectre.Console assumes when it finds no terminal (its DefaultTerminalHeight).</summary>
    public const int RedirectedHeight = 24;

    private static readonly AsyncLocal<int?> WidthOverride = new();

    private Terminal(TextWriter output, TextWriter error)
    {
        Out = output;
        Error = error;
        Interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = Interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        var width = WidthOverride.Value ?? ColumnsVariable() ?? (Interactive ? (int?)null : DefaultWidth);
        if (width is { } fixedWidth)
        {
            Ansi.Profile.Width = fixedWidth;
        }

        if (!Interactive)
        {
            // Spectre asks System.Console for the window height whenever it renders (RenderOptions.Create), and on Linux
            // that loads and parses the terminfo database (about 10 ms of every table) only to find no terminal. Output
            // that is not a terminal has no height; Spectre's own fallback is 24 lines, and only live displays use it.
            Ansi.Profile.Height = RedirectedHeight;
        }

        Width = Ansi.Profile.Width;
    }

    public TextWriter Out { get; }
    public TextWriter Error { get; }
    public IAnsiConsole Ansi { get; }
    public bool Interactive { get; }

    /// <summary>Columns available to tables and wrapped text.</summary>
    public int Width { get; }

    /// <summary>A terminal over plain writers (tests, embedding), at the current width.</summary>
    public static Terminal Create(TextWriter output, TextWriter error) => new(output, error);

    public static Terminal For(ParseResult parseResult) =>
        new(parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);

    /// <summary>Fixes the width for the current invocation (and the async work it starts); null restores the default.</summary>
    public static void UseWidth(int? width) => WidthOverride.Value = width is null ? null : Math.Clamp(width.Value, MinWidth, MaxWidth);

    /// <summary>Writes <paramref name="text"/> word-wrapped to the width, each line after the first indented by <paramref name="indent"/>.
    /// Words are never split: a word longer than a line (a URL, a command's argument) gets a line of its own.</summary>
    public void WriteWrapped(string text, string firstPrefix = "", string indent = "  ")
    {
        Out.Write(Wrap(text, Width, firstPrefix, indent));
    }

    /// <summary>The word-wrapped text, ending in a newline.</summary>
    public static string Wrap(string text, int width, string firstPrefix = "", string indent = "  ")
    {
        var builder = new StringBuilder();
        foreach (var paragraph in text.Split('\n'))
        {
            var line = new StringBuilder(builder.Length == 0 ? firstPrefix : indent);
            var lineHasWord = false;
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (lineHasWord && line.Length + 1 + word.Length > width)
                {
                    builder.Append(line.ToString().TrimEnd()).Append('\n');
                    line.Clear().Append(indent);
                    lineHasWord = false;
                }

                line.Append(lineHasWord ? " " : string.Empty).Append(word);
                lineHasWord = true;
            }

            builder.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Runs long work under a spinner when a person is watching; silently otherwise.</summary>
    public async Task<T> WithProgressAsync<T>(string label, OutputFormat format, Func<Action<string>, Task<T>> work)
    {
        if (!Interactive || format != OutputFormat.Table)
        {
            return await work(_ => { }).ConfigureAwait(false);
        }

        return await Ansi.Status().StartAsync(label, async context =>
            await work(status => context.Status(Markup.Escape(status))).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private static int? ColumnsVariable() =>
        int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns)
            ? Math.Clamp(columns, MinWidth, MaxWidth)
            : null;
}
