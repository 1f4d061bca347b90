using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SparkK8s.Core.EventLogs;

/// <summary>
/// Finds where a JSON object or array ends without tokenizing it, for the parts of an event line the summaries do not
/// read (a task's "Accumulables", an environment's "Classpath Entries" and "System Properties": most of a log's bytes).
/// It follows the structure: brackets and braces outside strings, strings with their escapes. It checks that strings
/// end and that every bracket is closed, so a cut or damaged line is still an error; it does not check the scalars,
/// commas and colons inside the skipped value (the summaries never read them).
/// <para>
/// 64 bytes at a time: one bit mask per character class (quote, backslash, opening and closing bracket) from vector
/// compares; the bits inside strings come from a prefix XOR of the quote bits, the technique of Langdale and Lemire,
/// "Parsing Gigabytes of JSON per Second" (VLDB Journal 28, 2019), section 3.1.1. A block that holds a backslash, or
/// follows one, is walked byte by byte, so escapes never need the mask arithmetic.
/// </para>
/// </summary>
internal static class JsonStructure
{
    private const int Block = 64;

    /// <summary>
    /// The index just past the bracket that closes the object or array opening at <paramref name="start"/>
    /// (<c>{</c> or <c>[</c>); -1 when the value does not end in <paramref name="json"/>, or ends with the wrong bracket.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int SkipContainer(ReadOnlySpan<byte> json, int start)
    {
        var opener = json[start];
        var depth = 1;
        var inString = false;
        var escaped = false;
        var position = start + 1;
        while (Vector128.IsHardwareAccelerated && json.Length - position >= Block)
        {
            var block = json.Slice(position, Block);
            Classify(block, out var quotes, out var backslashes, out var opens, out var closes);
            if (backslashes != 0 || escaped)
            {
                var end = Walk(block, ref depth, ref inString, ref escaped);
                if (end >= 0)
                {
                    return Closed(json, opener, position + end);
                }
            }
            else
            {
                // Bit i is set when byte i is inside a string (an opening quote counts as inside, a closing one outside).
                var inside = PrefixXor(quotes) ^ (inString ? ulong.MaxValue : 0);
                inString = (long)inside < 0;
                opens &= ~inside;
                closes &= ~inside;

                // Depth can only reach zero in this block if it has at least as many closing brackets as are open.
                if (BitOperations.PopCount(closes) < depth)
                {
                    depth += BitOperations.PopCount(opens) - BitOperations.PopCount(closes);
                }
                else
                {
                    var structural = opens | closes;
                    while (structural != 0)
                    {
                        var bit = BitOperations.TrailingZeroCount(structural);
                        structural &= structural - 1;
                        if ((opens >> bit & 1) != 0)
                        {
                            depth++;
                        }
                        else if (--depth == 0)
                        {
                            return Closed(json, opener, position + bit);
                        }
                    }
                }
            }

            position += Block;
        }

        var tail = Walk(json[position..], ref depth, ref inString, ref escaped);
        return tail < 0 ? -1 : Closed(json, opener, position + tail);
    }

    /// <summary>The index just past the closing quote of the string whose opening quote is at <paramref name="start"/>; -1 when it does not end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int SkipString(ReadOnlySpan<byte> json, int start, out bool hasEscapes)
    {
        hasEscapes = false;
        var position = start + 1;
        while (true)
        {
            var next = json[position..].IndexOfAny((byte)'"', (byte)'\\');
            if (next < 0)
            {
                return -1;
            }

            position += next;
            if (json[position] == '"')
            {
                return position + 1;
            }

            hasEscapes = true;
            position += 2;
            if (position >= json.Length)
            {
                return -1;
            }
        }
    }

    /// <summary>Byte by byte: the index of the bracket that brings the depth to zero, or -1 at the end of <paramref name="bytes"/>.</summary>
    private static int Walk(ReadOnlySpan<byte> bytes, ref int depth, ref bool inString, ref bool escaped)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (escaped)
            {
                escaped = false;
            }
            else if (inString)
            {
                if (b == '\\')
                {
                    escaped = true;
                }
                else if (b == '"')
                {
                    inString = false;
                }
            }
            else if (b == '"')
            {
                inString = true;
            }
            else if (b is (byte)'{' or (byte)'[')
            {
                depth++;
            }
            else if (b is (byte)'}' or (byte)']' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static int Closed(ReadOnlySpan<byte> json, byte opener, int close) =>
        json[close] == (opener == '{' ? (byte)'}' : (byte)']') ? close + 1 : -1;

    /// <summary>One bit per byte of the 64-byte <paramref name="block"/> for each class; '{' and '[' (and '}' and ']') differ only in bit 0x20.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify(ReadOnlySpan<byte> block, out ulong quotes, out ulong backslashes, out ulong opens, out ulong closes)
    {
        quotes = backslashes = opens = closes = 0;
        var quote = Vector128.Create((byte)'"');
        var backslash = Vector128.Create((byte)'\\');
        var open = Vector128.Create((byte)'{');
        var close = Vector128.Create((byte)'}');
        var caseBit = Vector128.Create((byte)0x20);
        ref var first = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(block);
        for (var lane = 0; lane < 4; lane++)
        {
            var bytes = Vector128.LoadUnsafe(ref first, (nuint)(lane * 16));
            var folded = bytes | caseBit;
            var shift = lane * 16;
            quotes |= (ulong)Vector128.Equals(bytes, quote).ExtractMostSignificantBits() << shift;
            backslashes |= (ulong)Vector128.Equals(bytes, backslash).ExtractMostSignificantBits() << shift;
            opens |= (ulong)Vector128.Equals(folded, open).ExtractMostSignificantBits() << shift;
            closes |= (ulong)Vector128.Equals(folded, close).ExtractMostSignificantBits() << shift;
        }
    }

    /// <summary>Bit i of the result is the XOR of bits 0..i of <paramref name="bits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong PrefixXor(ulong bits)
    {
        bits ^= bits << 1;
        bits ^= bits << 2;
        bits ^= bits << 4;
        bits ^= bits << 8;
        bits ^= bits << 16;
        bits ^= bits << 32;
        return bits;
    }
}
