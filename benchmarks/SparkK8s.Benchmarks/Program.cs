using BenchmarkDotNet.Running;
using SparkK8s.Benchmarks;

// dotnet run -c Release --project benchmarks/SparkK8s.Benchmarks                 -> 1 GiB event-log throughput (MB/s, peak RSS):
//     uncompressed (the baseline), each codec compressed the way Spark writes it (needs java and the codec jars,
//     --jars DIR, default /usr/share/java; --codecs lz4,zstd or none), and 7,632-ish small files vs one file (--no-small-files)
// dotnet run -c Release --project benchmarks/SparkK8s.Benchmarks -- --size-mb 2048 --logs tests/fixtures/spark-event-logs
// dotnet run -c Release --project benchmarks/SparkK8s.Benchmarks -- bdn         -> BenchmarkDotNet micro-benchmarks
// dotnet run -c Release --project benchmarks/SparkK8s.Benchmarks -- json-floor FILE [RUNS] -> warm Utf8JsonReader pass (benchmarks/cost.sh)
if (args.Length > 0 && args[0] == "bdn")
{
    BenchmarkSwitcher.FromAssembly(typeof(ReaderThroughput).Assembly).Run(args[1..]);
    return 0;
}

if (args.Length > 0 && args[0] == "json-floor")
{
    return JsonReadFloor.Run(args[1..]);
}

return await ReaderThroughput.RunAsync(args);
