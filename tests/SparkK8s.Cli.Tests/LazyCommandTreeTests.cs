using FluentAssertions;
using SparkK8s.Cli.Commands;
using Xunit;

namespace SparkK8s.Cli.Tests;

/// <summary>
/// A run whose first argument names a command builds only that command (start-up): it must parse every command line
/// exactly as the whole tree does.
/// </summary>
public class LazyCommandTreeTests
{
    [Fact]
    public void Every_listed_name_is_the_name_of_the_command_its_factory_makes()
    {
        CommandCatalog.Factories.Select(f => f.Create().Name).Should().Equal(CommandCatalog.Factories.Select(f => f.Name));
        CommandCatalog.Factories.Select(f => f.Name).Should().OnlyHaveUniqueItems();
        CliApplication.BuildRootCommand().Subcommands.Select(c => c.Name).Should().Equal(CommandCatalog.Factories.Select(f => f.Name));
    }

    [Theory]
    [InlineData("presets")]
    [InlineData("presets", "--output", "json")]
    [InlineData("presets", "--output", "xml")]
    [InlineData("presets", "extra")]
    [InlineData("validate", "--all", "--parallel", "3")]
    [InlineData("validate", "--parallel", "-1")]
    [InlineData("plan", "jupyter-connect-k8s", "--env", "dev")]
    [InlineData("cost", "--help")]
    [InlineData("backup", "run", "--bogus")]
    [InlineData("docs", "values", "--lang", "ru")]
    [InlineData("prests")]
    [InlineData("--help")]
    [InlineData("--version")]
    public void A_command_line_parses_the_same_with_only_its_command_built(params string[] args)
    {
        var full = CliApplication.BuildRootCommand().Parse(args);
        var lazy = CliApplication.BuildRootCommandFor(args).Parse(args);

        lazy.Errors.Select(e => e.Message).Should().Equal(full.Errors.Select(e => e.Message));
        lazy.CommandResult.Command.Name.Should().Be(full.CommandResult.Command.Name);
        lazy.UnmatchedTokens.Should().Equal(full.UnmatchedTokens);
        lazy.Tokens.Select(t => (t.Value, t.Type)).Should().Equal(full.Tokens.Select(t => (t.Value, t.Type)));
    }

    [Fact]
    public void Each_entry_lists_its_command_s_description_and_arguments()
    {
        foreach (var entry in CommandCatalog.Factories)
        {
            var command = entry.Create();
            command.Description.Should().Be(entry.Description, entry.Name);
            command.Arguments.Select(a => a.Name).Should().Equal(entry.Arguments, entry.Name);
            command.Aliases.Should().BeEmpty(entry.Name);
        }
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    [InlineData("/h")]
    [InlineData("/?")]
    public async Task The_root_help_from_the_summaries_is_the_help_of_the_whole_tree(string token)
    {
        CliApplication.BuildRootCommandFor([token]).Subcommands.Should().AllSatisfy(c => c.Options.Should().BeEmpty());
        var summary = await CliRunner.RunAsync(token);
        using var fullOut = new StringWriter();
        var full = CliApplication.BuildRootCommand().Parse([token]);
        await full.InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = fullOut, Error = new StringWriter() }, TestContext.Current.CancellationToken);

        summary.ExitCode.Should().Be(0);
        summary.Stdout.Should().Be(fullOut.ToString()).And.Contain("plan <preset>").And.Contain("cost <path>");
    }

    [Fact]
    public async Task A_command_s_help_is_the_same_with_only_its_command_built()
    {
        foreach (var name in CommandCatalog.Factories.Select(f => f.Name))
        {
            var lazy = await CliRunner.RunAsync(name, "--help");
            using var fullOut = new StringWriter();
            var full = CliApplication.BuildRootCommand().Parse([name, "--help"]);
            await full.InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = fullOut, Error = new StringWriter() }, TestContext.Current.CancellationToken);

            lazy.ExitCode.Should().Be(0, name);
            lazy.Stdout.Should().Be(fullOut.ToString(), name);
        }
    }
}
