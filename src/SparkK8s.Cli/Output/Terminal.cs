using System.CommandLine;
using Spectre.Console;

namespace SparkK8s.Cli.Output;

/// <summary>
/// Where a command writes: the invocation's stdout/stderr (so tests can capture them) and a Spectre console
/// over stdout for tables and progress. Progress is shown only for table output on an interactive terminal.
/// </summary>
public sealed class Terminal
{
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
        if (!Interactive)
        {
            Ansi.Profile.Width = 200;
        }
    }

    public TextWriter Out { get; }
    public TextWriter Error { get; }
    public IAnsiConsole Ansi { get; }
    public bool Interactive { get; }

    public static Terminal For(ParseResult parseResult) =>
        new(parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);

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
}
