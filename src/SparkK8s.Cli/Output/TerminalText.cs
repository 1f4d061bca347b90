using System.Text;

namespace SparkK8s.Cli.Output;

/// <summary>
/// Makes text from event logs (app names, users, paths) safe to print: terminal escape sequences (CSI, OSC, DCS and
/// other ESC sequences, C1 CSI) are removed, other control characters become a space (tab, CR, LF) or are dropped, and
/// Unicode bidirectional overrides are dropped, so a name cannot move the cursor, recolour, retitle or reorder the output.
/// </summary>
public static class TerminalText
{
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        if (!text.AsSpan().ContainsAnyInRange('\0', '\x1f') && !text.AsSpan().ContainsAnyInRange('\x7f', '\x9f') && !text.AsSpan().ContainsAnyInRange('\u202a', '\u202e') && !text.AsSpan().ContainsAnyInRange('\u2066', '\u2069'))
        {
            return text;
        }

        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\x1b')
            {
                i = SkipEscape(text, i);
            }
            else if (c == '\x9b')
            {
                i = SkipControlSequence(text, i + 1);
            }
            else if (c is '\t' or '\n' or '\r')
            {
                clean.Append(' ');
            }
            else if (!char.IsControl(c) && c is not (>= '\u202a' and <= '\u202e') and not (>= '\u2066' and <= '\u2069'))
            {
                clean.Append(c);
            }
        }

        return clean.ToString();
    }

    /// <summary>At an ESC: returns the index of the sequence's last character.</summary>
    private static int SkipEscape(string text, int escape)
    {
        if (escape + 1 >= text.Length)
        {
            return escape;
        }

        return text[escape + 1] switch
        {
            '[' => SkipControlSequence(text, escape + 2),
            ']' or 'P' or '_' or '^' or 'X' => SkipString(text, escape + 2),
            _ => escape + 1,
        };
    }

    /// <summary>CSI: parameter and intermediate bytes, then one final byte in @..~.</summary>
    private static int SkipControlSequence(string text, int start)
    {
        var i = start;
        while (i < text.Length && text[i] is >= '\x20' and <= '\x3f')
        {
            i++;
        }

        return i < text.Length && text[i] is >= '\x40' and <= '\x7e' ? i : i - 1;
    }

    /// <summary>OSC/DCS/APC/PM/SOS: up to BEL or ST (ESC \), or the end of the text.</summary>
    private static int SkipString(string text, int start)
    {
        for (var i = start; i < text.Length; i++)
        {
            if (text[i] == '\a' || text[i] == '\x9c')
            {
                return i;
            }

            if (text[i] == '\x1b' && i + 1 < text.Length && text[i + 1] == '\\')
            {
                return i + 1;
            }
        }

        return text.Length - 1;
    }
}
