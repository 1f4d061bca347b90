using SparkK8s.Core.Errors;
using SparkK8s.Core.Validation.Schema;

// Generates the CLI's embedded structural-only schema bundle. Run through scripts/generate-schema-bundle.sh:
//   SparkK8s.SchemaBundler <openapi-v2.json> <crd-dir> <out.json.gz> [<kubernetes-version>]
if (args.Length is < 3 or > 4)
{
    await Console.Error.WriteLineAsync("usage: generate-schema-bundle.sh <openapi-v2.json> <crd-dir> <out.json.gz> [<kubernetes-version>]");
    return 2;
}

try
{
    var bundle = await SchemaBundleBuilder.BuildAsync(args[0], args[1], args.Length == 4 ? args[3] : null, CancellationToken.None);
    var bytes = SchemaBundleBuilder.Compress(bundle);
    var output = Path.GetFullPath(args[2]);
    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    var temporary = output + ".tmp";
    await File.WriteAllBytesAsync(temporary, bytes);
    File.Move(temporary, output, overwrite: true);
    Console.WriteLine($"wrote {output}: {bytes.Length} bytes, Kubernetes {bundle["kubernetesVersion"]}, {bundle["definitions"]!.AsObject().Count} definitions, {bundle["crds"]!.AsObject().Count} CRDs");
    foreach (var source in bundle["sources"]!.AsArray())
    {
        Console.WriteLine($"  {source!["sha256"]}  {source["path"]}");
    }

    return 0;
}
catch (UserInputException ex)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    return 2;
}
