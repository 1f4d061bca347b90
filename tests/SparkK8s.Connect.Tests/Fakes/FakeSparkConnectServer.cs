using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SparkK8s.Core.Connect.Protocol;

namespace SparkK8s.Connect.Tests.Fakes;

/// <summary>What the fake server was asked, for assertions.</summary>
public sealed class FakeSparkState
{
    public ConcurrentQueue<string> Statements { get; } = new();

    /// <summary>Operation id and SQL of every ExecutePlan, as the History Server's job tags would carry them.</summary>
    public ConcurrentQueue<(string OperationId, string Sql)> Operations { get; } = new();
    public ConcurrentQueue<string?> AuthorizationHeaders { get; } = new();
    public ConcurrentQueue<string> ClientTypes { get; } = new();
    public ConcurrentQueue<string> SessionIds { get; } = new();
    public ConcurrentQueue<string> Released { get; } = new();
    public ConcurrentQueue<string> Reattached { get; } = new();
    public ConcurrentDictionary<string, long> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The token Spark's PreSharedKeyAuthenticationInterceptor would check; null: no authentication.</summary>
    public string? RequiredToken { get; init; }

    /// <summary>Statements matching this hang until the client gives up.</summary>
    public Regex? HangOn { get; init; }

    /// <summary>Statements matching this fail as Spark fails them: INTERNAL with an ErrorInfo detail.</summary>
    public Regex? FailOn { get; init; }

    public string FailErrorClass { get; init; } = "SCHEMA_NOT_FOUND";

    /// <summary>Queries matching this end their first stream after the schema, without ResultComplete (a broken stream).</summary>
    public Regex? BreakStreamOn { get; init; }

    public string SparkVersion { get; init; } = "4.1.0";
    public string? ApplicationId { get; init; } = "spark-3c0ffee0d15c4f2e9f1b5a3d2e4f6a7b";

    /// <summary>Answers for queries, by a regex on the SQL: columns of longs or ints.</summary>
    public List<(Regex Pattern, Func<Match, IReadOnlyList<(string, Array)>> Answer)> Answers { get; } = [];
}

