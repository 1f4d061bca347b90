using System.Text.Json;
using System.Text.Json.Nodes;
using SparkK8s.Core.Manifests;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// What the Airflow checks read from a render: the AIRFLOW_CONN_* connections set as env vars of Airflow's containers
/// (Airflow's environment-variable secrets backend, JSON form) and the AIRFLOW_VAR_* variables of its ConfigMaps.
/// </summary>
public static class AirflowRender
{
    public const string ConnectionPrefix = "AIRFLOW_CONN_";
    public const string VariablePrefix = "AIRFLOW_VAR_";

    /// <summary>One connection env var: where it is set and its JSON (null when the value is not a JSON object).</summary>
    public sealed record Connection(string Object, string Field, string Id, string Value, JsonObject? Json);

    /// <summary>One variable of a ConfigMap.</summary>
    public sealed record Variable(string Object, string Field, string Name, string Value);

    public static IEnumerable<Connection> Connections(SparkRenderModel model, string id)
    {
        var name = ConnectionPrefix + id.ToUpperInvariant();
        foreach (var container in PodContainers.All(model))
        {
            var env = container.Container["env"] as JsonArray ?? [];
            for (var i = 0; i < env.Count; i++)
            {
                if (env[i] is JsonObject entry && (string?)entry["name"] == name && entry["value"] is JsonValue value)
                {
                    var text = value.ToString();
                    yield return new Connection(container.Object, $"{container.Field}.env[{i}].value", id, text, ParseObject(text));
                }
            }
        }
    }

    public static IEnumerable<Variable> Variables(SparkRenderModel model, string name)
    {
        var key = VariablePrefix + name;
        foreach (var obj in model.Objects.Where(o => o.Kind == "ConfigMap"))
        {
            if (obj.Body["data"]?[key] is JsonValue value)
            {
                yield return new Variable(obj.DisplayName, $"data.{key}", name, value.ToString());
            }
        }
    }

    private static JsonObject? ParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// SPK070: the Airflow connection spark_connect does not reach a Spark Connect Service of the render: its host is no
/// Service of the release (host, host.namespace, host.namespace.svc or host.namespace.svc.cluster.local), or that
/// Service has no port of the connection's port. DAGs using it would fail at their first Spark call.
/// </summary>
public sealed class AirflowSparkConnectConnectionCheck() : SparkCheck(
    "SPK070",
    Severity.Error,
    "The Airflow connection spark_connect does not point at the release's Spark Connect Service and port",
    "Let the chart set AIRFLOW_CONN_SPARK_CONNECT (connect.enabled with airflow.enabled), or point it at <fullname>-connect.<namespace>.svc on connect.ports.grpc")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var services = context.Model.Objects.Where(o => o.Kind == "Service").ToList();
        foreach (var connection in AirflowRender.Connections(context.Model, "spark_connect"))
        {
            if (connection.Json is not { } json)
            {
                yield return Found(connection.Object, connection.Field, "AIRFLOW_CONN_SPARK_CONNECT is not a JSON connection object");
                continue;
            }

            var host = ((string?)json["host"] ?? string.Empty).Trim();
            if (host.StartsWith("sc://", StringComparison.Ordinal))
            {
                host = host["sc://".Length..];
            }

            var port = PortOf(json["port"]);
            var hostPort = host.LastIndexOf(':');
            if (hostPort > 0 && int.TryParse(host[(hostPort + 1)..], out var inline))
            {
                port ??= inline;
                host = host[..hostPort];
            }

            var service = services.FirstOrDefault(s => Names(s).Contains(host, StringComparer.OrdinalIgnoreCase));
            if (service is null)
            {
                yield return Found(connection.Object, connection.Field,
                    $"connection spark_connect points at host '{host}', which is no Service of this render");
                continue;
            }

            var ports = (service.Body["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>().Select(p => PortOf(p["port"])).ToList();
            if (port is null || !ports.Contains(port))
            {
                yield return Found(connection.Object, connection.Field,
                    $"connection spark_connect uses port {(port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)")}, which Service {service.Name} does not expose ({string.Join(", ", ports)})");
            }
            else if (!service.Labels.TryGetValue("app.kubernetes.io/component", out var component) || component != "connect")
            {
                yield return Found(connection.Object, connection.Field,
                    $"connection spark_connect points at Service {service.Name}, which is not the Spark Connect server's");
            }
        }
    }

