using System.CommandLine;
using SparkK8s.Cli.Commands;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Errors;

namespace SparkK8s.Cli;

/// <summary>Builds the command tree and maps outcomes to exit codes: 0 ok, 1 findings or failure, 2 usage error.</summary>
public static class CliApplication
{
    public const int ExitOk = 0;
    public const int ExitFindings = 1;
    public const int ExitUsage = 2;

    /// <summary>How long a command may take to wind down after SIGTERM or Ctrl-C before the process is ended.</summary>
    public static readonly TimeSpan ProcessTerminationGrace = TimeSpan.FromSeconds(25);

    private const string RootDescription = "spark-k8s: plan, render, validate and operate Apache Spark on Kubernetes.";

    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand(RootDescription);
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }

        HelpText.Install(root);
        return root;
    }

    /// <summary>
    /// The command tree <paramref name="args"/> need: when the first argument names a top-level command exactly, the
    /// root with only that command (its options and subcommands are all a parse of these arguments can reach, and
    /// building the other sixteen costs every run several milliseconds); else, for --help, typos and the rest, the whole
    /// tree. Either tree parses such arguments to the same result (a test compares them).
    /// </summary>
    public static RootCommand BuildRootCommandFor(IReadOnlyList<string> args)
    {
        if (args.Count == 1 && IsHelpToken(args[0]))
        {
            // The root's help lists each command's name, arguments and description: nothing else of them is built.
            var summary = new RootCommand(RootDescription);
            foreach (var command in CommandCatalog.Summaries())
            {
                summary.Subcommands.Add(command);
            }

            HelpText.Install(summary);
            return summary;
        }

        if (args.Count == 0 || CommandCatalog.Find(args[0]) is not { } create)
        {
            return BuildRootCommand();
        }

        var root = new RootCommand(RootDescription);
        root.Subcommands.Add(create());
        HelpText.Install(root);
        return root;
    }

    /// <param name="width">Columns for tables and wrapped text; null: COLUMNS, the terminal's width, or 200 when redirected.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, int? width = null)
    {
        Terminal.UseWidth(width);
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        System.CommandLine.ParseResult parseResult;
        using (SparkK8s.Core.Diagnostics.PhaseTimer.Measure("cli: build and parse the command tree"))
        {
            parseResult = BuildRootCommandFor(args).Parse(args);
        }

        var configuration = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            Output = stdout,
            Error = stderr,
            // SIGTERM cancels the command's token; give it time to abort a multipart upload and stop pg_dump/pg_restore
            // (System.CommandLine's default is 2 s). Kubernetes sends SIGKILL after terminationGracePeriodSeconds (30 s).
            ProcessTerminationTimeout = ProcessTerminationGrace,
        };
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await stderr.WriteLineAsync($"error: {ErrorText.Describe(error)}").ConfigureAwait(false);
            }

            await stderr.WriteLineAsync($"Run '{string.Join(' ', ["spark-k8s", .. CommandPath(parseResult), "--help"])}' for usage.").ConfigureAwait(false);
            return ExitUsage;
        }

        try
        {
            using var span = SparkK8s.Core.Diagnostics.PhaseTimer.Measure("cli: invoke the command");
            return await parseResult.InvokeAsync(configuration, cancellation.Token).ConfigureAwait(false);
        }
        catch (UserInputException ex)
        {
            await stderr.WriteLineAsync($"error: {ErrorText.Clean(ex.Message)}").ConfigureAwait(false);
            return ExitUsage;
        }
        catch (OperationFailedException ex)
        {
            await stderr.WriteLineAsync($"error: {ErrorText.Clean(ex.Message)}").ConfigureAwait(false);
            return ExitFindings;
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("cancelled").ConfigureAwait(false);
            return 130;
        }
        catch (Exception ex) when (Environment.GetEnvironmentVariable("SPARK_K8S_DEBUG") is null)
        {
            // Never the exception's type: a person reads this. The message is cleaned of .NET names as well.
            var reason = ex is IOException or UnauthorizedAccessException ? ErrorText.Clean(ex.Message) : $"unexpected internal error ({ErrorText.Clean(ex.Message).TrimEnd('.')})";
            await stderr.WriteLineAsync($"error: {reason}. If this persists, report it with the output of the same command run with SPARK_K8S_DEBUG=1.").ConfigureAwait(false);
            return ExitFindings;
        }
    }

    /// <summary>The spellings of System.CommandLine's help option.</summary>
    private static bool IsHelpToken(string token) => token is "--help" or "-h" or "-?" or "/h" or "/?";

    private static IEnumerable<string> CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var result = parseResult.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        return names;
    }
}
