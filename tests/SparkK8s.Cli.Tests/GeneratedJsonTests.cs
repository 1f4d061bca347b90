using System.Text.Json;
using FluentAssertions;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Cost;
using SparkK8s.Core.EventLogs;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests;

/// <summary>The cost report written with source-generated metadata is byte for byte the report the reflection-based serializer writes.</summary>
public class GeneratedJsonTests
{
    [Fact]
    public async Task The_cost_report_of_the_fixture_logs_is_written_the_same()
    {
        var catalog = PriceCatalog.Load(null);
        var options = new CostOptions(catalog.Node(null), false, catalog.SpotDiscount, AttributionKey.Parse("team"), catalog.CatalogDate);
        using var scanner = await EventLogScanner.OpenAsync(RepoPaths.SparkEventLogs, null, "PATH", TestContext.Current.CancellationToken);
        var apps = new List<AppCost>();
        var skipped = new List<SkippedLog>();
        await foreach (var result in scanner.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            if (result.Summary is { } summary)
            {
                apps.Add(CostCalculator.Price(summary, options));
            }
            else
            {
                skipped.Add(new SkippedLog(result.Name, result.SkipReason ?? ""));
            }
        }

        apps.Should().HaveCountGreaterThan(3);
        Same(CostCalculator.Report(apps, skipped, options));
    }

    [Fact]
    public void Unusual_text_and_numbers_are_written_the_same()
    {
        var app = new AppCost
        {
            AppId = "app-\"quoted\" <tag> & 'x' + é ü 日本 \u0001 \\ /",
            AppName = "Ünïcödé name\twith tab\nand newline 🚀",
            User = "",
            SparkVersion = "4.1.0",
            StartMs = long.MinValue,
            EndMs = long.MaxValue,
            Completed = false,
            Namespace = null,
            Group = "(none)",
            ExecutorCount = int.MaxValue,
            ExecutorSeconds = 1e-7,
            ExecutorCoreSeconds = 123456789.123456789,
            ExecutorMemoryMiB = 0,
            DriverCores = 1,
            DriverMemoryMiB = 1408,
            TaskCount = 0,
            FailedTasks = -1,
            KilledTasks = 2,
            FailedStages = 3,
            TaskRunSeconds = 0.1 + 0.2,
            GcSeconds = double.Epsilon,
            InputBytes = 1L << 62,
            OutputBytes = 0,
            ShuffleReadBytes = 1,
            ShuffleWriteBytes = 2,
            MemorySpillBytes = 3,
            DiskSpillBytes = 4,
            Utilization = 1.0 / 3,
            CoreHours = 1e21,
            GibHours = 5e-324,
            DriverCostUsd = 0,
            ExecutorCostUsd = -0.0,
            CostUsd = 12.5,
            WasteUsd = 99.99,
            Finding = null,
            Labels = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["team"] = "päy \"m\"", ["<k>"] = "&" },
            Warnings = ["a \"warning\"", "ünïcödé"],
            Source = "/tmp/logs/app é",
        };
        var report = new CostReport([app, app with { Finding = "low", Labels = new Dictionary<string, string>() }],
            [new GroupCost("g \"1\"", 2, 0.5, 1.5, 0.25, 0.1, 1, 0.9)],
            new CostTotals(2, 1, 2, 3, 4, 5, 6, 7.5),
            new PricingBasis("m5.2xlarge", 0.05, 0.006, true, 0.65, "2026-11-21", "team"),
            [new SkippedLog("/x/é", "not a \"log\"")]);

        Same(report);
    }

    private static void Same(CostReport report)
    {
        var reflection = new StringWriter();
        OutputOptions.WriteJson(reflection, report);
        var generated = new StringWriter();
        OutputOptions.WriteJson(generated, report, GeneratedJson.Output.CostReport);

        generated.ToString().Should().Be(reflection.ToString());
        JsonSerializer.Serialize(report, GeneratedJson.Output.CostReport).Should().Be(JsonSerializer.Serialize(report, OutputOptions.Json));
    }
}
