using System.Text.Json.Nodes;
using FluentAssertions;
using SparkK8s.Core.Composer;
using SparkK8s.Core.Manifests;
using Xunit;

namespace SparkK8s.Core.Tests.Composer;

public class YamlEmitterTests
{
    [Theory]
    [InlineData("plain")]
    [InlineData("https://s3.example.invalid")]
    [InlineData("true")]
    [InlineData("yes")]
    [InlineData("Off")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("0123")]
    [InlineData("1e5")]
    [InlineData("0x1F")]
    [InlineData("1:30")]
    [InlineData("1_000")]
    [InlineData("3.5")]
    [InlineData("")]
    [InlineData(" leading space")]
    [InlineData("trailing space ")]
    [InlineData("a: b")]
    [InlineData("value # not a comment")]
    [InlineData("#comment")]
    [InlineData("ends with colon:")]
    [InlineData("it's")]
    [InlineData("- dash")]
    [InlineData("{flow}")]
    [InlineData("*alias")]
    [InlineData("&anchor")]
    [InlineData("!tag")]
    [InlineData("%directive")]
    [InlineData("@at")]
    [InlineData("`tick`")]
    [InlineData("line\nbreak")]
    [InlineData("tab\there")]
    [InlineData("quote\"inside")]
    [InlineData("back\\slash")]
    [InlineData("ünïcode")]
    [InlineData("two\nlines\n")]
    [InlineData("no final break\nhere")]
    [InlineData("many breaks\n\n\n")]
    [InlineData("blank\n\nline inside\n    indented\n")]
    [InlineData("  leading spaces\nsecond\n")]
    [InlineData("\nleading break\n")]
    [InlineData("key: value\n# comment\n- item\n")]
    public void Strings_round_trip_through_a_YAML_parser(string text)
    {
        var values = new JsonObject { ["key"] = text, ["list"] = new JsonArray(text, text) };

        var parsed = ManifestParser.ParseYaml(YamlEmitter.Write(values), "test") as JsonObject;

        parsed!["key"]!.GetValue<string>().Should().Be(text);
        parsed["list"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal(text, text);
    }

    [Fact]
    public void Multi_line_strings_are_literal_blocks()
    {
        var text = YamlEmitter.Write(new JsonObject { ["job"] = new JsonObject { ["source"] = "import sys\n\nprint(1)\n" } });

        text.Should().Be("job:\n  source: |\n    import sys\n\n    print(1)\n");
    }

    [Fact]
    public void Keeps_key_order_types_and_nesting()
    {
        var values = new JsonObject
        {
            ["z"] = new JsonObject { ["enabled"] = true, ["count"] = 3, ["ratio"] = 0.5 },
            ["a"] = new JsonObject(),
            ["items"] = new JsonArray(new JsonObject { ["name"] = "one", ["port"] = 1 }, new JsonObject()),
            ["empty"] = new JsonArray(),
            ["weird key: yes"] = "v",
        };

        var text = YamlEmitter.Write(values);
        var parsed = ManifestParser.ParseYaml(text, "test") as JsonObject;

        text.Should().StartWith("z:\n  enabled: true\n  count: 3\n  ratio: 0.5\na: {}\n");
        JsonNode.DeepEquals(parsed, values).Should().BeTrue(text);
    }
}
