using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace SparkK8s.Cli.Output;

/// <summary>
/// Turns error messages into the user's words: a parse error names the flag and the kind of value it takes, and no
/// message ever shows a .NET type or exception name (a last line of defence behind the messages the core writes).
/// </summary>
public static partial class ErrorText
{
    /// <summary>The message for one parse error, e.g. "--parallel: 'abc' is not a whole number."</summary>
    public static string Describe(ParseError error)
    {
        if (CannotParse().Match(error.Message) is { Success: true } match)
        {
            var name = error.SymbolResult switch
            {
                OptionResult option => option.Option.Name,
                ArgumentResult argument => argument.Argument.Name,
                _ => match.Groups["symbol"].Value,
            };
            var type = error.SymbolResult switch
            {
                OptionResult option => option.Option.ValueType,
                ArgumentResult argument => argument.Argument.ValueType,
                _ => typeof(string),
            };
            return $"{name}: '{match.Groups["value"].Value}' is not {Expected(type)}.";
        }

        return Clean(error.Message);
    }

    /// <summary>Removes .NET type names (System.Int32, PriceCatalog+CatalogDocument) and exception names from a message.</summary>
    public static string Clean(string message)
    {
        var cleaned = TypeName().Replace(message, "a value");
        cleaned = NestedTypeName().Replace(cleaned, "a value");
        cleaned = ExceptionName().Replace(cleaned, string.Empty);

        // Only text that lost a name is re-spaced; helm's indented output stays as helm printed it.
        return cleaned == message ? message : Whitespace().Replace(cleaned, " ").Trim();
    }

    private static string Expected(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? (type.IsArray ? type.GetElementType()! : type);
        return underlying switch
        {
            _ when underlying == typeof(int) => "a whole number",
            _ when underlying == typeof(long) => "a whole number",
            _ when underlying == typeof(double) || underlying == typeof(decimal) || underlying == typeof(float) => "a number (e.g. 16 or 2.5)",
            _ when underlying == typeof(bool) => "true or false",
            _ => "a valid value",
        };
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?:option|command|argument) '(?<symbol>[^']*)' as expected type '[^']*'\.?$", RegexOptions.Singleline)]
    private static partial Regex CannotParse();

    /// <summary>Dotted type names of the framework and of this tool's libraries, with generic arity and nested types.</summary>
    [GeneratedRegex(@"'?(?<![/\\\w.-])(?:System|Microsoft|SparkK8s|YamlDotNet|Amazon|Npgsql|Spectre)(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?:`\d+)?(?:\[[^\]]*\])?(?:\+[A-Za-z_][A-Za-z0-9_]*)*'?")]
    private static partial Regex TypeName();

    /// <summary>Nested types printed without their namespace, e.g. 'PriceCatalog+CatalogDocument'.</summary>
    [GeneratedRegex(@"'?(?<![/\\\w.-])[A-Z][A-Za-z0-9_]+(?:\+[A-Z][A-Za-z0-9_]+)+'?")]
    private static partial Regex NestedTypeName();

    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9]*Exception\b:?\s*")]
    private static partial Regex ExceptionName();

    [GeneratedRegex(@"[ \t]{2,}")]
    private static partial Regex Whitespace();
}
