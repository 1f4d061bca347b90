using System.Diagnostics;
using System.Globalization;
using SparkK8s.Core.EventLogs;

namespace SparkK8s.Benchmarks;

/// <summary>
/// Builds an event log of at least 1 GiB by concatenating Spark's real fixture logs into a temp directory, then reads it
/// with the production reader on one core and prints MB/s and peak RSS. The file is written first, so it is read from
/// the page cache: this measures parsing, not the disk.
/// </summary>
public static class ReaderThroughput
{
    public static async Task<int> RunAsync(string[] args)
    {
        var sizeMb = long.Parse(Option(args, "--size-mb") ?? "1024", CultureInfo.InvariantCulture);
        var logs = Option(args, "--logs") ?? FindFixtureLogs();
        var runs = int.Parse(Option(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
        {
            Process.GetCurrentProcess().ProcessorAffinity = 1;
        }

        var directory = Path.Combine(Path.GetTempPath(), $"spark-k8s-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            var path = Path.Combine(directory, "app-concatenated");
            var bytes = Generate(logs, path, sizeMb * 1024 * 1024);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"log: {path}, {bytes / 1e6:0} MB ({bytes / (1024.0 * 1024 * 1024):0.00} GiB) from {logs}"));
            Console.WriteLine($"cpu: 1 core (affinity), {Environment.ProcessorCount} visible; runtime {Environment.Version}");

            var results = new List<double>();
            var perCpuSecond = new List<double>();
            for (var run = 1; run <= runs; run++)
            {
                GC.Collect();
                ResetPeakRss();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                using var scanner = await EventLogScanner.OpenAsync(path, null, "log", CancellationToken.None);
                var summary = await EventLogReader.ReadAsync(scanner.Logs[0], CancellationToken.None);
                clock.Stop();
                var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                var mbPerSecond = bytes / 1e6 / clock.Elapsed.TotalSeconds;
                results.Add(mbPerSecond);
                perCpuSecond.Add(bytes / 1e6 / cpuSeconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"run {run}: {clock.Elapsed.TotalSeconds:0.00} s wall, {cpuSeconds:0.00} s CPU, {mbPerSecond:0} MB/s wall-clock ({bytes / 1e6 / cpuSeconds:0} MB per CPU-second), peak RSS {PeakRssMiB()} MiB, managed heap {GC.GetTotalMemory(false) / 1048576.0:0} MiB; {summary.Tasks.Count} task ends, {summary.Executors.Count} executors"));
            }

            results.Sort();
            perCpuSecond.Sort();
            // Wall-clock depends on what else runs on the machine; MB per CPU-second is the single-core parsing rate.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wall-clock: median {results[results.Count / 2]:0} MB/s, best {results[^1]:0} MB/s; per CPU-second: median {perCpuSecond[perCpuSecond.Count / 2]:0} MB/s, best {perCpuSecond[^1]:0} MB/s (target: 200 MB/s on one core)"));
            return perCpuSecond[perCpuSecond.Count / 2] >= 200 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Appends the real logs (every file under <paramref name="logs"/>, README excluded) until the file holds at least <paramref name="target"/> bytes.</summary>
    private static long Generate(string logs, string path, long target)
    {
        var sources = Directory.EnumerateFiles(logs, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .ToList();
        if (sources.Count == 0)
        {
            throw new InvalidOperationException($"no event logs under {logs}");
        }

        using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        long written = 0;
        while (written < target)
        {
            foreach (var source in sources)
            {
                output.Write(source);
                written += source.Length;
            }
        }

        return written;
    }

    private static string FindFixtureLogs()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "fixtures", "spark-event-logs");
            if (File.Exists(Path.Combine(directory.FullName, "SparkK8s.slnx")) && Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        throw new InvalidOperationException("could not find tests/fixtures/spark-event-logs above the benchmark; pass --logs DIR");
    }

    /// <summary>Linux: writing 5 to clear_refs resets the peak RSS (VmHWM), so each run reports its own peak.</summary>
    private static void ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string PeakRssMiB()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null)
            {
                var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                return (kb / 1024.0).ToString("0", CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
        }

        return (Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0).ToString("0", CultureInfo.InvariantCulture);
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
