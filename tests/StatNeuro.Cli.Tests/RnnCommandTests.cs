using System.Text.Json.Nodes;

namespace StatNeuro.Cli.Tests;

public class RnnCommandTests
{
    private static JsonNode Summary(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")))!;

    [Fact]
    public void Dmft_ReportsDelta0AndLambda()
    {
        string dir = CliRunner.TempFolder("rnn-dmft");
        var (code, _, err) = CliRunner.Run("rnn", "dmft", "--g", "3", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        JsonNode s = Summary(dir);

        // λ_max(3) = 0.2354 (design note §6.3, 4 digits); Δ0 > 0 in the chaotic phase.
        Assert.Equal(0.2354, s["lambda_max"]!.GetValue<double>(), 1e-4);
        Assert.True(s["delta0"]!.GetValue<double>() > 1);
        Assert.True(File.Exists(Path.Combine(dir, "delta_tau.csv")));
    }

    [Fact]
    public void Dmft_FindOnset_WithNoise()
    {
        string dir = CliRunner.TempFolder("rnn-onset");
        var (code, _, err) = CliRunner.Run("rnn", "dmft", "--g", "1.5", "--noise", "0.1", "--find-onset", "--out", dir, "--quiet");
        Assert.True(code == 0, err);

        // g_c(0.1) = 1.4250 (design note §6.2, 4 digits).
        Assert.Equal(1.4250, Summary(dir)["g_c"]!.GetValue<double>(), 1e-4);
    }

    [Fact]
    public void Ness_GammaZero_ClosedForm()
    {
        string dir = CliRunner.TempFolder("rnn-ness");
        var (code, _, err) = CliRunner.Run("rnn", "ness", "--g", "0.8", "--gamma", "0", "--beta", "100", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        JsonNode s = Summary(dir);

        // Design note §4.1: q = 0.024378 (6 digits), Q = 0, e = 1/(2β) exactly.
        Assert.Equal(0.024378, s["q"]!.GetValue<double>(), 1e-6);
        Assert.Equal(0.0, s["Q"]!.GetValue<double>());
        Assert.Equal(0.005, s["energy_per_neuron"]!.GetValue<double>(), 1e-15);
        Assert.NotNull(s["r"]);
        Assert.NotNull(s["R"]);
    }

    [Fact]
    public void Ness_GammaNonZero_ReportsRsEnergy()
    {
        string dir = CliRunner.TempFolder("rnn-ness-gamma");
        var (code, _, err) = CliRunner.Run("rnn", "ness", "--g", "0.5", "--gamma", "0.5", "--beta", "100", "--out", dir, "--quiet");
        Assert.True(code == 0, err);

        // Design note §8 step 3: e·2β = 0.994 at (g, γ, β) = (0.5, 0.5, 100) (3 digits).
        Assert.Equal(0.994, Summary(dir)["energy_per_neuron"]!.GetValue<double>() * 200, 6e-4);
    }

    [Fact]
    public void Ness_Cavity_Reciprocal()
    {
        string dir = CliRunner.TempFolder("rnn-ness-cavity");
        var (code, _, err) = CliRunner.Run("rnn", "ness", "--cavity", "--g", "0.867", "--gamma", "0.5", "--out", dir, "--quiet");
        Assert.True(code == 0, err);

        // Design note §4.3: C = 0.268 (3 digits).
        Assert.Equal(0.268, Summary(dir)["cavity_C"]!.GetValue<double>(), 1e-3);
    }

    [Fact]
    public void Dmft_Sampled_WritesTimeCourse()
    {
        string dir = CliRunner.TempFolder("rnn-dmft-sampled");
        var (code, _, err) = CliRunner.Run("rnn", "dmft", "--sampled", "--g", "0.5", "--gamma", "0.5", "--noise", "0.05", "--window", "6", "--paths", "200", "--response-paths", "10", "--iterations", "3", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        JsonNode s = Summary(dir);
        Assert.True(s["sampled_delta0"]!.GetValue<double>() > 0);
        Assert.True(s["sampled_response_integral"]!.GetValue<double>() > 0.5);
        Assert.True(File.Exists(Path.Combine(dir, "sampled_time.csv")));
    }

    [Fact]
    public void Ness_InfiniteBeta_GivesStaticFixedPoint()
    {
        string dir = CliRunner.TempFolder("rnn-ness-inf");
        var (code, _, err) = CliRunner.Run("rnn", "ness", "--g", "2", "--beta", "inf", "--out", dir, "--quiet");
        Assert.True(code == 0, err);

        // q* = 0.5304 at g = 2 (design note §4.1, 4 digits).
        Assert.Equal(0.5304, Summary(dir)["q"]!.GetValue<double>(), 1e-4);
    }

    [Fact]
    public void Ness_InfiniteBeta_Reciprocal_GivesZeroTemperatureFields()
    {
        string dir = CliRunner.TempFolder("rnn-ness-inf-gamma");
        var (code, _, err) = CliRunner.Run("rnn", "ness", "--g", "0.5", "--gamma", "0.5", "--beta", "inf", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        JsonNode s = Summary(dir);

        // Ordered phase: q = 0, −ξ = R_int = (1 − √(1 − 4γg²))/(2γg²) = 1.171573, χ = R²/(1 − g²R²) = 2.089631.
        Assert.Equal(0.0, s["q"]!.GetValue<double>());
        Assert.Equal(-1.1715728753, s["xi"]!.GetValue<double>(), 1e-9);
        Assert.Equal(2.0896309997, s["chi"]!.GetValue<double>(), 1e-9);
        Assert.True(s["converged"]!.GetValue<bool>());
    }

    [Fact]
    public void Ness_InfiniteBeta_Reciprocal_ChaoticSide_ExitTwo()
    {
        string dir = CliRunner.TempFolder("rnn-ness-inf-chaos");
        var (code, _, err) = CliRunner.Run("rnn", "ness", "--g", "0.9", "--gamma", "0.5", "--beta", "inf", "--out", dir);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("--beta inf", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Lyapunov_SmallNetwork_WritesFields()
    {
        string dir = CliRunner.TempFolder("rnn-lyap");
        var (code, _, err) = CliRunner.Run("rnn", "lyapunov", "--n", "60", "--g", "0.5", "--t", "40", "--transient", "20", "--k", "2", "--seed", "3", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        JsonNode s = Summary(dir);

        // g = 0.5: the state decays to 0, where λ_max = spectral abscissa of J − 1 ≈ g − 1 = −0.5 (circular law);
        // at N = 60 the edge fluctuates by O(N^{-1/2}) ≈ 0.15.
        double lam = s["lambda_max"]!.GetValue<double>();
        Assert.InRange(lam, -0.7, -0.3);
        Assert.True(s["lambda_max_se"]!.GetValue<double>() >= 0);
    }

    [Fact]
    public void Simulate_WritesTraces()
    {
        string dir = CliRunner.TempFolder("rnn-sim");
        var (code, _, err) = CliRunner.Run("rnn", "simulate", "--n", "50", "--g", "2", "--t", "10", "--transient", "0", "--units", "5", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        Assert.True(File.Exists(Path.Combine(dir, "traces.csv")));
        Assert.True(Summary(dir)["delta0"]!.GetValue<double>() > 0);
    }

    [Fact]
    public void Sweep_ResumesFromCheckpoint()
    {
        string dir = CliRunner.TempFolder("rnn-sweep");
        string ckpt = dir + ".ckpt.csv";
        var (code, _, err) = CliRunner.Run("rnn", "sweep", "--kind", "ness", "--beta", "100", "--g-range", "0.5:0.7:0.1", "--checkpoint", ckpt, "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        Assert.Equal(0, Summary(dir)["reused_points"]!.GetValue<int>());

        // Second run over a larger range: the three finished points come from the checkpoint.
        string dir2 = dir + "-2";
        (code, _, err) = CliRunner.Run("rnn", "sweep", "--kind", "ness", "--beta", "100", "--g-range", "0.5:0.9:0.1", "--checkpoint", ckpt, "--out", dir2, "--quiet");
        Assert.True(code == 0, err);
        Assert.Equal(3, Summary(dir2)["reused_points"]!.GetValue<int>());
        Assert.Equal(5, File.ReadAllLines(Path.Combine(dir2, "sweep.csv")).Length - 1);
    }

    [Theory]
    [InlineData("lyapunov", "--n", "1")]
    [InlineData("lyapunov", "--g", "-1")]
    [InlineData("lyapunov", "--gamma", "1.5")]
    [InlineData("simulate", "--phi", "sigmoid")]
    [InlineData("ness", "--beta", "0")]
    [InlineData("ness", "--beta", "-3")]
    [InlineData("dmft", "--noise", "-0.1")]
    [InlineData("dmft", "--phi", "relu")]
    [InlineData("sweep", "--kind", "nope")]
    [InlineData("dmft", "--gamma", "0.5")]
    public void BadInput_OneLine_ExitTwo_NoOutput(string sub, string option, string value)
    {
        string dir = CliRunner.TempFolder("rnn-bad");
        var (code, _, err) = CliRunner.Run("rnn", sub, option, value, "--out", dir);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains(option, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }
}
