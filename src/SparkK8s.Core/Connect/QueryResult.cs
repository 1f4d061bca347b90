namespace SparkK8s.Core.Connect;

/// <summary>What one ExecutePlan returned: the Arrow rows decoded to plain values, the row count Spark reported
/// in each batch (<c>ArrowBatch.row_count</c>) and Spark's per-plan metrics from the last response.</summary>
public sealed record QueryResult(
    string OperationId,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<object?>> Rows,
    long RowCount,
    int Batches,
    bool Reattached,
    IReadOnlyDictionary<string, long> Metrics)
{
    /// <summary>The first column of the first row, or null for an empty result.</summary>
    public object? Scalar => Rows.Count > 0 && Rows[0].Count > 0 ? Rows[0][0] : null;

    /// <summary>The first value as a whole number; throws a clear error when it is not one.</summary>
    public long ScalarAsLong() => Scalar switch
    {
        long l => l,
        int i => i,
        short s => s,
        byte b => b,
        decimal d when d == decimal.Truncate(d) => (long)d,
        null => throw new SparkK8s.Core.Errors.OperationFailedException("the query returned no rows where one number was expected"),
        var other => throw new SparkK8s.Core.Errors.OperationFailedException($"the query returned '{other}' where a whole number was expected"),
    };
}
