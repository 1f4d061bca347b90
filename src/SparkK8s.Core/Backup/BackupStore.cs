using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Backup;

/// <summary>The backups under one <c>--target</c>: listing, manifests, downloads and deletion. Every S3 failure becomes a clear error.</summary>
public sealed class BackupStore(IAmazonS3 client, S3Target target, S3Settings settings)
{
    public const string Latest = "latest";

    public IAmazonS3 Client => client;
    public S3Target Target => target;

    /// <summary>Fails fast, before any work, when S3 is unreachable, the bucket is missing or the credentials are wrong.</summary>
    public Task PreflightAsync(CancellationToken cancellationToken) =>
        GuardAsync("checking the bucket", () => client.ListObjectsV2Async(
            new ListObjectsV2Request { BucketName = target.Bucket, Prefix = target.KeyPrefix }, cancellationToken));

    /// <summary>All backups under the target, newest first (optionally only those named <paramref name="name"/>).</summary>
    public async Task<IReadOnlyList<BackupEntry>> ListAsync(string? name, CancellationToken cancellationToken)
    {
        var objects = new Dictionary<(string Name, string Id), (S3Object? Dump, S3Object? Manifest)>();
        string? token = null;
        do
        {
            var page = await GuardAsync("listing backups", () => client.ListObjectsV2Async(
                new ListObjectsV2Request { BucketName = target.Bucket, Prefix = target.KeyPrefix, ContinuationToken = token }, cancellationToken)).ConfigureAwait(false);
            foreach (var item in page.S3Objects ?? [])
            {
                if (BackupLayout.ParseKey(target, item.Key) is not { } parsed || (name is not null && parsed.Name != name))
                {
                    continue;
                }

                objects.TryGetValue((parsed.Name, parsed.Id), out var pair);
                objects[(parsed.Name, parsed.Id)] = parsed.IsManifest ? (pair.Dump, item) : (item, pair.Manifest);
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        var entries = new List<BackupEntry>();
        foreach (var ((backupName, id), (dump, manifestObject)) in objects)
        {
            var manifest = dump is not null && manifestObject is not null ? await ReadManifestAsync(manifestObject.Key, cancellationToken).ConfigureAwait(false) : null;
            var keys = new[] { manifestObject?.Key, dump?.Key }.OfType<string>().ToList();
            var created = manifest?.StartedAt ?? BackupLayout.TimestampOf(id) ?? (dump ?? manifestObject)!.LastModified ?? DateTime.UtcNow;
            entries.Add(manifest is not null
                ? new BackupEntry(id, backupName, BackupStatus.Complete, manifest.StartedAt, manifest.SizeBytes, manifest.Sha256) { Manifest = manifest, Keys = keys }
                : new BackupEntry(id, backupName, BackupStatus.Incomplete, created, dump?.Size ?? 0, null) { Keys = keys });
        }

        entries.AddRange(await ListPendingUploadsAsync(name, objects, cancellationToken).ConfigureAwait(false));
        return entries.OrderByDescending(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Finds a complete backup by id, or the newest complete one for <c>latest</c>.</summary>
    public async Task<BackupEntry> ResolveAsync(string? backup, string? name, CancellationToken cancellationToken)
    {
        var requested = string.IsNullOrWhiteSpace(backup) ? Latest : backup;
        var entries = await ListAsync(name, cancellationToken).ConfigureAwait(false);
        if (requested == Latest)
        {
            var complete = entries.Where(e => e.Status == BackupStatus.Complete).ToList();
            if (complete.Select(e => e.Name).Distinct().Count() > 1)
            {
                throw new UserInputException($"--backup latest is ambiguous: {target} holds backups of {string.Join(", ", complete.Select(e => e.Name).Distinct())}. Add --name.");
            }

            return complete.FirstOrDefault()
                ?? throw new OperationFailedException($"no complete backup{(name is null ? string.Empty : $" named '{name}'")} found under {target}. Run 'spark-k8s backup list' to see what is there.");
        }

        var entry = entries.FirstOrDefault(e => e.Id == requested)
            ?? throw new UserInputException($"--backup: no backup '{requested}' under {target}. Run 'spark-k8s backup list --target {target}' to see the ids.");
        return entry.Status == BackupStatus.Complete
            ? entry
            : throw new OperationFailedException($"backup '{requested}' is incomplete (its upload never finished, so it has no manifest) and cannot be used. Pick another with 'spark-k8s backup list'.");
    }

    public Task PutManifestAsync(BackupManifest manifest, CancellationToken cancellationToken) =>
        S3Errors.Retry.ExecuteAsync(
            async ct => await GuardAsync("writing the manifest", () => client.PutObjectAsync(
                new PutObjectRequest
                {
                    BucketName = target.Bucket,
                    Key = BackupLayout.ManifestKey(target, manifest.Name, manifest.Id),
                    ContentBody = manifest.ToJson(),
                    ContentType = "application/json",
                    UseChunkEncoding = false,
                },
                ct)).ConfigureAwait(false),
            cancellationToken).AsTask();

    /// <summary>Downloads a backup's archive to <paramref name="path"/>, hashing it on the way; returns (size, sha256 hex).</summary>
    public Task<(long Size, string Sha256)> DownloadAsync(BackupEntry entry, string path, Action<long>? progress, CancellationToken cancellationToken) =>
        S3Errors.Retry.ExecuteAsync(
            async ct =>
            {
                using var response = await GuardAsync("downloading the backup", () => client.GetObjectAsync(target.Bucket, BackupLayout.DumpKey(target, entry.Name, entry.Id), ct)).ConfigureAwait(false);
                await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 20];
                long total = 0;
                try
                {
                    int read;
                    while ((read = await response.ResponseStream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                        total += read;
                        progress?.Invoke(total);
                    }
                }
                catch (IOException ex)
                {
                    throw new HttpRequestException($"the download was interrupted after {total} bytes: {ex.Message}", ex);
                }

                return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
            },
            cancellationToken).AsTask();

    /// <summary>Deletes a backup: the manifest first (so a half-deleted backup is incomplete, never a broken complete one), then the archive.</summary>
    public async Task DeleteAsync(BackupEntry entry, CancellationToken cancellationToken)
    {
        foreach (var key in entry.Keys)
        {
            await GuardAsync("deleting an expired backup", () => client.DeleteObjectAsync(target.Bucket, key, cancellationToken)).ConfigureAwait(false);
        }

        if (entry.PendingUploadId is not null)
        {
            await GuardAsync("aborting a stale upload", () => client.AbortMultipartUploadAsync(
                target.Bucket, BackupLayout.DumpKey(target, entry.Name, entry.Id), entry.PendingUploadId, cancellationToken)).ConfigureAwait(false);
        }
    }

    public async Task<T> GuardAsync<T>(string action, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (S3Errors.IsS3Failure(ex))
        {
            throw S3Errors.Translate(ex, target, settings, action);
        }
    }

    private async Task<BackupManifest?> ReadManifestAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await GuardAsync("reading a manifest", () => client.GetObjectAsync(target.Bucket, key, cancellationToken)).ConfigureAwait(false);
        using var reader = new StreamReader(response.ResponseStream);
        return BackupManifest.FromJson(await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Multipart uploads that were never completed or aborted (a killed <c>backup run</c>): incomplete backups.</summary>
    private async Task<IEnumerable<BackupEntry>> ListPendingUploadsAsync(
        string? name, Dictionary<(string Name, string Id), (S3Object? Dump, S3Object? Manifest)> known, CancellationToken cancellationToken)
    {
        ListMultipartUploadsResponse response;
        try
        {
            response = await client.ListMultipartUploadsAsync(
                new ListMultipartUploadsRequest { BucketName = target.Bucket, Prefix = target.KeyPrefix }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is System.Net.HttpStatusCode.NotImplemented or System.Net.HttpStatusCode.MethodNotAllowed || ex.ErrorCode == "NotImplemented")
        {
            return [];
        }
        catch (Exception ex) when (S3Errors.IsS3Failure(ex))
        {
            throw S3Errors.Translate(ex, target, settings, "listing pending uploads");
        }

        var pending = new List<BackupEntry>();
        foreach (var upload in response.MultipartUploads ?? [])
        {
            if (BackupLayout.ParseKey(target, upload.Key) is not { IsManifest: false } parsed
                || (name is not null && parsed.Name != name) || known.ContainsKey((parsed.Name, parsed.Id)))
            {
                continue;
            }

            var created = BackupLayout.TimestampOf(parsed.Id) ?? upload.Initiated ?? DateTime.UtcNow;
            pending.Add(new BackupEntry(parsed.Id, parsed.Name, BackupStatus.Incomplete, created, 0, null) { PendingUploadId = upload.UploadId });
        }

        return pending;
    }
}
