using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Operations.History;

/// <summary>
/// The Spark History Server REST API (/api/v1), the few endpoints smoke and load read. Field names are those of
/// core/src/main/scala/org/apache/spark/status/api/v1/api.scala in apache/spark (ApplicationInfo, JobData,
/// StageData, ExecutorStageSummary); unknown fields are ignored, so 3.5 and 4.x both parse.
/// </summary>
public sealed class HistoryServerClient(HttpClient http, Uri baseUrl)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    public Uri BaseUrl { get; } = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

    public Task<IReadOnlyList<ApplicationInfo>> ApplicationsAsync(CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<ApplicationInfo>>("api/v1/applications", cancellationToken);

    public Task<IReadOnlyList<JobData>> JobsAsync(string appId, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<JobData>>($"api/v1/applications/{Uri.EscapeDataString(appId)}/jobs", cancellationToken);

    /// <summary>All attempts of a stage with their executor summaries (details=true carries executorSummary).</summary>
    public Task<IReadOnlyList<StageData>> StageAsync(string appId, int stageId, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<StageData>>($"api/v1/applications/{Uri.EscapeDataString(appId)}/stages/{stageId}?details=true&withSummaries=false", cancellationToken);

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        var url = new Uri(BaseUrl, path);
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new OperationFailedException($"the History Server at {BaseUrl} is not reachable ({ex.Message.TrimEnd('.')}).", ex);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new HistoryNotFoundException($"the History Server at {BaseUrl} has no {path} (404).");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new OperationFailedException($"the History Server at {BaseUrl} answered {(int)response.StatusCode} {response.ReasonPhrase} for {path}.");
            }

            try
            {
                return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false)
                    ?? throw new OperationFailedException($"the History Server at {BaseUrl} returned an empty answer for {path}.");
            }
            catch (JsonException ex)
            {
                throw new OperationFailedException($"the History Server at {BaseUrl} returned something that is not its REST API's JSON for {path} (is --history-url the History Server?).", ex);
            }
        }
    }
}

public sealed class HistoryNotFoundException(string message) : OperationFailedException(message);

public sealed record ApplicationInfo(string Id, string Name, IReadOnlyList<ApplicationAttemptInfo>? Attempts);

public sealed record ApplicationAttemptInfo(string? AttemptId, bool Completed, string? AppSparkVersion, string? SparkUser);

public sealed record JobData(
    int JobId,
    string? Name,
    string? Description,
    IReadOnlyList<int>? StageIds,
    string? JobGroup,
    IReadOnlyList<string>? JobTags,
    string? Status);

public sealed record StageData(
    string? Status,
    int StageId,
    int AttemptId,
    int NumTasks,
    long ShuffleReadBytes,
    long ShuffleWriteBytes,
    long MemoryBytesSpilled,
    long DiskBytesSpilled,
    long InputBytes,
    IReadOnlyDictionary<string, JsonElement>? ExecutorSummary);
