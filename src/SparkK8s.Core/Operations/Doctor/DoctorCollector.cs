namespace SparkK8s.Core.Operations.Doctor;

/// <summary>Collects checks and findings in the order they were made.</summary>
internal sealed class DoctorCollector
{
    public List<DoctorCheck> Checks { get; } = [];
    public List<DoctorFinding> Findings { get; } = [];

    public void Check(string name, CheckOutcome outcome, string summary) => Checks.Add(new DoctorCheck(name, outcome, summary));

    public void Add(DoctorFinding finding) => Findings.Add(finding);
}
