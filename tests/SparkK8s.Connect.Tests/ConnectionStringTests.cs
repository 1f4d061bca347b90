using FluentAssertions;
using Xunit;
using SparkK8s.Core.Connect;
using SparkK8s.Core.Errors;

namespace SparkK8s.Connect.Tests;

public sealed class ConnectionStringTests
{
    [Fact]
    public void Defaults_follow_the_client_specification()
    {
        var parsed = ConnectionString.Parse("sc://spark-connect.spark.svc", "--connect");

        parsed.Host.Should().Be("spark-connect.spark.svc");
        parsed.Port.Should().Be(15002);
        parsed.UseTls.Should().BeFalse();
        parsed.Token.Should().BeNull();
        parsed.HttpAddress.Should().Be(new Uri("http://spark-connect.spark.svc:15002"));
    }

    [Fact]
    public void Parameters_are_read_after_the_empty_path()
    {
        var parsed = ConnectionString.Parse("sc://myhost.com:443/;use_ssl=true;user_id=Martin;session_id=550e8400-e29b-41d4-a716-446655440000;user_agent=my_app", "--connect");

        parsed.Port.Should().Be(443);
        parsed.UseTls.Should().BeTrue();
        parsed.UserId.Should().Be("Martin");
        parsed.UserAgent.Should().Be("my_app");
        parsed.SessionId.Should().Be(Guid.Parse("550e8400-e29b-41d4-a716-446655440000"));
        parsed.HttpAddress.Scheme.Should().Be("https");
    }

    [Fact]
    public void A_token_enables_tls_unless_use_ssl_is_false_and_is_never_printed()
    {
        var secure = ConnectionString.Parse("sc://myhost.com:443/;token=ABCDEFG", "--connect");
        var plain = ConnectionString.Parse("sc://127.0.0.1:15002/;token=ABCDEFG;use_ssl=false", "--connect");

        secure.UseTls.Should().BeTrue("the specification: setting a token enables SSL");
        plain.UseTls.Should().BeFalse();
        plain.Token.Should().Be("ABCDEFG");
        secure.ToString().Should().NotContain("ABCDEFG");
        secure.Endpoint.Should().Be("sc://myhost.com:443");
    }

    [Fact]
    public void Ipv6_hosts_go_in_brackets()
    {
        var parsed = ConnectionString.Parse("sc://[::1]:15003", "--connect");

        parsed.Host.Should().Be("::1");
        parsed.Port.Should().Be(15003);
        parsed.Endpoint.Should().Be("sc://[::1]:15003");
    }

    [Theory]
    [InlineData("http://localhost:15002", "must start with sc://")]
    [InlineData("sc://", "host is missing")]
    [InlineData("sc://:15002", "host is missing")]
    [InlineData("sc://host:99999", "port '99999'")]
    [InlineData("sc://host:abc", "port 'abc'")]
    [InlineData("sc://host:1:2", "<host>:<port>")]
    [InlineData("sc://myhost.com:443/mypathprefix/;token=AAAAAAA", "path must be empty")]
    [InlineData("sc://host/;Token=abc", "unknown parameter 'Token'")]
    [InlineData("sc://host/;foo=bar", "unknown parameter 'foo'")]
    [InlineData("sc://host/;use_ssl=maybe", "use_ssl 'maybe'")]
    [InlineData("sc://host/;session_id=abc", "session_id 'abc'")]
    [InlineData("sc://host/;use_ssl", "must be name=value")]
    [InlineData("sc://host/;token=", "token is empty")]
    [InlineData("sc://host/;user_id=a;user_id=b", "given twice")]
    [InlineData("sc://user@host", "user information")]
    [InlineData("sc://ho st", "not a valid host")]
    public void Malformed_urls_are_usage_errors_naming_the_flag(string url, string reason)
    {
        var parse = () => ConnectionString.Parse(url, "--connect");

        parse.Should().Throw<UserInputException>().Which.Message.Should().StartWith("--connect: ").And.Contain(reason);
    }

    [Fact]
    public void A_malformed_token_parameter_is_not_echoed()
    {
        var parse = () => ConnectionString.Parse("sc://host/;tokenSECRET", "--connect");

        parse.Should().Throw<UserInputException>().Which.Message.Should().NotContain("SECRET");
    }
}
