using System.Globalization;
using System.Text.Json;

namespace StatNeuro.Cli.Tests;

public class FokkerPlanckCommandTests
{
    [Fact]
    public void FokkerPlanck_GoodRun_WritesRateCsvContractAndConservesMass()
    {
        string dir = CliRunner.TempFolder("mf-fp");
        var (code, _, err) = CliRunner.Run("meanfield", "fokker-planck", "--mu-step", "10,15", "--sigma", "5", "--duration", "100", "--dt-ms", "0.02", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        JsonElement root = doc.RootElement;

        // Mass conserved to round-off (issue: 1e-10); the initial rate is the 1000-cell stationary rate at mu = 10,
        // which equals Siegert to 1e-4 relative (second-order FV, tested in StatNeuro.Tests).
        Assert.True(root.GetProperty("max_mass_error").GetDouble() < 1e-10);
        double siegert10 = root.GetProperty("rate_initial_hz").GetDouble();
        Assert.True(siegert10 > 0.8 && siegert10 < 0.9);
        string[] lines = File.ReadAllLines(Path.Combine(dir, "rate.csv"));
        Assert.Equal("t_ms,rate_hz", lines[0]);
        string[] last = lines[^1].Split(',');
        Assert.Equal(100, double.Parse(last[0], CultureInfo.InvariantCulture), 1e-9);

        // At 100 ms (5 tau) the rate is within 0.1 % of the new stationary rate (measured gap 1e-4 relative).
        double final = double.Parse(last[1], CultureInfo.InvariantCulture);
        Assert.Equal(root.GetProperty("rate_final_hz").GetDouble(), final, 1e-12);
        Assert.True(Math.Abs((final / root.GetProperty("stationary_rate_after_hz").GetDouble()) - 1) < 1e-3);
        Assert.True(File.Exists(Path.Combine(dir, "density.csv")));
        Assert.True(File.Exists(Path.Combine(dir, "rate.png")));
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("--sigma", "0")]
    [InlineData("--sigma", "-1")]
    [InlineData("--sigma", "NaN")]
    [InlineData("--tau-ms", "0")]
    [InlineData("--theta-mv", "10")]
    [InlineData("--mu-step", "10")]
    [InlineData("--mu-step", "10,abc")]
    [InlineData("--mu-step", "10,15,20")]
    [InlineData("--mu-step", "NaN,15")]
    [InlineData("--duration", "0")]
    [InlineData("--dt-ms", "-0.1")]
    [InlineData("--cells", "7")]
    [InlineData("--lower-mv", "15")]
    [InlineData("--lower-mv", "low")]
    public void FokkerPlanck_BadInput_ExitsTwoWithoutOutput(string option, string value)
    {
        string dir = CliRunner.TempFolder("mf-fp-bad");
        var (code, _, err) = CliRunner.Run("meanfield", "fokker-planck", option, value, "--duration", "5", "--out", dir, "--quiet");
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void FokkerPlanck_ExplicitWallWithResetOffInterface_ExitsTwo()
    {
        // With --lower-mv -30 the reset (10 mV) is on an interface only for multiples of 5 cells; the default 'auto' wall
        // accepts any count.
        string dir = CliRunner.TempFolder("mf-fp-wall");
        var (code, _, err) = CliRunner.Run("meanfield", "fokker-planck", "--lower-mv", "-30", "--cells", "999", "--duration", "5", "--out", dir, "--quiet");
        Assert.Equal(2, code);
        Assert.Contains("--cells 999", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }
}

public class TransferCommandTests
{
    [Fact]
    public void Transfer_GoodRun_ZeroFrequencyEqualsSiegertDerivative()
    {
        string dir = CliRunner.TempFolder("mf-transfer");
        var (code, _, err) = CliRunner.Run("meanfield", "transfer", "--mu", "15", "--sigma", "5", "--points", "5", "--cells", "1000", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        JsonElement root = doc.RootElement;

        // chi(0) = dnu/dmu of the 1000-cell stationary rate: second order, 1e-3 relative to Siegert's analytic value.
        double chi0 = root.GetProperty("chi0_hz_per_mv").GetDouble();
        double siegert = root.GetProperty("siegert_dnu_dmu").GetDouble();
        Assert.True(Math.Abs((chi0 / siegert) - 1) < 1e-3, $"{chi0} vs {siegert}");
        Assert.Equal(6, File.ReadAllLines(Path.Combine(dir, "transfer.csv")).Length);
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("--sigma", "0")]
    [InlineData("--f-max", "0.05")]
    [InlineData("--points", "1")]
    [InlineData("--cells", "7")]
    public void Transfer_BadInput_ExitsTwoWithoutOutput(string option, string value)
    {
        string dir = CliRunner.TempFolder("mf-transfer-bad");
        string[] args = option == "--sigma" ? ["meanfield", "transfer", "--mu", "15", option, value, "--out", dir] : ["meanfield", "transfer", "--mu", "15", "--sigma", "5", option, value, "--out", dir];
        var (code, _, err) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir));
    }
}
