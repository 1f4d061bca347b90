using System.CommandLine;

namespace SparkK8s.Cli.Commands;

/// <summary>Every top-level command, one line each. Each command lives in its own file in this folder.</summary>
public static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        BackupCommand.Create(),
    ];
}
