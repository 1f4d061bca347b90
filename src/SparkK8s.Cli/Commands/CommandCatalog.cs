using System.CommandLine;

namespace SparkK8s.Cli.Commands;

/// <summary>Every top-level command, one line each. Each command lives in its own file in this folder.</summary>
public static class CommandCatalog
{
    /// <summary>
    /// Each top-level command's name with its factory, so that a run of one command builds only that command's
    /// options (start-up; docs/en/performance.md), with what the root's help lists for it: its description and the
    /// names of its arguments (the root's help is then written without building any command). A test checks each entry
    /// against the command its factory makes.
    /// </summary>
    public static readonly IReadOnlyList<CommandEntry> Factories =
    [
        new("presets", PresetsCommand.Create, PresetsCommand.Description),
        new("render", RenderCommand.Create, RenderCommand.Description, "preset"),
        new("validate", ValidateCommand.Create, ValidateCommand.Description, "preset"),
        new("plan", PlanCommand.Create, PlanCommand.Description, "preset"),
        new("new", NewCommand.Create, NewCommand.Description),
        new("docs", DocsCommand.Create, DocsCommand.Description),
        new("cost", CostCommand.Create, CostCommand.Description, "path"),
        new("size", SizeCommand.Create, SizeCommand.Description),
        new("backup", BackupCommand.Create, BackupCommand.Description),
        new("schemas", SchemasCommand.Create, SchemasCommand.Description),
        new("policy", PolicyCommand.Create, PolicyCommand.Description),
        new("doctor", DoctorCommand.Create, DoctorCommand.Description, "preset"),
        new("up", UpCommand.Create, UpCommand.Description, "preset"),
        new("chaos", ChaosCommand.Create, ChaosCommand.Description),
        new("upgrade-test", UpgradeTestCommand.Create, UpgradeTestCommand.Description, "preset"),
        new("smoke", SmokeCommand.Create, SmokeCommand.Description),
        new("load", LoadCommand.Create, LoadCommand.Description),
    ];

    /// <summary>
    /// The top-level commands as the root's help shows them (name, description, argument names), without their
    /// options, subcommands or actions: for <c>spark-k8s --help</c>, which would otherwise build all seventeen.
    /// </summary>
    public static IEnumerable<Command> Summaries()
    {
        foreach (var entry in Factories)
        {
            var command = new Command(entry.Name, entry.Description);
            foreach (var argument in entry.Arguments)
            {
                command.Arguments.Add(new Argument<string>(argument));
            }

            yield return command;
        }
    }

    public static IEnumerable<Command> All()
    {
        foreach (var entry in Factories)
        {
            yield return entry.Create();
        }
    }

    /// <summary>The factory of the command named exactly <paramref name="name"/>, or null.</summary>
    public static Func<Command>? Find(string name)
    {
        foreach (var entry in Factories)
        {
            if (string.Equals(entry.Name, name, StringComparison.Ordinal))
            {
                return entry.Create;
            }
        }

        return null;
    }
}

/// <summary>A top-level command: its name, factory, description and the names of its arguments.</summary>
public sealed record CommandEntry(string Name, Func<Command> Create, string Description, params string[] Arguments);
