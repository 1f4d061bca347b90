using System.Text;
using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests.Repository;

/// <summary>
/// A fresh clone needs nothing beside it: no source, script, test or doc refers to a data directory next to the
/// checkout, or to the environment variable that used to point at one.
/// </summary>
public class SelfContainedTests
{
    // Built from parts so that this file does not match itself.
    private static readonly string[] Forbidden = [".." + "/shared", "SPARK_K8S_" + "SHARED", "/work/" + "shared"];

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { ".git", "bin", "obj", ".tools", "node_modules", "TestResults", "BenchmarkDotNet.Artifacts", "out" };

    [Fact]
    public void No_file_refers_to_data_beside_the_checkout()
    {
        var offenders = new List<string>();
        foreach (var file in Files(RepoPaths.Root))
        {
            var bytes = File.ReadAllBytes(file);
            if (bytes.AsSpan(0, Math.Min(bytes.Length, 8192)).Contains((byte)0))
            {
                continue; // binary
            }

            var text = Encoding.UTF8.GetString(bytes);
            offenders.AddRange(Forbidden.Where(f => text.Contains(f, StringComparison.Ordinal)).Select(f => $"{Path.GetRelativePath(RepoPaths.Root, file)}: {f}"));
        }

        offenders.Should().BeEmpty("the repository carries its own test data (tests/fixtures) and schemas (the embedded bundle)");
    }

    private static IEnumerable<string> Files(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            yield return file;
        }

        foreach (var child in Directory.EnumerateDirectories(directory).Where(d => !SkippedFolders.Contains(Path.GetFileName(d))))
        {
            foreach (var file in Files(child))
            {
                yield return file;
            }
        }
    }
}
