using FluentAssertions;
using SparkK8s.Core.Cost;
using SparkK8s.Core.Errors;
using SparkK8s.Core.EventLogs;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.EventLogs;

/// <summary>Inputs that used to hang, crash or fool the reader: link loops, FIFOs, huge lines, absurd numbers, duplicates.</summary>
public class HostileInputTests
{
    private const long Start = 1_700_000_000_000;

    [Fact]
    public async Task A_directory_symlink_loop_neither_hangs_nor_counts_a_log_twice()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("team/app-1", SparkEventLogBuilder.SimpleApp("app-1").Build());
        File.CreateSymbolicLink(temp.Combine("team", "loop"), temp.Path);
        File.CreateSymbolicLink(temp.Combine("again"), temp.Combine("team"));

        var results = await ReadAllAsync(temp.Path).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        results.Where(r => r.Summary is not null).Select(r => r.Summary!.AppId).Should().Equal("app-1");
        results.Where(r => r.Summary is null).Should().OnlyContain(r => r.SkipReason!.Contains("symbolic link to a directory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_log_reached_through_several_file_links_is_read_once()
    {
        using var temp = new TempDirectory();
        var log = temp.WriteFile("app-1", SparkEventLogBuilder.SimpleApp("app-1").Build());
        File.CreateSymbolicLink(temp.Combine("link-to-app-1"), log);

        var results = await ReadAllAsync(temp.Path);

        results.Should().ContainSingle().Which.Summary!.AppId.Should().Be("app-1");
    }

    [Fact]
    public async Task A_fifo_in_the_directory_is_skipped_with_a_warning_instead_of_hanging()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("app-1", SparkEventLogBuilder.SimpleApp("app-1").Build());
        MakeFifo(temp.Combine("pipe"));

        var results = await ReadAllAsync(temp.Path).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        results.Single(r => r.Summary is not null).Summary!.AppId.Should().Be("app-1");
        results.Single(r => r.Summary is null).SkipReason.Should().Contain("not a regular file");
    }

    [Fact]
    public async Task A_fifo_given_as_the_input_is_a_usage_error()
    {
        using var temp = new TempDirectory();
        MakeFifo(temp.Combine("pipe"));

        var act = () => EventLogScanner.OpenAsync(temp.Combine("pipe"), null, "PATH", TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30));

        (await act.Should().ThrowAsync<UserInputException>()).Which.Message.Should().Contain("not a regular file");
    }

    [Fact]
    public async Task The_directory_walk_is_streamed_not_listed_up_front()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("a/app-1", SparkEventLogBuilder.SimpleApp("app-1").Build());
        Directory.CreateDirectory(temp.Combine("b"));
        using var scanner = await EventLogScanner.OpenAsync(temp.Path, null, "PATH", TestContext.Current.CancellationToken);

        using var walk = scanner.Items.GetEnumerator();
        walk.MoveNext().Should().BeTrue();
        walk.Current.Log!.Name.Should().EndWith("app-1");

