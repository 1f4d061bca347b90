using System.Buffers;
using System.Security.Cryptography;
using Amazon.S3.Model;

namespace SparkK8s.Core.Backup;

/// <summary>The result of a streamed upload.</summary>
public sealed record UploadResult(long SizeBytes, string Sha256, int Parts, string ETag);

/// <summary>
/// Streams a source (pg_dump's stdout) to one S3 object with a multipart upload, hashing it on the way.
/// Memory stays flat: two part buffers, one being filled while the other uploads. Any failure aborts the upload.
/// S3 allows at most <see cref="MaxParts"/> parts per upload, so the largest archive is part size x 10,000
/// (156.25 GiB with the default 16 MiB parts); a longer stream fails cleanly and the upload is aborted.
/// Limits: https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html (S3 multipart upload limits).
/// </summary>
public sealed class MultipartUploader(BackupStore store, int partSizeBytes = MultipartUploader.DefaultPartSize, int maxParts = MultipartUploader.MaxParts)
{
    public const int DefaultPartSize = 16 * 1024 * 1024;
    public const int MinimumPartSize = 5 * 1024 * 1024;

    /// <summary>Two part buffers live in memory, so parts stay well below S3's own 5 GiB maximum.</summary>
    public const int MaximumPartSize = 512 * 1024 * 1024;

    /// <summary>S3's limit on the number of parts in one multipart upload.</summary>
    public const int MaxParts = 10_000;

    /// <summary>Uploads <paramref name="source"/> to <paramref name="key"/>; <paramref name="beforeComplete"/> runs
    /// when the source is exhausted and can veto completion by throwing (e.g. pg_dump exited non-zero).</summary>
    public async Task<UploadResult> UploadAsync(
        string key, Stream source, Func<Task> beforeComplete, Action<long>? progress, CancellationToken cancellationToken)
    {
        var bucket = store.Target.Bucket;
        var initiated = await S3Errors.Retry.ExecuteAsync(
            async ct => await store.GuardAsync("starting the upload", () => store.Client.InitiateMultipartUploadAsync(
                new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ContentType = "application/octet-stream" }, ct)).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        var uploadId = initiated.UploadId;
        var pool = ArrayPool<byte>.Shared;
        var current = pool.Rent(partSizeBytes);
        var next = pool.Rent(partSizeBytes);
        Task<string>? inFlight = null;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var etags = new List<PartETag>();
            long total = 0;
            var filled = await FillAsync(source, current, partSizeBytes, cancellationToken).ConfigureAwait(false);
            while (filled > 0)
            {
                hash.AppendData(current, 0, filled);
                total += filled;
                var partNumber = etags.Count + 1;
                if (partNumber > maxParts)
                {
                    throw new Errors.OperationFailedException(
                        $"the dump is larger than the largest backup the part size allows ({partSizeBytes / (1024 * 1024)} MiB x {maxParts} parts = {(long)partSizeBytes * maxParts} bytes); the upload was aborted. Pass a larger --part-size-mib.");
                }

                inFlight = UploadPartAsync(key, uploadId, partNumber, current, filled, cancellationToken);
                var nextFilled = await FillAsync(source, next, partSizeBytes, cancellationToken).ConfigureAwait(false);
                etags.Add(new PartETag(partNumber, await inFlight.ConfigureAwait(false)));
                inFlight = null;
                progress?.Invoke(total);
                (current, next) = (next, current);
                filled = nextFilled;
            }

            await beforeComplete().ConfigureAwait(false);
            if (etags.Count == 0)
            {
                throw new Errors.OperationFailedException("the backup stream was empty; nothing was uploaded.");
            }

            var completed = await S3Errors.Retry.ExecuteAsync(
                async ct => await store.GuardAsync("completing the upload", () => store.Client.CompleteMultipartUploadAsync(
                    new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = etags, IfNoneMatch = "*" }, ct)).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            return new UploadResult(total, Convert.ToHexStringLower(hash.GetHashAndReset()), etags.Count, completed.ETag);
        }
        catch
        {
            if (inFlight is not null)
            {
                // Let the part upload finish with its buffer before the buffer goes back to the pool.
                await Task.WhenAny(inFlight).ConfigureAwait(false);
            }

            await AbortQuietlyAsync(key, uploadId).ConfigureAwait(false);
            throw;
        }
        finally
        {
            pool.Return(current);
            pool.Return(next);
        }
    }

    private async Task<string> UploadPartAsync(string key, string uploadId, int partNumber, byte[] buffer, int length, CancellationToken cancellationToken)
    {
        var response = await S3Errors.Retry.ExecuteAsync(
            async ct =>
            {
                using var body = new MemoryStream(buffer, 0, length, writable: false);
                return await store.GuardAsync($"uploading part {partNumber}", () => store.Client.UploadPartAsync(
                    new UploadPartRequest
                    {
                        BucketName = store.Target.Bucket,
                        Key = key,
                        UploadId = uploadId,
                        PartNumber = partNumber,
                        InputStream = body,
                        PartSize = length,
                        UseChunkEncoding = false,
                    },
                    ct)).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        return response.ETag;
    }

    private async Task AbortQuietlyAsync(string key, string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await store.Client.AbortMultipartUploadAsync(store.Target.Bucket, key, uploadId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // S3 may be the thing that failed; the pending upload has no manifest and the next 'backup run' removes it.
        }
    }

    private static async Task<int> FillAsync(Stream source, byte[] buffer, int size, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < size)
        {
            var read = await source.ReadAsync(buffer.AsMemory(filled, size - filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}
