using System.Text.RegularExpressions;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Backup;

/// <summary>Where backups live: <c>--target s3://bucket/prefix</c>.</summary>
public sealed partial record S3Target(string Bucket, string Prefix)
{
    public static S3Target Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UserInputException("--target is required: give the backup location as s3://bucket/prefix.");
        }

        if (!text.StartsWith("s3://", StringComparison.Ordinal))
        {
            throw new UserInputException($"--target: '{text}' does not start with s3://; give the backup location as s3://bucket/prefix.");
        }

        var rest = text["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? string.Empty : rest[(slash + 1)..].Trim('/');
        if (!BucketPattern().IsMatch(bucket))
        {
            throw new UserInputException($"--target: '{bucket}' is not a valid bucket name (3-63 lowercase letters, digits, dots and hyphens).");
        }

        return new S3Target(bucket, prefix);
    }

    /// <summary>The key prefix every backup object starts with ("" or "prefix/").</summary>
    public string KeyPrefix => Prefix.Length == 0 ? string.Empty : Prefix + "/";

    public override string ToString() => $"s3://{Bucket}/{Prefix}";

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketPattern();
}

/// <summary>How to reach S3: <c>--s3-endpoint</c> (path-style when given) and <c>--s3-region</c>.</summary>
public sealed partial record S3Settings(string? Endpoint, string? Region)
{
    private const string EndpointExample = "http://minio:9000 or https://s3.example.com";

    /// <summary>Refuses, as a usage error naming the flag, what the SDK would otherwise fail on later with its own exception.</summary>
    public void Validate()
    {
        if (Endpoint is not null)
        {
            ValidateEndpoint(Endpoint);
        }

        if (Region is not null)
        {
            ValidateRegion(Region, "--s3-region");
        }
    }

    /// <summary>Checks a region name from <c>--s3-region</c> or AWS_REGION / AWS_DEFAULT_REGION.</summary>
    public static void ValidateRegion(string region, string source)
    {
        if (!RegionPattern().IsMatch(region))
        {
            throw new UserInputException(
                $"{source}: '{region}' is not a valid region name; use lowercase letters, digits and hyphens, e.g. us-east-1 or eu-central-1.");
        }
    }

    private static void ValidateEndpoint(string endpoint)
    {
        if (endpoint.Length == 0 || endpoint.Trim() != endpoint
            || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            throw new UserInputException($"--s3-endpoint: '{RedactUserInfo(endpoint)}' is not an http(s) URL; give scheme, host and port only, e.g. {EndpointExample}.");
        }

        if (uri.UserInfo.Length > 0)
        {
            throw new UserInputException(
                $"--s3-endpoint: '{RedactUserInfo(endpoint)}' carries credentials; remove them from the URL and set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead.");
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || endpoint.EndsWith('?') || endpoint.EndsWith('#'))
        {
            throw new UserInputException(
                $"--s3-endpoint: '{endpoint}' has a path, query or fragment; give scheme, host and port only (the bucket comes from --target), e.g. {EndpointExample}.");
        }

        if (uri.Port is < 1 or > 65535)
        {
            throw new UserInputException($"--s3-endpoint: port {uri.Port} is not between 1 and 65535, e.g. {EndpointExample}.");
        }
    }

    private static string RedactUserInfo(string text)
    {
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return scheme > 0 && at > scheme ? text[..(scheme + 3)] + "***" + text[at..] : text;
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex RegionPattern();
}
