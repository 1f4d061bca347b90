using System.Diagnostics;
using System.Globalization;
using SparkK8s.Core.EventLogs;

namespace SparkK8s.Benchmarks;

/// <summary>
/// Builds an event log of at least 1 GiB by concatenating Spark's real fixture logs into a temp directory, then reads it
/// with the production scanner and reader on one core and prints MB/s and peak RSS: uncompressed first (the baseline),
/// then compressed with each codec by Spark's own Java libraries (scripts/event-log-codecs/CompressEventLogs.java), then
/// the same bytes as many small files against one file. Files are written first, so they are read from the page cache:
/// this measures parsing and decompression, not the disk. Exit 1 when a target is missed (uncompressed 200 and
/// compressed 400 MB of JSON per CPU-second).
/// </summary>
public static class ReaderThroughput
{
    private static readonly string[] AllCodecs = ["lz4", "lzf", "snappy", "zstd"];

    public static async Task<int> RunAsync(string[] args)
    {
        var sizeMb = long.Parse(Option(args, "--size-mb") ?? "1024", CultureInfo.InvariantCulture);
        var logs = Option(args, "--logs") ?? FindFixtureLogs();
        var runs = int.Parse(Option(args, "--runs") ?? "3", CultureInfo.InvariantCulture);
        var codecs = (Option(args, "--codecs") ?? string.Join(',', AllCodecs)).Split(',', StringSplitOptions.RemoveEmptyEntries).Where(c => c != "none").ToArray();
        var jars = Option(args, "--jars") ?? "/usr/share/java";
        var smallFiles = !args.Contains("--no-small-files");
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
            Console.WriteLine($"cpu: 1 core (affinity), {Environment.ProcessorCount} visible; runtime {Environment.Version}; {Environment.OSVersion}");

            // One untimed pass so the first measurement does not pay for JIT compilation.
            await MeasureAsync("warm-up (not counted)", path, bytes, 1);
            var ok = true;
            var baseline = await MeasureAsync("uncompressed (baseline)", path, bytes, runs);
            ok &= baseline.PerCpuSecond >= 200;

            foreach (var codec in codecs)
            {
                var compressed = $"{path}.{codec}";
                if (!Compress(codec, path, compressed, jars))
                {
                    ok = false;
                    continue;
                }

                var result = await MeasureAsync($"{codec} ({new FileInfo(compressed).Length / 1e6:0} MB compressed)", compressed, bytes, runs);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {codec}: {result.PerCpuSecond / baseline.PerCpuSecond:0.00}x the uncompressed rate per CPU-second (target: 400 MB/s of decompressed JSON on one core)"));
                File.Delete(compressed);
                ok &= result.PerCpuSecond >= 400;
            }

            if (smallFiles)
            {
                var many = Path.Combine(directory, "many");
                var (count, manyBytes) = GenerateSmallFiles(logs, many, bytes);
                var single = await MeasureAsync("one file (same bytes)", path, bytes, runs);
                var split = await MeasureAsync($"{count} small files ({manyBytes / 1e6:0} MB)", many, manyBytes, runs);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  many small files cost {single.PerCpuSecond / split.PerCpuSecond:0.00}x the CPU time of one file per byte ({split.PerCpuSecond:0} vs {single.PerCpuSecond:0} MB per CPU-second; wall {single.Wall / split.Wall:0.00}x)"));
            }

            return ok ? 0 : 1;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed record Measured(double Wall, double PerCpuSecond);

    /// <summary>Reads <paramref name="input"/> (a file or a directory) <paramref name="runs"/> times with the production scanner and reader.</summary>
    private static async Task<Measured> MeasureAsync(string label, string input, long bytes, int runs)
    {
        Console.WriteLine(label + ":");
        var wall = new List<double>();
        var perCpuSecond = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            GC.Collect();
            ResetPeakRss();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            using var scanner = await EventLogScanner.OpenAsync(input, null, "log", CancellationToken.None);
            long apps = 0, tasks = 0;
            await foreach (var result in scanner.ReadAllAsync(CancellationToken.None))
            {
                if (result.Summary is { } summary)
                {
                    apps++;
                    tasks += summary.Tasks.Count;
                }
            }

            clock.Stop();
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            wall.Add(bytes / 1e6 / clock.Elapsed.TotalSeconds);
            perCpuSecond.Add(bytes / 1e6 / cpuSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  run {run}: {clock.Elapsed.TotalSeconds:0.00} s wall, {cpuSeconds:0.00} s CPU, {wall[^1]:0} MB/s wall-clock ({perCpuSecond[^1]:0} MB per CPU-second), peak RSS {PeakRssMiB()} MiB; {apps} apps, {tasks} task ends"));
        }

        wall.Sort();
        perCpuSecond.Sort();
        var median = new Measured(wall[wall.Count / 2], perCpuSecond[perCpuSecond.Count / 2]);
        // Wall-clock depends on what else runs on the machine; MB per CPU-second is the single-core parsing rate.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  median: {median.Wall:0} MB/s wall-clock, {median.PerCpuSecond:0} MB per CPU-second (of decompressed JSON)"));
        return median;
    }

    /// <summary>Compresses with Spark's own Java libraries and stream settings (scripts/event-log-codecs/CompressEventLogs.java).</summary>
    private static bool Compress(string codec, string input, string output, string jars)
    {
        var source = Path.Combine(FindRoot(), "scripts", "event-log-codecs", "CompressEventLogs.java");
        var classpath = string.Join(':', new[] { "lz4-java", "snappy-java", "compress-lzf", "zstd-jni" }.Select(j => Path.Combine(jars, j + ".jar")));
        var start = new ProcessStartInfo("java") { ArgumentList = { "-cp", classpath, source, codec, input, output }, RedirectStandardError = true };
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode == 0)
            {
                return true;
            }

            Console.WriteLine($"{codec}: compressing with Java failed ({error.Trim()}); pass --jars DIR or --codecs to choose");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Console.WriteLine($"{codec}: java is needed to compress the log the way Spark does ({ex.Message})");
        }

        return false;
    }

    /// <summary>Copies the real logs under distinct names until they hold about <paramref name="target"/> bytes: many small files, as in a busy spark.eventLog.dir.</summary>
    private static (int Count, long Bytes) GenerateSmallFiles(string logs, string directory, long target)
    {
        Directory.CreateDirectory(directory);
        var sources = Sources(logs);
        long written = 0;
        var count = 0;
        while (written < target)
        {
            foreach (var source in sources)
            {
                File.WriteAllBytes(Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"app-{count:000000}")), source);
                written += source.Length;
                count++;
            }
        }

        return (count, written);
    }

    private static List<byte[]> Sources(string logs)
    {
        var sources = Directory.EnumerateFiles(logs, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes)
            .ToList();
        return sources.Count > 0 ? sources : throw new InvalidOperationException($"no event logs under {logs}");
    }

    /// <summary>Appends the real logs (every file under <paramref name="logs"/>, README excluded) until the file holds at least <paramref name="target"/> bytes.</summary>
    private static long Generate(string logs, string path, long target)
    {
        var sources = Sources(logs);
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

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SparkK8s.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("could not find the repository root (SparkK8s.slnx) above the benchmark");
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
