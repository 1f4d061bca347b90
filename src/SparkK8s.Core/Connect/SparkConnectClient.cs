using System.Net.Sockets;
using System.Reflection;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using SparkK8s.Core.Connect.Protocol;

namespace SparkK8s.Core.Connect;

/// <summary>
/// A small Spark Connect client over Grpc.Net.Client: one session (session_id + user_context), SQL and Range plans,
/// reattachable ExecutePlan (ReattachExecute when the stream ends before ResultComplete, ReleaseExecute after it),
/// AnalyzePlan for the Spark version and Config for settings.
/// Token authentication is Spark 4.x's <c>spark.connect.authenticate.token</c>: the server's
/// PreSharedKeyAuthenticationInterceptor (sql/connect/server/.../service/PreSharedKeyAuthenticationInterceptor.scala,
/// apache/spark) expects the metadata <c>authorization: Bearer &lt;token&gt;</c> on every call and answers
/// UNAUTHENTICATED otherwise; the Python client sends the same header through gRPC access-token credentials
/// (python/pyspark/sql/connect/client/core.py, ChannelBuilder.toChannel).
/// </summary>
public sealed class SparkConnectClient : IAsyncDisposable, IDisposable
{
    private const int MaxReattachAttempts = 3;
    private readonly GrpcChannel channel;
    private readonly SparkConnectService.SparkConnectServiceClient stub;
    private readonly Metadata headers = [];
    private readonly UserContext user;
    private readonly string clientType;

    public SparkConnectClient(ConnectionString connection, HttpMessageHandler? handler = null)
    {
        Connection = connection;
        SessionId = (connection.SessionId ?? Guid.NewGuid()).ToString();
        user = new UserContext { UserId = connection.UserId ?? Environment.UserName, UserName = connection.UserId ?? Environment.UserName };
        var version = typeof(SparkConnectClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        clientType = $"{connection.UserAgent ?? "spark-k8s"} spark-k8s/{version} dotnet/{Environment.Version}";
        if (connection.Token is { } token)
        {
            headers.Add("authorization", $"Bearer {token}");
        }

        channel = GrpcChannel.ForAddress(connection.HttpAddress, new GrpcChannelOptions
        {
            HttpHandler = handler ?? new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(10),
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            },
            MaxReceiveMessageSize = connection.MaxMessageSize,
            MaxSendMessageSize = connection.MaxMessageSize,
            DisposeHttpClient = true,
        });
        stub = new SparkConnectService.SparkConnectServiceClient(channel);
    }

    public ConnectionString Connection { get; }
    public string SessionId { get; }

