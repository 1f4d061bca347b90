using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Integration.Tests.Backup;

/// <summary>One PostgreSQL server and one s3rver shared by the backup tests; each test uses its own databases and bucket.</summary>
[CollectionDefinition(Name)]
public sealed class BackupCollection : ICollectionFixture<PostgresServerFixture>, ICollectionFixture<S3ServerFixture>
{
    public const string Name = "backup";
}
