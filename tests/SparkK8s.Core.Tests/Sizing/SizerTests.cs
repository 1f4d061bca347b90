using FluentAssertions;
using SparkK8s.Core.Errors;
using SparkK8s.Core.EventLogs;
using SparkK8s.Core.Sizing;
using SparkK8s.Core.Tests.EventLogs;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Sizing;

public class SizerTests
{
    private static readonly NodeOffer M5_4xlarge = new("m5.4xlarge", 16, 64, 0.031246, 0.004188);
    private static readonly NodeOffer M5_2xlarge = new("m5.2xlarge", 8, 32, 0.031246, 0.004188);

    [Theory]
    [InlineData(100, 200)]
    [InlineData(500, 1000)]
    [InlineData(1024, 4096)]
    public void More_data_means_at_least_as_many_executors(long smallGiB, long largeGiB)
    {
        var small = Sizer.Recommend(Request(smallGiB * ByteSize.GiB, TimeSpan.FromMinutes(30)));
        var large = Sizer.Recommend(Request(largeGiB * ByteSize.GiB, TimeSpan.FromMinutes(30)));

        large.MaxExecutors.Should().BeGreaterThan(small.MaxExecutors);
        large.ShufflePartitions.Should().BeGreaterThanOrEqualTo(small.ShufflePartitions);
    }