    /// <summary>AnalyzePlan(spark_version): the server's Spark version, e.g. "4.1.0".</summary>
    public async Task<string> SparkVersionAsync(CancellationToken cancellationToken)
    {
        var request = new AnalyzePlanRequest
        {
            SessionId = SessionId,
            UserContext = user,
            ClientType = clientType,
            SparkVersion = new AnalyzePlanRequest.Types.SparkVersion(),
        };
        var response = await Call(() => stub.AnalyzePlanAsync(request, headers, cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
        return response.SparkVersion?.Version ?? string.Empty;
    }

    /// <summary>Config(get_option): the value of a setting, or null when it is not set.</summary>
    public async Task<string?> GetConfigAsync(string key, CancellationToken cancellationToken)
    {
        var request = new ConfigRequest
        {
            SessionId = SessionId,
            UserContext = user,
            ClientType = clientType,
            Operation = new ConfigRequest.Types.Operation { GetOption = new ConfigRequest.Types.GetOption { Keys = { key } } },
        };
        var response = await Call(() => stub.ConfigAsync(request, headers, cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
        var pair = response.Pairs.FirstOrDefault(p => p.Key == key);
        return pair is { HasValue: true } ? pair.Value : null;
    }

    /// <summary>Config(set): sets session settings.</summary>
    public async Task SetConfigAsync(IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var set = new ConfigRequest.Types.Set();
        set.Pairs.AddRange(settings.Select(pair => new KeyValue { Key = pair.Key, Value = pair.Value }));
        var request = new ConfigRequest
        {
            SessionId = SessionId,
            UserContext = user,
            ClientType = clientType,
            Operation = new ConfigRequest.Types.Operation { Set = set },
        };
        await Call(() => stub.ConfigAsync(request, headers, cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
    }

    /// <summary>A query as a root SQL relation; its rows come back as Arrow batches.</summary>
    public Task<QueryResult> QueryAsync(string sql, CancellationToken cancellationToken, string? operationId = null) =>
        ExecuteAsync(new Plan { Root = Plans.Sql(sql) }, operationId, cancellationToken);

    /// <summary>A statement (DDL, DML) as a SqlCommand, which Spark runs eagerly (what pyspark's spark.sql sends).</summary>
    public Task<QueryResult> CommandAsync(string sql, CancellationToken cancellationToken, string? operationId = null) =>
        ExecuteAsync(new Plan { Command = new Command { SqlCommand = new SqlCommand { Sql = sql } } }, operationId, cancellationToken);

    /// <summary>ExecutePlan, reattachable: reattaches after a broken stream and releases the execution at the end.</summary>
    public async Task<QueryResult> ExecuteAsync(Plan plan, string? operationId, CancellationToken cancellationToken)
    {
        var operation = operationId ?? Guid.NewGuid().ToString();
        var request = new ExecutePlanRequest
        {
            SessionId = SessionId,
            UserContext = user,
            ClientType = clientType,
            OperationId = operation,
            Plan = plan,
            RequestOptions = { new ExecutePlanRequest.Types.RequestOption { ReattachOptions = new ReattachOptions { Reattachable = true } } },
        };
        var accumulator = new ResultAccumulator(operation);
        var attempts = 0;
        var call = stub.ExecutePlan(request, headers, cancellationToken: cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    using (call)
                    {
                        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                        {
                            accumulator.Add(response);
                        }
                    }
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && accumulator.Started && attempts < MaxReattachAttempts)
                {
                    // The stream broke after the server accepted the operation: fall through to ReattachExecute.
                }
                catch (RpcException ex)
                {
                    throw Translate(ex);
                }

                if (accumulator.Complete)
                {
                    break;
                }

                if (!accumulator.Started || ++attempts > MaxReattachAttempts)
                {
                    throw new SparkConnectException(
                        $"Spark Connect at {Connection.Endpoint} ended operation {operation} without ResultComplete{(attempts > MaxReattachAttempts ? $" after {MaxReattachAttempts} reattach attempts" : string.Empty)}.",
                        StatusCode.Unavailable);
                }

                accumulator.Reattached = true;
                call = stub.ReattachExecute(new ReattachExecuteRequest
                {
                    SessionId = SessionId,
                    UserContext = user,
                    ClientType = clientType,
                    OperationId = operation,
                    LastResponseId = accumulator.LastResponseId ?? string.Empty,
                }, headers, cancellationToken: cancellationToken);
            }
        }
        finally
        {
            if (accumulator.Started)
            {
                await ReleaseQuietlyAsync(operation).ConfigureAwait(false);
            }
        }

        return accumulator.ToResult();
    }

    /// <summary>ReleaseSession: frees the server-side session; errors are ignored (the server expires idle sessions).</summary>
    public async Task ReleaseSessionAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await stub.ReleaseSessionAsync(new ReleaseSessionRequest { SessionId = SessionId, UserContext = user, ClientType = clientType }, headers, cancellationToken: timeout.Token).ResponseAsync.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException)
        {
            // Best effort.
        }
    }

    public void Dispose() => channel.Dispose();

    public ValueTask DisposeAsync()
    {
        channel.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ReleaseQuietlyAsync(string operation)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await stub.ReleaseExecuteAsync(new ReleaseExecuteRequest
            {
                SessionId = SessionId,
                UserContext = user,
                ClientType = clientType,
                OperationId = operation,
                ReleaseAll = new ReleaseExecuteRequest.Types.ReleaseAll(),
            }, headers, cancellationToken: timeout.Token).ResponseAsync.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException)
        {
            // The server releases abandoned executions itself (spark.connect.execute.manager.abandonedTombstonesSize).
        }
    }

    private async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Translate(ex);
        }
    }

    /// <summary>A gRPC failure in words, with Spark's error class from the ErrorInfo detail (ErrorUtils.buildStatusFromThrowable).</summary>
    public SparkConnectException Translate(RpcException ex)
    {
        var endpoint = Connection.Endpoint;
        var detail = ex.Status.Detail;
        switch (ex.StatusCode)
        {
            case StatusCode.Unavailable:
                var cause = ex.Status.DebugException is { } debug ? Innermost(debug) : detail;
                return new SparkConnectException($"Spark Connect at {endpoint} is not reachable: {cause.TrimEnd('.')}. Check that the server runs and listens there{(Connection.UseTls ? " and serves TLS" : " without TLS (add ;use_ssl=true if it serves TLS)")}.", ex.StatusCode, inner: ex);
            case StatusCode.Unauthenticated:
                return new SparkConnectException(Connection.Token is null
                    ? $"Spark Connect at {endpoint} requires a token ({detail}): add ;token=<token> to the URL (the value of spark.connect.authenticate.token), or use --release, which reads it from the release's Secret."
                    : $"Spark Connect at {endpoint} refused the token ({detail}): check that it matches the server's spark.connect.authenticate.token.", ex.StatusCode, inner: ex);
            case StatusCode.DeadlineExceeded:
                return new SparkConnectException($"Spark Connect at {endpoint} did not answer in time.", ex.StatusCode, inner: ex);
            case StatusCode.Cancelled:
                return new SparkConnectException($"the call to Spark Connect at {endpoint} was cancelled.", ex.StatusCode, inner: ex);
        }

        var info = ErrorInfoOf(ex);
        if (info is null && ex.Status.DebugException is { } local)
        {
            // The call failed on this side (the connection broke, a ping timed out): not an answer from Spark.
            return new SparkConnectException($"the connection to Spark Connect at {endpoint} failed: {Innermost(local).TrimEnd('.')}.", ex.StatusCode, inner: ex);
        }

        var errorClass = info?.Metadata.GetValueOrDefault("errorClass");
        var sqlState = info?.Metadata.GetValueOrDefault("sqlState");
        var message = detail.Length > 0 ? detail : ex.StatusCode.ToString();
        var prefix = errorClass is not null && !message.Contains(errorClass, StringComparison.Ordinal) ? $"[{errorClass}] " : string.Empty;
        return new SparkConnectException($"Spark answered {prefix}{message}", ex.StatusCode, errorClass, sqlState, ex);
    }

    private static ErrorInfo? ErrorInfoOf(RpcException ex)
    {
        try
        {
            return ex.GetRpcStatus()?.GetDetail<ErrorInfo>();
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>What went wrong with the connection, in words: never an exception's type or a .NET type name.</summary>
    internal static string Innermost(Exception ex)
    {
        var chain = new List<Exception>();
        for (var current = ex; current is not null; current = current.InnerException)
        {
            chain.Add(current);
        }

        if (chain.OfType<SocketException>().FirstOrDefault() is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "the host name does not resolve",
                SocketError.TimedOut => "the connection timed out",
                SocketError.ConnectionReset or SocketError.ConnectionAborted => "the server reset the connection",
                SocketError.NetworkUnreachable or SocketError.HostUnreachable => "the network or host is unreachable",
                _ => $"network error ({socket.SocketErrorCode})",
            };
        }

        if (chain.OfType<System.Security.Authentication.AuthenticationException>().Any())
        {
            return "the TLS handshake failed (does the server serve TLS? use_ssl selects it)";
        }

        if (chain.OfType<HttpRequestException>().FirstOrDefault(h => h.HttpRequestError != HttpRequestError.Unknown) is { } http)
        {
            return http.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "the host name does not resolve",
                HttpRequestError.ConnectionError => "the connection could not be made",
                HttpRequestError.SecureConnectionError => "the TLS handshake failed (does the server serve TLS? use_ssl selects it)",
                HttpRequestError.HttpProtocolError => "the server does not speak gRPC over HTTP/2 (or the connection broke)",
                HttpRequestError.ResponseEnded => "the server closed the connection before answering",
                HttpRequestError.InvalidResponse => "the server's answer is not HTTP/2 gRPC (is this a Spark Connect port?)",
                _ => "the HTTP/2 connection failed",
            };
        }

        if (chain.Any(e => e is ObjectDisposedException or IOException))
        {
            return "the server closed the connection";
        }

        // Last resort: the first line of the innermost message, without any .NET type name.
        var message = chain[^1].Message.Split('\n')[0].Trim();
        return System.Text.RegularExpressions.Regex.Replace(message, @"'?\b(?:System|Microsoft|Grpc)(?:\.\w+)+'?", "a component");
    }

    private sealed class ResultAccumulator(string operationId)
    {
        private readonly List<IReadOnlyList<object?>> rows = [];
        private readonly Dictionary<string, long> metrics = new(StringComparer.Ordinal);
        private IReadOnlyList<string> columns = [];
        private long rowCount;
        private int batches;

        public bool Started { get; private set; }
        public bool Complete { get; private set; }
        public bool Reattached { get; set; }
        public string? LastResponseId { get; private set; }

        public void Add(ExecutePlanResponse response)
        {
            Started = true;
            if (response.ResponseId.Length > 0)
            {
                LastResponseId = response.ResponseId;
            }

            if (response.Schema?.Struct is { } schema && columns.Count == 0)
            {
                columns = schema.Fields.Select(field => field.Name).ToList();
            }

            switch (response.ResponseTypeCase)
            {
                case ExecutePlanResponse.ResponseTypeOneofCase.ArrowBatch:
                    var batch = response.ArrowBatch;
                    batches++;
                    rowCount += batch.RowCount;
                    if (!batch.Data.IsEmpty)
                    {
                        var (names, _) = ArrowBatches.Read(batch.Data.Memory, rows);
                        if (columns.Count == 0)
                        {
                            columns = names;
                        }
                    }

                    break;
                case ExecutePlanResponse.ResponseTypeOneofCase.ResultComplete:
                    Complete = true;
                    break;
            }

            if (response.Metrics is { } reported)
            {
                foreach (var metric in reported.Metrics_)
                {
                    foreach (var (name, value) in metric.ExecutionMetrics)
                    {
                        metrics[$"{metric.Name}.{name}"] = value.Value;
                    }
                }
            }
        }

        public QueryResult ToResult() => new(operationId, columns, rows, rowCount, batches, Reattached, metrics);
    }
}
