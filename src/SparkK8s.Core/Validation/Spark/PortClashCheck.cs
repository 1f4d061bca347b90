using System.Text.Json.Nodes;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK012: two ports that clash: the same containerPort and protocol twice in one pod (containers share the pod's network
/// namespace, so the second process cannot bind), a port name used twice in a pod, or the same port or name twice in a Service.
/// </summary>
public sealed class PortClashCheck() : SparkCheck(
    "SPK012",
    Severity.Error,
    "Two ports clash in a pod or a Service",
    "Give every container port in a pod, and every port of a Service, its own number and name (e.g. connect.ports.*)")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var (obj, _, prefix, spec) in PodContainers.PodSpecs(context.Model))
        {
            var ports = new List<(string Field, JsonObject Port)>();
            var containers = spec["containers"] as JsonArray ?? [];
            for (var c = 0; c < containers.Count; c++)
            {
                var list = containers[c]?["ports"] as JsonArray ?? [];
                for (var p = 0; p < list.Count; p++)
                {
                    if (list[p] is JsonObject port)
                    {
                        ports.Add(($"{prefix}.containers[{c}].ports[{p}]", port));
                    }
                }
            }

            foreach (var finding in Clashes(obj, ports, "containerPort"))
            {
                yield return finding;
            }
        }

        foreach (var service in context.Model.Objects.Where(o => o.Kind == "Service"))
        {
            var list = service.Body["spec"]?["ports"] as JsonArray ?? [];
            var ports = list.Select((p, i) => ($"spec.ports[{i}]", p as JsonObject)).Where(p => p.Item2 is not null).Select(p => (p.Item1, p.Item2!)).ToList();
            foreach (var finding in Clashes(service.DisplayName, ports, "port"))
            {
                yield return finding;
            }
        }
    }

    private IEnumerable<Finding> Clashes(string obj, List<(string Field, JsonObject Port)> ports, string numberField)
    {
        var numbers = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, port) in ports)
        {
            var number = port[numberField]?.ToString();
            var protocol = (string?)port["protocol"] ?? "TCP";
            if (number is not null && !numbers.TryAdd($"{number}/{protocol}", field))
            {
                yield return Found(obj, $"{field}.{numberField}", $"port {number}/{protocol} is already used by {numbers[$"{number}/{protocol}"]}");
            }

            if ((string?)port["name"] is { Length: > 0 } name && !names.TryAdd(name, field))
            {
                yield return Found(obj, $"{field}.name", $"port name '{name}' is already used by {names[name]}");
            }
        }
    }
}
