using System.Text;
using System.Text.RegularExpressions;
using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests.Repository;

/// <summary>
/// Keeps the docs honest: English and Russian have the same files and heading structure, relative links
/// resolve, repository paths named in shell blocks exist, and every spark-k8s command line shown parses
/// against the real command tree (unknown commands or options fail here, not in a reader's terminal).
/// </summary>
public partial class DocumentationTests
{
    private static string DocsRoot => Path.Combine(RepoPaths.Root, "docs");

    public static TheoryData<string> MarkdownFiles()
    {
        var files = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(DocsRoot, "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            files.Add(Path.GetRelativePath(RepoPaths.Root, file));
        }

        files.Add("README.md");
        files.Add("CONTRIBUTING.md");
        return files;
    }

    [Fact]
    public void English_and_Russian_docs_have_the_same_files()
    {
        static IEnumerable<string> Relative(string language) =>
            Directory.EnumerateFiles(Path.Combine(DocsRoot, language), "*.md", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Path.Combine(DocsRoot, language), f))
                .Order(StringComparer.Ordinal);

        Relative("ru").Should().Equal(Relative("en"));
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Russian_translation_keeps_the_heading_structure(string file)
    {
        if (!file.StartsWith(Path.Combine("docs", "en"), StringComparison.Ordinal))
        {
            return;
        }

        var russian = Path.Combine(RepoPaths.Root, "docs", "ru", Path.GetRelativePath(Path.Combine("docs", "en"), file));
        File.Exists(russian).Should().BeTrue($"{file} needs a Russian counterpart");

        HeadingLevels(File.ReadAllText(russian)).Should().Equal(HeadingLevels(File.ReadAllText(Path.Combine(RepoPaths.Root, file))));
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Relative_links_resolve(string file)
    {
        var full = Path.Combine(RepoPaths.Root, file);
        var broken = MarkdownLink().Matches(File.ReadAllText(full))
            .Select(m => m.Groups[1].Value)
            .Where(target => !target.Contains("://", StringComparison.Ordinal) && !target.StartsWith('#') && !target.StartsWith("mailto:", StringComparison.Ordinal))
            .Select(target => target.Split('#')[0])
            .Where(target => !File.Exists(Path.Combine(Path.GetDirectoryName(full)!, target)) && !Directory.Exists(Path.Combine(Path.GetDirectoryName(full)!, target)))
            .ToList();

        broken.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Shell_examples_use_real_commands_and_paths(string file)
    {
        var problems = new List<string>();
        var root = CliApplication.BuildRootCommand();
        var variables = ShellVariables(file);
        foreach (var line in ShellLines(File.ReadAllText(Path.Combine(RepoPaths.Root, file))))
        {
            var words = ShellWords(Expand(line, variables));
            foreach (var word in words.Where(w => RepositoryPath().IsMatch(w)))
            {
                var path = Path.Combine(RepoPaths.Root, word.TrimEnd('/'));
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    problems.Add($"missing path '{word}' in: {line}");
                }
            }

            var start = words.FindIndex(w => w is "./spark-k8s" or "spark-k8s");
            if (start < 0 || (start > 0 && words[start - 1] is not ("|" or "&&" or ";" or "time")))
            {
                continue;
            }

            var arguments = words.Skip(start + 1).TakeWhile(w => w is not ("|" or "&&" or ";" or ">" or "2>&1")).ToArray();
            var errors = root.Parse(arguments).Errors;
            if (errors.Count > 0)
            {
                problems.Add($"'{line}': {string.Join("; ", errors.Select(e => e.Message))}");
            }
        }

        problems.Should().BeEmpty();
    }

    /// <summary>
    /// Variables the docs of one language set in shell blocks (<c>export TARGET="--target s3://..."</c>), so a runbook
    /// that relies on the set-up section of another page is checked with the same values a reader has.
    /// </summary>
    private static Dictionary<string, string> ShellVariables(string file)
    {
        var folder = file.StartsWith("docs", StringComparison.Ordinal)
            ? Path.Combine(RepoPaths.Root, Path.GetDirectoryName(file)!.Split(Path.DirectorySeparatorChar).Take(2).Aggregate(Path.Combine))
            : Path.GetDirectoryName(Path.Combine(RepoPaths.Root, file))!;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = file.StartsWith("docs", StringComparison.Ordinal)
            ? Directory.EnumerateFiles(folder, "*.md", SearchOption.AllDirectories)
            : [Path.Combine(RepoPaths.Root, file)];
        foreach (var markdown in files)
        {
            foreach (var line in ShellLines(File.ReadAllText(markdown)))
            {
                var match = Assignment().Match(line);
                if (match.Success)
                {
                    variables[match.Groups["name"].Value] = match.Groups["value"].Value;
                }
            }
        }

        return variables;
    }

    private static string Expand(string line, Dictionary<string, string> variables) =>
        VariableReference().Replace(line, m => variables.TryGetValue(m.Groups["name"].Value, out var value) ? value : m.Value);

    private static List<int> HeadingLevels(string markdown) =>
        FencedBlock().Replace(markdown, string.Empty)
            .Split('\n')
            .Where(l => HeadingLine().IsMatch(l))
            .Select(l => l.TakeWhile(c => c == '#').Count())
            .ToList();

    /// <summary>Command lines inside ```bash / ```sh / ```console blocks, with continuations joined and comments dropped.</summary>
    private static IEnumerable<string> ShellLines(string markdown)
    {
        foreach (Match block in ShellBlock().Matches(markdown))
        {
            var pending = new StringBuilder();
            foreach (var raw in block.Groups[1].Value.Split('\n'))
            {
                var line = raw.TrimEnd();
                if (line.EndsWith('\\'))
                {
                    pending.Append(line[..^1]).Append(' ');
                    continue;
                }

                pending.Append(line);
                var joined = pending.ToString().Trim();
                pending.Clear();
                if (joined.StartsWith("$ ", StringComparison.Ordinal))
                {
                    joined = joined[2..];
                }

                if (joined.Length > 0 && !joined.StartsWith('#'))
                {
                    yield return joined;
                }
            }
        }
    }

    /// <summary>Splits a shell line into words (quotes honoured, trailing # comment dropped).</summary>
    private static List<string> ShellWords(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        var inWord = false;
        foreach (var c in line)
        {
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else
                {
                    current.Append(c);
                }

                continue;
            }

            if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    [GeneratedRegex(@"^(?:export\s+)?(?<name>[A-Z_][A-Z0-9_]*)=(?:""(?<value>[^""$`]*)""|'(?<value>[^']*)'|(?<value>[^\s""'$`]+))$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"\$\{?(?<name>[A-Z_][A-Z0-9_]*)\}?")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"```(?:bash|sh|console|shell)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"^#{1,6} ")]
    private static partial Regex HeadingLine();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^(charts|docs|scripts|images|benchmarks|src|tests)/[\w./-]+$")]
    private static partial Regex RepositoryPath();
}
