namespace SparkK8s.Core.Validation.Schema;

/// <summary>Kinds of schema violation, each with a stable finding id.</summary>
public enum ViolationKind
{
    NoSchema,
    UnknownField,
    WrongType,
    MissingRequired,
    NotInEnum,
    Constraint,
}

/// <summary>One place where an object does not match its schema.</summary>
public sealed record SchemaViolation(ViolationKind Kind, string Path, string Message)
{
    public string Id => Kind switch
    {
        ViolationKind.NoSchema => "K8S000",
        ViolationKind.UnknownField => "K8S001",
        ViolationKind.WrongType => "K8S002",
        ViolationKind.MissingRequired => "K8S003",
        ViolationKind.NotInEnum => "K8S004",
        _ => "K8S005",
    };
}
