using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace SparkK8s.Core.Diagnostics;

/// <summary>
/// Wall-clock spans per named phase, for profiling (docs/en/performance.md): on only when the environment variable
/// <c>SPARK_K8S_PROFILE</c> is 1, then the totals go to stderr when the process exits. Off, a span costs one branch.
/// </summary>
public static class PhaseTimer
{
    public const string EnvironmentVariable = "SPARK_K8S_PROFILE";

    public static bool Enabled { get; } = Environment.GetEnvironmentVariable(EnvironmentVariable) == "1" && Register();

    /// <summary>Times the span until the returned value is disposed (nothing when profiling is off).</summary>
    public static Span Measure(string phase) => Enabled ? new Span(phase, Stopwatch.GetTimestamp()) : default;

    private static bool Register()
    {
        var start = Stopwatch.GetTimestamp();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            var total = Stopwatch.GetElapsedTime(start);
            using var self = Process.GetCurrentProcess();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"profile: {total.TotalMilliseconds,8:F1} ms since the first span; this process (children not included): user {self.UserProcessorTime.TotalMilliseconds:F0} ms, system {self.PrivilegedProcessorTime.TotalMilliseconds:F0} ms; garbage collections (gen 0/1/2) {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, {GC.GetTotalAllocatedBytes() / (1024 * 1024)} MiB allocated, {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms paused"));
            foreach (var (phase, (ticks, count)) in Totals.Spans.OrderByDescending(t => t.Value.Ticks))
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"profile: {ticks * 1000.0 / Stopwatch.Frequency,8:F1} ms {count,5}x {phase}"));
            }
        };
        return true;
    }

    /// <summary>One running span.</summary>
    public readonly struct Span(string? phase, long started) : IDisposable
    {
        public void Dispose()
        {
            if (phase is null)
            {
                return;
            }

            var elapsed = Stopwatch.GetTimestamp() - started;
            Totals.Spans.AddOrUpdate(phase, (elapsed, 1), (_, t) => (t.Ticks + elapsed, t.Count + 1));
        }
    }

    /// <summary>Created only when profiling is on, so a normal start-up compiles none of it.</summary>
    private static class Totals
    {
        public static readonly ConcurrentDictionary<string, (long Ticks, int Count)> Spans = new(StringComparer.Ordinal);
    }
}
