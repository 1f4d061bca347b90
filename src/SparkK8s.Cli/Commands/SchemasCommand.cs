using System.CommandLine;
using System.Globalization;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Validation.Schema;
using Spectre.Console;

namespace SparkK8s.Cli.Commands;

/// <summary>
/// <c>spark-k8s schemas fetch</c>: stores the live cluster's own OpenAPI v2 document in the user cache, so validate and
/// plan check objects against the cluster's real Kubernetes version (kinds it lacks come from the embedded bundle).
/// </summary>
public static class SchemasCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Manage the Kubernetes schemas validate and plan check against.";

    public static Command Create()
    {
        var command = new Command("schemas", Description);
        command.Subcommands.Add(CreateFetch());
        return command;
    }

    private static Command CreateFetch()
    {
        var context = new Option<string?>(ClusterSchemaFetcher.ContextFlag) { Description = "kubeconfig context of the cluster (default: the current context)." };
        var kubectl = new Option<string?>(ClusterSchemaFetcher.KubectlFlag) { Description = "kubectl binary (default: kubectl on PATH)." };
        var output = OutputOptions.Create();
        var command = new Command("fetch", $"Store the cluster's OpenAPI v2 document (kubectl get --raw /openapi/v2) in {SchemaLocation.DefaultDirectory}; validate and plan then use it.");
        command.Options.Add(context);
        command.Options.Add(kubectl);
        command.Options.Add(output);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var format = parseResult.GetValue(output);
            var binary = ClusterSchemaFetcher.LocateKubectl(parseResult.GetValue(kubectl));
            var fetched = await terminal.WithProgressAsync("Fetching the cluster's OpenAPI document ...", format,
                _ => ClusterSchemaFetcher.FetchAsync(binary, parseResult.GetValue(context), SchemaLocation.DefaultDirectory, cancellationToken)).ConfigureAwait(false);
            if (format == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, fetched);
                return CliApplication.ExitOk;
            }

            var table = new Table().AddColumns("Context", "Kubernetes", "Definitions", "Kinds", "Bytes", "Stored at");
            table.AddRow(Markup.Escape(fetched.Context ?? "(current)"), Markup.Escape(fetched.KubernetesVersion),
                fetched.Definitions.ToString(CultureInfo.InvariantCulture), fetched.Kinds.ToString(CultureInfo.InvariantCulture),
                fetched.Bytes.ToString(CultureInfo.InvariantCulture), Markup.Escape(fetched.Path));
            terminal.Ansi.Write(table);
            terminal.Ansi.WriteLine("validate and plan now check against these schemas (kinds the cluster lacks: the embedded bundle); --schema-location DIR overrides them.");
            return CliApplication.ExitOk;
        });
        return command;
    }
}
