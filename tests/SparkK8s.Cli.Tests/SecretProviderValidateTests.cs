using FluentAssertions;
using SparkK8s.Testing;
using Xunit;

namespace SparkK8s.Cli.Tests;

/// <summary>
/// An environment overlay picks a secret provider: `validate` checks its objects against the CRD schemas (strict) and
/// flags the provider's placeholders as SPK005 until they are filled.
/// </summary>
public class SecretProviderValidateTests
{
    [Theory]
    [InlineData("external-secrets", "ExternalSecret/", "secrets: {}")]
    [InlineData("vault", "VaultConnection/", "secrets: {vault: {auth: {role: spark}}}")]
    [InlineData("sealed-secrets", "SealedSecret/", "secrets: {}")]
    public async Task Prod_with_a_provider_overlay_is_schema_valid_and_flags_its_placeholders(string provider, string placeholderObject, string partial)
    {
        using var temp = new TempDirectory();
        var overlay = temp.WriteFile("overlay.yaml", $"{partial}\nbackup: {{image: {{repository: registry.example.com/spark-k8s/tools}}}}\n");

        var result = await CliRunner.RunAsync("validate", "jupyter-connect-k8s", "--env", "prod", "-f", overlay, "--set", $"secrets.provider={provider}", "--output", "json");

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
        using var json = result.Json();
        json.RootElement.GetProperty("errors").GetInt32().Should().Be(0, "the provider's objects match their CRD schemas");
        var findings = json.RootElement.GetProperty("runs")[0].GetProperty("findings").EnumerateArray().ToList();
        findings.Should().Contain(f => f.GetProperty("id").GetString() == "SPK005" && f.GetProperty("object").GetString()!.StartsWith(placeholderObject, StringComparison.Ordinal),
            "the placeholder is flagged until the overlay fills it");
    }

    [Fact]
    public async Task A_filled_external_secrets_overlay_has_no_placeholder_left()
    {
        using var temp = new TempDirectory();
        var overlay = temp.WriteFile("overlay.yaml", """
            secrets:
              provider: external-secrets
              externalSecrets:
                store:
                  name: aws-secrets-manager
            backup:
              image:
                repository: registry.example.com/spark-k8s/tools
            s3:
              endpoint: https://s3.eu-central-1.amazonaws.com
            """);

        var result = await CliRunner.RunAsync("validate", "jupyter-connect-k8s", "--env", "prod", "-f", overlay, "--output", "json");

        result.ExitCode.Should().Be(0, result.Stdout + result.Stderr);
        using var json = result.Json();
        json.RootElement.GetProperty("runs")[0].GetProperty("findings").EnumerateArray()
            .Should().NotContain(f => f.GetProperty("id").GetString() == "SPK005");
    }
}
