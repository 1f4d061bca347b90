namespace SparkK8s.Core.Kubernetes;

/// <summary>One API call, described the way RBAC names it, so a refusal can say what to grant.</summary>
/// <param name="Verb">RBAC verb: get, list, watch, delete, patch, create.</param>
/// <param name="Resource">plural resource, with the subresource after a slash (pods/log, statefulsets/scale), or a
/// non-resource URL starting with a slash (/version).</param>
/// <param name="Group">API group; empty for the core group.</param>
/// <param name="Namespace">namespace, or null for a cluster-scoped resource.</param>
/// <param name="Name">object name when the call is about one object.</param>
public sealed record KubeRequest(string Verb, string Resource, string Group, string? Namespace, string? Name = null)
{
    public string Describe() =>
        $"{Verb} {Resource}{(Name is null ? string.Empty : $" '{Name}'")}{(Namespace is null ? " (cluster-wide)" : $" in namespace '{Namespace}'")}";

    /// <summary>The kubectl command that grants exactly this permission to the current user's group of choice.</summary>
    public string Grant()
    {
        if (Resource.StartsWith('/'))
        {
            return $"kubectl create clusterrole spark-k8s-operator --verb={Verb} --non-resource-url={Resource} and bind it with kubectl create clusterrolebinding";
        }

        var resource = Group.Length == 0 ? Resource : $"{Resource.Split('/')[0]}.{Group}{(Resource.Contains('/') ? "/" + Resource.Split('/')[1] : string.Empty)}";
        return Namespace is null
            ? $"kubectl create clusterrole spark-k8s-operator --verb={Verb} --resource={resource} and bind it with kubectl create clusterrolebinding"
            : $"kubectl create role spark-k8s-operator -n {Namespace} --verb={Verb} --resource={resource} and bind it with kubectl create rolebinding -n {Namespace}";
    }
}
