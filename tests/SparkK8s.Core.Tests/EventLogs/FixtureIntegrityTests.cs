using System.Security.Cryptography;
using System.Text.RegularExpressions;
using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.EventLogs;

/// <summary>The committed event-log fixtures are exactly the files their READMEs list (origin, licence, sha256).</summary>
public partial class FixtureIntegrityTests
{
    [GeneratedRegex(@"^(?<sha>[0-9a-f]{64})  (?<file>\S+)$", RegexOptions.Multiline)]
    private static partial Regex ChecksumLine();

    [Theory]
    [InlineData("spark-event-logs")]
    [InlineData("spark-event-logs-compressed")]
    public void Every_fixture_file_matches_the_sha256_in_its_README(string fixture)
    {
        var root = Path.Combine(RepoPaths.Root, "tests", "fixtures", fixture);
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var listed = ChecksumLine().Matches(readme).ToDictionary(m => m.Groups["file"].Value, m => m.Groups["sha"].Value);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "README.md")
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));

        readme.Should().Contain("Apache License 2.0");
        files.Should().BeEquivalentTo(listed);
    }
}
