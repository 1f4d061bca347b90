using SparkK8s.Core.Helm;
using SparkK8s.Core.Planning;
using SparkK8s.Core.Rendering;
using SparkK8s.Core.Validation;

namespace SparkK8s.Core.Operations.Doctor;

/// <summary>The render and plan doctor checks a cluster against (helm template only; validate and plan do the full validation).</summary>
public static class DoctorInput
{
    public static async Task<(RenderedManifest Render, DeploymentPlan Plan)> PrepareAsync(HelmClient helm, RenderOptions options, CancellationToken cancellationToken)
    {
        var request = ChartRenderer.BuildRequest(options);
        var version = await ValidationRunner.EffectiveSparkVersionAsync(options, request.ValueFiles, cancellationToken).ConfigureAwait(false);
        var render = await new ChartRenderer(helm).RenderAsync(options, cancellationToken).ConfigureAwait(false);
        var run = new ValidationRun(options.Preset, options.Environment, version, [], render.Documents.Count, null);
        return (render, PlanBuilder.Build(render, run));
    }
}
