using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.EventLogs;

/// <summary>How to reach S3 or an S3-compatible store such as MinIO. Credentials come from the standard AWS settings
/// (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, instance roles) unless given here.</summary>
public sealed record S3Options
{
    /// <summary>Endpoint URL for S3-compatible stores, e.g. http://minio:9000. Null: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else AWS S3.</summary>
    public string? Endpoint { get; init; }

    public bool ForcePathStyle { get; init; }
    public string? Region { get; init; }
    public string? AccessKey { get; init; }
    public string? SecretKey { get; init; }

    /// <summary>An endpoint must be an absolute http:// or https:// URL with a host; anything else is a usage error naming the flag.</summary>
    public static string? CheckEndpoint(string? endpoint, string flag)
    {
        if (endpoint is null)
        {
            return null;
        }

        return System.Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri)
            && (uri.Scheme == System.Uri.UriSchemeHttp || uri.Scheme == System.Uri.UriSchemeHttps)
            && uri.Host.Length > 0 && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)
            ? endpoint.Trim()
            : throw new UserInputException($"{flag}: '{endpoint}' is not an S3 endpoint URL; write it as http://HOST:PORT or https://HOST, e.g. http://minio:9000.");
    }
}

/// <summary>An s3:// or s3a:// URI split into bucket and key prefix.</summary>
public sealed record S3Location(string Bucket, string Prefix)
{
    public static bool IsS3Uri(string input) =>
        input.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) || input.StartsWith("s3a://", StringComparison.OrdinalIgnoreCase);

    public static S3Location Parse(string uri)
    {
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        return bucket.Length == 0
            ? throw new UserInputException($"'{uri}' has no bucket; write s3://BUCKET/PREFIX (or s3a://).")
            : new S3Location(bucket, prefix);
    }

    public string Uri(string key) => $"s3://{Bucket}/{key}";

    internal static AmazonS3Client CreateClient(S3Options options)
    {
        var endpoint = S3Options.CheckEndpoint(options.Endpoint, "--s3-endpoint")
            ?? S3Options.CheckEndpoint(NullIfEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3")), "AWS_ENDPOINT_URL_S3")
            ?? S3Options.CheckEndpoint(NullIfEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL")), "AWS_ENDPOINT_URL");
        var region = options.Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1";
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle || endpoint is not null,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 2,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }

        return options.AccessKey is not null && options.SecretKey is not null
            ? new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Every object under the prefix; a prefix that names one object lists just that object.</summary>
    internal async Task<IReadOnlyList<EventLogEntry>> ListAsync(IAmazonS3 client, CancellationToken cancellationToken)
    {
        var keys = await ListKeysAsync(client, Prefix, cancellationToken).ConfigureAwait(false);
        if (keys.Find(o => o.Key == Prefix) is { } single && Prefix.Length > 0 && !Prefix.EndsWith('/'))
        {
            keys = [single];
        }
        else if (Prefix.Length > 0 && !Prefix.EndsWith('/'))
        {
            keys = await ListKeysAsync(client, Prefix + "/", cancellationToken).ConfigureAwait(false);
        }

        var root = Prefix.Length == 0 || Prefix.EndsWith('/') ? Prefix : Prefix[..(Prefix.LastIndexOf('/') + 1)];
        return [.. keys.Where(o => !o.Key.EndsWith('/')).Select(o => new EventLogEntry(
            o.Key[root.Length..],
            Uri(o.Key),
            ct => OpenAsync(client, o.Key, ct),
            new PartStamp(o.Size ?? -1, o.ETag ?? o.LastModified?.ToUniversalTime().Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "")))];
    }

    private async Task<Stream> OpenAsync(IAmazonS3 client, string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.GetObjectAsync(Bucket, key, cancellationToken).ConfigureAwait(false);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception ex)
        {
            throw new OperationFailedException($"reading {Uri(key)} failed: {ex.Message} (HTTP {(int)ex.StatusCode}).", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new OperationFailedException($"cannot reach S3 to read {Uri(key)}: {ex.Message}. Check --s3-endpoint.", ex);
        }
    }

    private async Task<List<S3Object>> ListKeysAsync(IAmazonS3 client, string prefix, CancellationToken cancellationToken)
    {
        var keys = new List<S3Object>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix };
        try
        {
            ListObjectsV2Response response;
            do
            {
                response = await client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
                keys.AddRange(response.S3Objects ?? []);
                request.ContinuationToken = response.NextContinuationToken;
            }
            while (response.IsTruncated == true);
        }
        catch (AmazonS3Exception ex)
        {
            throw new OperationFailedException($"listing s3://{Bucket}/{prefix} failed: {ex.Message} (HTTP {(int)ex.StatusCode}). Check the bucket, the endpoint (--s3-endpoint) and the AWS credentials.", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new OperationFailedException($"cannot reach S3 to list s3://{Bucket}/{prefix}: {ex.Message}. Check --s3-endpoint.", ex);
        }

        return keys;
    }
}
