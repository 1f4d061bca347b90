using System.Globalization;
using SparkK8s.Core.Kubernetes;

namespace SparkK8s.Core.Operations.Up;

/// <summary>Pods of one component of the release: how many are ready of how many exist.</summary>
public sealed record ComponentProgress(string Component, int Ready, int Total)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Component} {Ready}/{Total} ready");
}

/// <summary>Polls the release's pods while helm waits, and reports each component whose ready count changed.</summary>
public sealed class ComponentWatcher(KubeApi api, ReleaseTarget target, TimeSpan interval)
{
    private Dictionary<string, ComponentProgress> _last = new(StringComparer.Ordinal);

    public IReadOnlyList<ComponentProgress> Latest => _last.Values.OrderBy(c => c.Component, StringComparer.Ordinal).ToList();

    public async Task WatchAsync(IProgress<ComponentProgress>? progress, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await PollAsync(progress, cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task PollAsync(IProgress<ComponentProgress>? progress, CancellationToken cancellationToken)
    {
        IList<k8s.Models.V1Pod> pods;
        try
        {
            pods = await api.ListPodsAsync(target.Namespace, $"app.kubernetes.io/instance={target.Release}", cancellationToken).ConfigureAwait(false);
        }
        catch (Errors.OperationFailedException)
        {
            return; // Progress is a courtesy; helm's own result decides.
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var now = pods.Where(p => p.Status?.Phase != "Succeeded")
            .GroupBy(p => p.Metadata.Labels?.TryGetValue("app.kubernetes.io/component", out var c) == true ? c : "other", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new ComponentProgress(g.Key, g.Count(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true), g.Count()), StringComparer.Ordinal);
        foreach (var (component, state) in now.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!_last.TryGetValue(component, out var before) || before != state)
            {
                progress?.Report(state);
            }
        }

        _last = now;
    }
}
