namespace SparkK8s.Core.Composer;

/// <summary>One arrow of the composed platform: who calls whom, and what for.</summary>
public sealed record PlatformFlow(string From, string To, string What);

/// <summary>The flows between a composed platform's components, from the catalog's requirements.</summary>
public static class FlowDiagram
{
    public const string ExternalS3 = "external S3";

    public static IReadOnlyList<PlatformFlow> Flows(ComposeCatalog catalog, ComposedPlatform platform)
    {
        var flows = new List<PlatformFlow>();
        var s3 = platform.ExternalS3 ? ExternalS3 : ComposeCatalog.MinioComponent;
        foreach (var name in platform.Components)
        {
            var component = catalog.FindComponent(name)!;
            foreach (var requirement in component.Requires)
            {
                var target = requirement == ComposeCatalog.S3 ? s3 : requirement;
                var description = requirement == ComposeCatalog.S3 ? "S3 API" : catalog.FindComponent(requirement)!.Description.Split(',')[0].Split('(')[0].Trim();
                flows.Add(new PlatformFlow(name, target, description));
            }
        }

        return flows;
    }
}
