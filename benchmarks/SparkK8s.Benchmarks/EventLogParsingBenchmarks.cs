using BenchmarkDotNet.Attributes;
using SparkK8s.Core.EventLogs;

namespace SparkK8s.Benchmarks;

/// <summary>
/// BenchmarkDotNet: the reader over each real fixture log from memory, uncompressed ("none", the baseline) and compressed
/// with each codec the way Spark writes it (tests/fixtures/spark-event-logs-compressed). Run with the "bdn" argument.
/// </summary>
[MemoryDiagnoser]
public class EventLogParsingBenchmarks
{
    private byte[] _log = [];
    private string _name = "";

    [Params("app-20200706201101-0003", "application_1628109047826_1317105")]
    public string Log { get; set; } = "";

    [Params("none", "lz4", "lzf", "snappy", "zstd")]
    public string Codec { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var fixtures = Path.Combine(FindRoot(), "tests", "fixtures");
        _name = Codec == "none" ? Log : $"{Log}.{Codec}";
        _log = File.ReadAllBytes(Codec == "none"
            ? Path.Combine(fixtures, "spark-event-logs", Log)
            : Path.Combine(fixtures, "spark-event-logs-compressed", Codec, _name));
    }

    [Benchmark]
    public Task<ApplicationSummary> Read() =>
        EventLogReader.ReadAsync(new EventLogHandle(_name, [new EventLogPart(_name, _ => Task.FromResult<Stream>(new MemoryStream(_log, writable: false)))], false), CancellationToken.None);

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
