using System.Text;
using System.Text.RegularExpressions;

namespace SparkK8s.Testing.Monitoring;

/// <summary>
/// Extracts the metric names a PromQL expression selects (alert and recording rules, Grafana panel targets), so a test
/// can check them against the metric catalogue. It tokenises the expression and drops everything that is not a series
/// selector: function and aggregation names, label names in <c>by/without/on/ignoring/group_left/group_right (...)</c>
/// and in <c>{...}</c> matchers (except <c>__name__="x"</c>, which names x), strings, numbers, durations, <c>offset</c>,
/// <c>@</c>, subquery ranges and the keywords <c>bool and or unless</c>. Grafana variables are substituted first:
/// <c>$var</c>/<c>${var}</c> outside a string becomes 5m inside <c>[...]</c> (<c>[$__rate_interval]</c>, subqueries) and
/// a number elsewhere. A call of a name that is not a PromQL function fails, so typos do not pass as metrics.
/// Function list: the PromQL documentation (prometheus/prometheus docs/querying/functions.md, operators.md).
/// </summary>
public static partial class PromQlMetricNames
{
    private static readonly HashSet<string> Aggregations = new(StringComparer.Ordinal)
    {
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
        "limitk", "limit_ratio",
    };

    private static readonly HashSet<string> Functions = new(StringComparer.Ordinal)
    {
        "abs", "absent", "absent_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "day_of_month",
        "day_of_week", "day_of_year", "days_in_month", "delta", "deriv", "exp", "floor", "histogram_avg",
        "histogram_count", "histogram_sum", "histogram_fraction", "histogram_quantile", "histogram_stddev",
        "histogram_stdvar", "holt_winters", "double_exponential_smoothing", "hour", "idelta", "increase", "irate",
        "label_join", "label_replace", "ln", "log2", "log10", "minute", "month", "predict_linear", "rate", "resets",
        "round", "scalar", "sgn", "sort", "sort_desc", "sort_by_label", "sort_by_label_desc", "sqrt", "time",
        "timestamp", "vector", "year", "avg_over_time", "min_over_time", "max_over_time", "sum_over_time",
        "count_over_time", "quantile_over_time", "stddev_over_time", "stdvar_over_time", "last_over_time",
        "present_over_time", "mad_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "sin",
        "sinh", "tan", "tanh", "deg", "rad", "pi", "start", "end", "info",
    };

