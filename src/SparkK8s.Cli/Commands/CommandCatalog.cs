using System.CommandLine;

namespace SparkK8s.Cli.Commands;

/// <summary>Every top-level command, one line each. Each command lives in its own file in this folder.</summary>
public static class CommandCatalog
{
    /// <summary>
    /// Each top-level command's name with its factory, so that a run of one command builds only that command's
    /// options (start-up; docs/en/performance.md). A test checks every name against the command its factory makes.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, Func<Command> Create)> Factories =
    [
        ("presets", PresetsCommand.Create),
        ("render", RenderCommand.Create),
        ("validate", ValidateCommand.Create),
        ("plan", PlanCommand.Create),
        ("new", NewCommand.Create),
        ("docs", DocsCommand.Create),
        ("cost", CostCommand.Create),
        ("size", SizeCommand.Create),
        ("backup", BackupCommand.Create),
        ("schemas", SchemasCommand.Create),
        ("policy", PolicyCommand.Create),
        ("doctor", DoctorCommand.Create),
        ("up", UpCommand.Create),
        ("chaos", ChaosCommand.Create),
        ("upgrade-test", UpgradeTestCommand.Create),
        ("smoke", SmokeCommand.Create),
        ("load", LoadCommand.Create),
    ];

    public static IEnumerable<Command> All() => Factories.Select(f => f.Create());

    /// <summary>The factory of the command named exactly <paramref name="name"/>, or null.</summary>
    public static Func<Command>? Find(string name)
    {
        foreach (var (commandName, create) in Factories)
        {
            if (string.Equals(commandName, name, StringComparison.Ordinal))
            {
                return create;
            }
        }

        return null;
    }
}
