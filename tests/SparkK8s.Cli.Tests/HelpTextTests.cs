using System.CommandLine;
using System.CommandLine.Help;
using FluentAssertions;
using SparkK8s.Cli.Output;
using Xunit;

namespace SparkK8s.Cli.Tests;

/// <summary>
/// The CLI writes help itself (start-up: System.CommandLine's help builder compiles about 70 generic methods at every
/// <c>--help</c>), in System.CommandLine 2.0's layout. Its text must be System.CommandLine's, character for character,
/// for every command of the tree and for the shapes of symbol the tree does not use yet.
/// </summary>
public class HelpTextTests
{
    private static readonly int[] Widths = [int.MaxValue, 200, 120, 80, 60, 40];

    [Fact]
    public async Task Every_command_s_help_is_System_CommandLine_s_at_every_width()
    {
        var paths = new List<string[]>();
        Collect(CliApplication.BuildRootCommand(), [], paths);
        paths.Count.Should().BeGreaterThan(CommandCatalog().Count, "subcommands (backup run, docs values ...) are included");

        foreach (var width in Widths)
        {
            foreach (var path in paths)
            {
                var ours = await HelpOf(CliApplication.BuildRootCommand(), path, stock: null);
                var theirs = await HelpOf(CliApplication.BuildRootCommand(), path, stock: width);
                var rendered = HelpText.Render(Find(CliApplication.BuildRootCommand(), path), width);

                rendered.Should().Be(theirs, $"{string.Join(' ', path)} at width {width}");
                if (width == int.MaxValue)
                {
                    ours.Should().Be(theirs, $"{string.Join(' ', path)}, redirected");
                }
            }
        }
    }

    [Fact]
    public async Task Shapes_the_tree_does_not_use_yet_are_written_as_System_CommandLine_writes_them()
    {
        foreach (var width in Widths)
        {
            foreach (var path in new[] { Array.Empty<string>(), ["deploy"], ["deploy", "hidden-child"], ["deploy", "visible-child"], ["raw"] })
            {
                var theirs = await HelpOf(Synthetic(), path, stock: width);
                HelpText.Render(Find(Synthetic(), path), width).Should().Be(theirs, $"{string.Join(' ', path)} at width {width}");
            }
        }
    }

    [Fact]
    public void The_help_option_of_both_trees_writes_the_CLI_s_help()
    {
        CliApplication.BuildRootCommand().Options.OfType<HelpOption>().Single().Action.Should().BeOfType<HelpText.Action>();
        CliApplication.BuildRootCommandFor(["presets"]).Options.OfType<HelpOption>().Single().Action.Should().BeOfType<HelpText.Action>();
    }

    [Fact]
    public async Task Help_after_a_parse_error_is_still_help()
    {
        var result = await CliRunner.RunAsync("validate", "--parallel", "zero", "--help");

        result.ExitCode.Should().Be(0, result.Stderr);
        result.Stdout.Should().StartWith("Description:\n").And.Contain("Usage:\n").And.Contain("--parallel");
    }

    private static IReadOnlyList<string> CommandCatalog() => [.. SparkK8s.Cli.Commands.CommandCatalog.Factories.Select(f => f.Name)];

    private static void Collect(Command command, string[] path, List<string[]> paths)
    {
        paths.Add(path);
        foreach (var subcommand in command.Subcommands)
        {
            Collect(subcommand, [.. path, subcommand.Name], paths);
        }
    }

    private static Command Find(Command root, string[] path)
    {
        var command = root;
        foreach (var name in path)
        {
            command = command.Subcommands.Single(c => c.Name == name);
        }

        return command;
    }

    /// <summary>The help that <c>PATH --help</c> prints: with the CLI's action (stock null) or System.CommandLine's own at that width.</summary>
    private static async Task<string> HelpOf(RootCommand root, string[] path, int? stock)
    {
        if (stock is { } width)
        {
            root.Options.OfType<HelpOption>().Single().Action = new HelpAction { MaxWidth = width };
        }
        else
        {
            HelpText.Install(root);
        }

        using var output = new StringWriter();
        var exit = await root.Parse([.. path, "--help"]).InvokeAsync(new InvocationConfiguration { Output = output, Error = new StringWriter() }, TestContext.Current.CancellationToken);
        exit.Should().Be(0);
        return output.ToString().ReplaceLineEndings("\n");
    }

    private enum Mode
    {
        Fast,
        Careful,
    }

    /// <summary>Optional and repeated arguments, defaults, aliases with every prefix, required, hidden and enum options, completions, long words and line breaks.</summary>
    private static RootCommand Synthetic()
    {
        var root = new RootCommand("A tool whose description is long enough to be wrapped at forty columns, with a line break\nand averyveryveryverylongwordthatdoesnotfitanywhereatallinnarrowcolumns.");
        root.Options.Add(new Option<bool>("--verbose", "-v", "/v") { Description = "Talk more.", Recursive = true });
        root.Options.Add(new Option<string>("--secret") { Hidden = true, Recursive = true });

        var deploy = new Command("deploy", "Deploys things.") { Aliases = { "ship", "d" } };
        deploy.Arguments.Add(new Argument<string>("target") { Description = "Where to." });
        deploy.Arguments.Add(new Argument<string[]>("extra") { Description = "More targets.", Arity = ArgumentArity.ZeroOrMore });
        deploy.Arguments.Add(new Argument<int>("count") { Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => 3 });
        deploy.Options.Add(new Option<Mode>("--mode", "-m") { Description = "How.", DefaultValueFactory = _ => Mode.Careful });
        deploy.Options.Add(new Option<string>("--name") { Description = "A name.", Required = true, HelpName = "NAME" });
        deploy.Options.Add(new Option<string>("--zone") { Description = "One of three.", DefaultValueFactory = _ => "b" }.AcceptOnlyFromAmong("a", "b", "c"));
        deploy.Options.Add(new Option<string[]>("--tag") { Description = "Tags, repeatable.", DefaultValueFactory = _ => ["x", "y"] });
        deploy.Options.Add(new Option<double?>("--ratio") { Description = "A ratio with a description that goes on and on so that it has to wrap in all but the widest terminals there are." });
        deploy.Subcommands.Add(new Command("hidden-child", "Not listed.") { Hidden = true });
        var visible = new Command("visible-child", "Listed.");
        visible.Arguments.Add(new Argument<string>("hidden-arg") { Hidden = true });
        deploy.Subcommands.Add(visible);
        root.Subcommands.Add(deploy);

        var raw = new Command("raw", "Passes the rest on.") { TreatUnmatchedTokensAsErrors = false };
        raw.Arguments.Add(new Argument<string>("first") { HelpName = "FIRST", DefaultValueFactory = _ => "one" });
        root.Subcommands.Add(raw);
        return root;
    }
}
