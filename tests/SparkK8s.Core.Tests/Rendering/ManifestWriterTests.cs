using FluentAssertions;
using SparkK8s.Core.Errors;
using SparkK8s.Core.Rendering;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.Rendering;

/// <summary>render --out never deletes or overwrites what it did not write.</summary>
public sealed class ManifestWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private const string Yaml = """
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: conf
          labels:
            app.kubernetes.io/component: connect
        data:
          a: b
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: creds
          labels:
            app.kubernetes.io/component: s3
        stringData:
          AWS_SECRET_ACCESS_KEY: hunter2
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app
        spec:
          template:
            spec:
              containers:
                - name: app
                  env:
                    - name: DB_PASSWORD
                      value: literal
        """;

    private RenderedManifest Manifest => RenderedManifest.Parse(Yaml, new RenderOptions { ChartDirectory = Chart, Preset = "test" });

    private string Chart => _temp.Combine("work", "charts", "spark-k8s");

    private string Work => _temp.Combine("work");

    private string[] Protected => [Work, Chart];

    public ManifestWriterTests()
    {
        Directory.CreateDirectory(Chart);
        File.WriteAllText(Path.Combine(Chart, "Chart.yaml"), "name: spark-k8s\n");
        Directory.CreateDirectory(Path.Combine(Work, ".git"));
        File.WriteAllText(Path.Combine(Work, ".git", "HEAD"), "ref: refs/heads/main\n");
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_new_directory_gets_the_files_and_a_marker_listing_them()
    {
        var target = Path.Combine(Work, "out");

        var files = await ManifestWriter.WriteAsync(Manifest, target, Protected, TestContext.Current.CancellationToken);

        files.Should().BeEquivalentTo("connect/configmap-conf.yaml", "s3/secret-creds.yaml", "common/deployment-app.yaml");
        var marker = await File.ReadAllLinesAsync(Path.Combine(target, ManifestWriter.MarkerFile), TestContext.Current.CancellationToken);
        marker.Should().Contain(files);
        Directory.GetDirectories(Work).Select(Path.GetFileName).Should().BeEquivalentTo(["charts", ".git", "out"], "no staging or old directory is left behind");
    }

    [Fact]
    public async Task A_non_empty_directory_without_the_marker_is_refused_and_left_untouched()
    {
        var target = Path.Combine(Work, "mine");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "notes.txt"), "precious");

        var act = () => ManifestWriter.WriteAsync(Manifest, target, Protected, TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<UserInputException>()).Which.Message.Should().Contain("--out").And.Contain("not empty").And.Contain(ManifestWriter.MarkerFile);
        Directory.GetFileSystemEntries(target).Should().ContainSingle().Which.Should().EndWith("notes.txt");
        File.ReadAllText(Path.Combine(target, "notes.txt")).Should().Be("precious");
    }

    [Fact]
    public async Task An_earlier_render_is_replaced_but_not_when_someone_added_a_file_to_it()
    {
        var target = Path.Combine(Work, "out");
        await ManifestWriter.WriteAsync(Manifest, target, Protected, TestContext.Current.CancellationToken);
        File.WriteAllText(Path.Combine(target, "connect", "configmap-conf.yaml"), "edited by hand is still a file render wrote");

        await ManifestWriter.WriteAsync(Manifest, target, Protected, TestContext.Current.CancellationToken);

        File.ReadAllText(Path.Combine(target, "connect", "configmap-conf.yaml")).Should().Contain("kind: ConfigMap", "the marked directory was replaced");
        File.WriteAllText(Path.Combine(target, "connect", "my-patch.yaml"), "mine");
        var act = () => ManifestWriter.WriteAsync(Manifest, target, Protected, TestContext.Current.CancellationToken);
        (await act.Should().ThrowAsync<UserInputException>()).Which.Message.Should().Contain("my-patch.yaml");
        File.ReadAllText(Path.Combine(target, "connect", "my-patch.yaml")).Should().Be("mine");
    }

    [Fact]
    public async Task A_render_that_fails_while_writing_leaves_the_earlier_render_as_it_was()
    {
        var target = Path.Combine(Work, "out");
        await ManifestWriter.WriteAsync(Manifest, target, Protected, TestContext.Current.CancellationToken);
        var before = Snapshot();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var act = () => ManifestWriter.WriteAsync(Manifest, target, Protected, cancelled.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        Snapshot().Should().BeEquivalentTo(before, "the staging directory is removed and the earlier render is untouched");
    }

    [Fact]
    public async Task An_empty_directory_is_used()
    {
        var target = Path.Combine(Work, "empty");
        Directory.CreateDirectory(target);

        var files = await ManifestWriter.WriteAsync(Manifest, target + "/", Protected, TestContext.Current.CancellationToken);

        files.Should().OnlyContain(f => File.Exists(Path.Combine(target, f)));
    }

    [Theory]
    [InlineData("the working directory", "work")]
    [InlineData("the working directory with a trailing slash", "work/")]
    [InlineData("the working directory through ..", "work/charts/..")]
    [InlineData("the chart", "work/charts/spark-k8s")]
    [InlineData("a parent of the chart", "work/charts")]
    [InlineData("a parent of the working directory", ".")]
    [InlineData("inside the chart", "work/charts/spark-k8s/templates/out")]
    public async Task Protected_directories_and_their_parents_are_refused(string why, string relative)
    {
        var before = Snapshot();

        var act = () => ManifestWriter.WriteAsync(Manifest, _temp.Combine(relative), Protected, TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<UserInputException>(why)).Which.Message.Should().StartWith("--out:");
        Snapshot().Should().BeEquivalentTo(before, why);
    }

    [Fact]
    public async Task A_symbolic_link_to_a_protected_directory_or_its_parent_is_refused()
    {
        var link = _temp.Combine("link-to-work");
        Directory.CreateSymbolicLink(link, Work);
        var before = Snapshot();

        var direct = () => ManifestWriter.WriteAsync(Manifest, link, Protected, TestContext.Current.CancellationToken);
        var through = () => ManifestWriter.WriteAsync(Manifest, Path.Combine(link, "charts"), Protected, TestContext.Current.CancellationToken);

        await direct.Should().ThrowAsync<UserInputException>();
        await through.Should().ThrowAsync<UserInputException>();
        Snapshot().Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task A_file_is_refused()
    {
        var file = Path.Combine(Work, "out.yaml");
        File.WriteAllText(file, "mine");

        var act = () => ManifestWriter.WriteAsync(Manifest, file, Protected, TestContext.Current.CancellationToken);

        await act.Should().ThrowAsync<UserInputException>().WithMessage("--out: *is a file*");
        File.ReadAllText(file).Should().Be("mine");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Objects_holding_secret_data_are_readable_by_the_owner_only()
    {
        var target = Path.Combine(Work, "out");

        await ManifestWriter.WriteAsync(Manifest, target, Protected, TestContext.Current.CancellationToken);

        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        File.GetUnixFileMode(Path.Combine(target, "s3", "secret-creds.yaml")).Should().Be(Private);
        File.GetUnixFileMode(Path.Combine(target, "common", "deployment-app.yaml")).Should().Be(Private, "a literal DB_PASSWORD env value is secret data");
        File.GetUnixFileMode(Path.Combine(target, "connect", "configmap-conf.yaml")).Should().HaveFlag(UnixFileMode.OtherRead);
    }

    private List<string> Snapshot() =>
        Directory.EnumerateFileSystemEntries(_temp.Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => p + ":" + (File.Exists(p) ? File.ReadAllText(p) : "dir")).ToList();
}