    private static int? PortOf(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.TryGetValue<long>(out var l) && l is > 0 and < 65536 => (int)l,
        JsonValue v when v.TryGetValue<string>(out var s) && int.TryParse(s, out var p) => p,
        _ => null,
    };

    private static IEnumerable<string> Names(KubeObject service)
    {
        var ns = service.Namespace ?? "default";
        return [service.Name, $"{service.Name}.{ns}", $"{service.Name}.{ns}.svc", $"{service.Name}.{ns}.svc.cluster.local"];
    }
}

/// <summary>
/// SPK071: the Airflow variable SPARK_K8S_JOB_SERVICE_ACCOUNT names a ServiceAccount the render does not have: the
/// drivers that the submit and operator DAGs start would be refused by the API server (or run without the driver's RBAC).
/// </summary>
public sealed class AirflowJobServiceAccountCheck() : SparkCheck(
    "SPK071",
    Severity.Error,
    "The Airflow variable SPARK_K8S_JOB_SERVICE_ACCOUNT names a ServiceAccount that is not in the render",
    "Keep the variable the chart sets (the job-driver ServiceAccount, rendered when `jobs` has an entry), or render that account")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var accounts = context.Model.Objects.Where(o => o.Kind == "ServiceAccount").Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var variable in AirflowRender.Variables(context.Model, "SPARK_K8S_JOB_SERVICE_ACCOUNT"))
        {
            if (!accounts.Contains(variable.Value))
            {
                yield return Found(variable.Object, variable.Field,
                    $"SPARK_K8S_JOB_SERVICE_ACCOUNT is '{variable.Value}', but the render has no ServiceAccount of that name");
            }
        }
    }
}

/// <summary>
/// SPK072: the Airflow variable SPARK_K8S_OPERATOR_FLAVOUR does not name the operator whose CRDs the render's operator
/// applications use (kubeflow: sparkoperator.k8s.io; apache: spark.apache.org), or is neither. The operator DAG would
/// create applications of the other API group, which no operator in the cluster serves.
/// </summary>
public sealed class AirflowOperatorFlavourCheck() : SparkCheck(
    "SPK072",
    Severity.Error,
    "The Airflow variable SPARK_K8S_OPERATOR_FLAVOUR does not match the operator of the render's Spark applications",
    "Keep the variable the chart sets from operator.flavor (kubeflow or apache), the same setting the jobs' applications follow")
{
    private static readonly Dictionary<string, string> Groups = new(StringComparer.Ordinal)
    {
        ["kubeflow"] = "sparkoperator.k8s.io",
        ["apache"] = "spark.apache.org",
    };

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var applications = context.Model.Objects
            .Where(o => o.Kind is "SparkApplication" or "ScheduledSparkApplication")
            .Select(o => (o.DisplayName, Group: o.ApiVersion.Split('/')[0])).ToList();
        foreach (var variable in AirflowRender.Variables(context.Model, "SPARK_K8S_OPERATOR_FLAVOUR"))
        {
            if (!Groups.TryGetValue(variable.Value, out var group))
            {
                yield return Found(variable.Object, variable.Field,
                    $"SPARK_K8S_OPERATOR_FLAVOUR is '{variable.Value}'; it must be kubeflow or apache");
                continue;
            }

            foreach (var application in applications.Where(a => a.Group != group))
            {
                yield return Found(variable.Object, variable.Field,
                    $"SPARK_K8S_OPERATOR_FLAVOUR is '{variable.Value}' ({group}), but {application.DisplayName} is a {application.Group} application");
            }
        }
    }
}