        // Written after the walk started: a walk that had listed the tree first would miss it.
        temp.WriteFile("b/app-2", SparkEventLogBuilder.SimpleApp("app-2").Build());
        walk.MoveNext().Should().BeTrue();
        walk.Current.Log!.Name.Should().EndWith("app-2");
    }

    [Fact]
    public async Task A_subdirectory_that_cannot_be_listed_is_reported_not_skipped_in_silence()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("a/app-1", SparkEventLogBuilder.SimpleApp("app-1").Build());
        Directory.CreateDirectory(temp.Combine("b"));
        Directory.CreateDirectory(temp.Combine("c"));
        using var scanner = await EventLogScanner.OpenAsync(temp.Path, null, "PATH", TestContext.Current.CancellationToken);
        using var walk = scanner.Items.GetEnumerator();
        walk.MoveNext().Should().BeTrue();

        // Tests run as root, which can list any directory: make b unlistable by removing it mid-walk.
        Directory.Delete(temp.Combine("b"));
        var rest = new List<WalkItem>();
        while (walk.MoveNext())
        {
            rest.Add(walk.Current);
        }

        rest.Should().ContainSingle().Which.SkipReason.Should().Contain("cannot be listed");
        rest[0].Name.Should().EndWith("b");
    }

    [Fact]
    public async Task A_line_longer_than_the_cap_is_a_clear_error_not_a_crash()
    {
        using var temp = new TempDirectory();
        var log = new SparkEventLogBuilder().LogStart("3.5.1").Raw("{\"Event\":\"SparkListenerEnvironmentUpdate\",\"Spark Properties\":{\"x\":\"" + new string('x', 3 << 20) + "\"}}").ApplicationEnd(Start).Build();
        var path = temp.WriteFile("app-huge", log);
        using var scanner = await EventLogScanner.OpenAsync(path, null, "PATH", new EventLogReaderOptions { MaxLineBytes = 1 << 20 }, TestContext.Current.CancellationToken);

        var act = async () =>
        {
            await foreach (var _ in scanner.ReadAllAsync(TestContext.Current.CancellationToken))
            {
            }
        };

        (await act.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Be($"{path}: line 2 is longer than 1 MiB, the most spark-k8s reads in one line; the file is not a Spark event log or is damaged.");
    }

    [Fact]
    public void The_default_line_cap_is_256_MiB()
    {
        EventLogReaderOptions.Default.MaxLineBytes.Should().Be(256 << 20);
    }

    [Fact]
    public async Task A_sum_that_overflows_fails_that_log_only()
    {
        using var temp = new TempDirectory();
        var huge = SparkEventLogBuilder.SimpleApp("app-huge");
        huge.TaskEnd(1, "1", Start + 2_000, Start + 3_000, 1_000, inputBytes: long.MaxValue - 10).TaskEnd(2, "1", Start + 2_000, Start + 3_000, 1_000, inputBytes: long.MaxValue - 10);
        temp.WriteFile("app-huge", huge.Build());
        temp.WriteFile("app-good", SparkEventLogBuilder.SimpleApp("app-good").Build());

        var results = await ReadAllAsync(temp.Path);

        results.Single(r => r.Summary is not null).Summary!.AppId.Should().Be("app-good");
        results.Single(r => r.Summary is null).SkipReason.Should().Contain("app-huge").And.Contain("overflow");
    }

    [Fact]
    public async Task An_overflowing_executor_memory_is_a_warning_and_the_directory_is_still_reported()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("app-bad", SparkEventLogBuilder.SimpleApp("app-bad", new Dictionary<string, string> { ["spark.executor.memory"] = "99999999999999999p" }).Build());
        temp.WriteFile("app-good", SparkEventLogBuilder.SimpleApp("app-good").Build());

        var results = await ReadAllAsync(temp.Path);

        results.Should().OnlyContain(r => r.Summary != null);
        var bad = results.Single(r => r.Summary!.AppId == "app-bad").Summary!;
        bad.ExecutorMemory.HeapMiB.Should().Be(1024, "Spark's default executor memory");
        bad.Warnings.Should().Contain(w => w.Contains("spark.executor.memory=99999999999999999p", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_absurd_timestamp_cannot_price_a_100_second_app_at_millions()
    {
        using var temp = new TempDirectory();
        var log = new SparkEventLogBuilder().LogStart("3.5.1").ApplicationStart("app-1", "etl", "alice", Start)
            .ExecutorAdded("1", Start + 1_000, 2)
            .ExecutorRemoved("1", 9_000_000_000_000_000, "bad clock")
            .TaskEnd(0, "1", Start + 2_000, 8_000_000_000_000_000, 40_000)
            .ApplicationEnd(Start + 100_000).Build();
        var path = temp.WriteFile("app-1", log);

        var app = await RealEventLogTests.ReadAsync(path);
        var cost = CostCalculator.Price(app, Options);

        app.DurationSeconds.Should().Be(100);
        app.ExecutorSeconds.Should().Be(99);
        cost.CostUsd.Should().BeLessThan(0.01);
        app.Warnings.Should().Contain(w => w.Contains("implausible executor-removed timestamp", StringComparison.Ordinal))
            .And.Contain(w => w.Contains("implausible task finish time", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Executor_spans_are_clamped_to_the_application_run()
    {
        using var temp = new TempDirectory();
        var log = new SparkEventLogBuilder().LogStart("3.5.1").ApplicationStart("app-1", "etl", "alice", Start)
            .ExecutorAdded("1", Start - 50_000, 2)
            .ExecutorRemoved("1", Start + 500_000, "late")
            .ApplicationEnd(Start + 100_000).Build();

        var app = await RealEventLogTests.ReadAsync(temp.WriteFile("app-1", log));

        app.Executors.Should().ContainSingle().Which.Should().Match<ExecutorSpan>(e => e.AddedMs == Start && e.RemovedMs == Start + 100_000);
        app.ExecutorCoreSeconds.Should().Be(200);
    }

    [Fact]
    public async Task Negative_cores_are_rejected_with_a_warning_and_never_give_a_negative_cost()
    {
        using var temp = new TempDirectory();
        var log = new SparkEventLogBuilder().LogStart("3.5.1").ApplicationStart("app-1", "etl", "alice", Start)
            .ExecutorAdded("1", Start + 1_000, -64)
            .ApplicationEnd(Start + 101_000).Build();

        var app = await RealEventLogTests.ReadAsync(temp.WriteFile("app-1", log));
        var cost = CostCalculator.Price(app, Options);

        app.Executors.Single().Cores.Should().Be(1);
        cost.CostUsd.Should().BePositive();
        app.Warnings.Should().Contain(w => w.Contains("implausible executor core count", StringComparison.Ordinal) && w.Contains("-64", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Negative_and_year_long_task_run_times_are_rejected_with_one_summarised_warning()
    {
        using var temp = new TempDirectory();
        var builder = new SparkEventLogBuilder().LogStart("3.5.1").ApplicationStart("app-1", "etl", "alice", Start).ExecutorAdded("1", Start, 2);
        for (var i = 0; i < 50; i++)
        {
            builder.TaskEnd(i, "1", Start + 1_000, Start + 2_000, -5_000);
        }

        builder.TaskEnd(99, "1", Start + 1_000, Start + 2_000, 400L * 24 * 3600 * 1000);
        var app = await RealEventLogTests.ReadAsync(temp.WriteFile("app-1", builder.ApplicationEnd(Start + 10_000).Build()));

        app.Tasks.RunSeconds.Should().Be(0);
        app.Warnings.Where(w => w.Contains("task run time", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().StartWith("51 implausible task run time(s) rejected");
    }

    [Fact]
    public async Task A_repeated_task_end_is_counted_once()
    {
        using var temp = new TempDirectory();
        var log = SparkEventLogBuilder.SimpleApp("app-1");
        log.TaskEnd(0, "1", Start + 2_000, Start + 42_000, 40_000, inputBytes: 400 * 1024 * 1024);

        var app = await RealEventLogTests.ReadAsync(temp.WriteFile("app-1", log.Build()));

        app.Tasks.Count.Should().Be(1);
        app.Tasks.RunSeconds.Should().Be(40);
        app.Warnings.Should().Contain("1 duplicate SparkListenerTaskEnd event(s) (same stage, stage attempt and task id) were counted once.");
    }

    [Fact]
    public async Task A_rolling_log_with_a_missing_part_is_read_with_a_warning()
    {
        using var temp = new TempDirectory();
        var lines = SparkEventLogBuilder.SimpleApp("app-r").Build().TrimEnd('\n').Split('\n');
        temp.WriteFile("eventlog_v2_app-r/events_1_app-r", string.Join('\n', lines[..4]) + "\n");
        temp.WriteFile("eventlog_v2_app-r/events_3_app-r", string.Join('\n', lines[4..]) + "\n");

        var app = await RealEventLogTests.ReadAsync(temp.Combine("eventlog_v2_app-r"));

        app.Warnings.Should().Contain(w => w.Contains("gaps in its part numbers (missing events_2)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_compacted_rolling_log_does_not_warn_about_the_parts_it_replaced()
    {
        using var temp = new TempDirectory();
        var lines = SparkEventLogBuilder.SimpleApp("app-r").Build().TrimEnd('\n').Split('\n');
        temp.WriteFile("eventlog_v2_app-r/events_5_app-r.compact", string.Join('\n', lines[..4]) + "\n");
        temp.WriteFile("eventlog_v2_app-r/events_6_app-r", string.Join('\n', lines[4..]) + "\n");

        var app = await RealEventLogTests.ReadAsync(temp.Combine("eventlog_v2_app-r"));

        app.Warnings.Should().NotContain(w => w.Contains("gaps", StringComparison.Ordinal));
        app.Tasks.Count.Should().Be(1);
    }

    [Fact]
    public async Task An_inprogress_log_and_its_finished_twin_are_counted_once()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("app-1.inprogress", SparkEventLogBuilder.SimpleApp("app-1").Build(cutLastLine: true));
        temp.WriteFile("app-1", SparkEventLogBuilder.SimpleApp("app-1").Build());

        var results = await ReadAllAsync(temp.Path);

        results.Should().ContainSingle().Which.Summary!.Completed.Should().BeTrue();
    }

    [Fact]
    public void An_inprogress_twin_listed_from_S3_is_counted_once()
    {
        static EventLogEntry Entry(string path) => new(path, "s3://b/" + path, _ => Task.FromResult<Stream>(new MemoryStream()));

        var logs = EventLogLayout.Group([Entry("app-1.inprogress"), Entry("app-1"), Entry("app-2.lz4.inprogress")]);

        logs.Select(l => l.Name).Should().Equal("s3://b/app-1", "s3://b/app-2.lz4.inprogress");
    }

    private static readonly CostOptions Options = new(new NodeType("n", "test", "local", 4, 16, 0.05, 0.005, "test", "2026-01-01"), false, 0, AttributionKey.Parse("team"), "2026-01-01");

    private static void MakeFifo(string path)
    {
        Mono.Unix.Native.Syscall.mkfifo(path, Mono.Unix.Native.FilePermissions.S_IRUSR | Mono.Unix.Native.FilePermissions.S_IWUSR).Should().Be(0);
    }

    private static async Task<List<ScanResult>> ReadAllAsync(string path)
    {
        using var scanner = await EventLogScanner.OpenAsync(path, null, "PATH", TestContext.Current.CancellationToken);
        var results = new List<ScanResult>();
        await foreach (var result in scanner.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            results.Add(result);
        }

        return results;
    }
}
