using System.CommandLine;

namespace SparkK8s.Cli.Commands;

/// <summary>Every top-level command, one line each. Each command lives in its own file in this folder.</summary>
public static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        PresetsCommand.Create(),
        RenderCommand.Create(),
        ValidateCommand.Create(),
        PlanCommand.Create(),
        NewCommand.Create(),
        DocsCommand.Create(),
        CostCommand.Create(),
        SizeCommand.Create(),
        BackupCommand.Create(),
        SchemasCommand.Create(),
        PolicyCommand.Create(),
        DoctorCommand.Create(),
        UpCommand.Create(),
        ChaosCommand.Create(),
        UpgradeTestCommand.Create(),
        SmokeCommand.Create(),
        LoadCommand.Create(),
    ];
}
