using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Polly;
using Polly.Retry;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Backup;

/// <summary>Turns S3 failures into clear messages, and retries only the transient ones.</summary>
public static class S3Errors
{
    private static readonly string[] AuthCodes = ["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken"];

    /// <summary>Bounded retries (3 attempts, exponential back-off) for transient S3 errors; never for auth or missing buckets.</summary>
    public static ResiliencePipeline Retry { get; } = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(500),
            BackoffType = DelayBackoffType.Exponential,
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
        })
        .Build();

    /// <summary>Linux errno ENOSPC (no space left on device) and Windows ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL as HRESULTs.</summary>
    private static readonly int[] DiskFullCodes = [28, unchecked((int)0x80070070), unchecked((int)0x80070027)];

    public static bool IsTransient(Exception ex) => ex switch
    {
        _ when IsDiskFull(ex) || IsChecksumMismatch(ex) => false,
        AmazonS3Exception s3 => !IsAuth(s3) && s3.ErrorCode != "NoSuchBucket" && s3.ErrorCode != "NoSuchKey"
            && ((int)s3.StatusCode >= 500 || s3.StatusCode == HttpStatusCode.TooManyRequests || s3.ErrorCode is "RequestTimeout" or "SlowDown"),
        HttpRequestException or IOException or TaskCanceledException { InnerException: TimeoutException } => true,
        AmazonClientException client => client.InnerException is HttpRequestException or IOException,
        _ => false,
    };

    /// <summary>A full disk is not a network error: retrying cannot help, so it is never retried.</summary>
    public static bool IsDiskFull(Exception ex)
    {
        for (var current = ex; current is not null; current = current.InnerException)
        {
            if (current is IOException io && (DiskFullCodes.Contains(io.HResult) || io.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The SDK found that the bytes it received do not match the object's stored checksum (corrupt in storage or in transit).</summary>
    public static bool IsChecksumMismatch(Exception ex) =>
        ex is AmazonClientException && (ex.Message.Contains("hash not equal", StringComparison.OrdinalIgnoreCase)
            || ex.Message.Contains("Checksum failure", StringComparison.OrdinalIgnoreCase)
            || ex.Message.Contains("checksum mismatch", StringComparison.OrdinalIgnoreCase));

    public static bool IsS3Failure(Exception ex) => ex is AmazonServiceException or AmazonClientException or HttpRequestException
        || (ex is IOException && ex.InnerException is System.Net.Sockets.SocketException);

    public static OperationFailedException Translate(Exception ex, S3Target target, S3Settings settings, string action)
    {
        var endpoint = settings.Endpoint ?? "AWS S3";
        if (ex is AmazonS3Exception s3)
        {
            if (s3.ErrorCode == "NoSuchBucket")
            {
                return new OperationFailedException($"bucket '{target.Bucket}' does not exist at {endpoint} (--target {target}). Create it or fix --target.", ex);
            }

            if (s3.StatusCode == HttpStatusCode.PreconditionFailed || s3.ErrorCode == "PreconditionFailed")
            {
                return new OperationFailedException($"an object already exists where S3 at {endpoint} was asked to write while {action}; it was not overwritten (--target {target}).", ex);
            }

            if (IsAuth(s3))
            {
                return new OperationFailedException(
                    $"S3 at {endpoint} rejected the credentials while {action} ({s3.ErrorCode}). Check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.", ex);
            }

            return new OperationFailedException($"S3 error while {action} at {endpoint}: {s3.ErrorCode} {s3.Message}", ex);
        }

        if (IsChecksumMismatch(ex))
        {
            return new OperationFailedException($"the data S3 at {endpoint} returned while {action} does not match the object's stored checksum: the object is corrupt in storage or was damaged in transit.", ex);
        }

        if (IsDiskFull(ex))
        {
            return new OperationFailedException($"the local disk is full while {action}; free space and run again.", ex);
        }

        if (ex is AmazonClientException && ex.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase))
        {
            // The SDK's own text lists every provider it tried, with exception wording; say what to do instead.
            return new OperationFailedException(
                "no S3 credentials were found (environment, web identity token, profile or instance metadata): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give the pod an IAM role.",
                ex);
        }

        var root = ex;
        while (root.InnerException is not null)
        {
            root = root.InnerException;
        }

        return new OperationFailedException($"S3 endpoint {endpoint} is unreachable while {action}: {root.Message}. Check --s3-endpoint and the network.", ex);
    }

    private static bool IsAuth(AmazonS3Exception s3) =>
        AuthCodes.Contains(s3.ErrorCode) || s3.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized;
}
