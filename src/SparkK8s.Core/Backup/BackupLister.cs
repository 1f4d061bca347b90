namespace SparkK8s.Core.Backup;

/// <summary><c>backup list</c>: every backup under the target, newest first.</summary>
public static class BackupLister
{
    public static Task<IReadOnlyList<BackupEntry>> ListAsync(BackupContext context, string? name, CancellationToken cancellationToken)
    {
        if (name is not null)
        {
            BackupLayout.ValidateName(name);
        }

        return context.OpenStore().ListAsync(name, cancellationToken);
    }
}
