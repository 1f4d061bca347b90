using FluentAssertions;
using Mono.Unix.Native;
using SparkK8s.Core.EventLogs;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Core.Tests.EventLogs;

/// <summary>
/// The directory walk that takes each entry's kind from the listing (d_type) and leaves a plain file's identity to its
/// opening: the same logs are read, each once, as with a stat of every entry in the walk.
/// </summary>
public class DirectoryWalkTests
{
    [Fact]
    public void The_listing_gives_each_entry_its_kind_without_a_stat()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("app-1", "{}");
        Directory.CreateDirectory(temp.Combine("sub"));
        File.CreateSymbolicLink(temp.Combine("link"), temp.Combine("app-1"));
        Syscall.mkfifo(temp.Combine("pipe"), FilePermissions.S_IRUSR | FilePermissions.S_IWUSR).Should().Be(0);

        var kinds = DirectoryListing.Entries(temp.Path).ToDictionary(e => Path.GetFileName(e.Path), e => e.Kind);

        // The test machines' file systems (ext4, tmpfs) fill in d_type, as xfs, btrfs and overlayfs do; one that does not
        // gives null for every entry, and the walk then probes each entry instead (DT_UNKNOWN below).
        kinds.Should().Equal(new Dictionary<string, FileKind?>
        {
            ["app-1"] = FileKind.Regular,
            ["sub"] = FileKind.Directory,
            ["link"] = FileKind.SymbolicLink,
            ["pipe"] = FileKind.Other,
        });
        DirectoryListing.Entries(temp.Path).Select(e => e.Path).Should().OnlyContain(p => p.StartsWith(temp.Path + "/", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, FileKind.Other)]
    [InlineData(2, FileKind.Other)]
    [InlineData(4, FileKind.Directory)]
    [InlineData(6, FileKind.Other)]
    [InlineData(8, FileKind.Regular)]
    [InlineData(10, FileKind.SymbolicLink)]
    [InlineData(12, FileKind.Other)]
    [InlineData(14, null)]
    public void Each_d_type_is_read_as_posix_defines_it(byte type, FileKind? kind) =>
        DirectoryListing.KindOf(type).Should().Be(kind);

    [Fact]
    public void A_directory_that_does_not_exist_fails_with_an_io_error_when_listed()
    {
        using var temp = new TempDirectory();

        var act = () => DirectoryListing.Entries(temp.Combine("missing")).ToList();

        act.Should().Throw<IOException>();
    }

    [Fact]
    public async Task Hard_links_and_links_to_files_are_read_once_and_in_the_order_of_a_walk_that_stats_every_entry()
    {
        using var temp = new TempDirectory();
        var first = temp.WriteFile("a/app-1", SparkEventLogBuilder.SimpleApp("app-1").Build());
        temp.WriteFile("a/app-2", SparkEventLogBuilder.SimpleApp("app-2").Build());
        Directory.CreateDirectory(temp.Combine("b"));
        Syscall.link(first, temp.Combine("b", "hard-link-to-app-1")).Should().Be(0);
        File.CreateSymbolicLink(temp.Combine("b", "link-to-app-2"), temp.Combine("a", "app-2"));
        Syscall.link(first, temp.Combine("c-hard-link-to-app-1")).Should().Be(0);
        temp.WriteFile("d/app-3", SparkEventLogBuilder.SimpleApp("app-3").Build());

        using var scanner = await EventLogScanner.OpenAsync(temp.Path, null, "PATH", TestContext.Current.CancellationToken);
        var read = new List<ScanResult>();
        await foreach (var result in scanner.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            read.Add(result);
        }

        // The walk that stats every entry (Items) picks the same names.
        var walked = scanner.Items.Where(i => i.Log is not null).Select(i => i.Name).ToList();
        read.Select(r => r.Name).Should().Equal(walked);
        read.Select(r => r.Summary!.AppId).Should().Equal("app-1", "app-2", "app-3");
        read.Should().OnlyContain(r => r.SkipReason == null);
    }

