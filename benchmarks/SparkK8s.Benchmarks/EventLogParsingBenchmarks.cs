using BenchmarkDotNet.Attributes;
using SparkK8s.Core.EventLogs;

namespace SparkK8s.Benchmarks;

/// <summary>BenchmarkDotNet: the reader over each real fixture log, from memory (run with the "bdn" argument).</summary>
[MemoryDiagnoser]
public class EventLogParsingBenchmarks
{
    private byte[] _log = [];

    [Params("app-20200706201101-0003", "application_1628109047826_1317105")]
    public string Log { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _log = File.ReadAllBytes(Path.Combine(FindRoot(), "tests", "fixtures", "spark-event-logs", Log));
    }

    [Benchmark]
    public Task<ApplicationSummary> Read() =>
        EventLogReader.ReadAsync(new EventLogHandle(Log, [new EventLogPart(Log, _ => Task.FromResult<Stream>(new MemoryStream(_log, writable: false)))], false), CancellationToken.None);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SparkK8s.slnx")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
