using Amazon.S3.Model;
using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Infrastructure;

/// <summary>Proves the shared S3 fixture serves real S3 calls on loopback.</summary>
public class S3ServerFixtureTests(S3ServerFixture s3) : IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task Stores_and_returns_an_object()
    {
        await s3.CreateBucketAsync("fixture-check");
        using var client = s3.CreateClient();

        await client.PutObjectAsync(new PutObjectRequest { BucketName = "fixture-check", Key = "a/b.txt", ContentBody = "hello", UseChunkEncoding = false }, TestContext.Current.CancellationToken);
        using var response = await client.GetObjectAsync("fixture-check", "a/b.txt", TestContext.Current.CancellationToken);
        using var reader = new StreamReader(response.ResponseStream);

        (await reader.ReadToEndAsync(TestContext.Current.CancellationToken)).Should().Be("hello");
    }
}
