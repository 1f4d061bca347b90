using System.IO.Hashing;
using System.Text;

namespace SparkK8s.Core.EventLogs;

/// <summary>
/// Strings for UTF-8 text that repeats from log to log, one string per distinct text: the applications of a directory
/// of logs write mostly the same Spark property names, and many of the same values, so thousands of logs would
/// otherwise allocate and widen the same text again and again. A fixed table of recent texts indexed by a hash of their
/// bytes; a slot holds one immutable entry and is replaced on a collision, so readers on several threads see either the
/// old entry or the new one, both correct. Only printable ASCII is given to it (the caller decodes anything else).
/// </summary>
internal sealed class Utf8StringCache(int slots, int longest)
{
    private readonly Entry?[] _table = new Entry?[slots];

    /// <summary>Spark property names (a few hundred distinct ones in practice).</summary>
    public static Utf8StringCache PropertyNames { get; } = new(4096, 128);

    /// <summary>Short Spark property values ("true", "2g", a master URL, a class name ...).</summary>
    public static Utf8StringCache PropertyValues { get; } = new(4096, 64);

    /// <summary>The string for <paramref name="ascii"/> (printable ASCII without escapes).</summary>
    public string Get(ReadOnlySpan<byte> ascii)
    {
        if (ascii.Length > longest)
        {
            return Encoding.Latin1.GetString(ascii);
        }

        // slots is a power of two.
        var slot = (int)(XxHash3.HashToUInt64(ascii) & (ulong)(_table.Length - 1));
        var entry = Volatile.Read(ref _table[slot]);
        if (entry is not null && ascii.SequenceEqual(entry.Ascii))
        {
            return entry.Text;
        }

        var text = Encoding.Latin1.GetString(ascii);
        Volatile.Write(ref _table[slot], new Entry(ascii.ToArray(), text));
        return text;
    }

    private sealed record Entry(byte[] Ascii, string Text);
}
