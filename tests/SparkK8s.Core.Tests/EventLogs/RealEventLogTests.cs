using FluentAssertions;
using SparkK8s.Core.EventLogs;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.EventLogs;

/// <summary>
/// The reader against Spark's own history-server fixtures in tests/fixtures/spark-event-logs.
/// Expected figures were derived independently of this code, with jq over the files:
/// <code>
/// jq -s '(map(select(.Event=="SparkListenerApplicationStart"))[0].Timestamp) as $s
///   | (map(select(.Event=="SparkListenerApplicationEnd"))[0].Timestamp) as $e
///   | (map(select(.Event=="SparkListenerExecutorRemoved")) | map({key:."Executor ID", value:.Timestamp}) | from_entries) as $rm
///   | (map(select(.Event=="SparkListenerExecutorAdded" and ."Executor ID"!="driver"))
///      | map({c:."Executor Info"."Total Cores", a:.Timestamp, r:($rm[."Executor ID"] // $e)})) as $ex
///   | (map(select(.Event=="SparkListenerTaskEnd"))) as $t
///   | {dur:($e-$s), nexec:($ex|length), cores:($ex|map(.c)|add), execMs:($ex|map(.r-.a)|add),
///      coreMs:($ex|map((.r-.a)*.c)|add), tasks:($t|length), runMs:($t|map(."Task Metrics"."Executor Run Time" // 0)|add),
///      gc:($t|map(."Task Metrics"."JVM GC Time" // 0)|add)}' FILE
/// </code>
/// which gave (ms):
/// | log | dur | executors | cores | executor ms | core ms | tasks | run ms | gc ms |
/// | app-20161116163331-0000 | 10671 | 4 | 16 | 20730 | 82920 | 24 | 3743 | 344 |
/// | app-20200706201101-0003 | 363996 | 1 | 16 | 360913 | 5774608 | 48 | 32976 | 2754 |
/// | application_1506645932520_24630151 | 106400 | 7 | 7 | 434871 | 434871 | 9 | 64698 | 2464 |
/// | application_1553914137147_0018 | 62168 | 3 | 3 | 154113 | 154113 | 6 | 102250 | 419 |
/// | application_1628109047826_1317105 | 274875 | 10 | 10 | 1696744 | 1696744 | 5 | 113648 | 0 |
/// | eventlog_v2_local-1766844910796 | 2006 | 0 (driver only, 10 cores) | - | 0 | 0 | 2 | 106 | 0 |
/// Utilization = run ms / core ms, e.g. 3743 / 82920 for the first log.
/// </summary>
public class RealEventLogTests
{
    public static TheoryData<string, long, int, int, long, long, long, long, long> Expected => new()
    {
        { "app-20161116163331-0000", 10671, 4, 16, 20730, 82920, 24, 3743, 344 },
        { "app-20200706201101-0003", 363996, 1, 16, 360913, 5774608, 48, 32976, 2754 },
        { "application_1506645932520_24630151", 106400, 7, 7, 434871, 434871, 9, 64698, 2464 },
        { "application_1553914137147_0018", 62168, 3, 3, 154113, 154113, 6, 102250, 419 },
        { "application_1628109047826_1317105", 274875, 10, 10, 1696744, 1696744, 5, 113648, 0 },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public async Task Derives_executor_and_task_figures_exactly(string file, long durationMs, int executors, int cores, long executorMs, long coreMs, long tasks, long runMs, long gcMs)
    {
        var app = await ReadAsync(Path.Combine(RepoPaths.SparkEventLogs, file));

        (app.EndMs - app.StartMs).Should().Be(durationMs);
        app.Executors.Should().HaveCount(executors);
        app.Executors.Sum(e => e.Cores).Should().Be(cores);
        app.ExecutorSeconds.Should().BeApproximately(executorMs / 1000.0, 1e-9);
        app.ExecutorCoreSeconds.Should().BeApproximately(coreMs / 1000.0, 1e-9);
        app.Tasks.Count.Should().Be(tasks);
        app.Tasks.RunSeconds.Should().BeApproximately(runMs / 1000.0, 1e-9);
        app.Tasks.GcSeconds.Should().BeApproximately(gcMs / 1000.0, 1e-9);
        app.Utilization.Should().BeApproximately((double)runMs / coreMs, 1e-12);
        app.Completed.Should().BeTrue();
        app.TruncatedLastLine.Should().BeFalse();
    }

    [Fact]
    public async Task Removed_executors_keep_their_removal_time_and_reason()
    {
        // 6 of the 10 executors are removed ("explicit termination request"); the other 4 run until ApplicationEnd 1628638170208.
        // Executor 1: added 1628637966675, removed 1628638118895 -> 152.220 s.
        var app = await ReadAsync(Path.Combine(RepoPaths.SparkEventLogs, "application_1628109047826_1317105"));

        app.Executors.Count(e => e.WasRemoved).Should().Be(6);
        app.Executors.Where(e => !e.WasRemoved).Should().OnlyContain(e => e.RemovedMs == 1628638170208);
        var first = app.Executors.Single(e => e.Id == "1");
        first.Seconds.Should().BeApproximately(152.220, 1e-9);
        first.RemovedReason.Should().Contain("explicit termination request");
        app.Tasks.Killed.Should().Be(1, "the speculative attempt was killed");
        app.DynamicAllocation.Should().BeTrue();
        app.User.Should().Be("john");
        app.SparkVersion.Should().Be("3.1.1.119");
    }

    [Fact]
    public async Task Failed_attempts_count_toward_task_run_time()
    {
        // 8 ExceptionFailure attempts with Task Metrics: 442 + 444*2 + 446 + 450 + 451*2 + 453 = 3581 ms of the 3743 ms.
        var app = await ReadAsync(Path.Combine(RepoPaths.SparkEventLogs, "app-20161116163331-0000"));

        app.Tasks.Failed.Should().Be(8);
        app.Tasks.RunSeconds.Should().BeApproximately(3.743, 1e-9);
        app.SparkVersion.Should().Be("2.1.0-SNAPSHOT");
    }

    [Fact]
    public async Task Takes_the_version_from_LogStart_not_spark_version_property()
    {
        var app = await ReadAsync(Path.Combine(RepoPaths.SparkEventLogs, "application_1506645932520_24630151"));

        app.SparkVersion.Should().Be("2.4.0-SNAPSHOT");
        app.Property("spark.version").Should().Be("2.1.0");
        // spark.executor.memory 2G, no explicit overhead: max(0.10 * 2048, 384) = 384 MiB.
        app.ExecutorMemory.TotalMiB.Should().Be(2048 + 384);
        app.Tasks.InputBytes.Should().Be(323849105);
    }

    [Fact]
    public async Task Explicit_memory_overhead_is_used_as_is()
    {
        // spark.executor.memory 7g, spark.executor.memoryOverhead 1024 (MiB).
        var app = await ReadAsync(Path.Combine(RepoPaths.SparkEventLogs, "application_1553914137147_0018"));

        app.ExecutorMemory.HeapMiB.Should().Be(7168);
        app.ExecutorMemory.OverheadMiB.Should().Be(1024);
        app.Tasks.InputBytes.Should().Be(10000200000);
    }

    [Fact]
    public async Task Local_mode_driver_is_the_driver_not_an_executor()
    {
        // The rolling log's only ExecutorAdded is "driver" with 10 cores; both tasks (53 ms each) ran on it.
        var app = await ReadAsync(Path.Combine(RepoPaths.SparkEventLogs, "eventlog_v2_local-1766844910796"));

        app.Executors.Should().BeEmpty();
        app.ExecutorCoreSeconds.Should().Be(0);
        app.DriverCores.Should().Be(10);
        app.DriverRanTasks.Should().BeTrue();
        app.DurationSeconds.Should().BeApproximately(2.006, 1e-9);
        app.Tasks.RunSeconds.Should().BeApproximately(0.106, 1e-9);
        app.Utilization.Should().BeApproximately(0.106 / (2.006 * 10), 1e-12);
        app.AppName.Should().Be("<script>alert('XSS')</script>");
    }

    [Fact]
    public async Task Reads_the_whole_fixture_directory()
    {
        using var scanner = await EventLogScanner.OpenAsync(RepoPaths.SparkEventLogs, null, "PATH", TestContext.Current.CancellationToken);
        var results = new List<ScanResult>();
        await foreach (var result in scanner.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            results.Add(result);
        }

        // Six logs (one of them rolling) and README.md, which is reported as skipped, not read as garbage.
        results.Should().HaveCount(7);
        results.Count(r => r.Summary is not null).Should().Be(6);
        results.Single(r => r.Summary is null).Name.Should().EndWith("README.md");
        results.Single(r => r.Summary is null).SkipReason.Should().Contain("not a Spark event log");
    }

    internal static async Task<ApplicationSummary> ReadAsync(string path)
    {
        using var scanner = await EventLogScanner.OpenAsync(path, null, "PATH", TestContext.Current.CancellationToken);
        scanner.Logs.Should().ContainSingle();
        return await EventLogReader.ReadAsync(scanner.Logs[0], TestContext.Current.CancellationToken);
    }
}
