using FluentAssertions;
using SparkK8s.Core.Presets;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Presets;

/// <summary>
/// `presets` keeps what it derived from the chart's YAML under a key made of the files' content: the cached list is
/// the parsed list, and any edit of values.yaml, compose.yaml or a preset is seen at once.
/// </summary>
public sealed class PresetListCacheTests : IDisposable
{
    private readonly TempDirectory _temp = new("preset-cache");
    private readonly string _chart;
    private readonly PresetListCache _cache;

    public PresetListCacheTests()
    {
        _chart = _temp.Combine("chart");
        foreach (var folder in new[] { "presets", "environments" })
        {
            Directory.CreateDirectory(Path.Combine(_chart, folder));
            foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Chart, folder), "*.yaml"))
            {
                File.Copy(file, Path.Combine(_chart, folder, Path.GetFileName(file)));
            }
        }

        File.Copy(Path.Combine(RepoPaths.Chart, "values.yaml"), Path.Combine(_chart, "values.yaml"));
        File.Copy(Path.Combine(RepoPaths.Chart, "compose.yaml"), Path.Combine(_chart, "compose.yaml"));
        _cache = new PresetListCache(_temp.Combine("cache"));
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private PresetCatalog Catalog => new(_chart);

    private byte[]? StoredKey => PresetListCache.Inputs(_chart, Catalog.PresetNames);

    /// <summary>Rewrites the description line of jupyter-connect-k8s; returns the new line.</summary>
    private string EditDescription(Func<string, string> edit)
    {
        var preset = Path.Combine(_chart, "presets", "jupyter-connect-k8s.yaml");
        var text = File.ReadAllText(preset);
        var description = text.Split('\n').First(l => l.StartsWith(PresetCatalog.DescriptionPrefix, StringComparison.Ordinal));
        var edited = edit(description);
        File.WriteAllText(preset, text.Replace(description, edited, StringComparison.Ordinal));
        return edited;
    }

    [Fact]
    public async Task A_cached_list_is_the_parsed_list()
    {
        var parsed = await Catalog.ListAsync(null, Token);

        var first = await Catalog.ListAsync(_cache, Token);
        _cache.TryGet(_chart, StoredKey!).Should().NotBeNull("the first listing stores its result");
        var second = await Catalog.ListAsync(_cache, Token);

        first.Should().BeEquivalentTo(parsed, o => o.WithStrictOrdering());
        second.Should().BeEquivalentTo(parsed, o => o.WithStrictOrdering());
        parsed.Should().Contain(p => p.Backend == null || p.Backend == "k8s").And.HaveCountGreaterThan(5);
    }

    [Fact]
    public async Task An_edited_preset_is_listed_as_edited()
    {
        await Catalog.ListAsync(_cache, Token);
        EditDescription(_ => PresetCatalog.DescriptionPrefix + " Edited after the first listing");

        var listed = await Catalog.ListAsync(_cache, Token);

        listed.Single(p => p.Name == "jupyter-connect-k8s").Description.Should().Be("Edited after the first listing");
    }

    [Fact]
    public async Task An_edit_that_keeps_every_length_is_seen()
    {
        await Catalog.ListAsync(_cache, Token);
        var preset = Path.Combine(_chart, "presets", "jupyter-connect-k8s.yaml");
        var length = new FileInfo(preset).Length;
        var swapped = EditDescription(description => description[..^1] + (description[^1] == 'X' ? 'Y' : 'X'));
        new FileInfo(preset).Length.Should().Be(length);

        var listed = await Catalog.ListAsync(_cache, Token);

        listed.Single(p => p.Name == "jupyter-connect-k8s").Description.Should().EndWith(swapped[^1].ToString());
        listed.Should().BeEquivalentTo(await Catalog.ListAsync(null, Token), o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task A_file_that_is_not_a_preset_is_not_listed()
    {
        File.WriteAllText(Path.Combine(_chart, "presets", "notes.yml"), "minio:\n  enabled: true\n");
        File.WriteAllText(Path.Combine(_chart, "presets", "README.md"), "# presets\n");

        var listed = await Catalog.ListAsync(_cache, Token);

        listed.Select(p => p.Name).Should().NotContain(["notes", "README"]).And.BeInAscendingOrder(StringComparer.Ordinal);
    }

    [Fact]
    public async Task An_edited_values_file_and_an_added_preset_are_seen()
    {
        await Catalog.ListAsync(_cache, Token);
        File.WriteAllText(Path.Combine(_chart, "presets", "zz-added.yaml"), "# description: Added later\nminio:\n  enabled: true\n");
        File.AppendAllText(Path.Combine(_chart, "values.yaml"), "\n");

        var listed = await Catalog.ListAsync(_cache, Token);

        listed.Should().BeEquivalentTo(await Catalog.ListAsync(null, Token), o => o.WithStrictOrdering());
        listed[^1].Name.Should().Be("zz-added");
        listed[^1].Components.Should().Contain("minio");
    }

    [Fact]
    public async Task A_damaged_cache_entry_is_ignored()
    {
        await Catalog.ListAsync(_cache, Token);
        var entry = Directory.GetFiles(_cache.Directory).Single();
        var lines = File.ReadAllLines(entry);
        File.WriteAllLines(entry, lines.Take(lines.Length - 2));

        _cache.TryGet(_chart, StoredKey!).Should().BeNull();
        var listed = await Catalog.ListAsync(_cache, Token);

        listed.Should().BeEquivalentTo(await Catalog.ListAsync(null, Token), o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task A_value_the_line_format_cannot_hold_is_not_cached()
    {
        var preset = Path.Combine(_chart, "presets", "jupyter-connect-k8s.yaml");
        var text = File.ReadAllText(preset);
        var description = text.Split('\n').First(l => l.StartsWith(PresetCatalog.DescriptionPrefix, StringComparison.Ordinal));
        File.WriteAllText(preset, text.Replace(description, PresetCatalog.DescriptionPrefix + " with\ta tab", StringComparison.Ordinal));

        var listed = await Catalog.ListAsync(_cache, Token);

        listed.Single(p => p.Name == "jupyter-connect-k8s").Description.Should().Be("with\ta tab");
        _cache.TryGet(_chart, StoredKey!).Should().BeNull();
    }

    [Fact]
    public async Task A_broken_preset_is_reported_and_nothing_is_cached()
    {
        File.WriteAllText(Path.Combine(_chart, "presets", "broken.yaml"), "minio: [unclosed\n");

        var list = () => Catalog.ListAsync(_cache, Token);

        await list.Should().ThrowAsync<SparkK8s.Core.Errors.UserInputException>().WithMessage("*broken.yaml*");
        Directory.Exists(_cache.Directory).Should().BeFalse();
    }
}
