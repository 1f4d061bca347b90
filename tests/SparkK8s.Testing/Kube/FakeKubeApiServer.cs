using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SparkK8s.Testing.Kube;

/// <summary>One request the fake API server received.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string Body);

/// <summary>
/// A Kubernetes API server on 127.0.0.1 that serves recorded API responses from JSON fixtures
/// (tests/fixtures/kube/&lt;scenario&gt;/, files named after the API path: api/v1/namespaces/spark/pods.json is the
/// PodList of GET /api/v1/namespaces/spark/pods). Several scenario folders layer, later ones win per file.
/// It behaves like the real server where the commands depend on it: lists filter by labelSelector and fieldSelector,
/// one object is read from its list (404 Status when missing), namespaced lists in a missing namespace are empty
/// (as the real API does), forbidden.json lists verb+path prefixes answered with a 403 Status in the real wording,
/// pods/log serves pods/NAME/log.txt (log.previous.txt with previous=true), DELETE and PATCH are recorded and applied:
/// a deleted pod owned by a controller is replaced by a ready pod (after <see cref="ReplacementDelay"/>), and a patch of
/// the scale subresource sets spec.replicas and, after <see cref="ReplacementDelay"/>, status.readyReplicas.
/// </summary>
public sealed class FakeKubeApiServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Dictionary<string, JsonObject> _documents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _texts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _binaries = new(StringComparer.Ordinal);
    private readonly List<(string Verb, string Prefix)> _forbidden = [];
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Task _loop;
    private int _replacements;

    private FakeKubeApiServer(IEnumerable<string> scenarioDirectories)
    {
        foreach (var directory in scenarioDirectories)
        {
            Load(directory);
        }

        // A port that was free a moment ago can be taken by a parallel test before the listener binds it: try again.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            Url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
            _listener = new HttpListener();
            _listener.Prefixes.Add(Url + "/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 20)
            {
                CloseQuietly(_listener);
            }
        }

        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    /// <summary>How long a controller takes to bring a replacement pod or scaled replicas to ready.</summary>
    public TimeSpan ReplacementDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    /// <summary>Called with each request before it is answered (a test can change the state a command is about to read).</summary>
    public Action<RecordedRequest>? OnRequest { get; set; }

    public IReadOnlyList<RecordedRequest> Mutations => _requests.Where(r => r.Method is "DELETE" or "PATCH" or "POST" or "PUT").ToList();

    /// <summary>Starts a server over the scenario folders under tests/fixtures/kube, in layering order.</summary>
    public static FakeKubeApiServer Start(params string[] scenarios) =>
        new(scenarios.Select(s => Path.Combine(RepoPaths.Root, "tests", "fixtures", "kube", s)));

    /// <summary>Writes a kubeconfig whose context <paramref name="context"/> points at this server, with a bearer token.</summary>
    public string WriteKubeconfig(string directory, string context = "fake")
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {Url}
            users:
            - name: tester
              user:
                token: fake-token
            contexts:
            - name: {context}
              context:
                cluster: fake
                user: tester
                namespace: spark
            - name: other
              context:
                cluster: fake
                user: tester
            current-context: {context}
            """);
        return path;
    }

    /// <summary>Answers <paramref name="verb"/> (get, list, delete, patch) on paths starting with <paramref name="pathPrefix"/> with 403.</summary>
    public void Forbid(string verb, string pathPrefix)
    {
        lock (_gate)
        {
            _forbidden.Add((verb, pathPrefix));
        }
    }

    /// <summary>Replaces or adds one object in a list (e.g. to change a pod while a command polls).</summary>
    public void Upsert(string listPath, JsonObject item)
    {
        lock (_gate)
        {
            var items = Items(listPath) ?? throw new InvalidOperationException($"no list at {listPath}");
            var name = Name(item);
            var index = items.Select((node, i) => (node, i)).FirstOrDefault(p => Name(p.node as JsonObject) == name, (null!, -1)).Item2;
            if (index >= 0)
            {
                items[index] = item;
            }
            else
            {
                items.Add(item);
            }
        }
    }

    /// <summary>The current items of a list, as the server would serve them.</summary>
    public IReadOnlyList<JsonObject> List(string listPath)
    {
        lock (_gate)
        {
            return Items(listPath)?.Select(i => (JsonObject)i!.DeepClone()).ToList() ?? [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        // Close only: after Stop, the managed listener's Close binds the port again to unregister it, which fails
        // when a parallel test has taken the port meanwhile.
        CloseQuietly(_listener);
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static void CloseQuietly(HttpListener listener)
    {
        try
        {
            listener.Close();
        }
        catch (HttpListenerException)
        {
        }
    }

    private void Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException(directory);
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var relative = "/" + Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative == "/forbidden.json")
            {
                foreach (var rule in JsonNode.Parse(File.ReadAllText(file))!.AsArray())
                {
                    _forbidden.Add(((string)rule!["verb"]!, (string)rule["path"]!));
                }
            }
            else if (relative.EndsWith(".json", StringComparison.Ordinal))
            {
                _documents[relative[..^".json".Length]] = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            }
            else if (relative.EndsWith(".txt", StringComparison.Ordinal))
            {
                _texts[relative[..^".txt".Length]] = File.ReadAllText(file);
            }
            else if (relative.EndsWith(".hex", StringComparison.Ordinal))
            {
                _binaries[relative[..^".hex".Length]] = Convert.FromHexString(string.Concat(File.ReadAllText(file).Where(char.IsAsciiHexDigit)));
            }
        }
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath.TrimEnd('/');
        var query = System.Web.HttpUtility.ParseQueryString(request.Url.Query);
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        var recorded = new RecordedRequest(request.HttpMethod, path, request.Url.Query, body);
        _requests.Enqueue(recorded);
        OnRequest?.Invoke(recorded);
        if (request.IsWebSocketRequest && path.EndsWith("/portforward", StringComparison.Ordinal))
        {
            await PortForwardAsync(context, path[..^"/portforward".Length], query["ports"]);
            return;
        }
        try
        {
            (int status, string contentType, string content) answer;
            try
            {
                answer = Respond(request.HttpMethod, path, query, body);
            }
            catch (Exception ex) when (ex is not (HttpListenerException or ObjectDisposedException))
            {
                // A fixture or fake bug must fail the test with a visible answer, not hang the client until its timeout.
                answer = Json(500, Status(500, "InternalError", $"fake API server: {ex.GetType().Name}: {ex.Message}"));
            }

            var (status, contentType, content) = answer;
            var bytes = Encoding.UTF8.GetBytes(content);
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
        {
        }
    }

    /// <summary>
    /// pods/portforward over WebSocket, channel protocol v4.channel.k8s.io as the kubelet speaks it: the server first
    /// sends the port (2 bytes, little endian) on the data channel 0 and the error channel 1; each client message is a
    /// channel byte and data. The reply is the fixture pods/NAME/portforward-PORT (.txt or .hex) on channel 0, or,
    /// when there is none, the kubelet's "connection refused" on channel 1.
    /// </summary>
    private async Task PortForwardAsync(HttpListenerContext context, string podPath, string? portText)
    {
        var port = int.Parse(portText ?? "0", CultureInfo.InvariantCulture);
        var socket = (await context.AcceptWebSocketAsync("v4.channel.k8s.io")).WebSocket;
        byte low = (byte)(port & 0xff), high = (byte)(port >> 8);
        await socket.SendAsync(new byte[] { 0, low, high }, System.Net.WebSockets.WebSocketMessageType.Binary, true, _stop.Token);
        await socket.SendAsync(new byte[] { 1, low, high }, System.Net.WebSockets.WebSocketMessageType.Binary, true, _stop.Token);
        var buffer = new byte[65536];
        var received = await socket.ReceiveAsync(buffer, _stop.Token);
        var key = $"{podPath}/portforward-{port.ToString(CultureInfo.InvariantCulture)}";
        byte[]? reply;
        lock (_gate)
        {
            reply = _binaries.TryGetValue(key, out var binary) ? binary : _texts.TryGetValue(key, out var text) ? Encoding.UTF8.GetBytes(text.ReplaceLineEndings("\r\n")) : null;
        }

        if (received.MessageType != System.Net.WebSockets.WebSocketMessageType.Close)
        {
            byte[] message = reply is not null
                ? [0, .. reply]
                : (byte[])[1, .. Encoding.UTF8.GetBytes($"error forwarding port {port} to pod {Segment(podPath, -1)}: failed to connect to localhost:{port} inside namespace: dial tcp4 127.0.0.1:{port}: connect: connection refused")];
            await socket.SendAsync(message, System.Net.WebSockets.WebSocketMessageType.Binary, true, _stop.Token);
        }

        await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, _stop.Token);
    }

    private (int Status, string ContentType, string Content) Respond(string method, string path, System.Collections.Specialized.NameValueCollection query, string body)
    {
        lock (_gate)
        {
            var verb = method switch
            {
                "GET" when (_documents.TryGetValue(path, out var doc) && doc["items"] is JsonArray) || IsNamespacedList(path, out _) => "list",
                "GET" => "get",
                "DELETE" => "delete",
                "PATCH" => "patch",
                _ => method.ToLowerInvariant(),
            };
            if (_forbidden.FirstOrDefault(f => f.Verb == verb && path.StartsWith(f.Prefix, StringComparison.Ordinal)) is { Prefix: not null })
            {
                return Json(403, Forbidden(verb, path));
            }

            if (method == "GET" && path.EndsWith("/log", StringComparison.Ordinal))
            {
                var key = path[..^"/log".Length] + (query["previous"] == "true" ? "/log.previous" : "/log");
                if (!_texts.TryGetValue(key, out var log))
                {
                    return Json(404, Status(404, "NotFound", $"pods \"{Segment(path, -2)}\" not found"));
                }

                var tail = int.TryParse(query["tailLines"], CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
                var lines = log.TrimEnd('\n').Split('\n');
                return (200, "text/plain", string.Join('\n', lines.Skip(Math.Max(0, lines.Length - tail))) + "\n");
            }

            if (path.EndsWith("/scale", StringComparison.Ordinal))
            {
                return Scale(method, path[..^"/scale".Length], body);
            }

            if (method == "GET" && _documents.TryGetValue(path, out var document))
            {
                return document["items"] is JsonArray ? Json(200, Filter(document, query)) : Json(200, document);
            }

            var parent = path[..Math.Max(0, path.LastIndexOf('/'))];
            var name = path[(path.LastIndexOf('/') + 1)..];
            if (Items(parent) is { } items)
            {
                var item = items.OfType<JsonObject>().FirstOrDefault(i => Name(i) == name);
                if (item is null)
                {
                    return Json(404, Status(404, "NotFound", $"{Segment(parent, -1)} \"{name}\" not found"));
                }

                if (method == "DELETE")
                {
                    items.Remove(item);
                    ReplaceLater(parent, item);
                    return Json(200, item);
                }

                return Json(200, item);
            }

            if (method == "GET" && IsNamespacedList(path, out var collection))
            {
                // The real API answers a list in a namespace that does not exist with an empty list, not a 404.
                return Json(200, new JsonObject { ["kind"] = ListKind(collection), ["apiVersion"] = ApiVersionOf(path), ["metadata"] = new JsonObject { ["resourceVersion"] = "1" }, ["items"] = new JsonArray() });
            }

            return Json(404, Status(404, "NotFound", "the server could not find the requested resource"));
        }
    }

    private (int, string, string) Scale(string method, string workloadPath, string body)
    {
        var parent = workloadPath[..workloadPath.LastIndexOf('/')];
        var name = workloadPath[(workloadPath.LastIndexOf('/') + 1)..];
        var workload = Items(parent)?.OfType<JsonObject>().FirstOrDefault(i => Name(i) == name);
        if (workload is null)
        {
            return Json(404, Status(404, "NotFound", $"{Segment(parent, -1)} \"{name}\" not found"));
        }

        if (method == "PATCH")
        {
            var replicas = (int)JsonNode.Parse(body)!["spec"]!["replicas"]!;
            workload["spec"]!["replicas"] = replicas;
            var delay = ReplacementDelay;
            _ = Task.Run(async () =>
            {
                await Task.Delay(delay);
                lock (_gate)
                {
                    var status = workload["status"] as JsonObject ?? [];
                    workload["status"] = status;
                    status["replicas"] = replicas;
                    status["readyReplicas"] = replicas;
                    status["availableReplicas"] = replicas;
                }
            });
        }

        return Json(200, new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = workload["metadata"]?["namespace"]?.DeepClone() },
            ["spec"] = new JsonObject { ["replicas"] = workload["spec"]?["replicas"]?.DeepClone() },
            ["status"] = new JsonObject { ["replicas"] = workload["status"]?["replicas"]?.DeepClone() ?? 0 },
        });
    }

    /// <summary>A controller-owned pod comes back as a new ready pod with a new name and uid, as a ReplicaSet or StatefulSet does.</summary>
    private void ReplaceLater(string listPath, JsonObject deleted)
    {
        if (deleted["metadata"]?["ownerReferences"] is not JsonArray { Count: > 0 } owners || !listPath.EndsWith("/pods", StringComparison.Ordinal))
        {
            return;
        }

        var number = Interlocked.Increment(ref _replacements);
        var replacement = (JsonObject)deleted.DeepClone();
        var oldName = Name(deleted)!;
        var statefulSet = owners.Any(o => (string?)o?["kind"] == "StatefulSet");
        var newName = statefulSet ? oldName : $"{oldName[..oldName.LastIndexOf('-')]}-r{number.ToString(CultureInfo.InvariantCulture)}x";
        replacement["metadata"]!["name"] = newName;
        replacement["metadata"]!["uid"] = Guid.NewGuid().ToString();
        replacement["metadata"]!["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var delay = ReplacementDelay;
        _ = Task.Run(async () =>
        {
            await Task.Delay(delay);
            lock (_gate)
            {
                Items(listPath)?.Add(replacement);
            }
        });
    }

    private JsonArray? Items(string listPath) => _documents.TryGetValue(listPath, out var list) ? list["items"] as JsonArray : null;

    private static JsonObject Filter(JsonObject list, System.Collections.Specialized.NameValueCollection query)
    {
        var copy = (JsonObject)list.DeepClone();
        var items = (JsonArray)copy["items"]!;
        var labels = Selector(query["labelSelector"]);
        var fields = Selector(query["fieldSelector"]);
        foreach (var item in items.ToList())
        {
            var keep = labels.All(s => s.Matches((string?)item!["metadata"]?["labels"]?[s.Key]))
                && fields.All(s => s.Matches(FieldValue(item!, s.Key)));
            if (!keep)
            {
                items.Remove(item);
            }
        }

        return copy;
    }

    private static string? FieldValue(JsonNode item, string dotted)
    {
        JsonNode? node = item;
        foreach (var part in dotted.Split('.'))
        {
            node = node?[part];
        }

        return node is JsonValue value ? value.ToString() : null;
    }

    private sealed record Requirement(string Key, string? Value, bool Equal)
    {
        public bool Matches(string? actual) => Value is null ? actual is not null : Equal ? actual == Value : actual != Value;
    }

    private static List<Requirement> Selector(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part =>
                part.Contains("!=", StringComparison.Ordinal) ? new Requirement(part[..part.IndexOf("!=", StringComparison.Ordinal)], part[(part.IndexOf("!=", StringComparison.Ordinal) + 2)..], false)
                : part.Contains('=', StringComparison.Ordinal) ? new Requirement(part[..part.IndexOf('=')], part[(part.IndexOf('=') + 1)..].TrimStart('='), true)
                : new Requirement(part, null, true)).ToList();

    private static bool IsNamespacedList(string path, out string collection)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var index = Array.IndexOf(parts, "namespaces");
        collection = index >= 0 && parts.Length == index + 3 ? parts[^1] : string.Empty;
        return collection.Length > 0;
    }

    private static string ListKind(string collection) => collection switch
    {
        "pods" => "PodList",
        "events" => "EventList",
        "jobs" => "JobList",
        "secrets" => "SecretList",
        "persistentvolumeclaims" => "PersistentVolumeClaimList",
        "endpointslices" => "EndpointSliceList",
        "deployments" => "DeploymentList",
        "statefulsets" => "StatefulSetList",
        _ => "List",
    };

    private static string ApiVersionOf(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts[0] == "api" ? parts[1] : $"{parts[1]}/{parts[2]}";
    }

    private static string? Name(JsonObject? item) => (string?)item?["metadata"]?["name"];

    private static string Segment(string path, int fromEnd)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts[parts.Length + fromEnd];
    }

    /// <summary>The Status object the real API server sends with a 403 (RBAC authorizer wording).</summary>
    private static JsonObject Forbidden(string verb, string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0] is not ("api" or "apis"))
        {
            var nonResource = Status(403, "Forbidden", $"forbidden: User \"system:serviceaccount:ci:runner\" cannot {verb} path \"{path}\"");
            nonResource["details"] = new JsonObject();
            return nonResource;
        }

        var group = parts[0] == "api" ? string.Empty : parts[1];
        var nsIndex = Array.IndexOf(parts, "namespaces");
        var resource = nsIndex >= 0 && parts.Length > nsIndex + 2 ? parts[nsIndex + 2] : parts[^1];
        var ns = nsIndex >= 0 && parts.Length > nsIndex + 2 ? parts[nsIndex + 1] : null;
        var message = $"{resource} is forbidden: User \"system:serviceaccount:ci:runner\" cannot {verb} resource \"{resource}\" in API group \"{group}\""
            + (ns is null ? " at the cluster scope" : $" in the namespace \"{ns}\"");
        var status = Status(403, "Forbidden", message);
        status["details"] = new JsonObject { ["kind"] = resource };
        return status;
    }

    private static JsonObject Status(int code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };

    private static (int, string, string) Json(int status, JsonObject body) => (status, "application/json", body.ToJsonString());
}
