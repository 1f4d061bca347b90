using FluentAssertions;
using SparkK8s.Core.Composer;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Presets;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Composer;

public class PlatformComposerTests
{
    private static readonly ComposeCatalog Catalog = ComposeCatalog.Load(RepoPaths.Chart);

    private static ComposedPlatform Compose(params string[] with) => new PlatformComposer(Catalog).Compose(new ComposeRequest { With = with, Backend = "k8s" });

    [Fact]
    public void Adds_what_a_component_needs_and_says_why()
    {
        var platform = Compose("jupyter", "metastore");

        platform.Components.Should().Contain(["jupyter", "connect", "metastore", "postgresql"]);
        platform.Added.Should().Contain(new AddedComponent("connect", "jupyter")).And.Contain(new AddedComponent("postgresql", "metastore"));
    }

    [Fact]
    public void Without_minio_S3_is_external_with_placeholders_that_validate_flags()
    {
        var platform = Compose("history");

        platform.ExternalS3.Should().BeTrue();
        ValuesDocument.Get(platform.Values, "s3.endpoint")!.GetValue<string>().Should().EndWith(".invalid");
        platform.Text.Should().Contain("CHANGE-ME");
    }

    [Fact]
    public void With_minio_S3_is_the_embedded_store()
    {
        var platform = Compose("history", "minio");

        platform.ExternalS3.Should().BeFalse();
        ValuesDocument.Get(platform.Values, "s3.endpoint").Should().BeNull();
    }

    [Fact]
    public void Every_component_switch_is_written_in_catalog_order()
    {
        var platform = Compose("minio");

        var switched = Catalog.Components.Where(c => c.Switched).Select(c => c.ValuesKey).ToList();
        platform.Values.Select(p => p.Key).Take(switched.Count).Should().Equal(switched);
        ValuesDocument.Get(platform.Values, "minio.enabled")!.GetValue<bool>().Should().BeTrue();
        ValuesDocument.Get(platform.Values, "connect.enabled")!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public void A_batch_backend_brings_its_example_jobs_and_refuses_connect()
    {
        var composer = new PlatformComposer(Catalog);

        var batch = composer.Compose(new ComposeRequest { With = ["history", "minio"], Backend = "submit" });
        batch.Components.Should().Contain(["jobs", "metastore", "postgresql"]);
        ValuesDocument.Get(batch.Values, "jobDefaults.type")!.GetValue<string>().Should().Be("submit");
        batch.Values.ContainsKey("jobs").Should().BeTrue();

        composer.Invoking(c => c.Compose(new ComposeRequest { With = ["jupyter"], Backend = "operator" }))
            .Should().Throw<UserInputException>().WithMessage("--with connect: it runs on the k8s*backend, not on operator*drop connect and jupyter*");
    }

    [Fact]
    public void Accepts_values_keys_as_component_names()
    {
        Compose("historyServer", "minio").Components.Should().Contain("history");
    }

    [Fact]
    public void Unknown_component_names_the_flag_and_the_known_ones()
    {
        var act = () => Compose("spark-ui");

        act.Should().Throw<UserInputException>().WithMessage("--with: unknown component 'spark-ui'*connect*jupyter*");
    }

    [Fact]
    public void Unknown_backend_and_preset_name_their_flags()
    {
        var composer = new PlatformComposer(Catalog);

        composer.Invoking(c => c.Compose(new ComposeRequest { With = ["connect"], Backend = "yarn" }))
            .Should().Throw<UserInputException>().WithMessage("--backend: unknown backend 'yarn'*k8s*");
        composer.Invoking(c => c.Compose(new ComposeRequest { From = "nope" }))
            .Should().Throw<UserInputException>().WithMessage("--from: 'nope' is not a preset*jupyter-connect-k8s*");
    }

    [Fact]
    public void A_recipe_with_added_components_says_how_it_was_composed()
    {
        var platform = new PlatformComposer(Catalog).Compose(new ComposeRequest { From = "connect-k8s-minimal", With = ["history"] });

        platform.Components.Should().Equal("connect", "history");
        platform.Command.Should().Be("spark-k8s new --with connect,history --backend k8s");
        platform.Text.Should().NotContain(Catalog.FindPreset("connect-k8s-minimal")!.Description);
    }

    [Fact]
    public void Spark_version_is_pinned_in_the_overlay()
    {
        var platform = new PlatformComposer(Catalog).Compose(new ComposeRequest { With = ["connect"], SparkVersion = "3.5" });

        ValuesDocument.Get(platform.Values, "spark.version")!.GetValue<string>().Should().Be("3.5");
        platform.Command.Should().EndWith("--spark-version 3.5");
    }

    [Fact]
    public void A_catalog_that_names_a_missing_component_is_refused_with_its_path()
    {
        using var chart = new TempDirectory("catalog");
        chart.WriteFile(ComposeCatalog.FileName, """
            components:
              jupyter: {values: jupyter, description: Jupyter, requires: [connect]}
            backends:
              k8s: {description: k8s}
            presets: {}
            """);

        var act = () => ComposeCatalog.Load(chart.Path);

        act.Should().Throw<UserInputException>().WithMessage("*components.jupyter.requires names 'connect'*");
    }
}
