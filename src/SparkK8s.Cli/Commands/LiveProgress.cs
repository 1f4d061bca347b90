using SparkK8s.Cli.Output;

namespace SparkK8s.Cli.Commands;

/// <summary>Progress of a live-cluster command, one timestamped line each on stderr, so stdout holds only the report.</summary>
internal sealed class LiveProgress(Terminal terminal) : IProgress<string>
{
    private readonly Lock _gate = new();

    public void Report(string value)
    {
        lock (_gate)
        {
            terminal.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {value}");
        }
    }
}
