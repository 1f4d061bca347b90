using System.Text.RegularExpressions;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK095 (error): a JVM is started with <c>-javaagent:</c> of the OpenTelemetry agent (tracing.enabled with
/// tracing.mode agent) in a container whose image is an official upstream image (apache/spark, apache/hive), which
/// does not carry the agent: the JVM refuses to start ("Error opening zip file or JAR manifest missing"). Only the
/// project's images/spark and images/metastore bake it in (tracing.agent.path).
/// </summary>
public sealed partial class TracingAgentImageCheck() : SparkCheck(
    "SPK095",
    Severity.Error,
    "A traced JVM runs an image without the OpenTelemetry agent",
    "Use the project's images (images/build.sh; connect.image, historyServer.image, standalone.image, metastore.image), or set tracing.mode: operator so the OpenTelemetry Operator injects its own agent")
{
    /// <summary>Upstream repositories whose images have no OpenTelemetry agent.</summary>
    private static readonly string[] Upstream = ["apache/spark", "apache/hive"];

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var connect = context.Model.Connect;
        foreach (var container in PodContainers.All(context.Model))
        {
            var options = container.EnvValues().Select(e => e.Value).ToList();
            // The Connect server's conf starts the driver (its Deployment) and the executors (its pod template, whose
            // component is the ConfigMap's); both run the Connect image.
            if (container.Component == "connect" && connect is not null)
            {
                options.AddRange(new[] { "spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions" }.Select(connect.Get).OfType<string>());
            }

            var agent = options.Select(o => Agent().Match(o)).FirstOrDefault(m => m.Success);
            if (agent is null || (string?)container.Container["image"] is not { } image || !IsUpstream(image))
            {
                continue;
            }

            yield return Found(container.Object, $"{container.Field}.image",
                $"container {container.Name} starts its JVM with -javaagent:{agent.Groups["path"].Value}, which {image} does not have; the JVM exits at start");
        }

        // A batch job's driver and executors take the agent from the job's own properties and run the image of its
        // pod templates (jobs: with tracing.enabled).
        foreach (var (_, template) in context.Model.PodTemplates)
        {
            if (!context.Model.ConfByComponent.TryGetValue(template.App, out var job) || job.Job is null)
            {
                continue;
            }

            var agent = new[] { "spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions" }.Select(job.Get).OfType<string>()
                .Select(o => Agent().Match(o)).FirstOrDefault(m => m.Success);
            var containers = template.Spec?["containers"] as System.Text.Json.Nodes.JsonArray ?? [];
            for (var i = 0; agent is not null && i < containers.Count; i++)
            {
                if ((string?)containers[i]?["image"] is { } image && IsUpstream(image))
                {
                    yield return Found(template.Object, $"{template.Field}: spec.containers[{i}].image",
                        $"job '{job.Job}' starts its driver and executors with -javaagent:{agent.Groups["path"].Value}, which {image} does not have; the JVMs exit at start",
                        "Use the project's images for the job (jobDefaults.image or jobs.<name>.image, images/build.sh), or set tracing.mode: operator");
                }
            }
        }
    }

    /// <summary>Whether an image reference names an upstream repository (with or without the Docker Hub host).</summary>
    public static bool IsUpstream(string image)
    {
        var repository = image.Split('@')[0];
        var slash = repository.LastIndexOf('/');
        var colon = repository.LastIndexOf(':');
        if (colon > slash)
        {
            repository = repository[..colon];
        }

        foreach (var host in new[] { "docker.io/", "index.docker.io/", "registry-1.docker.io/" })
        {
            if (repository.StartsWith(host, StringComparison.Ordinal))
            {
                repository = repository[host.Length..];
            }
        }

        return Upstream.Contains(repository, StringComparer.Ordinal);
    }

    [GeneratedRegex(@"-javaagent:(?<path>\S*opentelemetry\S*\.jar)")]
    private static partial Regex Agent();
}
