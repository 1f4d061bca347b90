using System.Collections.Concurrent;
using System.Net;
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
/// An Airflow 3 api-server on loopback, answering the calls smoke makes with the response shapes of apache/airflow
/// airflow-core/src/airflow/api_fastapi/core_api/openapi/v2-rest-api-generated.yaml: POST /auth/token
/// ({access_token}, 401 {"detail"} on bad credentials), bearer-only /api/v2 (401 "Not authenticated" without it),
/// DAGCollectionResponse filtered by tags, PATCH of is_paused, TriggerDAGRunPostBody with its required logical_date
/// (422 HTTPValidationError when missing), DAGRunResponse whose state follows <see cref="RunStates"/> per poll, and
/// TaskInstanceCollectionResponse.
/// </summary>
public sealed class FakeAirflowServer : IAsyncDisposable
{
    private const string Token = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.fake.signature";
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, int> polls = new();

    private FakeAirflowServer(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    public string Url { get; }
    public int Port => new Uri(Url).Port;
    public string Username { get; set; } = "admin";
    public string Password { get; set; } = "s3cret-admin-pw";

    /// <summary>dag_id → (is_paused, tags).</summary>
    public ConcurrentDictionary<string, (bool Paused, string[] Tags)> Dags { get; } = new();

    /// <summary>dag_id → the states a triggered run reports on successive GETs (the last one stays).</summary>
    public ConcurrentDictionary<string, string[]> RunStates { get; } = new();

    /// <summary>dag_id → the task instances of its runs (task_id, state, try_number).</summary>
    public ConcurrentDictionary<string, (string TaskId, string State, int Try)[]> Tasks { get; } = new();

    /// <summary>"METHOD path body" of each request (the token call's body is not kept).</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public static async Task<FakeAirflowServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeAirflowServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeAirflowServer(app, address);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(stopping.Token);
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!.TrimEnd('/');
        var method = context.Request.Method;
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
        if (path == "/auth/token" && method == "POST")
        {
            Requests.Enqueue("POST /auth/token");
            var login = JsonNode.Parse(body);
            if ((string?)login?["username"] == Username && (string?)login?["password"] == Password)
            {
                await JsonAsync(context, 201, new JsonObject { ["access_token"] = Token });
                return;
            }

            await JsonAsync(context, 401, new JsonObject { ["detail"] = "Invalid credentials" });
            return;
        }

        Requests.Enqueue($"{method} {path}{context.Request.QueryString} {body}");
        if (context.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            await JsonAsync(context, 401, new JsonObject { ["detail"] = "Not authenticated" });
            return;
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts is ["api", "v2", "dags"] && method == "GET")
        {
            var tags = context.Request.Query["tags"].ToArray();
            var dags = Dags.Where(d => tags.Length == 0 || d.Value.Tags.Intersect(tags!).Any()).OrderBy(d => d.Key).Select(d => (JsonNode)Dag(d.Key, d.Value)).ToArray();
            await JsonAsync(context, 200, new JsonObject { ["dags"] = new JsonArray(dags), ["total_entries"] = dags.Length });
            return;
        }

        if (parts.Length < 4 || parts[0] != "api" || parts[1] != "v2" || parts[2] != "dags" || !Dags.TryGetValue(parts[3], out var dag))
        {
            await JsonAsync(context, 404, new JsonObject { ["detail"] = $"The Dag with ID: `{(parts.Length > 3 ? parts[3] : string.Empty)}` was not found" });
            return;
        }

        var dagId = parts[3];
        if (parts.Length == 4 && method == "PATCH")
        {
            var paused = (bool)JsonNode.Parse(body)!["is_paused"]!;
            Dags[dagId] = (paused, dag.Tags);
            await JsonAsync(context, 200, Dag(dagId, Dags[dagId]));
            return;
        }

        if (parts.Length == 5 && parts[4] == "dagRuns" && method == "POST")
        {
            var trigger = JsonNode.Parse(body)!.AsObject();
            if (!trigger.ContainsKey("logical_date"))
            {
                await JsonAsync(context, 422, new JsonObject
                {
                    ["detail"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "missing",
                        ["loc"] = new JsonArray("body", "logical_date"),
                        ["msg"] = "Field required",
                        ["input"] = trigger.DeepClone(),
                    }),
                });
                return;
            }

            await JsonAsync(context, 200, Run(dagId, "queued", (string?)trigger["note"]));
            return;
        }

        if (parts.Length == 6 && parts[4] == "dagRuns" && method == "GET")
        {
            var states = RunStates.TryGetValue(dagId, out var configured) ? configured : ["success"];
            var poll = polls.AddOrUpdate(dagId, 0, (_, n) => n + 1);
            await JsonAsync(context, 200, Run(dagId, states[Math.Min(poll, states.Length - 1)], null));
            return;
        }

        if (parts.Length == 7 && parts[6] == "taskInstances" && method == "GET")
        {
            var tasks = (Tasks.TryGetValue(dagId, out var configured) ? configured : []).Select(t => (JsonNode)TaskInstance(dagId, t)).ToArray();
            await JsonAsync(context, 200, new JsonObject { ["task_instances"] = new JsonArray(tasks), ["total_entries"] = tasks.Length });
            return;
        }

