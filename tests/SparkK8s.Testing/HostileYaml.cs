using System.Text;

namespace SparkK8s.Testing;

/// <summary>YAML written to exhaust a parser.</summary>
public static class HostileYaml
{
    /// <summary>"Billion laughs": ten anchors, each a list of nine aliases of the one before, 9^10 values from ten short lines.</summary>
    public static string BillionLaughs
    {
        get
        {
            var yaml = new StringBuilder("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
            for (var i = 1; i < 10; i++)
            {
                yaml.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
            }

            return yaml.ToString();
        }
    }

    /// <summary>A flow sequence nested <paramref name="depth"/> levels deep.</summary>
    public static string Nested(int depth) => "a: " + new string('[', depth) + new string(']', depth) + "\n";
}
