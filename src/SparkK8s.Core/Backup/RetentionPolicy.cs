using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Backup;

/// <summary>
/// Which backups <c>backup run</c> deletes after a successful upload. Per backup name, ordered and aged by the S3 server's
/// <see cref="BackupEntry.StoredAt"/> against the server's <c>now</c>: a complete backup is kept when it is among the
/// <see cref="KeepLast"/> newest (complete and unreadable backups both take a place) or younger than
/// <see cref="RetentionDays"/>, and the newest complete backup is never deleted; an unreadable backup is never deleted
/// automatically; an incomplete one is deleted once it is older than a day.
/// </summary>
public sealed record RetentionPolicy(int RetentionDays = 30, int KeepLast = 1)
{
    public static readonly TimeSpan IncompleteGracePeriod = TimeSpan.FromDays(1);

    public void Validate()
    {
        if (RetentionDays < 1)
        {
            throw new UserInputException($"--retention-days: {RetentionDays} is not allowed; give a whole number of days, 1 or more.");
        }

        if (KeepLast < 1)
        {
            throw new UserInputException($"--keep-last: {KeepLast} is not allowed; the newest complete backup is always kept, so give 1 or more.");
        }
    }

    /// <param name="backups">The backups under the target.</param>
    /// <param name="serverNow">The S3 server's current time, the same clock as <see cref="BackupEntry.StoredAt"/>.</param>
    public IReadOnlyList<BackupEntry> SelectExpired(IEnumerable<BackupEntry> backups, DateTimeOffset serverNow)
    {
        var expired = new List<BackupEntry>();
        foreach (var group in backups.GroupBy(b => b.Name))
        {
            var ranked = BackupClock.NewestFirst(group.Where(b => b.Status != BackupStatus.Incomplete)).ToList();
            var newestComplete = ranked.FirstOrDefault(b => b.Status == BackupStatus.Complete);
            expired.AddRange(ranked.Skip(KeepLast).Where(b =>
                b.Status == BackupStatus.Complete && !ReferenceEquals(b, newestComplete) && serverNow - b.StoredAt > TimeSpan.FromDays(RetentionDays)));
            expired.AddRange(group.Where(b => b.Status == BackupStatus.Incomplete && serverNow - b.StoredAt > IncompleteGracePeriod));
        }

        return expired;
    }
}
