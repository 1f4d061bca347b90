using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Operations.Smoke;

/// <summary>
/// The few calls of Airflow 3's public REST API (/api/v2) that smoke makes. Shapes and status codes are those of
/// apache/airflow airflow-core/src/airflow/api_fastapi/core_api/openapi/v2-rest-api-generated.yaml (DAGCollectionResponse,
/// DAGPatchBody, TriggerDAGRunPostBody with its required, nullable logical_date, DAGRunResponse,
/// TaskInstanceCollectionResponse); the JWT comes from POST /auth/token ({username, password} → {access_token}).
/// The password is sent once and never kept in a message.
/// </summary>
public sealed class AirflowApiClient(HttpClient http, Uri baseUrl)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private string? token;

    public Uri BaseUrl { get; } = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

    public async Task LoginAsync(string username, string password, string credentialSource, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl, "auth/token"))
        {
            Content = JsonContent.Create(new { username, password }),
        };
        using var response = await SendAsync(request, "auth/token", ct).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new OperationFailedException(
                $"Airflow at {BaseUrl} refused the admin credentials from {credentialSource} ({(int)response.StatusCode} {response.ReasonPhrase}); "
                + "check that the api-server's auth manager uses that Secret (the chart wires it) and that the user exists (airflow users / simple auth manager).");
        }

        var answer = await ReadAsync<TokenResponse>(response, "auth/token", ct).ConfigureAwait(false);
        token = answer.AccessToken is { Length: > 0 } value
            ? value
            : throw new OperationFailedException($"Airflow at {BaseUrl} answered POST /auth/token without an access_token.");
    }

    public async Task<IReadOnlyList<AirflowDag>> DagsAsync(string tag, CancellationToken ct) =>
        (await GetAsync<DagCollection>($"api/v2/dags?tags={Uri.EscapeDataString(tag)}&limit=100", ct).ConfigureAwait(false)).Dags ?? [];

    public Task<AirflowDag> SetPausedAsync(string dagId, bool paused, CancellationToken ct) =>
        CallAsync<AirflowDag>(HttpMethod.Patch, $"api/v2/dags/{Uri.EscapeDataString(dagId)}", new { is_paused = paused }, ct);

    /// <summary>Triggers a manual run now: logical_date must be present (null = no logical date, Airflow 3).</summary>
    public Task<AirflowDagRun> TriggerAsync(string dagId, string note, CancellationToken ct) =>
        CallAsync<AirflowDagRun>(HttpMethod.Post, $"api/v2/dags/{Uri.EscapeDataString(dagId)}/dagRuns", new TriggerBody(null, new Dictionary<string, object>(), note), ct);

    public Task<AirflowDagRun> DagRunAsync(string dagId, string runId, CancellationToken ct) =>
        GetAsync<AirflowDagRun>($"api/v2/dags/{Uri.EscapeDataString(dagId)}/dagRuns/{Uri.EscapeDataString(runId)}", ct);

    public async Task<IReadOnlyList<AirflowTaskInstance>> TaskInstancesAsync(string dagId, string runId, CancellationToken ct) =>
        (await GetAsync<TaskInstanceCollection>($"api/v2/dags/{Uri.EscapeDataString(dagId)}/dagRuns/{Uri.EscapeDataString(runId)}/taskInstances", ct).ConfigureAwait(false)).TaskInstances ?? [];

    private Task<T> GetAsync<T>(string path, CancellationToken ct) => CallAsync<T>(HttpMethod.Get, path, null, ct);

    private async Task<T> CallAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseUrl, path));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var shown = $"{method.Method} /{path.Split('?')[0]}";
        using var response = await SendAsync(request, shown, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new AirflowNotFoundException($"Airflow at {BaseUrl} answered 404 to {shown}{await DetailAsync(response, ct).ConfigureAwait(false)}.");
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new OperationFailedException($"Airflow at {BaseUrl} refused {shown} ({(int)response.StatusCode} {response.ReasonPhrase}{await DetailAsync(response, ct).ConfigureAwait(false)}); the admin user needs the Admin role.");
        }

        return await ReadAsync<T>(response, shown, ct).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string shown, CancellationToken ct)
    {
        try
        {
            return await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new OperationFailedException($"Airflow at {BaseUrl} is not reachable for {shown} ({ex.Message.TrimEnd('.')}).", ex);
        }
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, string shown, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new OperationFailedException($"Airflow at {BaseUrl} answered {(int)response.StatusCode} {response.ReasonPhrase} to {shown}{await DetailAsync(response, ct).ConfigureAwait(false)}.");
        }

        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, ct).ConfigureAwait(false)
                ?? throw new OperationFailedException($"Airflow at {BaseUrl} returned an empty answer to {shown}.");
        }
        catch (JsonException ex)
        {
            throw new OperationFailedException($"Airflow at {BaseUrl} returned something that is not Airflow 3's REST API JSON for {shown} (is --airflow-url the api-server?).", ex);
        }
    }

    /// <summary>": &lt;detail&gt;" of FastAPI's HTTPExceptionResponse {"detail": ...}, or empty.</summary>
    private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("detail", out var detail)
                ? $": {(detail.ValueKind == JsonValueKind.String ? detail.GetString() : detail.GetRawText())}"
                : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    private sealed record TokenResponse(string? AccessToken);

    private sealed record DagCollection(IReadOnlyList<AirflowDag>? Dags, int TotalEntries);

    private sealed record TaskInstanceCollection(IReadOnlyList<AirflowTaskInstance>? TaskInstances, int TotalEntries);

    private sealed record TriggerBody(DateTimeOffset? LogicalDate, Dictionary<string, object> Conf, string Note);
}

public sealed class AirflowNotFoundException(string message) : OperationFailedException(message);

public sealed record AirflowDag(string DagId, bool? IsPaused);

public sealed record AirflowDagRun(string DagRunId, string DagId, string? State);

public sealed record AirflowTaskInstance(string TaskId, string? State, int TryNumber, int? MapIndex);
