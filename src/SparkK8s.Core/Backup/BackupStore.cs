using Amazon.Runtime;
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

        // Manifests are read a few at a time: one GET each, and a bucket holds a month of backups per name.
        using var throttle = new SemaphoreSlim(8);
        var entries = (await Task.WhenAll(objects.Select(async pair =>
        {
            var ((backupName, id), (dump, manifestObject)) = pair;
            var keys = new[] { manifestObject?.Key, dump?.Key }.OfType<string>().ToList();
            var storedAt = ServerTime((dump ?? manifestObject)!.LastModified);
            var claimed = BackupLayout.TimestampOf(id) ?? storedAt;
            if (dump is null || manifestObject is null)
            {
                return new BackupEntry(id, backupName, BackupStatus.Incomplete, claimed, dump?.Size ?? 0, null) { Keys = keys, StoredAt = storedAt };
            }

            await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var (manifest, problem) = await ReadManifestAsync(manifestObject.Key, cancellationToken).ConfigureAwait(false);
                return manifest is not null
                    ? new BackupEntry(id, backupName, BackupStatus.Complete, manifest.StartedAt, manifest.SizeBytes, manifest.Sha256) { Manifest = manifest, Keys = keys, StoredAt = storedAt }
                    : new BackupEntry(id, backupName, BackupStatus.Unreadable, claimed, dump.Size ?? 0, null) { Keys = keys, StoredAt = storedAt, Problem = problem };
            }
            finally
            {
                throttle.Release();
            }
        })).ConfigureAwait(false)).ToList();

        entries.AddRange(await ListPendingUploadsAsync(name, objects, cancellationToken).ConfigureAwait(false));
        return BackupClock.NewestFirst(entries).ToList();
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
        return entry.Status switch
        {
            BackupStatus.Complete => entry,
            BackupStatus.Unreadable => throw new OperationFailedException(
                $"backup '{requested}' is unreadable: {entry.Problem}. It is kept, never deleted automatically; pick another with 'spark-k8s backup list'."),
            _ => throw new OperationFailedException(
                $"backup '{requested}' is incomplete (its upload never finished, so it has no manifest) and cannot be used. Pick another with 'spark-k8s backup list'."),
        };
    }

    /// <summary>
    /// Writes the manifest without replacing an existing one (conditional PUT <c>If-None-Match: *</c>, which S3 and MinIO
    /// honour), then reads it back: the stored ETag must be ours (servers that ignore the condition, such as s3rver, are
    /// caught by the existence check before the upload and this check after). Returns the server's <c>LastModified</c>.
    /// </summary>
    public async Task<DateTimeOffset> PutManifestAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        var key = BackupLayout.ManifestKey(target, manifest.Name, manifest.Id);
        var put = await S3Errors.Retry.ExecuteAsync(
            async ct => await GuardAsync("writing the manifest", () => client.PutObjectAsync(
                new PutObjectRequest
                {
                    BucketName = target.Bucket,
                    Key = key,
                    ContentBody = manifest.ToJson(),
                    ContentType = "application/json",
                    UseChunkEncoding = false,
                    IfNoneMatch = "*",
                },
                ct)).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        var stored = await GuardAsync("checking the manifest", () => client.GetObjectMetadataAsync(target.Bucket, key, cancellationToken)).ConfigureAwait(false);
        if (!string.Equals(stored.ETag, put.ETag, StringComparison.Ordinal))
        {
            throw new OperationFailedException(
                $"backup '{manifest.Id}': another writer replaced the manifest at s3://{target.Bucket}/{key} while it was written (ETag {stored.ETag}, ours {put.ETag}). Check that only one 'backup run' writes this name.");
        }

        return ServerTime(stored.LastModified);
    }

    /// <summary>Refuses to write a backup whose archive or manifest already exists: nothing is ever overwritten.</summary>
    public async Task EnsureAbsentAsync(string name, string id, CancellationToken cancellationToken)
    {
        foreach (var key in new[] { BackupLayout.DumpKey(target, name, id), BackupLayout.ManifestKey(target, name, id) })
        {
            if (await ExistsAsync(key, cancellationToken).ConfigureAwait(false))
            {
                throw new OperationFailedException(
                    $"backup '{id}' already exists (s3://{target.Bucket}/{key}); it was not overwritten. Run 'backup run' again for a new id.");
            }
        }
    }

    /// <summary>Checks after the upload that the archive is the one this run wrote (same ETag and size).</summary>
    public async Task EnsureArchiveIsOursAsync(string name, string id, string etag, long size, CancellationToken cancellationToken)
    {
        var key = BackupLayout.DumpKey(target, name, id);
        var stored = await GuardAsync("checking the uploaded archive", () => client.GetObjectMetadataAsync(target.Bucket, key, cancellationToken)).ConfigureAwait(false);
        if (!string.Equals(stored.ETag, etag, StringComparison.Ordinal) || stored.ContentLength != size)
        {
            throw new OperationFailedException(
                $"backup '{id}': the archive at s3://{target.Bucket}/{key} is not the one just uploaded (ETag {stored.ETag}, {stored.ContentLength} bytes; ours {etag}, {size} bytes). Another writer replaced it; no manifest was written.");
        }
    }

    /// <summary>Opens a backup's archive for streaming (the caller hashes it).</summary>
    public Task<GetObjectResponse> OpenArchiveAsync(BackupEntry entry, CancellationToken cancellationToken) =>
        S3Errors.Retry.ExecuteAsync(
            async ct => await GuardAsync("downloading the backup", () => client.GetObjectAsync(target.Bucket, BackupLayout.DumpKey(target, entry.Name, entry.Id), ct)).ConfigureAwait(false),
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

    private async Task<(BackupManifest? Manifest, string? Problem)> ReadManifestAsync(string key, CancellationToken cancellationToken)
    {
        string json;
        try
        {
            using var response = await GuardAsync("reading a manifest", () => client.GetObjectAsync(target.Bucket, key, cancellationToken)).ConfigureAwait(false);
            using var reader = new StreamReader(response.ResponseStream);
            json = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonClientException ex) when (S3Errors.IsChecksumMismatch(ex))
        {
            return (null, "the manifest object does not match its stored checksum (corrupt in storage)");
        }

        var manifest = BackupManifest.FromJson(json, out var problem);
        return (manifest, problem);
    }

    private async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await client.GetObjectMetadataAsync(target.Bucket, key, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (Exception ex) when (S3Errors.IsS3Failure(ex))
        {
            throw S3Errors.Translate(ex, target, settings, "checking that the backup id is new");
        }
    }

    private static DateTimeOffset ServerTime(DateTime? lastModified) =>
        lastModified is { } value ? new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.UnixEpoch;

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

            var storedAt = ServerTime(upload.Initiated);
            pending.Add(new BackupEntry(parsed.Id, parsed.Name, BackupStatus.Incomplete, BackupLayout.TimestampOf(parsed.Id) ?? storedAt, 0, null)
            {
                PendingUploadId = upload.UploadId,
                StoredAt = storedAt,
            });
        }

        return pending;
    }
}
