using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace SparkK8s.Core.EventLogs;

/// <summary>
/// A forward-only reader of one JSON event line for the few fields the summaries need. What it reads (the objects it
/// walks, their property names, the numbers and strings it takes) is checked against the JSON grammar, and a string it
/// returns is decoded by <see cref="Utf8JsonReader"/> itself, escapes and UTF-8 checks included. Values it does not
/// need are passed over with <see cref="JsonStructure"/>, which checks only their structure (brackets and strings):
/// that is where a Spark event line keeps most of its bytes, and why this is faster than tokenizing the whole line.
/// Malformed input throws <see cref="JsonException"/>; a value of the wrong kind where a string is required throws
/// <see cref="InvalidOperationException"/> (the reader names the line for both).
/// </summary>
internal ref struct JsonLineCursor
{
    private readonly ReadOnlySpan<byte> _json;
    private int _position;

    // True right after '{' or '[': the next member needs no comma.
    private bool _first;

    // The property name last read, as written (escaped names are decoded on demand).
    private int _nameStart;
    private int _nameLength;
    private bool _nameEscaped;

    private JsonLineCursor(ReadOnlySpan<byte> json)
    {
        _json = json;
    }

    /// <summary>A cursor inside the line's top-level object (after its '{').</summary>
    public static JsonLineCursor InObject(ReadOnlySpan<byte> line)
    {
        var cursor = new JsonLineCursor(line);
        cursor.SkipWhitespace();
        if (cursor.Peek() != '{')
        {
            throw cursor.Malformed("expected '{'");
        }

        cursor._position++;
        cursor._first = true;
        return cursor;
    }

    /// <summary>After the top-level object has ended: anything but whitespace after it is an error.</summary>
    public void EndOfLine()
    {
        SkipWhitespace();
        if (_position != _json.Length)
        {
            throw Malformed("unexpected content after the end of the event");
        }
    }

    /// <summary>Moves to the next property of the current object and its value; false (past the '}') at the object's end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool NextProperty()
    {
        if (!NextMember((byte)'}', "expected ',' or '}'"))
        {
            return false;
        }

        if (Peek() != '"')
        {
            throw Malformed("expected a property name");
        }

        var end = JsonStructure.SkipString(_json, _position, out _nameEscaped);
        if (end < 0)
        {
            throw Malformed("unterminated property name");
        }

        _nameStart = _position + 1;
        _nameLength = end - _position - 2;
        _position = end;
        SkipWhitespace();
        if (Peek() != ':')
        {
            throw Malformed("expected ':'");
        }

        _position++;
        SkipWhitespace();
        _first = false;
        return true;
    }

    /// <summary>Moves to the next element of the current array; false (past the ']') at the array's end.</summary>
    public bool NextElement()
    {
        if (!NextMember((byte)']', "expected ',' or ']'"))
        {
            return false;
        }

        _first = false;
        return true;
    }

    /// <summary>The current property's name is <paramref name="name"/> (an escaped name is compared decoded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public readonly bool NameIs(ReadOnlySpan<byte> name) =>
        _nameEscaped ? DecodedNameIs(name) : _json.Slice(_nameStart, _nameLength).SequenceEqual(name);

    /// <summary>The current property's name, from <paramref name="cache"/> when it is plain ASCII, decoded otherwise.</summary>
    public readonly string Name(Utf8StringCache cache)
    {
        var raw = _json.Slice(_nameStart, _nameLength);
        return !_nameEscaped && IsPlainAscii(raw) ? cache.Get(raw) : Name();
    }

    /// <summary>The current property's name, decoded.</summary>
    public readonly string Name() => Decode(_json.Slice(_nameStart - 1, _nameLength + 2), _nameEscaped);

    /// <summary>At a value: true when it is an object, which is then entered; any other value is skipped.</summary>
    public bool EnterObject() => Enter((byte)'{');

    /// <summary>At a value: true when it is an array, which is then entered; any other value is skipped.</summary>
    public bool EnterArray() => Enter((byte)'[');

    /// <summary>At a value: true when it is an array.</summary>
    public readonly bool AtArray => Peek() == '[';

    /// <summary>At a value: true when it is a string.</summary>
    public readonly bool AtString => Peek() == '"';

    /// <summary>Passes over the value at the cursor, however deep.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SkipValue()
    {
        switch (Peek())
        {
            case (byte)'"':
                StringToken(out _);
                break;
            case (byte)'{':
            case (byte)'[':
                var end = JsonStructure.SkipContainer(_json, _position);
                if (end < 0)
                {
                    throw Malformed(_json[_position] == '{' ? "unterminated object" : "unterminated array");
                }

                _position = end;
                break;
            case (byte)'t':
                Literal("true"u8);
                break;
            case (byte)'f':
                Literal("false"u8);
                break;
            case (byte)'n':
                Literal("null"u8);
                break;
            default:
                NumberToken();
                break;
        }

        _first = false;
    }

    /// <summary>
    /// The value as a whole number: an integer as is; a fraction or exponent truncated and saturated at the limits of
    /// <see cref="long"/>; a string by its leading digits (0 when it has none); anything else 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long ReadLong()
    {
        var c = Peek();
        if (c == '"')
        {
            var text = StringToken(out _);
            return Utf8Parser.TryParse(text[1..^1], out long parsed, out _) ? parsed : 0;
        }

        if (c == '-' || (uint)(c - '0') <= 9)
        {
            var number = NumberToken(out var integral);
            _first = false;
            if (integral && Utf8Parser.TryParse(number, out long value, out var consumed) && consumed == number.Length)
            {
                return value;
            }

            return Saturate(double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        SkipValue();
        return 0;
    }

    /// <summary>The string value, decoded; null for a JSON null. Any other value is an <see cref="InvalidOperationException"/>.</summary>
    public string? ReadString()
    {
        var c = Peek();
        if (c == '"')
        {
            var token = StringToken(out var escaped);
            return Decode(token, escaped);
        }

        if (c == 'n')
        {
            Literal("null"u8);
            _first = false;
            return null;
        }

        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"expected a string at byte {_position + 1}, found {Describe(c)}"));
    }

    /// <summary>Like <see cref="ReadStringOrSkip()"/>, with plain ASCII strings from <paramref name="cache"/>.</summary>
    public string? ReadStringOrSkip(Utf8StringCache cache)
    {
        if (!AtString)
        {
            SkipValue();
            return null;
        }

        var token = StringToken(out var escaped);
        var content = token[1..^1];
        return !escaped && IsPlainAscii(content) ? cache.Get(content) : Decode(token, escaped);
    }

    /// <summary>The string value if the value is a string (else the value is skipped and null returned).</summary>
    public string? ReadStringOrSkip()
    {
        if (AtString)
        {
            return ReadString();
        }

        SkipValue();
        return null;
    }

    /// <summary>At a string value: reads it and tells whether it equals <paramref name="expected"/> (decoded); any other value is skipped and is not equal.</summary>
    public bool ReadStringEquals(ReadOnlySpan<byte> expected) => ReadStringEquals(expected, default, out _);

    /// <summary>Reads the value; whether it is a string equal to <paramref name="first"/>, and in <paramref name="isSecond"/> whether it equals <paramref name="second"/>.</summary>
    public bool ReadStringEquals(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, out bool isSecond)
    {
        isSecond = false;
        if (!AtString)
        {
            SkipValue();
            return false;
        }

        var token = StringToken(out var escaped);
        if (escaped)
        {
            var decoded = Encoding.UTF8.GetBytes(Decode(token, escaped: true));
            isSecond = !second.IsEmpty && decoded.AsSpan().SequenceEqual(second);
            return decoded.AsSpan().SequenceEqual(first);
        }

        var content = token[1..^1];
        isSecond = !second.IsEmpty && content.SequenceEqual(second);
        return content.SequenceEqual(first);
    }

    private readonly bool DecodedNameIs(ReadOnlySpan<byte> name)
    {
        var decoded = Encoding.UTF8.GetBytes(Name());
        return decoded.AsSpan().SequenceEqual(name);
    }

    /// <summary>
    /// A string token's text. Printable ASCII without escapes (nearly every string Spark writes) is widened directly;
    /// anything else goes through <see cref="Utf8JsonReader"/>, which unescapes, checks UTF-8 and rejects control characters.
    /// </summary>
    private static string Decode(ReadOnlySpan<byte> token, bool escaped)
    {
        var content = token[1..^1];
        if (!escaped && IsPlainAscii(content))
        {
            return Encoding.Latin1.GetString(content);
        }

        var reader = new Utf8JsonReader(token, isFinalBlock: true, state: default);
        reader.Read();
        return reader.GetString()!;
    }

    /// <summary>Printable ASCII only: a JSON string with no control characters, no escapes needed and one byte per character.</summary>
    private static bool IsPlainAscii(ReadOnlySpan<byte> text) => text.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0;

    /// <summary>
    /// Before the next member of an object or array: false (past it) at <paramref name="close"/>; otherwise past the
    /// comma that must separate it from the previous member, at the member itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool NextMember(byte close, string expected)
    {
        SkipWhitespace();
        var c = Peek();
        if (c == close)
        {
            _position++;
            _first = false;
            return false;
        }

        if (!_first)
        {
            if (c != ',')
            {
                throw Malformed(expected);
            }

            _position++;
            SkipWhitespace();
        }

        return true;
    }

    private bool Enter(byte open)
    {
        if (Peek() == open)
        {
            _position++;
            _first = true;
            return true;
        }

        SkipValue();
        return false;
    }

    /// <summary>Passes over a string; returns the token, quotes included.</summary>
    private ReadOnlySpan<byte> StringToken(out bool escaped)
    {
        var start = _position;
        var end = JsonStructure.SkipString(_json, start, out escaped);
        if (end < 0)
        {
            throw Malformed("unterminated string");
        }

        _position = end;
        _first = false;
        return _json[start..end];
    }

    private void NumberToken() => NumberToken(out _);

    /// <summary>Passes over a number in the JSON grammar (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?); returns its text.</summary>
    private ReadOnlySpan<byte> NumberToken(out bool integral)
    {
        var start = _position;
        var i = _position;
        if (i < _json.Length && _json[i] == '-')
        {
            i++;
        }

        if (i >= _json.Length || (uint)(_json[i] - '0') > 9)
        {
            throw Malformed(start == i ? "unexpected character" : "expected a digit");
        }

        if (_json[i] == '0')
        {
            i++;
        }
        else
        {
            i = Digits(i);
        }

        integral = true;
        if (i < _json.Length && _json[i] == '.')
        {
            integral = false;
            var fraction = Digits(i + 1);
            if (fraction == i + 1)
            {
                throw Malformed("expected a digit after '.'");
            }

            i = fraction;
        }

        if (i < _json.Length && (_json[i] | 0x20) == 'e')
        {
            integral = false;
            i++;
            if (i < _json.Length && _json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            var exponent = Digits(i);
            if (exponent == i)
            {
                throw Malformed("expected a digit in the exponent");
            }

            i = exponent;
        }

        _position = i;
        _first = false;
        return _json[start..i];
    }

    private readonly int Digits(int i)
    {
        while (i < _json.Length && (uint)(_json[i] - '0') <= 9)
        {
            i++;
        }

        return i;
    }

    private void Literal(ReadOnlySpan<byte> literal)
    {
        if (!_json[_position..].StartsWith(literal))
        {
            throw Malformed("unexpected character");
        }

        _position += literal.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SkipWhitespace()
    {
        while (_position < _json.Length && _json[_position] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            _position++;
        }
    }

    /// <summary>The byte at the cursor; 0 at the end of the line (never valid there).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly byte Peek() => _position < _json.Length ? _json[_position] : (byte)0;

    private readonly JsonException Malformed(string what) =>
        new(_position >= _json.Length
            ? string.Create(CultureInfo.InvariantCulture, $"{what}, but the line ends after byte {_json.Length}")
            : string.Create(CultureInfo.InvariantCulture, $"{what} at byte {_position + 1}, found {Describe(_json[_position])}"));

    private static string Describe(byte c) => c switch
    {
        0 => "the end of the line",
        (byte)'"' => "a string",
        (byte)'{' => "an object",
        (byte)'[' => "an array",
        (byte)'t' or (byte)'f' => "a boolean",
        (byte)'-' or (>= (byte)'0' and <= (byte)'9') => "a number",
        >= 0x20 and < 0x7F => $"'{(char)c}'",
        _ => string.Create(CultureInfo.InvariantCulture, $"byte 0x{c:X2}"),
    };

    /// <summary>A non-integral or huge JSON number as a long, saturating instead of wrapping (NaN is 0).</summary>
    private static long Saturate(double value) =>
        double.IsNaN(value) ? 0 : value >= long.MaxValue ? long.MaxValue : value <= long.MinValue ? long.MinValue : (long)value;
}
