using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Xunit;

namespace SparkK8s.Testing;

/// <summary>
/// A real S3 server (npm s3rver, installed into .tools/node by scripts/ensure-test-deps.sh) on 127.0.0.1
/// and a random port, with its own data directory. Use as a class or collection fixture.
/// <see cref="StopAsync"/> kills it, for fault tests.
/// </summary>
public sealed class S3ServerFixture : IAsyncLifetime
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly TempDirectory _data = new("s3rver");
    private Process? _process;

    public int Port { get; private set; }
    public string Endpoint => $"http://127.0.0.1:{Port}";
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// The file holding an object's bytes in s3rver's data directory. s3rver reports the file's mtime as the object's
    /// LastModified and its stored .md5 as the ETag, so tests can age objects (server time) or corrupt them in storage.
    /// </summary>
    public string ObjectFile(string bucket, string key) =>
        Path.Combine([_data.Path, bucket, .. key.Split('/')[..^1], key.Split('/')[^1] + "._S3rver_object"]);

    public ValueTask InitializeAsync() => new(StartAsync());

    /// <summary>Starts the server; after <see cref="StopAsync"/> it starts again on the same port with the same data.</summary>
    public async Task StartAsync()
    {
        var script = Path.Combine(RepoPaths.Tools, "node", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
        {
            throw new FileNotFoundException($"s3rver is not installed at {script}; run scripts/ensure-test-deps.sh");
        }

        if (Port == 0)
        {
            Port = FreePort.Next();
        }

        var startInfo = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { script, "--directory", _data.Path, "--address", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        _process?.Dispose();
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("could not start node");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(30));
    }

    /// <summary>An S3 client configured the way s3rver needs (path style, checksums only when required).
    /// Every PutObject/UploadPart request must also set <c>UseChunkEncoding = false</c> for s3rver.</summary>
    public AmazonS3Client CreateClient(string? accessKey = null, string? secretKey = null) =>
        new(new BasicAWSCredentials(accessKey ?? AccessKey, secretKey ?? SecretKey), CreateConfig());

    public AmazonS3Config CreateConfig() => new()
    {
        ServiceURL = Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        MaxErrorRetry = 1,
        Timeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>Environment variables for a child process (the CLI) to reach this server with the standard AWS SDK settings.</summary>
    public IReadOnlyDictionary<string, string> ClientEnvironment => new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = "us-east-1",
    };

    public async Task CreateBucketAsync(string bucket)
    {
        using var client = CreateClient();
        await client.PutBucketAsync(bucket);
    }

    public Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            return _process.WaitForExitAsync();
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _data.Dispose();
    }
}
