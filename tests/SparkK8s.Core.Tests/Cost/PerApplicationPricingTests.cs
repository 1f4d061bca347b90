using FluentAssertions;
using SparkK8s.Core.Cost;
using SparkK8s.Core.EventLogs;
using SparkK8s.Core.Sizing;
using SparkK8s.Core.Tests.EventLogs;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Cost;

/// <summary>
/// The per-application pricing and report code written as loops (for directories of thousands of logs) gives the
/// answers of the LINQ it replaced, kept here as the reference: the same peaks, the same order, the same sums.
/// </summary>
public class PerApplicationPricingTests
{
    [Fact]
    public async Task The_peak_of_concurrent_executor_cores_is_that_of_the_sorted_changes()
    {
        var app = await SimpleAppAsync();
        var random = new Random(20261202);
        for (var run = 0; run < 2_000; run++)
        {
            // Few distinct instants, so additions and removals often fall on the same one; removals out of order too.
            var executors = Enumerable.Range(0, random.Next(0, 12)).Select(i =>
            {
                var added = 1_000L * random.Next(0, 8);
                return new ExecutorSpan(i.ToString(System.Globalization.CultureInfo.InvariantCulture), added, added + (1_000L * random.Next(0, 6)), random.Next(1, 9), true, null);
            }).ToList();

            WasteDiagnosis.PeakConcurrentCores(app with { Executors = executors }).Should().Be(ReferencePeak(executors), "executors {0}", string.Join(", ", executors));
        }
    }

    [Fact]
    public void The_report_orders_groups_and_adds_up_as_the_linq_it_replaced()
    {
        var random = new Random(7632);
        var catalog = PriceCatalog.Load(null);
        var options = new CostOptions(catalog.Node(null), false, catalog.SpotDiscount, AttributionKey.Parse("team"), catalog.CatalogDate);
        for (var run = 0; run < 50; run++)
        {
            // Repeated start times and ids (copies of one log), several groups, values whose sums depend on their order.
            var apps = Enumerable.Range(0, random.Next(0, 300)).Select(i => Cost(random, i)).ToList();
            var report = CostCalculator.Report(apps, [], options);
            var reference = ReferenceReport(apps);

            report.Apps.Should().Equal(reference.Apps, (a, b) => ReferenceEquals(a, b));
            report.Groups.Should().Equal(reference.Groups);
            report.Totals.Should().Be(reference.Totals);
        }
    }

    [Fact]
    public async Task The_memory_rule_is_written_when_read_and_compares_by_value()
    {
        var app = await SimpleAppAsync();

        var lazy = app.ExecutorMemory;
        var settings = new OverheadSettings(SparkMemoryRules.IsKubernetes(app.Properties), SparkMemoryRules.IsNonJvm(app.Properties));
        var eager = SparkMemoryRules.Overhead(SparkVersion.TryParse(app.SparkVersion)!.Value, lazy.HeapMiB, settings);
        var written = new ContainerMemory(lazy.HeapMiB, lazy.OverheadMiB, lazy.PysparkMiB, lazy.OffHeapMiB, eager.Rule);

        eager.OverheadMiB.Should().Be(lazy.OverheadMiB);
        lazy.Rule.Should().Be(eager.Rule).And.Contain(" overhead = max(");
        lazy.Should().Be(written);
        lazy.GetHashCode().Should().Be(written.GetHashCode());
        (lazy with { HeapMiB = 1 }).Should().NotBe(written);
    }

    private static long ReferencePeak(IReadOnlyList<ExecutorSpan> executors)
    {
        var changes = executors.SelectMany(e => new[] { (Time: e.AddedMs, Delta: (long)e.Cores), (Time: e.RemovedMs, Delta: -(long)e.Cores) })
            .OrderBy(c => c.Time).ThenBy(c => c.Delta);
        long current = 0, peak = 0;
        foreach (var change in changes)
        {
            current = checked(current + change.Delta);
            peak = Math.Max(peak, current);
        }

        return peak;
    }

    private static (List<AppCost> Apps, List<GroupCost> Groups, CostTotals Totals) ReferenceReport(IEnumerable<AppCost> apps)
    {
        var list = apps.OrderBy(a => a.StartMs).ThenBy(a => a.AppId, StringComparer.Ordinal).ToList();
        var groups = list.GroupBy(a => a.Group, StringComparer.Ordinal)
            .Select(g => new GroupCost(g.Key, g.Count(), g.Sum(a => a.CoreHours), g.Sum(a => a.GibHours), g.Sum(a => a.TaskRunSeconds) / 3600,
                Weighted(g), g.Sum(a => a.CostUsd), g.Sum(a => a.WasteUsd)))
            .OrderByDescending(g => g.CostUsd).ThenBy(g => g.Group, StringComparer.Ordinal).ToList();
        var cost = list.Sum(a => a.CostUsd);
        var waste = list.Sum(a => a.WasteUsd);
        return (list, groups, new CostTotals(list.Count, list.Sum(a => a.CoreHours), list.Sum(a => a.GibHours), list.Sum(a => a.DriverCostUsd),
            list.Sum(a => a.ExecutorCostUsd), cost, waste, cost > 0 ? waste / cost * 100 : 0));

        static double Weighted(IEnumerable<AppCost> group)
        {
            double run = 0, slots = 0;
            foreach (var app in group.Where(a => a.Utilization > 0))
            {
                run += app.TaskRunSeconds;
                slots += app.TaskRunSeconds / app.Utilization;
            }

            return slots > 0 ? run / slots : 0;
        }
    }

    private static AppCost Cost(Random random, int index)
    {
        double Value() => random.NextDouble() * Math.Pow(10, random.Next(-6, 4));
        return new AppCost
        {
            AppId = $"app-{random.Next(0, 20)}",
            AppName = $"copy {index}",
            User = "u",
            SparkVersion = "3.5.1",
            StartMs = 1_700_000_000_000 + random.Next(0, 10),
            EndMs = 1_700_000_100_000,
            Completed = true,
            Namespace = null,
            Group = random.Next(0, 4) switch { 0 => "(none)", 1 => "team-a", 2 => "team-b", _ => "Team-B" },
            ExecutorCount = 2,
            ExecutorSeconds = Value(),
            ExecutorCoreSeconds = Value(),
            ExecutorMemoryMiB = 1408,
            DriverCores = 1,
            DriverMemoryMiB = 1408,
            TaskCount = 3,
            FailedTasks = 0,
            KilledTasks = 0,
            FailedStages = 0,
            TaskRunSeconds = Value(),
            GcSeconds = Value(),
            InputBytes = 0,
            OutputBytes = 0,
            ShuffleReadBytes = 0,
            ShuffleWriteBytes = 0,
            MemorySpillBytes = 0,
            DiskSpillBytes = 0,
            Utilization = random.Next(0, 5) == 0 ? 0 : random.NextDouble(),
            CoreHours = Value(),
            GibHours = Value(),
            DriverCostUsd = Value(),
            ExecutorCostUsd = Value(),
            CostUsd = random.Next(0, 6) == 0 ? 0.5 : Value(),
            WasteUsd = Value(),
            Finding = null,
            Labels = new Dictionary<string, string>(),
            Warnings = [],
            Source = "/logs/app",
        };
    }

    private static async Task<ApplicationSummary> SimpleAppAsync()
    {
        using var temp = new TempDirectory();
        return await RealEventLogTests.ReadAsync(temp.WriteFile("app-1", SparkEventLogBuilder.SimpleApp("app-1").Build()));
    }
}
