using System.Text.Json.Nodes;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// Whether a render's Spark Connect server requires a client token. The token is a Spark 4.0 feature
/// (spark.connect.authenticate.token, or the SPARK_CONNECT_AUTHENTICATE_TOKEN env var the server reads when the property
/// is unset: sql/connect/server/.../config/Connect.scala in apache/spark); Spark 3.5 has no client authentication.
/// </summary>
public static class ConnectAuthentication
{
    public const string TokenProperty = "spark.connect.authenticate.token";
    public const string TokenEnvVar = "SPARK_CONNECT_AUTHENTICATE_TOKEN";

    /// <summary>Whether the Spark line has Connect client authentication at all (4.0 and later).</summary>
    public static bool Supported(string sparkVersion) =>
        int.TryParse(sparkVersion.Split('.')[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var major) && major >= 4;

    /// <summary>Whether the Connect server of the render requires a token.</summary>
    public static bool Required(SparkRenderModel model, string sparkVersion)
    {
        if (!Supported(sparkVersion))
        {
            return false;
        }

        if (model.Connect?.Find(TokenProperty) is not null)
        {
            return true;
        }

        return model.Workloads(IsConnect).Any(w => (w.Object.PodSpec!["containers"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(c => c["env"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(e => (string?)e["name"] == TokenEnvVar && (e["valueFrom"] is not null || !string.IsNullOrEmpty((string?)e["value"]))));
    }

    /// <summary>The Connect server's component: "connect", or one containing it (not the Secrets "connect-auth").</summary>
    public static bool IsConnect(string component) =>
        component.Contains("connect", StringComparison.OrdinalIgnoreCase) && !component.EndsWith("-auth", StringComparison.OrdinalIgnoreCase);
}
