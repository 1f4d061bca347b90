using System.Text.Json.Nodes;

namespace SparkK8s.Core.Validation.Spark;

/// <summary>
/// SPK050: an operator application whose Spark version its operator does not run. The Apache Spark Kubernetes operator
/// (spark.apache.org) 1.0 supports Spark 4.0 and later and dropped 3.5 (apache/spark-kubernetes-operator 1.0.0 release
/// notes); the kubeflow operator (sparkoperator.k8s.io/v1beta2) writes spec.{driver,executor}.template to Spark pod
/// template files, which Spark reads from 3.0 on (running-on-kubernetes.md, "Pod Template").
/// </summary>
public sealed class OperatorSparkLineCheck() : SparkCheck(
    "SPK050",
    Severity.Error,
    "An operator application runs a Spark line its operator does not support",
    "Use operator.flavor kubeflow (Spark 3.5 and 4.x) or type submit for Spark 3.5; the Apache operator needs Spark 4.0 or later")
{
    public override IEnumerable<Finding> Run(SparkCheckContext context)
    {
        foreach (var obj in context.Model.Objects.Where(o => SparkRenderModel.OperatorKinds.Contains(o.Kind)))
        {
            var scheduled = obj.Kind == "ScheduledSparkApplication";
            var spec = scheduled ? obj.Body["spec"]?["template"] : obj.Body["spec"];
            var prefix = scheduled ? "spec.template" : "spec";
            var job = SparkRenderModel.JobOf(obj);
            if (obj.Group == "spark.apache.org")
            {
                if (scheduled)
                {
                    yield return Found(obj.DisplayName, "kind", $"job '{job}': the Apache Spark Kubernetes operator has no ScheduledSparkApplication",
                        "Use operator.flavor kubeflow or type submit for a scheduled job");
                    continue;
                }

                var version = (string?)spec?["runtimeVersions"]?["sparkVersion"];
                if (Major(version) is { } major && major < 4)
                {
                    yield return Found(obj.DisplayName, $"{prefix}.runtimeVersions.sparkVersion",
                        $"job '{job}': the Apache Spark Kubernetes operator 1.0 runs Spark 4.0 and later, not {version}");
                }
            }
            else if (obj.Group == "sparkoperator.k8s.io")
            {
                var version = (string?)spec?["sparkVersion"];
                var templates = spec?["driver"]?["template"] is JsonObject || spec?["executor"]?["template"] is JsonObject;
                if (templates && Major(version) is { } major && major < 3)
                {
                    yield return Found(obj.DisplayName, $"{prefix}.sparkVersion",
                        $"job '{job}': spec.driver/executor.template needs Spark 3.0 or later (pod template files), but sparkVersion is {version}");
                }
            }
        }
    }

    private static int? Major(string? version) =>
        version is not null && int.TryParse(version.Split('.')[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var major) ? major : null;
}
