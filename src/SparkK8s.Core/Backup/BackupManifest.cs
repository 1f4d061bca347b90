using System.Text.Json;
using System.Text.Json.Serialization;

namespace SparkK8s.Core.Backup;

/// <summary>
/// The JSON written beside each backup object once its upload has completed. A backup without one is incomplete.
/// </summary>
public sealed record BackupManifest
{
    /// <summary>The newest manifest format this version reads; a manifest with a higher number is <c>unreadable</c>.</summary>
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Database { get; init; }
    public required string Source { get; init; }
    public required string ServerVersion { get; init; }
    public required string PgDumpVersion { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
    public required long SizeBytes { get; init; }
    public required string Sha256 { get; init; }
    public required string ObjectKey { get; init; }
    public required string Snapshot { get; init; }
    public required IReadOnlyList<TableRowCount> Tables { get; init; }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses a manifest; on failure returns null and says why in <paramref name="problem"/>.</summary>
    public static BackupManifest? FromJson(string json, out string? problem)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<BackupManifest>(json, JsonOptions);
            problem = manifest switch
            {
                null => "the manifest is empty (JSON null)",
                { FormatVersion: > CurrentFormatVersion } => $"the manifest has format version {manifest.FormatVersion}; this spark-k8s reads up to {CurrentFormatVersion}. Use a newer spark-k8s",
                { FormatVersion: < 1 } => $"the manifest has an invalid format version {manifest.FormatVersion}",
                _ when !IsSha256(manifest.Sha256) => "the manifest's sha256 is not 64 hex digits",
                { SizeBytes: < 0 } => $"the manifest records a negative size ({manifest.SizeBytes})",
                _ => null,
            };
            return problem is null ? manifest : null;
        }
        catch (JsonException ex)
        {
            problem = $"the manifest is not valid JSON for format {CurrentFormatVersion} ({ex.Message.Split('.')[0]})";
            return null;
        }
    }

    public static BackupManifest? FromJson(string json) => FromJson(json, out _);

    private static bool IsSha256(string? value) => value is { Length: 64 } && value.All(Uri.IsHexDigit);
}

public enum BackupStatus
{
    /// <summary>Archive and a readable manifest: usable.</summary>
    Complete,

    /// <summary>No manifest (the upload never finished): removed by retention after a day.</summary>
    Incomplete,

    /// <summary>A manifest that cannot be parsed (corrupt, or written by a newer format): never used, never deleted automatically.</summary>
    Unreadable,
}

/// <summary>
/// One backup as <c>backup list</c> shows it. <see cref="CreatedAt"/> is the writer's claimed start time (manifest or id);
/// <see cref="StoredAt"/> is the S3 server's <c>LastModified</c> of the archive, which orders and ages backups.
/// </summary>
public sealed record BackupEntry(string Id, string Name, BackupStatus Status, DateTimeOffset CreatedAt, long SizeBytes, string? Sha256)
{
    private readonly DateTimeOffset? _storedAt;

    /// <summary>When the S3 server stored the archive (its own clock); defaults to <see cref="CreatedAt"/>.</summary>
    public DateTimeOffset StoredAt
    {
        get => _storedAt ?? CreatedAt;
        init => _storedAt = value;
    }

    /// <summary>The writer's clock was ahead: the claimed start time is later than the server stored the archive.</summary>
    public bool FutureDated => CreatedAt - StoredAt > BackupClock.MaxSkew;

    /// <summary>Why the manifest is unreadable (only for <see cref="BackupStatus.Unreadable"/>).</summary>
    public string? Problem { get; init; }

    [JsonIgnore]
    public BackupManifest? Manifest { get; init; }

    [JsonIgnore]
    public IReadOnlyList<string> Keys { get; init; } = [];

    [JsonIgnore]
    public string? PendingUploadId { get; init; }
}
