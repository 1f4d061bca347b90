namespace SparkK8s.Core.Rendering;

/// <summary>What the user asked to render: a preset (name or file), an environment, a Spark version and extra values.</summary>
public sealed record RenderOptions
{
    public required string ChartDirectory { get; init; }
    public required string Preset { get; init; }
    public string? Environment { get; init; }
    public string? SparkVersion { get; init; }
    /// <summary>Extra values files (<c>-f</c>), applied after the preset and the environment.</summary>
    public IReadOnlyList<string> ValueFiles { get; init; } = [];
    /// <summary><c>--set key=value</c> pairs, applied last.</summary>
    public IReadOnlyList<string> SetValues { get; init; } = [];
    public string ReleaseName { get; init; } = "spark";
    public string Namespace { get; init; } = "spark";
}

/// <summary>The Spark versions the chart supports (<c>spark.version</c>).</summary>
public static class SparkVersions
{
    public static readonly IReadOnlyList<string> Supported = ["3.5", "4.1"];
}
