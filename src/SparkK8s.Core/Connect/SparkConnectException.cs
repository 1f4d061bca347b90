using Grpc.Core;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Connect;

/// <summary>Why a Spark Connect call failed, in words: the endpoint, the gRPC status and, from Spark's
/// ErrorInfo detail, the error class (e.g. TABLE_OR_VIEW_NOT_FOUND) and SQLSTATE.</summary>
public sealed class SparkConnectException(string message, StatusCode status, string? errorClass = null, string? sqlState = null, Exception? inner = null)
    : OperationFailedException(message, inner)
{
    public StatusCode Status { get; } = status;

    /// <summary>Spark's error class (ErrorInfo metadata "errorClass"), when the server sent one.</summary>
    public string? ErrorClass { get; } = errorClass;

    public string? SqlState { get; } = sqlState;

    /// <summary>The server could not be reached or did not answer at all (nothing listens, TLS or HTTP/2 mismatch).</summary>
    public bool Unreachable => Status is StatusCode.Unavailable;

    public bool TimedOut => Status is StatusCode.DeadlineExceeded;
}
