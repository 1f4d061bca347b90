using System.Text.Json.Nodes;
using FluentAssertions;
using FluentAssertions.Execution;
using SparkK8s.Chart.Tests.Infrastructure;
using SparkK8s.Core.Helm;
using Xunit;

namespace SparkK8s.Chart.Tests;

/// <summary>
/// secrets.provider (issue 9 §4): every provider makes the same Secret names and keys exist, every workload reference
/// resolves to one of them, and the provider's objects pass the strict schema check of their CRDs.
/// </summary>
public class SecretProviderTests
{
    private const string Store = "secrets: {externalSecrets: {store: {create: true, kind: SecretStore, name: aws, provider: {aws: {service: SecretsManager, region: eu-central-1}}}}}";

    public static TheoryData<string, string> Providers() => new()
    {
        { "generated", string.Empty },
        { "external-secrets", Store },
        { "sealed-secrets", "secrets: {sealedSecrets: {encryptedData: {jupyter: {token: AgBy3i4OJSWK+PiTySYZZA==}}}}" },
        { "vault", "secrets: {vault: {address: 'https://vault.internal:8200', auth: {role: spark}}}" },
    };

    private static Task<Rendered> RenderAsync(string provider, string yaml, params string[] files) =>
        ChartRender.RenderAsync(new RenderInput(
            Files: files,
            Sets: [.. CredentialBoundaryTests.Everything().Sets!, $"secrets.provider={provider}", "backup.image.repository=registry.example.com/tools"],
            ValuesYaml: yaml));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Every_workload_secret_reference_resolves_to_a_secret_the_provider_makes(string provider, string yaml)
    {
        var rendered = await RenderAsync(provider, yaml);
        var produced = SecretHoldings.Produced(rendered);

        using var scope = new AssertionScope();
        // The Connect token and the RPC secret are credential-table rows like the others: every provider makes them.
        produced.Should().Contain([new SecretKeyRef("spark-spark-k8s-connect-auth", "token"), new SecretKeyRef("spark-spark-k8s-spark-auth", "secret")], provider);
        foreach (var (workload, _, keys) in SecretHoldings.ByWorkload(rendered))
        {
            keys.Should().OnlyContain(k => produced.Contains(k), $"{workload.DisplayName} under {provider}");
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Workloads_are_the_same_whatever_the_provider(string provider, string yaml)
    {
        var generated = await RenderAsync("generated", string.Empty);
        var rendered = await RenderAsync(provider, yaml);

        Workloads(rendered).Should().BeEquivalentTo(Workloads(generated), "only the credential objects change with the provider");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Provider_objects_pass_the_strict_schema_check(string provider, string yaml)
    {
        var rendered = await RenderAsync(provider, yaml);
        string[] kinds = provider switch
        {
            "generated" => ["Secret"],
            "external-secrets" => ["ExternalSecret", "SecretStore"],
            "sealed-secrets" => ["SealedSecret"],
            _ => ["VaultStaticSecret", "VaultAuth", "VaultConnection"],
        };

        rendered.Objects.Select(o => o.Kind).Distinct().Should().Contain(kinds);
        rendered.Objects.Where(o => o.Kind is "Secret" or "ExternalSecret" or "SecretStore" or "ClusterSecretStore" or "SealedSecret" or "VaultStaticSecret" or "VaultAuth" or "VaultConnection")
            .Select(o => o.Kind).Distinct().Should().BeEquivalentTo(kinds, $"{provider} renders its own objects and no Secret of its own");
        rendered.Objects.SelectMany(KubeSchema.Validate).Should().BeEmpty();
    }

    /// <summary>
    /// The schema closes secrets.remoteKeys and secrets.sealedSecrets.encryptedData on the credential ids (one property each): exactly the
    /// rows of templates/credentials/_credentials.tpl (here: the ids the ExternalSecrets read with every credential on).
    /// </summary>
    [Fact]
    public async Task The_schema_names_exactly_the_credential_ids()
    {
        var rendered = await RenderAsync("external-secrets", Store);
        var ids = rendered.OfKind("ExternalSecret")
            .Select(e => ((string)e.Body["spec"]!["data"]![0]!["remoteRef"]!["key"]!)["spark-k8s/".Length..]).ToList();
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(SparkK8s.Testing.RepoPaths.Chart, "values.schema.json")))!["properties"]!["secrets"]!["properties"]!;

        using var scope = new AssertionScope();
        ids.Should().Contain(["connect-auth", "spark-auth"]);
        foreach (var field in new[] { schema["remoteKeys"]!, schema["sealedSecrets"]!["properties"]!["encryptedData"]! })
        {
            field["properties"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo(ids);
            ((bool?)field["additionalProperties"]).Should().BeFalse();
        }

        var typo = () => ChartRender.RenderUncachedAsync(new RenderInput(ValuesYaml: "secrets: {remoteKeys: {connect-token: prod/connect}}"));
        (await typo.Should().ThrowAsync<HelmException>()).Which.Message.Should().Contain("remoteKeys").And.Contain("connect-token");
    }

    [Fact]
    public async Task The_existing_provider_renders_nothing_and_names_the_key_of_a_missing_secret()
    {
        var rendered = await ChartRender.RenderAsync(new RenderInput(Files: ["environments/prod.yaml"], Sets: ["backup.image.repository=registry.example.com/tools"]));
        string[] credentialKinds = ["Secret", "ExternalSecret", "SealedSecret", "VaultStaticSecret"];
        rendered.Objects.Select(o => o.Kind).Should().NotContain(credentialKinds);
        var names = SecretHoldings.ByWorkload(rendered).SelectMany(h => h.Keys).Select(k => k.Secret).ToHashSet();
        // prod runs no MinIO (external S3), so MinIO's root Secret spark-k8s-s3 is held by no pod.
        names.Should().BeEquivalentTo([
            "spark-k8s-s3-spark", "spark-k8s-s3-history", "spark-k8s-s3-backup",
            "spark-k8s-postgresql", "spark-k8s-postgresql-backup", "spark-k8s-jupyter", "spark-k8s-connect-auth", "spark-k8s-spark-auth",
        ]);

        // With an external S3 (prod) a purpose without its own Secret falls back to s3.credentials.existingSecret.
        var missing = () => ChartRender.RenderUncachedAsync(new RenderInput(Files: ["environments/prod.yaml"],
            Sets: ["s3.credentials.historyServer.existingSecret=", "s3.credentials.existingSecret="]));
        (await missing.Should().ThrowAsync<HelmException>()).Which.Message.Should()
            .Contain("s3.credentials.existingSecret: secrets.provider is \"existing\"").And.Contain("keys AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY");
    }

    [Fact]
    public async Task An_overlay_switches_prod_to_external_secrets_and_keeps_every_secret_name()
    {
        var existing = await ChartRender.RenderAsync(new RenderInput(Files: ["environments/prod.yaml"], Sets: ["backup.image.repository=registry.example.com/tools"]));
        var synced = await ChartRender.RenderAsync(new RenderInput(
            Files: ["environments/prod.yaml"], Sets: ["backup.image.repository=registry.example.com/tools", "secrets.provider=external-secrets"]));

        Workloads(synced).Should().BeEquivalentTo(Workloads(existing));
        var targets = synced.OfKind("ExternalSecret").Select(e => (string)e.Body["spec"]!["target"]!["name"]!).ToList();
        targets.Should().BeEquivalentTo(SecretHoldings.ByWorkload(existing).SelectMany(h => h.Keys).Select(k => k.Secret).Distinct());
        synced.OfKind("ExternalSecret").Should().OnlyContain(e => (string?)e.Body["spec"]!["secretStoreRef"]!["name"] == "change-me-secret-store", "a placeholder until the overlay names the store (SPK005)");
        var pg = synced.OfKind("ExternalSecret").Single(e => (string?)e.Body["spec"]!["target"]!["name"] == "spark-k8s-postgresql");
        pg.Body["spec"]!["data"]!.AsArray().Select(d => ((string?)d!["secretKey"], (string?)d["remoteRef"]!["key"], (string?)d["remoteRef"]!["property"]))
            .Should().BeEquivalentTo([("admin-password", "spark-k8s/postgresql", "admin-password"), ("password", "spark-k8s/postgresql", "password")]);
    }

    [Fact]
    public async Task Sealed_secrets_without_encrypted_data_render_placeholders()
    {
        var rendered = await RenderAsync("sealed-secrets", string.Empty);

        var jupyter = rendered.OfKind("SealedSecret").Single(s => s.Name == "spark-spark-k8s-jupyter");
        ((string?)jupyter.Body["spec"]!["encryptedData"]!["token"]).Should().Be("CHANGE-ME-sealed-jupyter-token");
    }

    /// <summary>Pod workloads with everything but their labels' version (the provider changes no workload field).</summary>
    private static IEnumerable<string> Workloads(Rendered rendered) =>
        rendered.PodWorkloads.Select(w => w.Body.ToJsonString());
}
