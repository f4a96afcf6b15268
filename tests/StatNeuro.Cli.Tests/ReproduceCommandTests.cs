namespace StatNeuro.Cli.Tests;

public class ReproduceCommandTests
{
    [Fact]
    public void Reproduce_UnknownSection_ExitsTwo_AndWritesNothing()
    {
        string dir = CliRunner.TempFolder("repro-bad");
        var (code, _, err) = CliRunner.Run("reproduce", "--section", "no-such-section", "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains("no-such-section", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void UnknownOption_ExitsTwo()
    {
        var (code, _, err) = CliRunner.Run("reproduce", "--no-such-option");
        Assert.Equal(2, code);
        Assert.Contains("--no-such-option", err, StringComparison.Ordinal);
    }
}
