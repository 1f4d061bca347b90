using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace SparkK8s.Connect.Tests.Fakes;

/// <summary>Writes what Spark puts in ArrowBatch.data: one Arrow IPC stream (schema, one record batch, end marker).</summary>
public static class ArrowWriter
{
    /// <summary>Columns of longs (Spark's BIGINT: count, sum) or ints (Spark's INT: a literal 1).</summary>
    public static byte[] Write(IReadOnlyList<(string Name, System.Array Values)> columns)
    {
        var builder = new RecordBatch.Builder();
        foreach (var (name, values) in columns)
        {
            switch (values)
            {
                case long[] longs:
                    builder.Append(name, nullable: false, column => column.Int64(array => array.AppendRange(longs)));
                    break;
                case int[] ints:
                    builder.Append(name, nullable: false, column => column.Int32(array => array.AppendRange(ints)));
                    break;
                case string[] strings:
                    builder.Append(name, nullable: true, column => column.String(array => array.AppendRange(strings)));
                    break;
                default:
                    throw new ArgumentException($"unsupported column type for {name}", nameof(columns));
            }
        }

        using var batch = builder.Build();
        using var stream = new MemoryStream();
        using (var writer = new ArrowStreamWriter(stream, batch.Schema, leaveOpen: true))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }

        return stream.ToArray();
    }
}
