using System.Text.Json;

namespace StatNeuro.Cli.Tests;

public class MeanFieldCommandTests
{
    [Fact]
    public void Siegert_GoodRun_WritesContractFields()
    {
        string dir = CliRunner.TempFolder("mf-siegert");
        var (code, _, err) = CliRunner.Run("meanfield", "siegert", "--mu", "15", "--sigma", "5", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        JsonElement root = doc.RootElement;

        // 1/nu - tau_ref = 103.699308782674 ms (design note, mpmath); ln(rate) consistent with rate to 1e-12.
        double rate = root.GetProperty("rate_hz").GetDouble();
        Assert.Equal(1000 / (2 + 103.699308782674), rate, 1e-9);
        Assert.Equal(Math.Log(rate), root.GetProperty("log_rate").GetDouble(), 1e-12);
        Assert.True(root.GetProperty("dnu_dmu").GetDouble() > 0);
        Assert.True(root.TryGetProperty("dnu_dsigma", out _));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Siegert_FarBelowThreshold_LogRateFinite()
    {
        string dir = CliRunner.TempFolder("mf-siegert-low");
        var (code, _, _) = CliRunner.Run("meanfield", "siegert", "--mu", "-10", "--sigma", "0.5", "--out", dir, "--quiet");
        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));

        // mpmath: ln(rate/Hz) = -3592.566136312421727 (rate 5.9e-1561 Hz underflows to 0).
        Assert.Equal(-3592.566136312421727, doc.RootElement.GetProperty("log_rate").GetDouble(), 2e-12);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void CurieWeiss_GoodRun_ListsThreeSolutionsBelowSpinodal()
    {
        string dir = CliRunner.TempFolder("mf-cw");
        var (code, _, err) = CliRunner.Run("meanfield", "curie-weiss", "--T", "0.5", "--H", "0.1", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        JsonElement[] solutions = [.. doc.RootElement.GetProperty("solutions").EnumerateArray()];

        // H = 0.1 < H_c(0.5) = 0.2594: stable m < 0, unstable middle, stable m > 0; m = tanh((m + H)/T) to 1e-12.
        Assert.Equal(3, solutions.Length);
        Assert.Equal([true, false, true], solutions.Select(s => s.GetProperty("stable").GetBoolean()));
        foreach (JsonElement s in solutions)
        {
            double m = s.GetProperty("m").GetDouble();
            Assert.Equal(Math.Tanh((m + 0.1) / 0.5), m, 1e-12);
            Assert.True(s.TryGetProperty("free_energy", out _));
        }

        Assert.True(File.Exists(Path.Combine(dir, "landscape.csv")));
        Assert.True(File.Exists(Path.Combine(dir, "landscape.png")));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Brunel_GoodRun_FindsIssueFixedPoint()
    {
        string dir = CliRunner.TempFolder("mf-brunel");
        var (code, _, err) = CliRunner.Run("meanfield", "brunel", "--J", "0.1", "--g", "5", "--nu-ext-ratio", "2", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        JsonElement p = Assert.Single(doc.RootElement.GetProperty("fixed_points").EnumerateArray());

        // Independent mpmath solve: 37.9496970857633641 Hz (1e-10 relative).
        Assert.Equal(37.9496970857633641, p.GetProperty("rate_hz").GetDouble(), 37.95 * 1e-10);
        Assert.True(p.GetProperty("stable").GetBoolean());
        Assert.True(p.GetProperty("delayed_stable").GetBoolean()); // Brunel's state C: asynchronous irregular
        Assert.Equal("asynchronous", p.GetProperty("state").GetString());
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Brunel_StateB_IsOscillatoryWithAFastMode()
    {
        // Brunel (2000) state B (g 6, nu_ext = 4 nu_thr): synchronous irregular, fast oscillation. Slope < 1, so the
        // rate dynamics alone call it stable; the delayed analysis finds an unstable pair near 190 Hz.
        string dir = CliRunner.TempFolder("mf-brunel-b");
        var (code, _, err) = CliRunner.Run("meanfield", "brunel", "--g", "6", "--nu-ext-ratio", "4", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        JsonElement p = Assert.Single(doc.RootElement.GetProperty("fixed_points").EnumerateArray());
        Assert.True(p.GetProperty("stable").GetBoolean());
        Assert.False(p.GetProperty("delayed_stable").GetBoolean());
        Assert.Equal(2, p.GetProperty("unstable_modes").GetInt32());
        Assert.InRange(p.GetProperty("mode_frequency_hz").GetDouble(), 150, 250);
        Assert.Equal("oscillatory (fast)", p.GetProperty("state").GetString());
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Brunel_ScanAlongG_FollowsAllBranches()
    {
        // J 0.2, nu_ext = 0.5 nu_thr: three fixed points at g = 3 (quiescent, saddle, high) as in the mpmath check of
        // FixedPoints; the scan writes one row per fixed point and the saddle is rate-unstable (slope > 1).
        string dir = CliRunner.TempFolder("mf-brunel-scan");
        var (code, _, err) = CliRunner.Run("meanfield", "brunel", "--J", "0.2", "--nu-ext-ratio", "0.5", "--scan", "g=3:4:0.5", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        string[] lines = File.ReadAllLines(Path.Combine(dir, "branches.csv"));
        Assert.StartsWith("g,rate_hz,slope,stable,delayed_stable,unstable_modes", lines[0], StringComparison.Ordinal);
        string[][] rows = [.. lines.Skip(1).Select(l => l.Split(','))];
        string[][] atThree = [.. rows.Where(r => r[0] == "3")];
        Assert.Equal(3, atThree.Length);
        Assert.Equal(4.8494699817334984, double.Parse(atThree[1][1], System.Globalization.CultureInfo.InvariantCulture), 4.85 * 1e-9);
        Assert.Equal("0", atThree[1][3]); // slope > 1
        Assert.True(File.Exists(Path.Combine(dir, "branches.png")));
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("J=1:2:0.5")]
    [InlineData("g=5:4:0.5")]
    [InlineData("g=-1:2:0.5")]
    [InlineData("nu-ext-ratio=0:2:0.5")]
    public void Brunel_BadScan_ExitsTwo(string scan)
    {
        string dir = CliRunner.TempFolder("mf-brunel-badscan");
        var (code, _, err) = CliRunner.Run("meanfield", "brunel", "--scan", scan, "--out", dir, "--quiet");
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Activation_GoodRun_FitBeatsPaperParameters()
    {
        string dir = CliRunner.TempFolder("mf-act");
        var (code, _, err) = CliRunner.Run("meanfield", "activation", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.True(doc.RootElement.GetProperty("least_squares_rms").GetDouble() < doc.RootElement.GetProperty("paper_rms").GetDouble());
        Assert.True(File.Exists(Path.Combine(dir, "magnetization.csv")));
        Assert.True(File.Exists(Path.Combine(dir, "spike_count.png")));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Perceptron_GoodRun_LearnsAndOrNotXor()
    {
        string dir = CliRunner.TempFolder("mf-perc");
        var (code, _, err) = CliRunner.Run("meanfield", "perceptron", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal(1.0, doc.RootElement.GetProperty("accuracy_and").GetDouble());
        Assert.Equal(1.0, doc.RootElement.GetProperty("accuracy_or").GetDouble());
        Assert.True(doc.RootElement.GetProperty("accuracy_xor").GetDouble() <= 0.75);
        Assert.True(File.Exists(Path.Combine(dir, "learning_curves.csv")));
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("perceptron", "--epochs", "0")]
    [InlineData("perceptron", "--learning-rate", "-1")]
    [InlineData("activation", "--a", "0")]
    [InlineData("activation", "--tc", "NaN")]
    [InlineData("siegert", "--mu", "15", "--sigma", "0")]
    [InlineData("siegert", "--mu", "15", "--sigma", "-1")]
    [InlineData("siegert", "--mu", "NaN", "--sigma", "5")]
    [InlineData("siegert", "--mu", "15", "--sigma", "5", "--tau-ms", "0")]
    [InlineData("siegert", "--mu", "15", "--sigma", "5", "--theta-mv", "10")]
    [InlineData("siegert", "--mu", "15", "--sigma", "5", "--tref-ms", "-1")]
    [InlineData("siegert", "--mu", "abc", "--sigma", "5")]
    [InlineData("curie-weiss", "--T", "0")]
    [InlineData("curie-weiss", "--T", "1", "--H", "NaN")]
    [InlineData("curie-weiss", "--T", "1", "--zJ", "-1")]
    [InlineData("brunel", "--J", "0")]
    [InlineData("brunel", "--g", "-1")]
    [InlineData("brunel", "--nu-ext-ratio", "NaN")]
    [InlineData("brunel", "--tau-ms", "-5")]
    public void BadInput_ExitsTwo_OneLine_NoOutput(params string[] args)
    {
        string dir = CliRunner.TempFolder("mf-bad");
        var (code, _, err) = CliRunner.Run(["meanfield", .. args, "--out", dir]);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir));
    }
}
