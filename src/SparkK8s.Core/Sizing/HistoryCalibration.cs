using System.Globalization;
using SparkK8s.Core.Errors;
using SparkK8s.Core.EventLogs;

namespace SparkK8s.Core.Sizing;

/// <summary>Throughput and memory pressure measured from past runs' event logs.</summary>
public sealed record HistoryCalibration(int Apps, long InputBytes, double TaskRunSeconds, double BytesPerTaskSecond, double ShuffleFraction, double SpillFraction, double GcShare)
{
    /// <summary>Spill or GC above this share means executors were short of memory per core.</summary>
    public const double PressureThreshold = 0.10;

    public bool MemoryPressure => SpillFraction > PressureThreshold || GcShare > PressureThreshold;

    /// <summary>Measures over the apps that read input; <paramref name="flag"/> names the option in errors.</summary>
    public static HistoryCalibration From(IEnumerable<ApplicationSummary> apps, string flag)
    {
        var reading = apps.Where(a => a.Tasks.InputBytes > 0 && a.Tasks.RunSeconds > 0).ToList();
        if (reading.Count == 0)
        {
            throw new UserInputException($"{flag}: none of the logs records input bytes (Input Metrics), so throughput cannot be measured; give logs of jobs that read data, or drop {flag} to use the workload defaults.");
        }

        var input = reading.Sum(a => a.Tasks.InputBytes);
        var run = reading.Sum(a => a.Tasks.RunSeconds);
        return new HistoryCalibration(
            reading.Count,
            input,
            run,
            input / run,
            (double)reading.Sum(a => a.Tasks.ShuffleWriteBytes) / input,
            (double)reading.Sum(a => a.Tasks.DiskSpillBytes) / input,
            reading.Sum(a => a.Tasks.GcSeconds) / run);
    }

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"calibrated from {Apps} past run(s): {ByteSize.Format(InputBytes)} read in {TaskRunSeconds:0.#} task-seconds = {BytesPerTaskSecond / ByteSize.MiB:0.#} MiB per task-second; shuffle {ShuffleFraction * 100:0.#}% of input, disk spill {SpillFraction * 100:0.#}% of input, GC {GcShare * 100:0.#}% of task time");
}
