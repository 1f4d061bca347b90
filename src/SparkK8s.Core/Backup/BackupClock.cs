using System.Globalization;
using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Backup;

/// <summary>
/// Backups are ordered and aged by the S3 server's clock (<c>LastModified</c>), never by the local one: a node whose clock
/// runs ahead must not expire good backups or make its own backups look newest. The local clock is only compared with the
/// server's, and retention is refused when they differ by more than <see cref="MaxSkew"/>.
/// S3 stamps <c>LastModified</c> with its own time when it stores the object (for a multipart upload, depending on the
/// store, when the upload was created or completed; the server's clock either way). s3rver 3.7.1 reports the stored
/// file's mtime (lib/stores/filesystem.js). The server's "now" is the LastModified of the manifest just written.
/// </summary>
public static class BackupClock
{
    /// <summary>How far the local clock may drift from the server's before retention is refused (S3 itself rejects requests skewed by 15 minutes).</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Newest first by the server's <see cref="BackupEntry.StoredAt"/>. LastModified has one-second resolution, so within
    /// one second a backup whose claimed time is trustworthy comes before a future-dated one, then the later claim wins.
    /// </summary>
    public static IOrderedEnumerable<BackupEntry> NewestFirst(IEnumerable<BackupEntry> entries) =>
        entries.OrderByDescending(e => e.StoredAt)
            .ThenBy(e => e.FutureDated)
            .ThenByDescending(e => e.CreatedAt)
            .ThenBy(e => e.Id, StringComparer.Ordinal);

    /// <summary>The local clock minus the server's.</summary>
    public static TimeSpan Skew(DateTimeOffset local, DateTimeOffset server) => local - server;

    /// <summary>Throws when the clocks differ by more than <see cref="MaxSkew"/>; <paramref name="what"/> says what was refused.</summary>
    public static void EnsureInSync(DateTimeOffset local, DateTimeOffset server, string what)
    {
        var skew = Skew(local, server);
        if (skew.Duration() > MaxSkew)
        {
            throw new OperationFailedException(string.Create(
                CultureInfo.InvariantCulture,
                $"{what}: the local clock ({local.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC) is {Describe(skew)} the S3 server's ({server.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC), more than the {MaxSkew.TotalMinutes:0} minutes allowed. Nothing was deleted. Fix the node's clock (NTP) and run again."));
        }
    }

    private static string Describe(TimeSpan skew)
    {
        var size = skew.Duration();
        var text = size.TotalDays >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{size.TotalDays:0.#} days")
            : size.TotalHours >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{size.TotalHours:0.#} hours")
                : string.Create(CultureInfo.InvariantCulture, $"{size.TotalMinutes:0} minutes");
        return skew > TimeSpan.Zero ? $"{text} ahead of" : $"{text} behind";
    }
}
