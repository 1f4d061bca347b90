namespace SparkK8s.Core.Backup;

/// <summary>A backup command stopped by Ctrl-C or SIGTERM; the message says which backup, which phase, and what was cleaned up.</summary>
public sealed class BackupInterruptedException(string message, Exception innerException) : OperationCanceledException(message, innerException);
