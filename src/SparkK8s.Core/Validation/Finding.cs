namespace SparkK8s.Core.Validation;

public enum Severity
{
    Error,
    Warning,
}

/// <summary>The validation stage a finding comes from, in the order they run.</summary>
public enum ValidationStage
{
    Lint,
    Render,
    Schema,
    Spark,

    /// <summary>The security rule set (SEC0xx, <see cref="Security.SecurityRules"/>).</summary>
    Security,

    /// <summary>Comparison with the release an upgrade starts from (validate --upgrade-from).</summary>
    Upgrade,
}

/// <summary>One problem found in a render: which check, how bad, where, and how to fix it.</summary>
public sealed record Finding(
    ValidationStage Stage,
    string Id,
    Severity Severity,
    string Object,
    string Field,
    string Message,
    string Fix);
