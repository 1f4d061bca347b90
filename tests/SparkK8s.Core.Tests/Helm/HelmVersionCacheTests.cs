using FluentAssertions;
using SparkK8s.Core.Helm;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Helm;

/// <summary>The helm version is probed once per binary (path, size, mtime), not once per command.</summary>
public sealed class HelmVersionCacheTests : IDisposable
{
    private readonly TempDirectory _temp = new("helm-cache");

    public void Dispose() => _temp.Dispose();

    /// <summary>A fake helm that appends a line to a log on every call and reports <paramref name="version"/>.</summary>
    private string FakeHelm(string version)
    {
        var log = _temp.Combine("calls.log");
        var path = _temp.WriteFile("bin/helm", $"#!/bin/sh\necho call >> '{log}'\nprintf '%s' '{version}'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    private int Calls => File.Exists(_temp.Combine("calls.log")) ? File.ReadAllLines(_temp.Combine("calls.log")).Length : 0;

    [Fact]
    public async Task A_second_locate_of_the_same_binary_does_not_run_it()
    {
        var helm = FakeHelm("v3.18.0");
        var cache = new HelmVersionCache(_temp.Combine("cache"));

        var first = await HelmLocator.LocateAsync(helm, null, cache, TestContext.Current.CancellationToken);
        var second = await HelmLocator.LocateAsync(helm, null, cache, TestContext.Current.CancellationToken);

        Calls.Should().Be(1);
        (await second.GetVersionAsync(TestContext.Current.CancellationToken)).Should().Be(new Version(3, 18, 0));
        first.ExecutablePath.Should().Be(second.ExecutablePath);
    }

    [Fact]
    public async Task A_replaced_binary_is_probed_again()
    {
        var helm = FakeHelm("v3.18.0");
        var cache = new HelmVersionCache(_temp.Combine("cache"));
        await HelmLocator.LocateAsync(helm, null, cache, TestContext.Current.CancellationToken);

        FakeHelm("v3.12.0");
        File.SetLastWriteTimeUtc(helm, DateTime.UtcNow.AddMinutes(1));
        var act = () => HelmLocator.LocateAsync(helm, null, cache, TestContext.Current.CancellationToken);

        await act.Should().ThrowAsync<SparkK8s.Core.Errors.UserInputException>().WithMessage("*helm 3.12.0*3.14 or newer*");
        Calls.Should().Be(2);
    }

    [Fact]
    public async Task Without_a_cache_every_locate_probes()
    {
        var helm = FakeHelm("v4.1.4");
        await HelmLocator.LocateAsync(helm, null, null, TestContext.Current.CancellationToken);
        await HelmLocator.LocateAsync(helm, null, null, TestContext.Current.CancellationToken);
        Calls.Should().Be(2);
    }

    [Fact]
    public void An_unwritable_cache_is_ignored()
    {
        var helm = FakeHelm("v4.1.4");
        var blocker = _temp.WriteFile("not-a-dir", "x");
        var cache = new HelmVersionCache(Path.Combine(blocker, "cache"));

        cache.Store(helm, new Version(4, 1, 4));

        cache.TryGet(helm).Should().BeNull();
    }
}
