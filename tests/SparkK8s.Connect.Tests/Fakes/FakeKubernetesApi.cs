using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SparkK8s.Connect.Tests.Fakes;

/// <summary>
/// A Kubernetes API server on loopback for the --release path, spoken to by the real KubernetesClient: namespaces,
/// pods and Secrets by label selector (JSON in the API's v1 shapes), Status objects for 403/404, and the pods/portforward
/// WebSocket subresource (v4.channel.k8s.io: per port a data channel 0 and an error channel 1, each opened by a frame
/// carrying the port number, then frames of [channel][bytes]) bridged to a local TCP port.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeKubernetesApi(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    public string Url { get; }
    public List<JsonObject> Pods { get; } = [];
    public List<JsonObject> Secrets { get; } = [];
    public HashSet<string> Namespaces { get; } = ["spark"];

    /// <summary>Pod name → local TCP port that its port-forward leads to.</summary>
    public ConcurrentDictionary<string, int> ForwardTargets { get; } = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Resources ("pods", "secrets") the kubeconfig user may not list: 403 as the API server answers.</summary>
    public HashSet<string> Forbidden { get; } = [];

    /// <summary>
    /// Objects of the API groups (apis/GROUP/VERSION/namespaces/NS/RESOURCE), keyed "GROUP/VERSION/RESOURCE", e.g.
    /// "batch/v1/jobs" or "sparkoperator.k8s.io/v1beta2/sparkapplications". A key that is absent answers 404, as the API
    /// server does for a CRD that is not installed. POST creates (409 when the name exists), GET reads or lists, DELETE removes.
    /// </summary>
    public ConcurrentDictionary<string, List<JsonObject>> Objects { get; } = new(StringComparer.Ordinal)
    {
        ["batch/v1/jobs"] = [],
        ["batch/v1/cronjobs"] = [],
    };

    /// <summary>
    /// Recorded status progressions per resource key: each GET of an object created through the API sets its status to
    /// the next entry (the last one stays), the way a controller moves it on between polls.
    /// </summary>
    public ConcurrentDictionary<string, List<JsonObject>> StatusProgressions { get; } = new(StringComparer.Ordinal);

    /// <summary>Called with the resource key and the object after a create (e.g. to add the driver pod a controller would start).</summary>
    public Action<string, JsonObject>? OnCreate { get; set; }

    /// <summary>Resource keys (as in <see cref="Objects"/>) where create is refused with 403.</summary>
    public HashSet<string> ForbiddenCreate { get; } = [];

    /// <summary>Container logs by pod name (GET .../pods/NAME/log, tailLines applied).</summary>
    public ConcurrentDictionary<string, string> PodLogs { get; } = new();

    /// <summary>"RESOURCE-KEY/NAME" of every object deleted through the API, in order.</summary>
    public ConcurrentQueue<string> Deleted { get; } = new();

    private readonly ConcurrentDictionary<string, int> steps = new();

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        FakeKubernetesApi? api = null;
        app.Run(context => api!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        api = new FakeKubernetesApi(app, address);
        return api;
    }

    public static JsonObject Pod(string name, IReadOnlyDictionary<string, string> labels, bool ready = true, params (string Name, int Port)[] ports)
    {
        var container = new JsonObject
        {
            ["name"] = "main",
            ["image"] = "apache/spark:4.1.0",
            ["ports"] = new JsonArray(ports.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["containerPort"] = p.Port, ["protocol"] = "TCP" }).ToArray()),
        };
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = "spark",
                ["uid"] = Guid.NewGuid().ToString(),
                ["creationTimestamp"] = "2026-11-30T10:00:00Z",
                ["labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))),
            },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(container) },
            ["status"] = new JsonObject
            {
                ["phase"] = ready ? "Running" : "Pending",
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }),
            },
        };
    }

    public static JsonObject Secret(string name, IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string> data) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = "spark",
            ["labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))),
        },
        ["type"] = "Opaque",
        ["data"] = new JsonObject(data.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(d.Value))))),
    };

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(stopping.Token);
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!.Trim('/').Split('/');
        Requests.Enqueue(context.Request.Path + context.Request.QueryString);

        if (path.Length >= 6 && path[0] == "apis" && path[3] == "namespaces")
        {
            await GroupResourceAsync(context, path);
            return;
        }

        // api/v1/namespaces/{ns}[/{resource}[/{name}[/{subresource}]]]
        if (path.Length < 4 || path[0] != "api" || path[1] != "v1" || path[2] != "namespaces")
        {
            await StatusAsync(context, 404, "NotFound", "the server could not find the requested resource");
            return;
        }

        var ns = path[3];
        if (path.Length == 4)
        {
            await (Namespaces.Contains(ns)
                ? JsonAsync(context, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } })
                : StatusAsync(context, 404, "NotFound", $"namespaces \"{ns}\" not found"));
            return;
        }

        var resource = path[4];
        if (Forbidden.Contains(resource))
        {
            await StatusAsync(context, 403, "Forbidden", $"{resource} is forbidden: User \"system:serviceaccount:ci:smoke\" cannot list resource \"{resource}\" in API group \"\" in the namespace \"{ns}\"");
            return;
        }

        var items = (resource == "pods" ? Pods : Secrets).Where(o => o["metadata"]!["namespace"]!.GetValue<string>() == ns).ToList();
        if (path.Length == 5)
        {
            var selector = context.Request.Query["labelSelector"].ToString();
            var selected = items.Where(o => Matches(o, selector)).Select(o => o.DeepClone()).ToArray();
            await JsonAsync(context, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = resource == "pods" ? "PodList" : "SecretList",
                ["metadata"] = new JsonObject { ["resourceVersion"] = "1234" },
                ["items"] = new JsonArray(selected),
            });
            return;
        }

        var found = items.FirstOrDefault(o => o["metadata"]!["name"]!.GetValue<string>() == path[5]);
        if (found is null)
        {
            await StatusAsync(context, 404, "NotFound", $"{resource} \"{path[5]}\" not found");
            return;
        }

        if (path.Length == 7 && path[6] == "portforward" && context.WebSockets.IsWebSocketRequest && ForwardTargets.TryGetValue(path[5], out var target))
        {
            await ForwardAsync(context, int.Parse(context.Request.Query["ports"].ToString(), System.Globalization.CultureInfo.InvariantCulture), target);
            return;
        }

        if (path.Length == 7 && path[6] == "log")
        {
            var log = PodLogs.TryGetValue(path[5], out var text) ? text : string.Empty;
            var lines = log.TrimEnd('\n').Split('\n');
            var tail = int.TryParse(context.Request.Query["tailLines"].ToString(), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : lines.Length;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(string.Join('\n', lines.Skip(Math.Max(0, lines.Length - tail))) + "\n");
            return;
        }

        await JsonAsync(context, found);
    }

    /// <summary>apis/{group}/{version}/namespaces/{ns}/{resource}[/{name}]: list, create, read, delete.</summary>
    private async Task GroupResourceAsync(HttpContext context, string[] path)
    {
        var key = $"{path[1]}/{path[2]}/{path[5]}";
        var ns = path[4];
        var method = context.Request.Method;
        if (!Objects.TryGetValue(key, out var store))
        {
            await StatusAsync(context, 404, "NotFound", "the server could not find the requested resource");
            return;
        }

        if (Forbidden.Contains(path[5]) || (method == "POST" && ForbiddenCreate.Contains(key)))
        {
            var verb = method switch { "POST" => "create", "DELETE" => "delete", _ => path.Length == 6 ? "list" : "get" };
            await StatusAsync(context, 403, "Forbidden", $"{path[5]}.{path[1]} is forbidden: User \"system:serviceaccount:ci:smoke\" cannot {verb} resource \"{path[5]}\" in API group \"{path[1]}\" in the namespace \"{ns}\"");
            return;
        }

        if (path.Length == 6 && method == "POST")
        {
            var created = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            var name = created["metadata"]!["name"]!.GetValue<string>();
            lock (store)
            {
                if (store.Any(o => Name(o) == name))
                {
                    created = null;
                }
                else
                {
                    created["metadata"]!["namespace"] = ns;
                    created["metadata"]!["uid"] = Guid.NewGuid().ToString();
                    created["metadata"]!["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
                    store.Add(created);
                }
            }

            if (created is null)
            {
                await StatusAsync(context, 409, "AlreadyExists", $"{path[5]}.{path[1]} \"{name}\" already exists");
                return;
            }

            OnCreate?.Invoke(key, created);
            context.Response.StatusCode = 201;
            await JsonAsync(context, created.DeepClone());
            return;
        }

        if (path.Length == 6)
        {
            var selector = context.Request.Query["labelSelector"].ToString();
            JsonNode[] selected;
            lock (store)
            {
                selected = store.Where(o => o["metadata"]?["namespace"]?.GetValue<string>() == ns && Matches(o, selector)).Select(o => o.DeepClone()).ToArray();
            }

            await JsonAsync(context, new JsonObject
            {
                ["apiVersion"] = $"{path[1]}/{path[2]}",
                ["kind"] = "List",
                ["metadata"] = new JsonObject { ["resourceVersion"] = "1234" },
                ["items"] = new JsonArray(selected),
            });
            return;
        }

        JsonObject? found;
        lock (store)
        {
            found = store.FirstOrDefault(o => Name(o) == path[6] && o["metadata"]?["namespace"]?.GetValue<string>() == ns);
            if (found is not null && method == "DELETE")
            {
                store.Remove(found);
                Deleted.Enqueue($"{key}/{path[6]}");
            }
            else if (found is not null && StatusProgressions.TryGetValue(key, out var progression) && progression.Count > 0)
            {
                var step = steps.AddOrUpdate($"{key}/{path[6]}", 0, (_, s) => s + 1);
                found["status"] = progression[Math.Min(step, progression.Count - 1)].DeepClone();
            }
        }

        if (found is null)
        {
            await StatusAsync(context, 404, "NotFound", $"{path[5]}.{path[1]} \"{path[6]}\" not found");
            return;
        }

        await JsonAsync(context, found.DeepClone());
    }

    private static string? Name(JsonObject item) => item["metadata"]?["name"]?.GetValue<string>();

    private static async Task ForwardAsync(HttpContext context, int port, int target)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync("v4.channel.k8s.io");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, target);
        var stream = tcp.GetStream();
        var portBytes = new[] { (byte)(port & 0xff), (byte)(port >> 8) };
        await socket.SendAsync(new byte[] { 0, portBytes[0], portBytes[1] }, WebSocketMessageType.Binary, true, CancellationToken.None);
        await socket.SendAsync(new byte[] { 1, portBytes[0], portBytes[1] }, WebSocketMessageType.Binary, true, CancellationToken.None);
        using var done = new CancellationTokenSource();
        var fromPod = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            buffer[0] = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(1), done.Token)) > 0)
            {
                await socket.SendAsync(buffer.AsMemory(0, read + 1), WebSocketMessageType.Binary, true, done.Token);
            }
        });
        var toPod = Task.Run(async () =>
        {
            // Every client frame is [channel][data]; each receive here is one frame (the buffer is larger than any frame).
            var buffer = new byte[1024 * 1024];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, done.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (result.Count > 1)
                {
                    await stream.WriteAsync(buffer.AsMemory(1, result.Count - 1), done.Token);
                }
            }
        });
        try
        {
            await Task.WhenAny(fromPod, toPod);
        }
        finally
        {
            await done.CancelAsync();
        }
    }

    private static bool Matches(JsonObject item, string selector)
    {
        var labels = item["metadata"]!["labels"] as JsonObject;
        foreach (var term in selector.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = term.Split('=');
            if (labels?[parts[0]]?.GetValue<string>() != parts[1])
            {
                return false;
            }
        }

        return true;
    }

    private static Task JsonAsync(HttpContext context, JsonNode body)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task StatusAsync(HttpContext context, int code, string reason, string message)
    {
        context.Response.StatusCode = code;
        return JsonAsync(context, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        });
    }
}