    private static readonly HashSet<string> GroupingKeywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right",
    };

    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "bool", "and", "or", "unless", "atan2", "offset", "inf", "nan",
    };

    /// <summary>The distinct metric names <paramref name="expression"/> selects, in order of appearance.</summary>
    public static IReadOnlyList<string> Extract(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var tokens = Tokenize(SubstituteGrafanaVariables(expression));
        CheckBalanced(tokens, expression);
        var names = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == TokenKind.Punct && token.Text == "{")
            {
                i = ReadMatchers(tokens, i, names);
                continue;
            }

            if (token.Kind == TokenKind.Punct && token.Text == "[")
            {
                // A range or subquery range: durations and a step, no selectors.
                while (tokens[i].Text != "]" || tokens[i].Kind != TokenKind.Punct)
                {
                    i++;
                }

                continue;
            }

            if (token.Kind != TokenKind.Identifier)
            {
                continue;
            }

            var next = i + 1 < tokens.Count ? tokens[i + 1] : null;
            if (GroupingKeywords.Contains(token.Text))
            {
                if (next is { Kind: TokenKind.Punct, Text: "(" })
                {
                    i = SkipParens(tokens, i + 1);
                }

                continue;
            }

            if (Keywords.Contains(token.Text))
            {
                continue;
            }

            var isCall = next is { Kind: TokenKind.Punct, Text: "(" }
                || (Aggregations.Contains(token.Text) && next is { Kind: TokenKind.Identifier } && GroupingKeywords.Contains(next.Text));
            if (isCall)
            {
                if (!Functions.Contains(token.Text) && !Aggregations.Contains(token.Text))
                {
                    throw new FormatException($"'{token.Text}(' is not a PromQL function or aggregation in: {expression}");
                }

                continue;
            }

            if (!names.Contains(token.Text, StringComparer.Ordinal))
            {
                names.Add(token.Text);
            }
        }

        return names;
    }

    /// <summary>Replaces Grafana template variables outside strings with PromQL that parses: inside [...] (ranges, subqueries) 5m, elsewhere 1.</summary>
    public static string SubstituteGrafanaVariables(string expression)
    {
        var ranges = expression;
        var inRange = false;
        var builder = new StringBuilder();
        var inString = '\0';
        for (var i = 0; i < ranges.Length; i++)
        {
            var c = ranges[i];
            if (inString != '\0')
            {
                builder.Append(c);
                if (c == '\\' && i + 1 < ranges.Length)
                {
                    builder.Append(ranges[++i]);
                }
                else if (c == inString)
                {
                    inString = '\0';
                }

                continue;
            }

            if (c is '"' or '\'' or '`')
            {
                inString = c;
                builder.Append(c);
                continue;
            }

            if (c is '[' or ']')
            {
                inRange = c == '[';
            }

            if (c == '$')
            {
                var match = Variable().Match(ranges, i);
                if (match.Success && match.Index == i)
                {
                    builder.Append(inRange ? "5m" : "1");
                    i += match.Length - 1;
                    continue;
                }
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static void CheckBalanced(List<Token> tokens, string expression)
    {
        var open = new Stack<string>();
        foreach (var token in tokens.Where(t => t.Kind == TokenKind.Punct))
        {
            switch (token.Text)
            {
                case "(" or "[" or "{":
                    open.Push(token.Text);
                    break;
                case ")" or "]" or "}":
                    var expected = token.Text switch { ")" => "(", "]" => "[", _ => "{" };
                    if (open.Count == 0 || open.Pop() != expected)
                    {
                        throw new FormatException($"unbalanced '{token.Text}' in: {expression}");
                    }

                    break;
            }
        }

        if (open.Count > 0)
        {
            throw new FormatException($"unclosed '{open.Peek()}' in: {expression}");
        }
    }

    private static int ReadMatchers(List<Token> tokens, int open, List<string> names)
    {
        var i = open + 1;
        while (i < tokens.Count && !(tokens[i].Kind == TokenKind.Punct && tokens[i].Text == "}"))
        {
            if (tokens[i] is { Kind: TokenKind.Identifier, Text: "__name__" } && i + 2 < tokens.Count
                && tokens[i + 1] is { Kind: TokenKind.Punct, Text: "=" } && tokens[i + 2].Kind == TokenKind.String)
            {
                var name = tokens[i + 2].Text;
                if (!names.Contains(name, StringComparer.Ordinal))
                {
                    names.Add(name);
                }
            }

            i++;
        }

        if (i >= tokens.Count)
        {
            throw new FormatException("unclosed '{' in a PromQL selector");
        }

        return i;
    }

    private static int SkipParens(List<Token> tokens, int open)
    {
        var depth = 0;
        for (var i = open; i < tokens.Count; i++)
        {
            if (tokens[i].Kind != TokenKind.Punct)
            {
                continue;
            }

            if (tokens[i].Text == "(")
            {
                depth++;
            }
            else if (tokens[i].Text == ")" && --depth == 0)
            {
                return i;
            }
        }

        throw new FormatException("unbalanced '(' in a PromQL expression");
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c is '"' or '\'' or '`')
            {
                var value = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != c)
                {
                    if (text[i] == '\\' && c != '`' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i]);
                    i++;
                }

                if (i >= text.Length)
                {
                    throw new FormatException("unterminated string in a PromQL expression");
                }

                i++;
                tokens.Add(new Token(TokenKind.String, value.ToString()));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '_'))
                {
                    // Exponents carry a sign: 1e-3.
                    if (text[i] is 'e' or 'E' && i + 1 < text.Length && text[i + 1] is '+' or '-' && !text[start..i].StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                    {
                        i++;
                    }

                    i++;
                }

                tokens.Add(new Token(TokenKind.Number, text[start..i]));
            }
            else if (char.IsAsciiLetter(c) || c is '_' or ':')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or ':'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, text[start..i]));
            }
            else
            {
                tokens.Add(new Token(TokenKind.Punct, c.ToString()));
                i++;
            }
        }

        return tokens;
    }

    [GeneratedRegex(@"\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Variable();

    private enum TokenKind
    {
        Identifier,
        Number,
        String,
        Punct,
    }

    private sealed record Token(TokenKind Kind, string Text);
}
