using FluentAssertions;
using SparkK8s.Core.Docs;
using Xunit;

namespace SparkK8s.Core.Tests.Docs;

public class ValuesReferenceTests
{
    private const string Values = """
        # Header comment, not a description.

        # -- Spark settings.
        spark:
          # -- Spark line: "3.5" or "4.1".
          # Continued here.
          version: "4.1"
          # @ignored plain comment
          releases: {}
        # -- Labels for every object.
        # @default -- none
        labels:
          team: data
        undocumented: 1
        """;

    [Fact]
    public void Map_entries_come_from_the_schema_right_after_the_map()
    {
        const string Schema = """
            {"properties": {"jobs": {"type": "object", "additionalProperties": {"type": "object", "properties": {
              "type": {"type": "string", "enum": ["submit", "operator"], "description": "Backend."},
              "driver": {"type": "object", "description": "Driver sizing.", "properties": {"memory": {"type": "string", "default": "1g", "description": "Heap."}}},
              "secretEnv": {"type": "array", "description": "Secrets.", "items": {"type": "object", "properties": {"key": {"type": "string", "description": "Key."}}}}}}}}}
            """;
        var keys = ValuesReference.Parse("# -- Jobs.\njobs: {}\n# -- After.\nafter: 1\n", "values.yaml");

        var all = ValuesReference.WithMapEntries(keys, Schema, "values.schema.json");

        all.Select(k => (k.Path, k.Type, k.Default, k.Description)).Should().Equal(
            ("jobs", "object", "{}", "Jobs."),
            ("jobs.<name>.type", "string", "-", "Backend. One of: \"submit\", \"operator\"."),
            ("jobs.<name>.driver", "object", "-", "Driver sizing."),
            ("jobs.<name>.driver.memory", "string", "\"1g\"", "Heap."),
            ("jobs.<name>.secretEnv", "list", "-", "Secrets."),
            ("jobs.<name>.secretEnv[].key", "string", "-", "Key."),
            ("after", "int", "1", "After."));
    }

    [Fact]
    public void Reads_helm_docs_descriptions_types_and_defaults()
    {
        var keys = ValuesReference.Parse(Values, "values.yaml");

        keys.Single(k => k.Path == "spark.version").Should().Match<ValuesKey>(k =>
            k.Type == "string" && k.Default == "\"4.1\"" && k.Description == "Spark line: \"3.5\" or \"4.1\". Continued here.");
        keys.Single(k => k.Path == "labels").Default.Should().Be("none");
        keys.Single(k => k.Path == "spark.releases").Description.Should().BeNull();
    }

    [Fact]
    public void Keys_under_a_documented_map_are_covered_and_others_are_reported()
    {
        var undocumented = ValuesReference.Undocumented(ValuesReference.Parse(Values, "values.yaml"));

        undocumented.Select(k => k.Path).Should().BeEquivalentTo(["undocumented"]);
    }

    [Fact]
    public void Renders_russian_headings()
    {
        var markdown = ValuesMarkdown.Render(ValuesReference.Parse(Values, "values.yaml"), "ru");

        markdown.Should().Contain("| Ключ | Тип | По умолчанию | Описание |").And.Contain("| `spark.version` | string | `\"4.1\"` |");
    }
}
