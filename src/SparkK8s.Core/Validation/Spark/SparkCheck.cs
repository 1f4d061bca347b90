namespace SparkK8s.Core.Validation.Spark;

/// <summary>What a Spark-aware check gets: the render's Spark model, the Spark version and its known properties.</summary>
public sealed record SparkCheckContext(SparkRenderModel Model, string SparkVersion, KnownSparkProperties Known);

/// <summary>A Spark-aware check over a render, with a stable id and a default severity.</summary>
public abstract class SparkCheck
{
    public abstract string Id { get; }
    public abstract Severity Severity { get; }
    /// <summary>One line: what the check finds.</summary>
    public abstract string Title { get; }
    /// <summary>One line: how to fix what it finds.</summary>
    public abstract string Fix { get; }

    public abstract IEnumerable<Finding> Run(SparkCheckContext context);

    protected Finding Found(string obj, string field, string message, string? fix = null, Severity? severity = null) =>
        new(ValidationStage.Spark, Id, severity ?? Severity, obj, field, message, fix ?? Fix);

    protected Finding Found(SparkProperty property, string message, string? fix = null, Severity? severity = null) =>
        Found(property.Object, $"{property.Field}: {property.Key}", message, fix, severity);
}

/// <summary>Every Spark-aware check, in id order.</summary>
public static class SparkChecks
{
    public static IReadOnlyList<SparkCheck> All { get; } =
    [
        new ExecutorMemoryFitCheck(),
        new DynamicAllocationShuffleCheck(),
        new EventLogReadableCheck(),
        new ConnectRbacCheck(),
        new PlaceholderCheck(),
        new PropertyNameCheck(),
    ];

    public static IReadOnlyList<Finding> Run(SparkCheckContext context) =>
        All.SelectMany(check => check.Run(context)).ToList();
}
