using FluentAssertions;
using SparkK8s.Cli.Output;
using Xunit;

namespace SparkK8s.Cli.Tests.CostAndSizing;

public class TerminalTextTests
{
    [Theory]
    [InlineData("plain name", "plain name")]
    [InlineData("\u001b[31mred\u001b[0m", "red")]
    [InlineData("\u001b]0;new title\u0007app", "app")]
    [InlineData("\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\", "link")]
    [InlineData("a\u009b2Jb", "ab")]
    [InlineData("tab\there\r\nnext", "tab here  next")]
    [InlineData("bell\u0007 back\u0008space", "bell backspace")]
    [InlineData("\u202egnp.exe", "gnp.exe")]
    [InlineData("cut at end \u001b[", "cut at end ")]
    [InlineData("<script>alert('XSS')</script>", "<script>alert('XSS')</script>")]
    public void Clean_removes_escape_sequences_and_control_characters(string input, string expected)
    {
        TerminalText.Clean(input).Should().Be(expected);
    }
}
