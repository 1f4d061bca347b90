using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SparkK8s.Connect.Tests.Fakes;

/// <summary>A History Server on loopback answering /api/v1 paths with recorded JSON (404 for anything else).</summary>
public sealed class FakeHistoryServer : IAsyncDisposable
{
    public static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "history");

    private readonly WebApplication app;

    private FakeHistoryServer(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    public string Url { get; }
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <param name="answer">the JSON for a path such as "api/v1/applications", or null for 404.</param>
    public static async Task<FakeHistoryServer> StartAsync(Func<string, string?> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeHistoryServer? server = null;
        app.Run(async context =>
        {
            var path = context.Request.Path.Value!.TrimStart('/');
            server!.Requests.Enqueue(path + context.Request.QueryString);
            if (answer(path) is { } json)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(json);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync("unknown app");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeHistoryServer(app, address);
        return server;
    }

    /// <summary>The recorded fixtures: applications, jobs and stages of the application in applications.json.</summary>
    public static Func<string, string?> Recorded(string appId = "spark-3c0ffee0d15c4f2e9f1b5a3d2e4f6a7b") => path =>
    {
        if (path == "api/v1/applications")
        {
            return File.ReadAllText(Path.Combine(FixtureDirectory, "applications.json"));
        }

        var prefix = $"api/v1/applications/{appId}/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = path[prefix.Length..];
        if (rest == "jobs")
        {
            return File.ReadAllText(Path.Combine(FixtureDirectory, "jobs.json"));
        }

        var file = Path.Combine(FixtureDirectory, $"stage-{rest.Replace("stages/", string.Empty, StringComparison.Ordinal)}.json");
        return rest.StartsWith("stages/", StringComparison.Ordinal) && File.Exists(file) ? File.ReadAllText(file) : null;
    };

    /// <summary>
    /// The recorded answers, but with one job per operation the fake Spark server ran (tagged as Spark Connect tags
    /// them), each over the recorded stages 12-14: the History Server of that very run.
    /// </summary>
    public static Func<string, string?> ForRun(FakeSparkState spark, string appId = "spark-3c0ffee0d15c4f2e9f1b5a3d2e4f6a7b")
    {
        var recorded = Recorded(appId);
        return path =>
        {
            if (path != $"api/v1/applications/{appId}/jobs")
            {
                return recorded(path);
            }

            var jobs = spark.Operations.Select((operation, index) => new
            {
                jobId = index,
                name = "collect at SparkConnectPlanExecution.scala:159",
                description = operation.Sql,
                stageIds = new[] { 12, 13, 14 },
                jobTags = new[] { $"SparkConnect_OperationTag_User_spark_Session_5f1c2f0e-8a51-4d8e-b8a8-3f4c2b1a0d9e_Operation_{operation.OperationId}" },
                status = "SUCCEEDED",
                numTasks = 400,
                killedTasksSummary = new { },
            });
            return System.Text.Json.JsonSerializer.Serialize(jobs);
        };
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(stopping.Token);
        await app.DisposeAsync();
    }
}
