using System.Text;
using System.Text.Json;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Processes;

namespace SparkK8s.Core.Validation.Schema;

/// <summary>What <c>spark-k8s schemas fetch</c> stored.</summary>
public sealed record FetchedSchemas(string Path, string KubernetesVersion, string? Context, int Definitions, int Kinds, long Bytes);

/// <summary>
/// Stores a live cluster's own OpenAPI v2 document in the user cache (<see cref="SchemaLocation.DefaultDirectory"/>),
/// through kubectl: <c>kubectl version -o json</c> for the server version, <c>kubectl get --raw /openapi/v2</c> for the
/// document (the API server serves OpenAPI v2 at /openapi/v2; kubernetes/kubernetes, api/openapi-spec/README.md).
/// The file is written atomically (temporary file, then rename) as <c>kubernetes/&lt;server version&gt;-swagger.json</c>.
/// </summary>
public static class ClusterSchemaFetcher
{
    public const string KubectlFlag = "--kubectl";
    public const string ContextFlag = "--kube-context";

    /// <summary>kubectl: the given path (must exist), else kubectl on PATH; missing is a usage error.</summary>
    public static string LocateKubectl(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return File.Exists(explicitPath)
                ? Path.GetFullPath(explicitPath)
                : throw new UserInputException($"{KubectlFlag}: '{explicitPath}' does not exist; give the path of a kubectl binary.");
        }

        return ProcessRunner.FindOnPath("kubectl")
            ?? throw new UserInputException($"kubectl was not found on PATH; install kubectl (https://kubernetes.io/docs/tasks/tools/) or pass {KubectlFlag} PATH.");
    }

    public static async Task<FetchedSchemas> FetchAsync(string kubectl, string? context, string cacheDirectory, CancellationToken cancellationToken)
    {
        var prefix = string.IsNullOrWhiteSpace(context) ? Array.Empty<string>() : ["--context", context];
        var version = await RunAsync(kubectl, [.. prefix, "version", "-o", "json"], "kubectl version", cancellationToken).ConfigureAwait(false);
        var serverVersion = ServerVersion(version);
        var document = await RunAsync(kubectl, [.. prefix, "get", "--raw", "/openapi/v2"], "kubectl get --raw /openapi/v2", cancellationToken).ConfigureAwait(false);
        var (definitions, kinds) = CheckOpenApiV2(document);

        var directory = Path.Combine(cacheDirectory, "kubernetes");
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, $"{FileSafe(serverVersion)}-swagger.json");
        var temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await File.WriteAllTextAsync(temporary, document, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            File.Delete(temporary);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            throw new OperationFailedException($"cannot write {target}: {ex.Message}", ex);
        }

        return new FetchedSchemas(target, serverVersion.TrimStart('v'), string.IsNullOrWhiteSpace(context) ? null : context, definitions, kinds, new FileInfo(target).Length);
    }

    /// <summary>serverVersion.gitVersion of <c>kubectl version -o json</c>, e.g. v1.31.2.</summary>
    public static string ServerVersion(string versionJson)
    {
        try
        {
            using var json = JsonDocument.Parse(versionJson);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("serverVersion", out var server) && server.ValueKind == JsonValueKind.Object
                && server.TryGetProperty("gitVersion", out var git) && git.ValueKind == JsonValueKind.String
                && git.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
            // Reported below.
        }

        throw new OperationFailedException("kubectl version -o json did not report a server version (serverVersion.gitVersion); check that the cluster is reachable.");
    }

    /// <summary>The number of definitions and of kinds in an OpenAPI v2 document; anything else is a failure.</summary>
    public static (int Definitions, int Kinds) CheckOpenApiV2(string document)
    {
        try
        {
            using var json = JsonDocument.Parse(document);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("swagger", out var swagger) && swagger.ValueKind == JsonValueKind.String && swagger.GetString() == "2.0"
                && root.TryGetProperty("definitions", out var definitions) && definitions.ValueKind == JsonValueKind.Object)
            {
                var count = 0;
                var kinds = 0;
                foreach (var definition in definitions.EnumerateObject())
                {
                    count++;
                    if (definition.Value.ValueKind == JsonValueKind.Object && definition.Value.TryGetProperty("x-kubernetes-group-version-kind", out var gvk) && gvk.ValueKind == JsonValueKind.Array)
                    {
                        kinds += gvk.GetArrayLength();
                    }
                }

                return (count, kinds);
            }
        }
        catch (JsonException)
        {
            // Reported below.
        }

        throw new OperationFailedException("kubectl get --raw /openapi/v2 did not return an OpenAPI v2 document (swagger \"2.0\" with definitions); nothing was stored.");
    }

    private static async Task<string> RunAsync(string kubectl, string[] arguments, string what, CancellationToken cancellationToken)
    {
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(kubectl, arguments, cancellationToken).ConfigureAwait(false);
        }
        catch (ToolNotFoundException ex)
        {
            throw new UserInputException($"{KubectlFlag}: '{kubectl}' could not be started; give the path of a kubectl binary.", ex);
        }

        return result.Succeeded
            ? result.StandardOutput
            : throw new OperationFailedException($"{what} failed (exit {result.ExitCode}): {Summarise(result.StandardError)}");
    }

    private static string Summarise(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(3).ToList();
        var text = lines.Count == 0 ? "no error output" : string.Join(" ", lines);
        return text.Length <= 400 ? text : text[..397] + "...";
    }

    private static string FileSafe(string version) =>
        new([.. version.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' ? c : '_')]);
}
