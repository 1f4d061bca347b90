using FluentAssertions;
using SparkK8s.Core.Cost;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Tests.EventLogs;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Cost;

public class CostTests
{
    [Fact]
    public void The_built_in_catalog_splits_instance_prices_by_the_cpu_memory_ratio()
    {
        var catalog = PriceCatalog.Load(null);
        var m5 = catalog.Node("m5.2xlarge");

        // 0.384 = 8 vCPU x (7.46 g) + 32 GiB x g  ->  g = 0.384 / 91.68, vCPU = 7.46 g.
        m5.GibHourUsd.Should().BeApproximately(0.384 / 91.68, 1e-12);
        m5.VcpuHourUsd.Should().BeApproximately(7.46 * 0.384 / 91.68, 1e-12);
        m5.OnDemandUsdPerHour.Should().BeApproximately(0.384, 1e-12);
        catalog.Node("n2-standard-8").VcpuHourUsd.Should().Be(0.031611);
        catalog.NodeTypes.Values.Should().OnlyContain(n => n.Source.Length > 0 && n.PriceDate.Length > 0);
        catalog.SpotDiscount.Should().Be(0.65);
    }

    [Fact]
    public void A_user_catalog_overrides_and_extends_the_built_in_one()
    {
        using var temp = new TempDirectory();
        var file = temp.WriteFile("prices.yaml", """
            spotDiscount: 0.5
            defaultNodeType: onprem-64
            nodeTypes:
              m5.2xlarge:
                vcpu: 8
                memoryGiB: 32
                vcpuHourUsd: 0.02
                gibHourUsd: 0.002
              onprem-64:
                vcpu: 64
                memoryGiB: 256
                onDemandUsdPerHour: 1.0
                source: internal chargeback rate
                priceDate: "2026-10"
            """);

        var catalog = PriceCatalog.Load(file);

        catalog.SpotDiscount.Should().Be(0.5);
        catalog.Node(null).Name.Should().Be("onprem-64");
        catalog.Node("m5.2xlarge").VcpuHourUsd.Should().Be(0.02);
        catalog.Node("n2-standard-4").Should().NotBeNull("built-in entries stay");
    }

    [Theory]
    [InlineData("nodeTypes: [1, 2", "not a valid price catalog")]
    [InlineData("spotDiscount: 1.5", "spotDiscount must be a fraction")]
    [InlineData("nodeTypes:\n  x:\n    vcpu: 4\n    memoryGiB: 16", "needs onDemandUsdPerHour")]
    [InlineData("currency: EUR", "prices must be in USD")]
    public void A_bad_user_catalog_is_a_usage_error_naming_the_file(string yaml, string message)
    {
        using var temp = new TempDirectory();
        var file = temp.WriteFile("bad.yaml", yaml);

        var act = () => PriceCatalog.Load(file);

        act.Should().Throw<UserInputException>().Which.Message.Should().Contain("--prices").And.Contain(message);
    }

    [Fact]
    public void Unknown_node_types_list_the_known_ones()
    {
        var act = () => PriceCatalog.Load(null).Node("m99.huge");

        act.Should().Throw<UserInputException>().WithMessage("--node-type: 'm99.huge' is not in the price catalog; known node types: *m5.2xlarge*");
    }

    [Fact]
    public async Task Cost_is_core_hours_and_GiB_hours_priced_separately_for_driver_and_executors()
    {
        using var temp = new TempDirectory();
        var app = await RealEventLogTests.ReadAsync(temp.WriteFile("app-1", SparkEventLogBuilder.SimpleApp("app-1").Build()));
        var node = new NodeType("unit", "test", "local", 4, 16, 0.04, 0.005, "test", "now");

        var cost = CostCalculator.Price(app, new CostOptions(node, false, 0.65, new AttributionKey("team"), "now"));

        // Driver: 100 s x 1 core; 1g heap + 384 MiB overhead = 1408 MiB.
        var driver = (100.0 / 3600 * 0.04) + (100.0 * 1408 / 1024 / 3600 * 0.005);
        // Executors: 2 x 99 s, 2 cores each = 396 core-s; 4g heap + max(409, 384) = 4505 MiB each over 198 executor-s.
        var executors = (396.0 / 3600 * 0.04) + (198.0 * 4505 / 1024 / 3600 * 0.005);
        cost.DriverCostUsd.Should().BeApproximately(driver, 1e-12);
        cost.ExecutorCostUsd.Should().BeApproximately(executors, 1e-12);
        cost.CostUsd.Should().BeApproximately(driver + executors, 1e-12);
        cost.WasteUsd.Should().BeApproximately((1 - (40.0 / 396)) * executors, 1e-12);
        cost.ExecutorMemoryMiB.Should().Be(4505);

        var spot = CostCalculator.Price(app, new CostOptions(node, true, 0.65, new AttributionKey("team"), "now"));
        spot.DriverCostUsd.Should().BeApproximately(driver, 1e-12, "the driver stays on-demand");
        spot.ExecutorCostUsd.Should().BeApproximately(executors * 0.35, 1e-12);
    }

