using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Rendering;

/// <summary>Decides whether a helm failure is the user's input (bad values: exit 2) or a failure (exit 1), keeping helm's own text.</summary>
public static class HelmErrors
{
    private static readonly string[] UserInputMarkers =
    [
        "don't meet the specifications of the schema",
        "failed parsing --set",
        "failed parsing --set-string",
        "key map has no value",
        "error converting YAML to JSON",
        "failed to parse",
    ];

    public static bool IsUserInput(string helmOutput) =>
        UserInputMarkers.Any(marker => helmOutput.Contains(marker, StringComparison.OrdinalIgnoreCase));

    public static Exception Classify(string helmOutput, string operation)
    {
        var text = helmOutput.Trim();
        if (text.Contains("invalid release name", StringComparison.OrdinalIgnoreCase))
        {
            // Helm checks release names itself (a DNS-1123 label of at most 53 characters); its text says which rule failed.
            return new UserInputException(
                $"--release: helm refused the release name:{Environment.NewLine}{text}{Environment.NewLine}" +
                "Use lowercase letters, digits and '-', starting and ending with a letter or digit, at most 53 characters (e.g. --release spark).");
        }

        return IsUserInput(text)
            ? new UserInputException(
                $"{operation} rejected the values:{Environment.NewLine}{text}{Environment.NewLine}" +
                "Fix the values key named above in your -f file or --set flag (see docs/en/reference/values.md for the valid keys).")
            : new OperationFailedException($"{operation} failed:{Environment.NewLine}{text}");
    }
}
