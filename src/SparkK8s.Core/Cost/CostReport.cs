namespace SparkK8s.Core.Cost;

/// <summary>One application's cost line (JSON field names are the camelCase of these properties).</summary>
public sealed record AppCost
{
    public required string AppId { get; init; }
    public required string AppName { get; init; }
    public required string User { get; init; }
    public required string SparkVersion { get; init; }
    public required long StartMs { get; init; }
    public required long EndMs { get; init; }
    public required bool Completed { get; init; }
    public required string? Namespace { get; init; }
    public required string Group { get; init; }
    public required int ExecutorCount { get; init; }
    public required double ExecutorSeconds { get; init; }
    public required double ExecutorCoreSeconds { get; init; }
    public required long ExecutorMemoryMiB { get; init; }
    public required int DriverCores { get; init; }
    public required long DriverMemoryMiB { get; init; }
    public required long TaskCount { get; init; }
    public required long FailedTasks { get; init; }
    public required long KilledTasks { get; init; }
    public required int FailedStages { get; init; }
    public required double TaskRunSeconds { get; init; }
    public required double GcSeconds { get; init; }
    public required long InputBytes { get; init; }
    public required long OutputBytes { get; init; }
    public required long ShuffleReadBytes { get; init; }
    public required long ShuffleWriteBytes { get; init; }
    public required long MemorySpillBytes { get; init; }
    public required long DiskSpillBytes { get; init; }
    public required double Utilization { get; init; }
    public required double CoreHours { get; init; }
    public required double GibHours { get; init; }
    public required double DriverCostUsd { get; init; }
    public required double ExecutorCostUsd { get; init; }
    public required double CostUsd { get; init; }
    public required double WasteUsd { get; init; }

    /// <summary>Why utilization is low, in one line; null when it is not.</summary>
    public required string? Finding { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    public required string Source { get; init; }
}

/// <summary>Totals over the applications of one attribution group.</summary>
public sealed record GroupCost(string Group, int Apps, double CoreHours, double GibHours, double TaskRunHours, double Utilization, double CostUsd, double WasteUsd);

/// <summary>Totals over every application in the report.</summary>
public sealed record CostTotals(int Apps, double CoreHours, double GibHours, double DriverCostUsd, double ExecutorCostUsd, double CostUsd, double WasteUsd, double WastePercent);

/// <summary>How the report was priced, so a reader can reproduce it.</summary>
public sealed record PricingBasis(string NodeType, double VcpuHourUsd, double GibHourUsd, bool Spot, double SpotDiscount, string CatalogDate, string GroupBy);

/// <summary>A log that could not be read, and why.</summary>
public sealed record SkippedLog(string Source, string Reason);

public sealed record CostReport(IReadOnlyList<AppCost> Apps, IReadOnlyList<GroupCost> Groups, CostTotals Totals, PricingBasis Pricing, IReadOnlyList<SkippedLog> Skipped);