    [Fact]
    public void A_shorter_target_means_more_executors()
    {
        var durations = new[] { 120, 60, 30, 15, 5 }.Select(m => Sizer.Recommend(Request(ByteSize.TiB, TimeSpan.FromMinutes(m))).MaxExecutors).ToList();

        durations.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void Executor_pods_fill_a_16_vcpu_node()
    {
        // Allocatable, by hand: CPU 16000 - (60 + 10 + 2x5 + 12x2.5) = 15890m, minus 200m DaemonSets = 15690m.
        // Memory 65536 MiB - (1024 + 819.2 + 819.2 + 2949.12 + 100 eviction) = 59824 MiB, minus 512 MiB DaemonSets = 59312 MiB.
        // 4-core executors with requests >= 3600m: floor(15690 / 3600) = 4 pods = 16 slots; request 15690/4 -> 3920m; memory 59312/4 = 14828 MiB.
        // Heap: 14828 / 1.1 = 13480 -> 13440 (128 MiB steps); overhead max(1344, 384) = 1344; pod 14784 MiB.
        var r = Sizer.Recommend(Request(ByteSize.TiB, TimeSpan.FromMinutes(15), M5_4xlarge));

        NodeCapacity.Allocatable(16, 64).Should().Be(new NodeAllocatable(15690, 59312));
        r.ExecutorCores.Should().Be(4);
        r.ExecutorsPerNode.Should().Be(4);
        r.ExecutorCpuRequestMillis.Should().Be(3920);
        r.ExecutorMemoryMiB.Should().Be(13440);
        r.MemoryOverheadMiB.Should().Be(1344);
        r.WastedCpuMillisPerNode.Should().Be(15690 - (4 * 3920));
        r.WastedMemoryMiBPerNode.Should().Be(59312 - (4 * 14784));
        r.Nodes.Should().Be((int)Math.Ceiling(r.MaxExecutors / 4.0));
        r.SparkConf["spark.kubernetes.executor.request.cores"].Should().Be("3920m");
    }

    [Fact]
    public void An_8_vcpu_node_takes_two_4_core_executors()
    {
        // 7710m allocatable: 4 cores -> floor(7710/3600) = 2 pods = 8 slots; 2 cores -> 4 pods = 8 slots; the tie goes to 4 cores.
        var r = Sizer.Recommend(Request(100 * ByteSize.GiB, TimeSpan.FromMinutes(15), M5_2xlarge));

        r.ExecutorCores.Should().Be(4);
        r.ExecutorsPerNode.Should().Be(2);
        r.ExecutorCpuRequestMillis.Should().Be(3850);
    }

    [Fact]
    public void A_node_too_small_for_one_executor_is_a_usage_error()
    {
        var act = () => Sizer.Recommend(Request(ByteSize.GiB, TimeSpan.FromMinutes(5), new NodeOffer("tiny", 1, 1, 0.03, 0.004)));

        act.Should().Throw<UserInputException>().WithMessage("*too small for even one executor*");
    }

    [Fact]
    public void Python_jobs_get_pyspark_memory_and_the_non_jvm_factor()
    {
        var r = Sizer.Recommend(Request(ByteSize.TiB, TimeSpan.FromMinutes(30), M5_4xlarge) with { Python = true });

        r.PysparkMemoryMiB.Should().BeGreaterThan(0);
        r.MemoryOverheadMiB.Should().Be((long)(r.ExecutorMemoryMiB * 0.4));
        (r.ExecutorMemoryMiB + r.MemoryOverheadMiB + r.PysparkMemoryMiB).Should().BeLessThanOrEqualTo(14828);
    }

    [Fact]
    public void Old_spark_without_aqe_gets_fixed_128_MiB_partitions()
    {
        var r = Sizer.Recommend(Request(ByteSize.TiB, TimeSpan.FromMinutes(30)) with { SparkVersion = new SparkVersion(2, 4, 8) });

        r.AdvisoryPartitionSizeMiB.Should().Be(0);
        r.SparkConf.Should().NotContainKey("spark.sql.adaptive.enabled");
        r.ShufflePartitions.Should().BeGreaterThanOrEqualTo(512 * 1024 / 128, "512 GiB shuffled (etl: half) in 128 MiB partitions");
    }

    [Fact]
    public void Every_recommendation_has_its_reason()
    {
        var r = Sizer.Recommend(Request(ByteSize.TiB, TimeSpan.FromMinutes(15)) with { Spot = true });

        r.Reasons.Should().Contain(x => x.StartsWith("executor cores:", StringComparison.Ordinal))
            .And.Contain(x => x.StartsWith("executor memory:", StringComparison.Ordinal))
            .And.Contain(x => x.StartsWith("executors:", StringComparison.Ordinal))
            .And.Contain(x => x.StartsWith("shuffle:", StringComparison.Ordinal))
            .And.Contain(x => x.StartsWith("driver:", StringComparison.Ordinal))
            .And.Contain(x => x.StartsWith("spot:", StringComparison.Ordinal))
            .And.Contain(x => x.StartsWith("cost:", StringComparison.Ordinal));
        r.CostSpotUsd.Should().BeLessThan(r.CostOnDemandUsd);
        r.SparkConf.Should().ContainKey("spark.decommission.enabled");
    }

    [Fact]
    public async Task History_calibrates_throughput_from_real_logs()
    {
        // Only two shared logs read input: 323849105 bytes in 64.698 s and 10000200000 bytes in 102.250 s of task time.
        // (10324049105 bytes / 166.948 s) = 61839693.6 bytes per task-second = 58.975 MiB/s.
        using var scanner = await EventLogScanner.OpenAsync(RepoPaths.SparkEventLogs, null, "--from-history", TestContext.Current.CancellationToken);
        var apps = new List<ApplicationSummary>();
        await foreach (var result in scanner.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            if (result.Summary is { } app)
            {
                apps.Add(app);
            }
        }

        var calibration = HistoryCalibration.From(apps, "--from-history");
        var r = Sizer.Recommend(Request(ByteSize.TiB, TimeSpan.FromMinutes(15)) with { Calibration = calibration });

        calibration.Apps.Should().Be(2);
        calibration.BytesPerTaskSecond.Should().BeApproximately(10324049105 / 166.948, 1e-3);
        r.CalibratedFromHistory.Should().BeTrue();
        r.ThroughputMiBPerCoreSecond.Should().BeApproximately(58.975, 0.001);
        r.Reasons[0].Should().Contain("calibrated from 2 past run(s)");
    }

    [Fact]
    public async Task Spill_in_history_lowers_cores_per_executor()
    {
        using var temp = new TempDirectory();
        var log = new SparkEventLogBuilder().LogStart("3.5.1").ApplicationStart("app-spill", "x", "u", 0).ExecutorAdded("1", 0, 4)
            .TaskEnd(0, "1", 0, 10_000, 10_000, inputBytes: ByteSize.GiB, diskSpill: ByteSize.GiB / 2).ApplicationEnd(20_000).Build();
        var app = await RealEventLogTests.ReadAsync(temp.WriteFile("app-spill", log));

        var calibration = HistoryCalibration.From([app], "--from-history");
        var r = Sizer.Recommend(Request(ByteSize.TiB, TimeSpan.FromMinutes(15), M5_4xlarge) with { Calibration = calibration });

        calibration.MemoryPressure.Should().BeTrue();
        r.ExecutorCores.Should().Be(3);
        r.Reasons.Should().Contain(x => x.Contains("lowered from 4 to 3", StringComparison.Ordinal));
    }

    [Fact]
    public void History_without_input_bytes_is_a_clear_error()
    {
        var act = () => HistoryCalibration.From([], "--from-history");

        act.Should().Throw<UserInputException>().WithMessage("--from-history: none of the logs records input bytes*");
    }

    [Theory]
    [InlineData("1XB")]
    [InlineData("-5GB")]
    [InlineData("TB")]
    [InlineData("0GB")]
    public void Bad_sizes_name_the_flag(string text)
    {
        var act = () => ByteSize.ParseHuman(text, "--dataset-size");

        act.Should().Throw<UserInputException>().WithMessage("--dataset-size: *");
    }

    [Theory]
    [InlineData("-5m")]
    [InlineData("0m")]
    [InlineData("15 minutes")]
    public void Bad_durations_name_the_flag(string text)
    {
        var act = () => DurationText.Parse(text, "--target-duration");

        act.Should().Throw<UserInputException>().WithMessage("--target-duration: *");
    }

    [Fact]
    public void Sizes_and_durations_parse()
    {
        ByteSize.ParseHuman("1TB", "f").Should().Be(ByteSize.TiB);
        ByteSize.ParseHuman("1.5 GiB", "f").Should().Be(3 * ByteSize.GiB / 2);
        DurationText.Parse("1h30m", "f").Should().Be(TimeSpan.FromMinutes(90));
        ByteSize.TryParseSparkMiB("2G").Should().Be(2048);
        ByteSize.TryParseSparkMiB("1024").Should().Be(1024);
        ByteSize.TryParseSparkMiB("1.5g").Should().BeNull("Spark rejects fractional sizes");
    }

    [Fact]
    public void The_values_overlay_uses_the_chart_contract()
    {
        var r = Sizer.Recommend(Request(ByteSize.TiB, TimeSpan.FromMinutes(15), M5_4xlarge) with { Python = true });

        var yaml = ChartValuesOverlay.Render(r);
        var values = new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<Dictionary<string, Dictionary<string, Dictionary<string, object>>>>(yaml);

        values["connect"]["executor"]["cores"].Should().Be("4");
        values["connect"]["executor"]["memory"].Should().Be(ByteSize.ToSparkString(r.ExecutorMemoryMiB));
        values["connect"]["executor"].Should().ContainKeys("memoryOverhead", "pysparkMemory");
        values["connect"]["dynamicAllocation"].Should().ContainKeys("enabled", "minExecutors", "maxExecutors", "initialExecutors");
        values["connect"]["sparkConf"]["spark.sql.shuffle.partitions"].Should().Be(r.ShufflePartitions.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yaml.Should().Contain($"\"spark.sql.shuffle.partitions\": \"{r.ShufflePartitions}\"", "Spark settings are strings in connect.sparkConf");
    }

    private static SizingRequest Request(long bytes, TimeSpan target, NodeOffer? node = null) => new()
    {
        DatasetBytes = bytes,
        Workloads = [WorkloadProfile.Parse("etl", "--workload")],
        TargetDuration = target,
        Node = node ?? M5_2xlarge,
        SparkVersion = new SparkVersion(3, 5, 1),
        SpotDiscount = 0.65,
    };
}