/// <summary>
/// SPK073: the chart's example Spark Connect DAGs (spark_k8s_connect_k8s.py, spark_k8s_connect_standalone.py) ship, but
/// the containers that run Airflow's tasks (the scheduler's with the LocalExecutor, the KubernetesExecutor pod
/// template's "base") run the official apache/airflow image, which has no PySpark client and no Spark provider, and no
/// install-spark-client init container puts them on their PYTHONPATH (airflow.installPackages). Every run of those DAGs
/// fails at its first task with "No module named 'pyspark'". The submit and operator DAGs run PySpark only inside Spark's
/// own pods, so they do not need it.
/// </summary>
public sealed class AirflowConnectClientCheck() : SparkCheck(
    "SPK073",
    Severity.Error,
    "The example Spark Connect DAGs ship, but Airflow's tasks run an image without the PySpark client",
    "Run the project image images/airflow (airflow.image.repository spark-k8s/airflow or your registry's copy, with airflow.installPackages false), "
    + "or keep the official image with airflow.installPackages true (dev), or turn the examples off (airflow.dags.examples false)")
{
    /// <summary>The example DAGs whose tasks are Spark Connect clients (they import pyspark in the Airflow task).</summary>
    public static readonly IReadOnlyList<string> ConnectDags = ["spark_k8s_connect_k8s.py", "spark_k8s_connect_standalone.py"];

    /// <summary>The official image's repository as a pod names it (Docker Hub's apache/airflow).</summary>
    public static readonly IReadOnlyList<string> OfficialRepositories = ["apache/airflow", "docker.io/apache/airflow", "index.docker.io/apache/airflow"];

    /// <summary>The init container of airflow.installPackages.</summary>
    public const string InstallContainer = "install-spark-client";

    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        var dags = ConnectDags.Where(d => ExampleDags.Shipping(context.Model.Objects, d).Any()).ToList();
        if (dags.Count == 0)
        {
            yield break;
        }

        var kubernetesExecutor = context.Model.Objects
            .Where(o => o.Kind == "ConfigMap")
            .Select(o => o.Body["data"]?["AIRFLOW__CORE__EXECUTOR"])
            .OfType<JsonValue>()
            .Any(v => v.ToString() == "KubernetesExecutor");
        foreach (var container in TaskContainers(context.Model, kubernetesExecutor))
        {
            if ((string?)container.Container["image"] is not { } image || !OfficialRepositories.Contains(ImageReference.Parse(image).Repository, StringComparer.Ordinal))
            {
                continue;
            }

            var installs = (container.PodSpec["initContainers"] as JsonArray ?? []).OfType<JsonObject>().Any(c => (string?)c["name"] == InstallContainer)
                && container.Env("PYTHONPATH") is { Length: > 0 };
            if (!installs)
            {
                yield return Found(container.Object, $"{container.Field}.image",
                    $"container {container.Name} runs the tasks of {string.Join(" and ", dags)} on {image}, the official image without the PySpark client or the Spark provider, and nothing installs them: every run fails at `from pyspark.sql import SparkSession`");
            }
        }
    }
    /// <summary>
    /// The containers that run task code: the scheduler Deployment's "scheduler" (LocalExecutor) or the "base" container of
    /// the KubernetesExecutor's pod template (kept in a ConfigMap, its pod labelled airflow-worker).
    /// </summary>
    private static IEnumerable<PodContainer> TaskContainers(SparkRenderModel model, bool kubernetesExecutor)
    {
        if (!kubernetesExecutor)
        {
            foreach (var document in model.Documents.Where(d => d.Object.PodSpec is not null
                && d.Object.Labels.GetValueOrDefault("app.kubernetes.io/component") == "airflow-scheduler"))
            {
                var containers = document.Object.PodSpec!["containers"] as JsonArray ?? [];
                for (var i = 0; i < containers.Count; i++)
                {
                    if (containers[i] is JsonObject container && (string?)container["name"] == "scheduler")
                    {
                        yield return new PodContainer(document.Object.DisplayName, document.Component, $"spec.template.spec.containers[{i}]", container, document.Object.PodSpec!);
                    }
                }
            }

            yield break;
        }

        foreach (var (component, template) in model.PodTemplates)
        {
            if (template.Spec is not { } spec || (string?)template.Pod["metadata"]?["labels"]?["app.kubernetes.io/component"] != "airflow-worker")
            {
                continue;
            }

            var containers = spec["containers"] as JsonArray ?? [];
            for (var i = 0; i < containers.Count; i++)
            {
                if (containers[i] is JsonObject container && (string?)container["name"] == "base")
                {
                    yield return new PodContainer(template.Object, component, $"{template.Field}: spec.containers[{i}]", container, spec);
                }
            }
        }
    }
}