        await JsonAsync(context, 404, new JsonObject { ["detail"] = "Not Found" });
    }

    private static string RunId(string dagId) => $"manual__2026-12-01T14:00:00.123456+00:00";

    /// <summary>DAGResponse (the fields of the 3.x schema).</summary>
    private static JsonObject Dag(string dagId, (bool Paused, string[] Tags) dag) => new()
    {
        ["dag_id"] = dagId,
        ["dag_display_name"] = dagId,
        ["is_paused"] = dag.Paused,
        ["is_stale"] = false,
        ["last_parsed_time"] = "2026-12-01T13:59:40.511223Z",
        ["last_parse_duration"] = 0.412,
        ["last_expired"] = null,
        ["bundle_name"] = "dags-folder",
        ["bundle_version"] = null,
        ["relative_fileloc"] = $"{dagId}.py",
        ["fileloc"] = $"/opt/airflow/dags/{dagId}.py",
        ["description"] = null,
        ["timetable_summary"] = null,
        ["timetable_description"] = "Never, external triggers only",
        ["tags"] = new JsonArray(dag.Tags.Select(t => (JsonNode)new JsonObject { ["name"] = t, ["dag_id"] = dagId }).ToArray()),
        ["max_active_tasks"] = 16,
        ["max_active_runs"] = 16,
        ["max_consecutive_failed_dag_runs"] = 0,
        ["has_task_concurrency_limits"] = false,
        ["has_import_errors"] = false,
        ["next_dagrun_logical_date"] = null,
        ["next_dagrun_data_interval_start"] = null,
        ["next_dagrun_data_interval_end"] = null,
        ["next_dagrun_run_after"] = null,
        ["owners"] = new JsonArray("spark-k8s"),
        ["file_token"] = "Ii9vcHQvYWlyZmxvdy9kYWdzIg.token",
    };

    /// <summary>DAGRunResponse.</summary>
    private static JsonObject Run(string dagId, string state, string? note) => new()
    {
        ["dag_run_id"] = RunId(dagId),
        ["dag_id"] = dagId,
        ["logical_date"] = null,
        ["queued_at"] = "2026-12-01T14:00:00.123456Z",
        ["start_date"] = state == "queued" ? null : "2026-12-01T14:00:01.000000Z",
        ["end_date"] = state is "success" or "failed" ? "2026-12-01T14:00:31.000000Z" : null,
        ["duration"] = state is "success" or "failed" ? 30.0 : null,
        ["data_interval_start"] = null,
        ["data_interval_end"] = null,
        ["run_after"] = "2026-12-01T14:00:00.123456Z",
        ["last_scheduling_decision"] = null,
        ["run_type"] = "manual",
        ["state"] = state,
        ["triggered_by"] = "rest_api",
        ["triggering_user_name"] = "admin",
        ["conf"] = new JsonObject(),
        ["note"] = note,
        ["dag_versions"] = new JsonArray(),
        ["bundle_version"] = null,
        ["dag_display_name"] = dagId,
    };

    /// <summary>TaskInstanceResponse.</summary>
    private static JsonObject TaskInstance(string dagId, (string TaskId, string State, int Try) task) => new()
    {
        ["id"] = "01938f4e-1f2a-7c3b-9d4e-5f6a7b8c9d0e",
        ["task_id"] = task.TaskId,
        ["dag_id"] = dagId,
        ["dag_run_id"] = RunId(dagId),
        ["map_index"] = -1,
        ["logical_date"] = null,
        ["run_after"] = "2026-12-01T14:00:00.123456Z",
        ["start_date"] = "2026-12-01T14:00:02.000000Z",
        ["end_date"] = "2026-12-01T14:00:30.000000Z",
        ["duration"] = 28.0,
        ["state"] = task.State,
        ["try_number"] = task.Try,
        ["max_tries"] = 1,
        ["task_display_name"] = task.TaskId,
        ["dag_display_name"] = dagId,
        ["hostname"] = "spark-spark-k8s-airflow-worker-x1",
        ["unixname"] = "airflow",
        ["pool"] = "default_pool",
        ["pool_slots"] = 1,
        ["queue"] = "default",
        ["priority_weight"] = 1,
        ["operator"] = "SparkSubmitOperator",
        ["operator_name"] = "SparkSubmitOperator",
        ["queued_when"] = "2026-12-01T14:00:01.500000Z",
        ["scheduled_when"] = "2026-12-01T14:00:01.200000Z",
        ["pid"] = 17,
        ["executor"] = "KubernetesExecutor",
        ["executor_config"] = "{}",
        ["note"] = null,
        ["rendered_map_index"] = null,
        ["rendered_fields"] = new JsonObject(),
        ["trigger"] = null,
        ["triggerer_job"] = null,
        ["dag_version"] = null,
    };

    private static Task JsonAsync(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }
}
