using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SparkK8s.Benchmarks;

/// <summary>
/// The JSON-reading floor for `cost`: the least work any reader of the same bytes must do. It reads the file in 1 MiB
/// chunks, splits lines and walks every token of every line with <see cref="Utf8JsonReader"/> (no parsing into objects),
/// warm (after untimed passes), and prints the median rates, wall and per CPU-second, for benchmarks/cost.sh.
/// </summary>
public static class JsonReadFloor
{
    public static int Run(string[] args)
    {
        if (args.Length < 1 || !File.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: json-floor FILE [RUNS]");
            return 2;
        }

        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var bytes = new FileInfo(args[0]).Length;
        long tokens = 0;
        for (var warm = 0; warm < 2; warm++)
        {
            tokens = Pass(args[0]);
        }

        var rates = new List<double>();
        var perCpuSecond = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            Pass(args[0]);
            rates.Add(bytes / 1e6 / clock.Elapsed.TotalSeconds);
            perCpuSecond.Add(bytes / 1e6 / (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }

        rates.Sort();
        perCpuSecond.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"json-floor-mb-per-s {rates[rates.Count / 2]:0} per-cpu-second {perCpuSecond[perCpuSecond.Count / 2]:0} min {rates[0]:0} max {rates[^1]:0} tokens {tokens}"));
        return 0;
    }

    private static long Pass(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        var filled = 0;
        long tokens = 0;
        int read;
        while ((read = stream.Read(buffer, filled, buffer.Length - filled)) > 0)
        {
            filled += read;
            var data = buffer.AsSpan(0, filled);
            var consumed = 0;
            int newline;
            while ((newline = data[consumed..].IndexOf((byte)'\n')) >= 0)
            {
                tokens += Tokens(data.Slice(consumed, newline));
                consumed += newline + 1;
            }

            data[consumed..].CopyTo(buffer);
            filled -= consumed;
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }

        return tokens + Tokens(buffer.AsSpan(0, filled));
    }

    private static long Tokens(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            return 0;
        }

        var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
        long count = 0;
        while (reader.Read())
        {
            count++;
        }

        return count;
    }
}
