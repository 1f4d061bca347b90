using System.Text;
using FluentAssertions;
using SparkK8s.Core.Cost;
using SparkK8s.Core.Errors;
using SparkK8s.Core.EventLogs;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.EventLogs;

/// <summary>The reader on small logs the tests write themselves, one situation each.</summary>
public class FixtureEventLogTests
{
    private const long Start = 1_700_000_000_000;

    [Fact]
    public async Task Never_removed_executors_run_until_the_app_ends()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("app-1", SparkEventLogBuilder.SimpleApp("app-1").Build());

        var app = await RealEventLogTests.ReadAsync(path);

        // Two 2-core executors added at +1 s, never removed, app ends at +100 s: 2 x 99 s, 4 x 99 core-s.
        app.Executors.Should().HaveCount(2).And.OnlyContain(e => !e.WasRemoved && e.RemovedMs == Start + 100_000);
        app.ExecutorSeconds.Should().Be(198);
        app.ExecutorCoreSeconds.Should().Be(396);
        app.Utilization.Should().BeApproximately(40.0 / 396, 1e-12);
    }

    [Fact]
    public async Task A_cut_last_line_is_tolerated_and_reported()
    {
        using var temp = new TempDirectory();
        var log = new SparkEventLogBuilder().LogStart("3.5.1").ApplicationStart("app-running", "stream", "bob", Start)
            .ExecutorAdded("1", Start + 1_000, 4)
            .TaskEnd(0, "1", Start + 2_000, Start + 12_000, 10_000)
            .TaskEnd(1, "1", Start + 2_000, Start + 15_000, 13_000)
            .Build(cutLastLine: true);
        var path = temp.WriteFile("app-running.inprogress", log);

        var app = await RealEventLogTests.ReadAsync(path);

        app.TruncatedLastLine.Should().BeTrue();
        app.Warnings.Should().Contain(w => w.Contains("line (5) is incomplete", StringComparison.Ordinal));
        app.Completed.Should().BeFalse("there is no ApplicationEnd: the end is the last event timestamp");
        app.Tasks.Count.Should().Be(1, "the cut TaskEnd is ignored");
        app.EndMs.Should().Be(Start + 12_000);
        app.ExecutorCoreSeconds.Should().Be(11 * 4);
        app.Warnings.Should().Contain(w => w.Contains("still running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rolling_log_is_read_in_part_order()
    {
        using var temp = new TempDirectory();
        const string appId = "spark-0123456789";
        var directory = $"eventlog_v2_{appId}";
        // Ten parts, so a string sort (events_10 before events_2) would put ApplicationEnd before the tasks.
        var lines = SparkEventLogBuilder.SimpleApp(appId).Build().TrimEnd('\n').Split('\n');
        var parts = 10;
        var perPart = (int)Math.Ceiling(lines.Length / (double)parts);
        for (var n = 1; n <= parts; n++)
        {
            var chunk = lines.Skip((n - 1) * perPart).Take(perPart).ToArray();
            temp.WriteFile($"{directory}/events_{n}_{appId}", chunk.Length == 0 ? "" : string.Join('\n', chunk) + "\n");
        }

        temp.WriteFile($"{directory}/appstatus_{appId}", "");

        var app = await RealEventLogTests.ReadAsync(temp.Combine(directory));

        app.AppId.Should().Be(appId);
        app.Completed.Should().BeTrue();
        app.ExecutorCoreSeconds.Should().Be(396);
        app.Tasks.Count.Should().Be(1);
    }

    [Fact]
    public async Task A_running_rolling_log_is_marked_in_progress_by_its_appstatus_file()
    {
        using var temp = new TempDirectory();
        const string appId = "spark-running";
        var log = new SparkEventLogBuilder().LogStart("4.0.0").ApplicationStart(appId, "stream", "dave", Start)
            .ExecutorAdded("1", Start + 1_000, 2).TaskEnd(0, "1", Start + 1_000, Start + 5_000, 4_000).Build();
        temp.WriteFile($"eventlog_v2_{appId}/events_1_{appId}", log);
        temp.WriteFile($"eventlog_v2_{appId}/appstatus_{appId}.inprogress", "");

        var app = await RealEventLogTests.ReadAsync(temp.Combine($"eventlog_v2_{appId}"));

        app.Completed.Should().BeFalse();
        app.EndMs.Should().Be(Start + 5_000);
        app.Warnings.Should().Contain(w => w.Contains("still running", StringComparison.Ordinal));
        app.ExecutorCoreSeconds.Should().Be(8);
    }

    [Fact]
    public async Task Spark_properties_as_a_list_of_pairs_are_understood()
    {
        using var temp = new TempDirectory();
        var properties = new Dictionary<string, string> { ["spark.executor.memory"] = "8g", ["spark.kubernetes.namespace"] = "analytics", ["spark.master"] = "k8s://https://kubernetes.default.svc" };
        var log = new SparkEventLogBuilder().LogStart("2.4.8").ApplicationStart("app-list", "x", "carol", Start).Environment(properties, asList: true).ApplicationEnd(Start + 1_000).Build();
        var path = temp.WriteFile("app-list", log);

        var app = await RealEventLogTests.ReadAsync(path);

        app.Namespace.Should().Be("analytics");
        app.ExecutorMemory.HeapMiB.Should().Be(8192);
        app.ExecutorMemory.OverheadMiB.Should().Be(819, "Spark 2.4 on Kubernetes: max(0.10 x 8192, 384)");
    }

    [Fact]
    public async Task Driver_and_executor_labels_become_attribution_keys()
    {
        using var temp = new TempDirectory();
        var properties = new Dictionary<string, string>
        {
            ["spark.kubernetes.driver.label.team"] = "payments",
            ["spark.kubernetes.executor.label.team"] = "ignored-driver-wins",
            ["spark.kubernetes.executor.label.project"] = "ledger",
            ["spark.kubernetes.namespace"] = "fin",
        };
        var path = temp.WriteFile("app-labels", SparkEventLogBuilder.SimpleApp("app-labels", properties).Build());

        var app = await RealEventLogTests.ReadAsync(path);

        app.Labels.Should().BeEquivalentTo(new Dictionary<string, string> { ["team"] = "payments", ["project"] = "ledger" });
        new AttributionKey("team").ValueOf(app).Should().Be("payments");
        new AttributionKey("project").ValueOf(app).Should().Be("ledger");
        new AttributionKey("namespace").ValueOf(app).Should().Be("fin");
        new AttributionKey("user").ValueOf(app).Should().Be("alice");
        new AttributionKey("app").ValueOf(app).Should().Be("nightly-etl");
        new AttributionKey("cost-center").ValueOf(app).Should().Be("(none)");
    }

    [Fact]
    public async Task A_complete_last_line_without_newline_is_used()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("app-nonl", SparkEventLogBuilder.SimpleApp("app-nonl").Build().TrimEnd('\n'));

        var app = await RealEventLogTests.ReadAsync(path);

        app.Completed.Should().BeTrue("the last line is ApplicationEnd, complete but without a newline");
        app.TruncatedLastLine.Should().BeFalse();
    }

    [Fact]
    public async Task Unknown_events_are_skipped()
    {
        using var temp = new TempDirectory();
        var log = SparkEventLogBuilder.SimpleApp("app-unknown").UnknownEvent().Raw("{\"Event\":\"SparkListenerFutureThing\",\"x\":{\"y\":[1,2]}}").Build();
        var path = temp.WriteFile("app-unknown", log);

        var app = await RealEventLogTests.ReadAsync(path);

        app.Tasks.Count.Should().Be(1);
    }

    [Theory]
    [InlineData("app-1.lz4", "lz4")]
    [InlineData("app-1.zstd", "zstd")]
    [InlineData("app-1.snappy.inprogress", "snappy")]
    [InlineData("events_1_app-1.lzf", "lzf")]
    public async Task Garbage_under_a_codec_extension_is_an_error_naming_the_file_and_codec(string fileName, string codec)
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile(fileName, "irrelevant");

        var act = () => RealEventLogTests.ReadAsync(path);

        var message = (await act.Should().ThrowAsync<OperationFailedException>()).Which.Message;
        message.Should().StartWith(path).And.Contain(codec).And.Contain("corrupt");
    }

    [Theory]
    [InlineData("app-1.gz", "gzip")]
    [InlineData("app-1.bz2", "bzip2")]
    public async Task Codecs_Spark_does_not_write_are_named_in_a_usage_error(string fileName, string codec)
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile(fileName, "irrelevant");

        var act = () => RealEventLogTests.ReadAsync(path);

        (await act.Should().ThrowAsync<UserInputException>()).Which.Message.Should().Contain($"compressed with '{codec}'");
    }

    [Fact]
    public async Task A_compressed_log_without_extension_is_recognised_by_its_magic_bytes_and_decoded()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("app-zstd");
        File.Copy(Path.Combine(RepoPaths.CompressedSparkEventLogs, "zstd", "application_1628109047826_1317105.zstd"), path);

        var app = await RealEventLogTests.ReadAsync(path);

        app.AppId.Should().Be("application_1628109047826_1317105");
    }

    [Fact]
    public async Task In_a_directory_an_unreadable_log_is_skipped_and_the_rest_are_read()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("app-good", SparkEventLogBuilder.SimpleApp("app-good").Build());
        temp.WriteFile("app-bad.lz4", "x");
        using var scanner = await EventLogScanner.OpenAsync(temp.Path, null, "PATH", TestContext.Current.CancellationToken);

        var results = new List<ScanResult>();
        await foreach (var result in scanner.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            results.Add(result);
        }

        results.Should().HaveCount(2);
        results.Single(r => r.Summary is null).SkipReason.Should().Contain("lz4").And.Contain("app-bad.lz4");
        results.Single(r => r.Summary is not null).Summary!.AppId.Should().Be("app-good");
    }

    [Fact]
    public async Task A_malformed_line_in_the_middle_is_an_error_naming_the_line()
    {
        using var temp = new TempDirectory();
        var log = new SparkEventLogBuilder().LogStart("3.5.1").Raw("{\"Event\":\"SparkListenerTaskEnd\",\"Task Info\":{oops}").ApplicationEnd(Start).Build();
        var path = temp.WriteFile("app-broken", log);

        var act = () => RealEventLogTests.ReadAsync(path);

        (await act.Should().ThrowAsync<OperationFailedException>()).Which.Message.Should().Contain("line 2 is not valid JSON");
    }

    [Fact]
    public async Task An_empty_directory_is_a_clear_usage_error()
    {
        using var temp = new TempDirectory();

        var act = () => EventLogScanner.OpenAsync(temp.Path, null, "PATH", TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<UserInputException>()).Which.Message.Should().Contain("no Spark event logs in directory");
    }

    [Fact]
    public async Task A_missing_path_is_a_clear_usage_error()
    {
        var act = () => EventLogScanner.OpenAsync("/nonexistent/spark-logs", null, "PATH", TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<UserInputException>()).Which.Message.Should().StartWith("PATH: '/nonexistent/spark-logs' does not exist");
    }

    [Fact]
    public async Task Lines_longer_than_the_read_buffer_are_read_whole()
    {
        using var temp = new TempDirectory();
        var properties = new Dictionary<string, string> { ["spark.executor.memory"] = "2g", ["spark.big"] = new string('x', 3 << 20) };
        var path = temp.WriteFile("app-big", SparkEventLogBuilder.SimpleApp("app-big", properties).Build());

        var app = await RealEventLogTests.ReadAsync(path);

        app.Property("spark.big").Should().HaveLength(3 << 20);
        app.Tasks.Count.Should().Be(1);
    }

    [Fact]
    public void Event_names_are_found_without_parsing_and_with_a_fallback()
    {
        Encoding.ASCII.GetString(EventLineParser.EventName("{\"Event\":\"SparkListenerTaskEnd\",\"x\":1}"u8)).Should().Be("SparkListenerTaskEnd");
        Encoding.ASCII.GetString(EventLineParser.EventName("{ \"x\": 1, \"Event\": \"SparkListenerJobEnd\" }"u8)).Should().Be("SparkListenerJobEnd");
        EventLineParser.EventName("not json"u8).IsEmpty.Should().BeTrue();
    }
}
