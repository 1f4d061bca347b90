using System.Text.Json;
using System.Text.Json.Serialization;

namespace SparkK8s.Core.Backup;

/// <summary>
/// The JSON written beside each backup object once its upload has completed. A backup without one is incomplete.
/// </summary>
public sealed record BackupManifest
{
    public int FormatVersion { get; init; } = 1;
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

    public static BackupManifest? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<BackupManifest>(json, JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public enum BackupStatus
{
    Complete,
    Incomplete,
}

/// <summary>One backup as <c>backup list</c> shows it.</summary>
public sealed record BackupEntry(string Id, string Name, BackupStatus Status, DateTimeOffset CreatedAt, long SizeBytes, string? Sha256)
{
    [JsonIgnore]
    public BackupManifest? Manifest { get; init; }

    [JsonIgnore]
    public IReadOnlyList<string> Keys { get; init; } = [];

    [JsonIgnore]
    public string? PendingUploadId { get; init; }
}
