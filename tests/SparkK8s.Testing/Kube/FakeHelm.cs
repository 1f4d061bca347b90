using System.Text;

namespace SparkK8s.Testing.Kube;

/// <summary>
/// A helm on disk for the live commands' tests: 'upgrade' (the install) is recorded, one argument per line after a
/// '---' line, and answers with the given exit code and stderr; every other command (template, lint, version) runs the
/// real helm, so renders are real. A real helm cannot install into the fake API server; this records exactly what would run.
/// </summary>
public sealed class FakeHelm
{
    private FakeHelm(string path, string log)
    {
        Path = path;
        LogPath = log;
    }

    public string Path { get; }
    public string LogPath { get; }

    /// <summary>Each recorded 'upgrade' invocation's arguments.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Installs =>
        !File.Exists(LogPath)
            ? []
            : File.ReadAllText(LogPath).Split("---\n", StringSplitOptions.RemoveEmptyEntries)
                .Select(block => (IReadOnlyList<string>)block.TrimEnd('\n').Split('\n')).ToList();

    /// <param name="failures">exit code and stderr of the n-th upgrade (0-based); upgrades not listed succeed.</param>
    public static FakeHelm Create(TempDirectory temp, params (int Exit, string Stderr)[] failures)
    {
        var real = TestHelm.Client.ExecutablePath;
        var log = temp.Combine("helm-installs.log");
        var script = new StringBuilder();
        script.Append("#!/usr/bin/env bash\nset -euo pipefail\n");
        script.Append("if [ \"${1:-}\" = upgrade ]; then\n");
        script.Append($"  n=$(grep -c '^---$' '{log}' 2>/dev/null || true)\n");
        script.Append($"  {{ echo ---; printf '%s\\n' \"$@\"; }} >> '{log}'\n");
        for (var i = 0; i < failures.Length; i++)
        {
            if (failures[i].Exit != 0)
            {
                var quoted = failures[i].Stderr.Replace("'", "'\\''", StringComparison.Ordinal);
                script.Append($"  if [ \"${{n:-0}}\" = {i} ]; then echo '{quoted}' >&2; exit {failures[i].Exit}; fi\n");
            }
        }

        script.Append("  echo 'Release \"spark\" has been upgraded. Happy Helming!'\n  exit 0\nfi\n");
        script.Append($"exec '{real}' \"$@\"\n");
        var path = temp.WriteFile("bin/helm", script.ToString());
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the fake helm is a bash script");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new FakeHelm(path, log);
    }
}
