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
public sealed record S3Settings(string? Endpoint, string? Region)
{
    public void Validate()
    {
        if (Endpoint is not null
            && (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            throw new UserInputException($"--s3-endpoint: '{Endpoint}' is not an http(s) URL, e.g. http://minio:9000.");
        }
    }
}
