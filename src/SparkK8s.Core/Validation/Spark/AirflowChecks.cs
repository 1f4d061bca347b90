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
