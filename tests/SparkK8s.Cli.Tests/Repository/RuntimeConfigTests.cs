using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace SparkK8s.Cli.Tests.Repository;

/// <summary>
/// The CLI's runtime settings (src/SparkK8s.Cli/runtimeconfig.template.json) reach the built spark-k8s.runtimeconfig.json.
/// Without them a one-shot `cost` run on one core never leaves tier 0 (docs/en/performance.md).
/// </summary>
public class RuntimeConfigTests
{
    [Fact]
    public void The_built_cli_tiers_up_early_and_without_dynamic_pgo()
    {
        var properties = Properties();

        properties.GetProperty("System.Runtime.TieredCompilation.CallCountingDelayMs").GetInt32().Should().BeLessThanOrEqualTo(5);
        properties.GetProperty("System.Runtime.TieredPGO").GetBoolean().Should().BeFalse();
        properties.TryGetProperty("System.GC.Server", out _).Should().BeFalse("server GC would cost a one-shot CLI start-up and memory");
    }

    [Fact]
    public void The_built_cli_recompiles_only_hot_methods()
    {
        // With the default 30 calls, validate --all re-compiled about 2,300 methods at tier 1 and spent half of its own CPU
        // time on it: on one core that competes with the helm processes it waits for (docs/en/performance.md).
        var properties = Properties();

        properties.GetProperty("System.Runtime.TieredCompilation.CallCountThreshold").GetInt32().Should().BeInRange(1000, ushort.MaxValue);
    }

    [Fact]
    public void The_built_cli_starts_without_loading_icu()
    {
        // InvariantGlobalization (Directory.Build.props) saves loading ICU at start-up (docs/en/performance.md). The CLI
        // formats with the invariant culture throughout, so no output depends on the user's locale.
        var properties = Properties();

        properties.GetProperty("System.Globalization.Invariant").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void The_built_cli_opens_files_without_advisory_locks()
    {
        // .NET emulates Windows share modes on Unix with flock(2): two more system calls per file opened, 56 ms of a
        // `cost` run over 7,632 small event logs (docs/en/performance.md). The CLI never relies on them: it writes new
        // files with O_EXCL (FileMode.CreateNew) into staging directories and replaces them by rename.
        var properties = Properties();

        properties.GetProperty("System.IO.DisableFileLocking").GetBoolean().Should().BeTrue();
    }

    /// <summary>The configProperties of the built CLI's runtimeconfig.</summary>
    private static JsonElement Properties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "spark-k8s.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        return config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }
}