/// <summary>
/// An in-test Spark Connect server on Kestrel (loopback, HTTP/2) implementing the project's proto subset and answering
/// the way Spark does: ExecutePlan streams the schema, Arrow batches with row_count, metrics and, for reattachable
/// executions, ResultComplete; errors are gRPC statuses with a google.rpc.Status whose ErrorInfo carries Spark's
/// error class (ErrorUtils.buildStatusFromThrowable); a missing or wrong token is UNAUTHENTICATED with Spark's words.
/// </summary>
public sealed class FakeSparkConnectServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeSparkConnectServer(WebApplication app, FakeSparkState state, int port)
    {
        this.app = app;
        State = state;
        Port = port;
    }

    public FakeSparkState State { get; }
    public int Port { get; }
    public string Url => $"sc://127.0.0.1:{Port}";

    public static async Task<FakeSparkConnectServer> StartAsync(FakeSparkState? state = null)
    {
        state ??= new FakeSparkState();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(state);
        builder.Services.AddGrpc(options => options.Interceptors.Add<TokenInterceptor>());
        var app = builder.Build();
        app.MapGrpcService<FakeSparkConnectService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeSparkConnectServer(app, state, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(stopping.Token);
        await app.DisposeAsync();
    }

    /// <summary>Spark's PreSharedKeyAuthenticationInterceptor: "authorization: Bearer &lt;token&gt;" on every call.</summary>
    private sealed class TokenInterceptor(FakeSparkState state) : Interceptor
    {
        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            Check(context);
            return continuation(request, context);
        }

        public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
        {
            Check(context);
            return continuation(request, responseStream, context);
        }

        private void Check(ServerCallContext context)
        {
            var header = context.RequestHeaders.GetValue("authorization");
            state.AuthorizationHeaders.Enqueue(header);
            if (state.RequiredToken is null)
            {
                return;
            }

            if (header is null)
            {
                throw new RpcException(new Grpc.Core.Status(StatusCode.Unauthenticated, "No authentication token provided"));
            }

            if (header != $"Bearer {state.RequiredToken}")
            {
                throw new RpcException(new Grpc.Core.Status(StatusCode.Unauthenticated, "Invalid authentication token"));
            }
        }
    }

    private sealed class FakeSparkConnectService(FakeSparkState state) : SparkConnectService.SparkConnectServiceBase
    {
        private static readonly ConcurrentDictionary<string, IReadOnlyList<ExecutePlanResponse>> Pending = new();

        public override Task<AnalyzePlanResponse> AnalyzePlan(AnalyzePlanRequest request, ServerCallContext context)
        {
            state.ClientTypes.Enqueue(request.ClientType);
            state.SessionIds.Enqueue(request.SessionId);
            return Task.FromResult(new AnalyzePlanResponse
            {
                SessionId = request.SessionId,
                ServerSideSessionId = "server-session-1",
                SparkVersion = new AnalyzePlanResponse.Types.SparkVersion { Version = state.SparkVersion },
            });
        }

        public override Task<ConfigResponse> Config(ConfigRequest request, ServerCallContext context)
        {
            var response = new ConfigResponse { SessionId = request.SessionId, ServerSideSessionId = "server-session-1" };
            if (request.Operation?.GetOption is { } get)
            {
                foreach (var key in get.Keys)
                {
                    var pair = new KeyValue { Key = key };
                    if (key == "spark.app.id" && state.ApplicationId is { } id)
                    {
                        pair.Value = id;
                    }

                    response.Pairs.Add(pair);
                }
            }

            return Task.FromResult(response);
        }

        public override async Task ExecutePlan(ExecutePlanRequest request, IServerStreamWriter<ExecutePlanResponse> responseStream, ServerCallContext context)
        {
            state.SessionIds.Enqueue(request.SessionId);
            state.ClientTypes.Enqueue(request.ClientType);
            var operation = request.HasOperationId ? request.OperationId : Guid.NewGuid().ToString();
            var reattachable = request.RequestOptions.Any(o => o.ReattachOptions?.Reattachable == true);
            var (sql, isCommand) = Describe(request.Plan);
            state.Statements.Enqueue(sql);
            state.Operations.Enqueue((operation, sql));
            if (state.HangOn?.IsMatch(sql) == true)
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }

            if (state.FailOn?.IsMatch(sql) == true)
            {
                throw SparkError(state.FailErrorClass, $"[{state.FailErrorClass}] The schema `warehouse` cannot be found. SQLSTATE: 42704", "42704");
            }

            var responses = Answer(request.SessionId, operation, sql, isCommand, reattachable);
            if (reattachable && state.BreakStreamOn?.IsMatch(sql) == true)
            {
                // Send the schema only and end the stream without ResultComplete: the client must reattach.
                await responseStream.WriteAsync(responses[0]);
                Pending[operation] = responses.Skip(1).ToList();
                return;
            }

            foreach (var response in responses)
            {
                await responseStream.WriteAsync(response);
            }
        }

        public override async Task ReattachExecute(ReattachExecuteRequest request, IServerStreamWriter<ExecutePlanResponse> responseStream, ServerCallContext context)
        {
            state.Reattached.Enqueue($"{request.OperationId}@{request.LastResponseId}");
            if (!Pending.TryRemove(request.OperationId, out var rest))
            {
                throw SparkError("INVALID_HANDLE.OPERATION_NOT_FOUND", $"[INVALID_HANDLE.OPERATION_NOT_FOUND] The handle {request.OperationId} is invalid. Operation not found.", "HY000");
            }

            foreach (var response in rest)
            {
                await responseStream.WriteAsync(response);
            }
        }

        public override Task<ReleaseExecuteResponse> ReleaseExecute(ReleaseExecuteRequest request, ServerCallContext context)
        {
            state.Released.Enqueue(request.OperationId);
            return Task.FromResult(new ReleaseExecuteResponse { SessionId = request.SessionId, OperationId = request.OperationId, ServerSideSessionId = "server-session-1" });
        }

        public override Task<ReleaseSessionResponse> ReleaseSession(ReleaseSessionRequest request, ServerCallContext context) =>
            Task.FromResult(new ReleaseSessionResponse { SessionId = request.SessionId, ServerSideSessionId = "server-session-1" });

        private static (string Sql, bool IsCommand) Describe(Plan plan) => plan.OpTypeCase switch
        {
            Plan.OpTypeOneofCase.Command => (plan.Command.SqlCommand?.Sql ?? "<command>", true),
            Plan.OpTypeOneofCase.Root when plan.Root.Sql is { } sql => (sql.Query, false),
            Plan.OpTypeOneofCase.Root when plan.Root.Aggregate is { Input.Range: { } range } aggregate =>
                ($"<aggregate {string.Join(",", aggregate.AggregateExpressions.Select(e => e.Alias?.Expr?.UnresolvedFunction?.FunctionName))} over range({range.Start},{range.End},{range.Step})>", false),
            _ => ("<unknown plan>", false),
        };

        private List<ExecutePlanResponse> Answer(string session, string operation, string sql, bool isCommand, bool reattachable)
        {
            var responses = new List<ExecutePlanResponse>();
            ExecutePlanResponse Next() => new() { SessionId = session, ServerSideSessionId = "server-session-1", OperationId = operation, ResponseId = Guid.NewGuid().ToString() };
            if (isCommand)
            {
                Apply(sql);
                var result = Next();
                result.SqlCommandResult = new ExecutePlanResponse.Types.SqlCommandResult { Relation = new Relation { LocalRelation = new LocalRelation() } };
                responses.Add(result);
            }
            else
            {
                var columns = Evaluate(sql);
                var schema = Next();
                schema.Schema = new DataType { Struct = new DataType.Types.Struct() };
                foreach (var (name, values) in columns)
                {
                    schema.Schema.Struct.Fields.Add(new DataType.Types.StructField
                    {
                        Name = name,
                        Nullable = false,
                        DataType = values is int[] ? new DataType { Integer = new DataType.Types.Integer() } : new DataType { Long = new DataType.Types.Long() },
                    });
                }

                responses.Add(schema);
                var batch = Next();
                batch.ArrowBatch = new ExecutePlanResponse.Types.ArrowBatch { RowCount = columns.Count == 0 ? 0 : columns[0].Item2.Length, Data = ByteString.CopyFrom(ArrowWriter.Write(columns)), StartOffset = 0 };
                responses.Add(batch);
            }

            var metrics = Next();
            var metric = new ExecutePlanResponse.Types.Metrics.Types.MetricObject { Name = "HashAggregate", PlanId = 1 };
            metric.ExecutionMetrics.Add("numOutputRows", new ExecutePlanResponse.Types.Metrics.Types.MetricValue { Name = "number of output rows", Value = 1, MetricType = "sum" });
            metrics.Metrics = new ExecutePlanResponse.Types.Metrics { Metrics_ = { metric } };
            responses.Add(metrics);
            if (reattachable)
            {
                var complete = Next();
                complete.ResultComplete = new ExecutePlanResponse.Types.ResultComplete();
                responses.Add(complete);
            }

            return responses;
        }

        private void Apply(string sql)
        {
            Match m;
            if ((m = Regex.Match(sql, @"^CREATE TABLE (\S+) \(", RegexOptions.IgnoreCase)).Success)
            {
                if (!state.Tables.TryAdd(m.Groups[1].Value, 0))
                {
                    throw SparkError("TABLE_OR_VIEW_ALREADY_EXISTS", $"[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view {m.Groups[1].Value} because it already exists.", "42P07");
                }
            }
            else if ((m = Regex.Match(sql, @"^CREATE TABLE (\S+) USING parquet AS .*FROM range\((\d+), (\d+)", RegexOptions.IgnoreCase)).Success)
            {
                state.Tables[m.Groups[1].Value] = long.Parse(m.Groups[3].Value) - long.Parse(m.Groups[2].Value);
            }
            else if ((m = Regex.Match(sql, @"^INSERT INTO (\S+) VALUES (.*)$", RegexOptions.IgnoreCase)).Success)
            {
                state.Tables.AddOrUpdate(m.Groups[1].Value, _ => throw SparkError("TABLE_OR_VIEW_NOT_FOUND", "[TABLE_OR_VIEW_NOT_FOUND] The table or view cannot be found.", "42P01"),
                    (_, rows) => rows + Regex.Matches(m.Groups[2].Value, @"\(").Count);
            }
            else if ((m = Regex.Match(sql, @"^TRUNCATE TABLE (\S+)$", RegexOptions.IgnoreCase)).Success)
            {
                state.Tables[m.Groups[1].Value] = 0;
            }
            else if ((m = Regex.Match(sql, @"^DROP TABLE IF EXISTS (\S+)$", RegexOptions.IgnoreCase)).Success)
            {
                state.Tables.TryRemove(m.Groups[1].Value, out _);
            }
            else if ((m = Regex.Match(sql, @"^DROP DATABASE IF EXISTS (\S+) CASCADE$", RegexOptions.IgnoreCase)).Success)
            {
                foreach (var table in state.Tables.Keys.Where(t => t.StartsWith(m.Groups[1].Value + ".", StringComparison.OrdinalIgnoreCase)))
                {
                    state.Tables.TryRemove(table, out _);
                }
            }
        }

        private IReadOnlyList<(string, Array)> Evaluate(string sql)
        {
            foreach (var (pattern, answer) in state.Answers)
            {
                if (pattern.Match(sql) is { Success: true } custom)
                {
                    return answer(custom);
                }
            }

            Match m;
            if (sql == "SELECT 1 AS one")
            {
                return [("one", new[] { 1 })];
            }

            if ((m = Regex.Match(sql, @"^<aggregate count,sum over range\(0,(\d+),1\)>$")).Success)
            {
                var n = long.Parse(m.Groups[1].Value);
                return [("n", new[] { n }), ("total", new[] { n * (n - 1) / 2 })];
            }

            if ((m = Regex.Match(sql, @"^SELECT count\(\*\) AS n FROM (\S+)$", RegexOptions.IgnoreCase)).Success)
            {
                return state.Tables.TryGetValue(m.Groups[1].Value, out var rows)
                    ? [("n", new[] { rows })]
                    : throw SparkError("TABLE_OR_VIEW_NOT_FOUND", $"[TABLE_OR_VIEW_NOT_FOUND] The table or view `{m.Groups[1].Value}` cannot be found. SQLSTATE: 42P01", "42P01");
            }

            // The load queries: a small aggregate, like Spark returns for them.
            return [("key", new[] { 1L, 2L, 3L }), ("value", new[] { 10L, 20L, 30L })];
        }

        /// <summary>Spark's error shape: status INTERNAL, message, and an ErrorInfo with reason, domain and metadata.</summary>
        private static RpcException SparkError(string errorClass, string message, string sqlState)
        {
            var info = new ErrorInfo { Reason = "org.apache.spark.sql.AnalysisException", Domain = "org.apache.spark" };
            info.Metadata.Add("classes", "[\"org.apache.spark.sql.AnalysisException\",\"org.apache.spark.SparkThrowable\"]");
            info.Metadata.Add("errorClass", errorClass);
            info.Metadata.Add("sqlState", sqlState);
            info.Metadata.Add("messageParameters", "{}");
            var status = new Google.Rpc.Status { Code = (int)Code.Internal, Message = message, Details = { Any.Pack(info) } };
            return status.ToRpcException();
        }
    }
}