    [Fact]
    public void A_listing_without_kinds_walks_to_the_same_logs_and_skips()
    {
        using var temp = new TempDirectory();
        var first = temp.WriteFile("a/app-1", SparkEventLogBuilder.SimpleApp("app-1").Build());
        temp.WriteFile("a/app-2.inprogress", SparkEventLogBuilder.SimpleApp("app-2").Build());
        temp.WriteFile("a/app-2", SparkEventLogBuilder.SimpleApp("app-2").Build());
        temp.WriteFile("a/app-1.crc", "x");
        temp.WriteFile("eventlog_v2_app-3/events_1_app-3", SparkEventLogBuilder.SimpleApp("app-3").Build());
        Syscall.link(first, temp.Combine("hard-link")).Should().Be(0);
        File.CreateSymbolicLink(temp.Combine("file-link"), temp.Combine("a", "app-2"));
        File.CreateSymbolicLink(temp.Combine("dir-link"), temp.Combine("a"));
        File.CreateSymbolicLink(temp.Combine("broken-link"), temp.Combine("missing"));
        Syscall.mkfifo(temp.Combine("pipe"), FilePermissions.S_IRUSR | FilePermissions.S_IWUSR).Should().Be(0);

        // A file system that fills in no d_type: every entry is probed, as the walk did before it read kinds.
        static IEnumerable<ListedEntry> NoKinds(string directory) => DirectoryListing.Entries(directory).Select(e => e with { Kind = null });

        // Each log opened before the walk goes on, as EventLogScanner.ReadAllAsync does: with identities taken at the
        // opening, a log reached again is dropped there.
        static string Describe(IEnumerable<WalkItem> items)
        {
            var seen = new List<string>();
            foreach (var item in items)
            {
                try
                {
                    foreach (var part in item.Log?.Parts ?? [])
                    {
                        using var stream = part.Open(TestContext.Current.CancellationToken).GetAwaiter().GetResult();
                    }

                    seen.Add($"{item.Name} {item.Log?.Name} {item.SkipReason}");
                }
                catch (DuplicateLogException)
                {
                }
            }

            return string.Join("\n", seen);
        }

        foreach (var identityAtOpen in new[] { false, true })
        {
            Describe(LocalEventLogWalker.Walk(temp.Path, LocalFileStream.Open, identityAtOpen, NoKinds))
                .Should().Be(Describe(LocalEventLogWalker.Walk(temp.Path, LocalFileStream.Open, identityAtOpen)));
        }
    }

    [Fact]
    public void An_opened_log_knows_its_identity_from_the_same_stat_as_its_size()
    {
        using var temp = new TempDirectory();
        var path = temp.WriteFile("app-1", "0123456789");
        Syscall.stat(path, out var status).Should().Be(0);

        using var stream = LocalFileStream.Open(path);

        stream.Length.Should().Be(10);
        stream.Identity.Should().Be(new FileProbe(FileKind.Regular, status.st_dev, status.st_ino));
    }

    [Fact]
    public async Task A_fifo_put_where_a_log_was_listed_is_refused_without_blocking()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("pipe");
        Syscall.mkfifo(path, FilePermissions.S_IRUSR | FilePermissions.S_IWUSR).Should().Be(0);

        // Opened as the walk opens a listed file: without a writer, a blocking open of a FIFO would never return.
        var open = Task.Run(() => LocalFileStream.Open(path), TestContext.Current.CancellationToken);

        (await open.Invoking(t => t.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Should().ThrowAsync<IOException>())
            .Which.Message.Should().Contain("not a regular file");
    }

    [Fact]
    public void A_file_that_cannot_be_opened_fails_as_dotnet_fails_it()
    {
        using var temp = new TempDirectory();

        var act = () => LocalFileStream.Open(temp.Combine("missing"));

        act.Should().Throw<FileNotFoundException>();
    }
}
