namespace SparkK8s.Core.Operations.Smoke;

/// <summary>The stable ids of the smoke checks, in the order they run.</summary>
public static class SmokeCheckIds
{
    public const string SelectOne = "SMOKE001";
    public const string RangeOnExecutors = "SMOKE002";
    public const string CreateTable = "SMOKE003";
    public const string Insert = "SMOKE004";
    public const string Count = "SMOKE005";
    public const string Truncate = "SMOKE006";
    public const string Drop = "SMOKE007";
    public const string HistoryServer = "SMOKE008";
    public const string Job = "SMOKE009";
    public const string Airflow = "SMOKE010";
}