    [Fact]
    public async Task Groups_and_totals_add_up_by_label()
    {
        using var temp = new TempDirectory();
        var node = PriceCatalog.Load(null).Node(null);
        var options = new CostOptions(node, false, 0.65, new AttributionKey("team"), "now");
        var apps = new List<AppCost>();
        foreach (var (id, team) in new[] { ("a1", "payments"), ("a2", "payments"), ("a3", "search"), ("a4", "") })
        {
            var properties = new Dictionary<string, string> { ["spark.executor.memory"] = "4g" };
            if (team.Length > 0)
            {
                properties["spark.kubernetes.driver.label.team"] = team;
            }

            var app = await RealEventLogTests.ReadAsync(temp.WriteFile(id, SparkEventLogBuilder.SimpleApp(id, properties).Build()));
            apps.Add(CostCalculator.Price(app, options));
        }

        var report = CostCalculator.Report(apps, [], options);

        report.Groups.Select(g => (g.Group, g.Apps)).Should().BeEquivalentTo([("payments", 2), ("search", 1), ("(none)", 1)]);
        report.Groups.Sum(g => g.CostUsd).Should().BeApproximately(report.Totals.CostUsd, 1e-12);
        report.Totals.Apps.Should().Be(4);
        report.Groups[0].Group.Should().Be("payments", "the most expensive group comes first");
        report.Groups[0].Utilization.Should().BeApproximately(40.0 / 396, 1e-12);
        CostCalculator.OverWasteLimit(report, 50).Should().HaveCount(4);
        CostCalculator.OverWasteLimit(report, 99).Should().BeEmpty();
    }

    [Fact]
    public async Task Group_by_job_reads_the_label_the_chart_puts_on_job_pods()
    {
        using var temp = new TempDirectory();
        var node = PriceCatalog.Load(null).Node(null);
        var options = new CostOptions(node, false, 0.65, AttributionKey.Parse("job"), "now");
        var apps = new List<AppCost>();
        foreach (var (id, job) in new[] { ("j1", "nightly"), ("j2", "nightly"), ("j3", "load"), ("c1", "") })
        {
            var properties = new Dictionary<string, string> { ["spark.executor.memory"] = "4g" };
            if (job.Length > 0)
            {
                properties["spark.kubernetes.driver.label.spark-k8s.io/job"] = job;
                properties["spark.kubernetes.executor.label.spark-k8s.io/job"] = job;
            }

            var app = await RealEventLogTests.ReadAsync(temp.WriteFile(id, SparkEventLogBuilder.SimpleApp(id, properties).Build()));
            apps.Add(CostCalculator.Price(app, options));
        }

        var report = CostCalculator.Report(apps, [], options);

        report.Groups.Select(g => (g.Group, g.Apps)).Should().BeEquivalentTo([("nightly", 2), ("load", 1), ("(none)", 1)]);
    }

    [Theory]
    [InlineData("app-20200706201101-0003", "executors idle for 341 s")]
    [InlineData("application_1506645932520_24630151", "idle executors kept by dynamic allocation")]
    [InlineData("application_1628109047826_1317105", "too many executors for too few partitions: the largest stage had 4 tasks for 10 executor cores")]
    public async Task Low_utilization_is_explained_in_one_line(string file, string expected)
    {
        var app = await RealEventLogTests.ReadAsync(Path.Combine(RepoPaths.SparkEventLogs, file));

        WasteDiagnosis.Explain(app).Should().Contain(expected);
    }

    [Fact]
    public async Task Well_used_apps_are_not_flagged()
    {
        // LargeBlocks: 102250 ms of tasks over 154113 executor core-ms = 66% utilization.
        var app = await RealEventLogTests.ReadAsync(Path.Combine(RepoPaths.SparkEventLogs, "application_1553914137147_0018"));

        WasteDiagnosis.Explain(app).Should().BeNull();
    }
}

public class SinceFilterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Accepts_dates_and_durations_back_from_now()
    {
        SinceFilter.Parse(null, Now).Should().BeNull();
        SinceFilter.Parse("2026-11-01", Now).Should().Be(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds());
        SinceFilter.Parse("2026-11-01T08:00Z", Now).Should().Be(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds());
        SinceFilter.Parse("7d", Now).Should().Be(Now.AddDays(-7).ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Accepts_iso_times_with_seconds_fractions_and_offsets()
    {
        SinceFilter.Parse("2026-11-01T08:00:30.5+02:00", Now).Should().Be(new DateTimeOffset(2026, 11, 1, 6, 0, 30, 500, TimeSpan.Zero).ToUnixTimeMilliseconds());
        SinceFilter.Parse("2026-11-01 08:00", Now).Should().Be(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("last tuesday")]
    [InlineData("1.2.3")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("11/01/2026")]
    [InlineData("2026-13-01")]
    public void Rejects_anything_else_naming_the_flag(string text)
    {
        var act = () => SinceFilter.Parse(text, Now);

        act.Should().Throw<UserInputException>().WithMessage("--since: *");
    }
}
