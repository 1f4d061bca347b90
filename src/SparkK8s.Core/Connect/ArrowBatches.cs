using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace SparkK8s.Core.Connect;

/// <summary>Decodes the Arrow IPC streams of <c>ExecutePlanResponse.arrow_batch.data</c> into plain values. Spark sends one IPC stream (schema + record batches) per ArrowBatch.</summary>
public static class ArrowBatches
{
    /// <summary>Rows kept per query: smoke and load read scalars and small aggregates, never whole tables.</summary>
    public const int MaxRowsKept = 10_000;

    public static (IReadOnlyList<string> Columns, long Rows) Read(ReadOnlyMemory<byte> data, List<IReadOnlyList<object?>> into)
    {
        using var stream = new MemoryStream(data.ToArray(), writable: false);
        using var reader = new ArrowStreamReader(stream);
        var columns = new List<string>();
        long rows = 0;
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            using (batch)
            {
                if (columns.Count == 0)
                {
                    columns.AddRange(batch.Schema.FieldsList.Select(field => field.Name));
                }

                rows += batch.Length;
                for (var row = 0; row < batch.Length && into.Count < MaxRowsKept; row++)
                {
                    var values = new object?[batch.ColumnCount];
                    for (var column = 0; column < batch.ColumnCount; column++)
                    {
                        values[column] = Value(batch.Column(column), row);
                    }

                    into.Add(values);
                }
            }
        }

        if (columns.Count == 0 && reader.Schema is { } schema)
        {
            columns.AddRange(schema.FieldsList.Select(field => field.Name));
        }

        return (columns, rows);
    }

    /// <summary>One value of a scalar Arrow column; nested and binary types are shown by their type name only.</summary>
    public static object? Value(IArrowArray array, int index) => array.IsNull(index) ? null : array switch
    {
        Int64Array a => a.GetValue(index),
        Int32Array a => a.GetValue(index),
        Int16Array a => a.GetValue(index),
        Int8Array a => a.GetValue(index),
        DoubleArray a => a.GetValue(index),
        FloatArray a => a.GetValue(index),
        BooleanArray a => a.GetValue(index),
        StringArray a => a.GetString(index),
        Decimal128Array a => a.GetValue(index),
        Date32Array a => a.GetDateTimeOffset(index)?.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        TimestampArray a => a.GetTimestamp(index),
        _ => $"<{array.Data.DataType.Name}>",
    };
}
