using System.CommandLine;
using SparkK8s.Cli.Output;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Validation.Security;

namespace SparkK8s.Cli.Commands;

/// <summary>
/// <c>spark-k8s policy export --format kyverno</c>: the pod-level SEC rules of validate as a Kyverno ClusterPolicy, for
/// admission-time enforcement of the same rules. Prints the YAML, or writes it to --out FILE and prints the rules.
/// </summary>
public static class PolicyCommand
{
    /// <summary>What the command does: its help text, also listed by the root help without building it.</summary>
    public const string Description = "Export the security rules of validate as admission policies.";

    public static readonly IReadOnlyList<string> Formats = ["kyverno"];
    public static readonly IReadOnlyList<string> Actions = ["Enforce", "Audit"];
    public static readonly IReadOnlyList<string> Environments = ["dev", "staging", "prod"];

    public static Command Create()
    {
        var command = new Command("policy", Description);
        command.Subcommands.Add(Export());
        return command;
    }

    private static Command Export()
    {
        var format = new Option<string?>("--format") { Description = "Policy engine: kyverno (a kyverno.io/v1 ClusterPolicy).", HelpName = "ENGINE" };
        var action = new Option<string>("--failure-action")
        {
            Description = "What Kyverno does when a pod breaks a rule whose validate severity is error: Enforce (reject) or Audit (report). Warning rules are always Audit.",
            DefaultValueFactory = _ => "Enforce",
        };
        var environment = new Option<string?>("--env", "-e") { Description = "Environment: with prod, the prod-only rules (SEC006 image digests) are exported too." };
        var release = new Option<string?>("--release") { Description = "Only this release's pods (label app.kubernetes.io/instance); default: every pod of the chart (app.kubernetes.io/part-of: spark-k8s)." };
        var name = new Option<string>("--name") { Description = "metadata.name of the ClusterPolicy.", DefaultValueFactory = _ => KyvernoPolicy.DefaultName };
        var outFile = new Option<string?>("--out") { Description = "Write the policy YAML to FILE (replaced if it exists) and print the exported rules.", HelpName = "FILE" };
        var output = OutputOptions.Create();
        var command = new Command("export", "Write the pod-level SEC rules as a Kyverno ClusterPolicy (YAML on stdout, or --out FILE).");
        foreach (var option in new Option[] { format, action, environment, release, name, outFile, output })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var terminal = Terminal.For(parseResult);
            var engine = parseResult.GetValue(format);
            if (engine is null || !Formats.Contains(engine))
            {
                throw new UserInputException(engine is null
                    ? "--format: give the policy engine, e.g. --format kyverno."
                    : $"--format: '{engine}' is not supported; use one of {string.Join(", ", Formats)}.");
            }

            var failureAction = Actions.FirstOrDefault(a => string.Equals(a, parseResult.GetValue(action), StringComparison.OrdinalIgnoreCase))
                ?? throw new UserInputException($"--failure-action: '{parseResult.GetValue(action)}' is not one of {string.Join(", ", Actions)}.");
            var env = ChartCommandOptions.NotBlank(parseResult.GetValue(environment), "--env", "an environment: dev, staging or prod");
            if (env is not null && !Environments.Contains(env))
            {
                throw new UserInputException($"--env: '{env}' is not one of {string.Join(", ", Environments)}.");
            }

            var releaseName = parseResult.GetValue(release) is { } r ? RenderInputOptions.ValidRelease(r) : null;
            var policyName = parseResult.GetValue(name) ?? KyvernoPolicy.DefaultName;
            if (!Core.Validation.Spark.ObjectNameCheck.IsSubdomain(policyName))
            {
                throw new UserInputException($"--name: '{policyName}' is not a valid object name; use lowercase letters, digits, '-' or '.' (e.g. {KyvernoPolicy.DefaultName}).");
            }

            var target = ChartCommandOptions.NotBlank(parseResult.GetValue(outFile), "--out", "a file to write the policy to");
            if (target is not null && (Directory.Exists(target) || !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(target)))))
            {
                throw new UserInputException(Directory.Exists(target)
                    ? $"--out: '{target}' is a directory; give a file name, e.g. --out {Path.Combine(target, "spark-k8s-policy.yaml")}."
                    : $"--out: the directory of '{target}' does not exist; create it first or write elsewhere.");
            }

            var options = new KyvernoExportOptions(policyName, failureAction, env, releaseName);
            var policy = KyvernoPolicy.Build(options);
            var rules = KyvernoPolicy.Rules(options);
            var yaml = YamlText.From(policy);
            if (target is not null)
            {
                // Written beside the target and moved over it, so a failed write never leaves half a policy.
                var temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target))!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
                await File.WriteAllTextAsync(temporary, yaml, cancellationToken).ConfigureAwait(false);
                File.Move(temporary, target, overwrite: true);
            }

            var printed = parseResult.GetValue(output);
            if (printed == OutputFormat.Json)
            {
                OutputOptions.WriteJson(terminal.Out, new
                {
                    format = engine,
                    file = target is null ? null : Path.GetFullPath(target),
                    rules = rules.Select(x => new { id = x.Id, name = x.Name, failureAction = x.FailureAction, title = x.Title }),
                    policy,
                });
            }
            else if (target is null)
            {
                await terminal.Out.WriteAsync("---\n" + yaml).ConfigureAwait(false);
            }
            else
            {
                TableLayout.Write(terminal, null, [new("Rule"), new("Kyverno rule"), new("Action"), new("Checks")],
                    rules.Select(x => (IReadOnlyList<string>)[x.Id, x.Name, x.FailureAction, x.Title]).ToList());
                terminal.Out.WriteLine($"Wrote the ClusterPolicy {policyName} ({rules.Count} rules) to {Path.GetFullPath(target)}");
            }

            return CliApplication.ExitOk;
        });
        return command;
    }
}
