using SparkK8s.Core.Errors;

namespace SparkK8s.Core.Backup;

/// <summary>
/// Which backups <c>backup run</c> deletes after a successful upload. Per backup name:
/// a complete backup is kept when it is among the <see cref="KeepLast"/> newest or younger than <see cref="RetentionDays"/>
/// (so the newest complete backup is never deleted); an incomplete one is deleted once it is older than a day.
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

    public IReadOnlyList<BackupEntry> SelectExpired(IEnumerable<BackupEntry> backups, DateTimeOffset now)
    {
        var expired = new List<BackupEntry>();
        foreach (var group in backups.GroupBy(b => b.Name))
        {
            var complete = group.Where(b => b.Status == BackupStatus.Complete).OrderByDescending(b => b.CreatedAt).ToList();
            expired.AddRange(complete.Skip(KeepLast).Where(b => now - b.CreatedAt > TimeSpan.FromDays(RetentionDays)));
            expired.AddRange(group.Where(b => b.Status == BackupStatus.Incomplete && now - b.CreatedAt > IncompleteGracePeriod));
        }

        return expired;
    }
}
