using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace SparkK8s.Core.Backup;

/// <summary>Builds the S3 client: credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (else the SDK's default chain).</summary>
public static class S3ClientFactory
{
    public static IAmazonS3 Create(S3Settings settings, BackupEnvironment environment)
    {
        settings.Validate();
        var (region, source) = settings.Region is not null ? (settings.Region, "--s3-region")
            : environment.Get("AWS_REGION") is { } fromEnvironment ? (fromEnvironment, "AWS_REGION")
            : environment.Get("AWS_DEFAULT_REGION") is { } fromDefault ? (fromDefault, "AWS_DEFAULT_REGION")
            : ("us-east-1", "the default region");
        S3Settings.ValidateRegion(region, source);
        var config = new AmazonS3Config
        {
            MaxErrorRetry = 1,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (settings.Endpoint is not null)
        {
            // MinIO, s3rver and other S3-compatible servers: path-style addressing, checksums only when required.
            config.ServiceURL = settings.Endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region;
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        var accessKey = environment.Get("AWS_ACCESS_KEY_ID");
        var secretKey = environment.Get("AWS_SECRET_ACCESS_KEY");
        if (accessKey is not null && secretKey is not null)
        {
            var token = environment.Get("AWS_SESSION_TOKEN");
            AWSCredentials credentials = token is null ? new BasicAWSCredentials(accessKey, secretKey) : new SessionAWSCredentials(accessKey, secretKey, token);
            return new AmazonS3Client(credentials, config);
        }

        return new AmazonS3Client(config);
    }
}
