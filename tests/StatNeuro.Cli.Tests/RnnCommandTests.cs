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

    private static (string[] Header, double[][] Rows) ReadCsv(string path)
    {
        string[] lines = File.ReadAllLines(path);
        return (lines[0].Split(','), lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray());
    }

    private static double[] Row(double[][] rows, string[] header, params (string Name, double Value)[] at) =>
        rows.Single(r => at.All(a => r[Array.IndexOf(header, a.Name)] == a.Value));

    [Fact]
    public void Sweep_Grid_GAndGammaAndBeta_MatchesSinglePointNess()
    {
        string dir = CliRunner.TempFolder("rnn-sweep-grid");
        var (code, _, err) = CliRunner.Run("rnn", "sweep", "--kind", "ness", "--g-range", "0.4:0.5:0.1", "--gamma-range", "0,0.5", "--beta-range", "100,inf", "--checkpoint", dir + ".ckpt.csv", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        var (header, rows) = ReadCsv(Path.Combine(dir, "sweep.csv"));

        // 2 g × 2 γ × 2 β, one column per swept parameter, χ and ξ because β = ∞ is on the grid.
        Assert.Equal(["g", "gamma", "beta", "q", "Q", "r", "R", "energy_per_neuron", "chi", "xi"], header);
        Assert.Equal(8, rows.Length);
        Assert.Equal(8, Summary(dir)["points"]!.GetValue<int>());
        Assert.True(File.Exists(Path.Combine(dir, "sweep.png")));

        // Same solvers as the single-point command: equal to 1e-12 (CSV and summary.json both round-trip doubles).
        foreach (var (g, gamma, beta) in new[] { (0.5, 0.5, "inf"), (0.5, 0.5, "100"), (0.4, 0.0, "inf"), (0.4, 0.0, "100") })
        {
            string one = CliRunner.TempFolder("rnn-sweep-one");
            (code, _, err) = CliRunner.Run("rnn", "ness", "--g", $"{g}", "--gamma", $"{gamma}", "--beta", beta, "--out", one, "--quiet");
            Assert.True(code == 0, err);
            JsonNode s = Summary(one);
            double[] row = Row(rows, header, ("g", g), ("gamma", gamma), ("beta", beta == "inf" ? double.PositiveInfinity : 100));
            foreach (string name in new[] { "q", "Q", "r", "R", "energy_per_neuron" })
            {
                Assert.Equal(s[name]!.GetValue<double>(), row[Array.IndexOf(header, name)], 1e-12);
            }

            if (beta == "inf")
            {
                Assert.Equal(s["chi"]!.GetValue<double>(), row[Array.IndexOf(header, "chi")], 1e-12);
                Assert.Equal(s["xi"]!.GetValue<double>(), row[Array.IndexOf(header, "xi")], 1e-12);
            }
            else
            {
                Assert.True(double.IsNaN(row[Array.IndexOf(header, "chi")]));
            }
        }

        // γ = 0, β = ∞: the closed form χ = 1/(1 − g²), ξ = −1.
        double[] closed = Row(rows, header, ("g", 0.4), ("gamma", 0), ("beta", double.PositiveInfinity));
        Assert.Equal(1 / (1 - 0.16), closed[Array.IndexOf(header, "chi")], 1e-12);
        Assert.Equal(-1, closed[Array.IndexOf(header, "xi")], 1e-12);
    }

    [Fact]
    public void Sweep_DmftOverNoise_MatchesSinglePointDmft_AndGivesOnset()
    {
        string dir = CliRunner.TempFolder("rnn-sweep-dmft");
        var (code, _, err) = CliRunner.Run("rnn", "sweep", "--kind", "dmft", "--g-range", "1.5,2", "--noise-range", "0,0.1", "--checkpoint", dir + ".ckpt.csv", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        var (header, rows) = ReadCsv(Path.Combine(dir, "sweep.csv"));
        Assert.Equal(["g", "noise", "delta0", "lambda_max", "local_stability", "g_c", "g_local_stability"], header);
        Assert.Equal(4, rows.Length);

        string one = CliRunner.TempFolder("rnn-sweep-dmft-one");
        (code, _, err) = CliRunner.Run("rnn", "dmft", "--g", "2", "--noise", "0.1", "--find-onset", "--out", one, "--quiet");
        Assert.True(code == 0, err);
        JsonNode s = Summary(one);
        double[] row = Row(rows, header, ("g", 2), ("noise", 0.1));
        Assert.Equal(s["delta0"]!.GetValue<double>(), row[2], 1e-12);
        Assert.Equal(s["lambda_max"]!.GetValue<double>(), row[3], 1e-12);
        Assert.Equal(s["g_c"]!.GetValue<double>(), row[5], 1e-12);
        Assert.Equal(s["g_local_stability"]!.GetValue<double>(), row[6], 1e-12);

        // D = 0: g_c = 1 exactly (SCS).
        Assert.Equal(1.0, Row(rows, header, ("g", 1.5), ("noise", 0))[5]);
    }

    [Fact]
    public void Sweep_PartialCheckpoint_RecomputesOnlyMissingPoints()
    {
        string dir = CliRunner.TempFolder("rnn-sweep-resume");
        string ckpt = dir + ".ckpt.csv";
        string[] args = ["rnn", "sweep", "--kind", "ness", "--g-range", "0.5:0.8:0.1", "--beta-range", "1e2:1e4:x10", "--checkpoint", ckpt, "--quiet"];
        var (code, _, err) = CliRunner.Run([.. args, "--out", dir]);
        Assert.True(code == 0, err);
        string full = File.ReadAllText(Path.Combine(dir, "sweep.csv"));

        // Interrupted sweep: the header and 9 of 12 rows survive, the 10th is cut mid-line.
        string[] lines = File.ReadAllLines(ckpt);
        Assert.Equal(13, lines.Length);
        File.WriteAllText(ckpt, string.Join("\n", lines.Take(10)) + "\n" + lines[10][..(lines[10].Length / 2)]);
        string dir2 = dir + "-2";
        (code, _, err) = CliRunner.Run([.. args, "--out", dir2]);
        Assert.True(code == 0, err);
        JsonNode s = Summary(dir2);
        Assert.Equal(9, s["reused_points"]!.GetValue<int>());
        Assert.Equal(3, s["computed_points"]!.GetValue<int>());
        Assert.Equal(full, File.ReadAllText(Path.Combine(dir2, "sweep.csv")));

        // Run again: nothing left to compute.
        string dir3 = dir + "-3";
        (code, _, err) = CliRunner.Run([.. args, "--out", dir3]);
        Assert.True(code == 0, err);
        Assert.Equal(0, Summary(dir3)["computed_points"]!.GetValue<int>());
        Assert.Equal(full, File.ReadAllText(Path.Combine(dir3, "sweep.csv")));
    }

    [Fact]
    public void Sweep_OldSingleGCheckpoint_IsReused_OtherSweepsRefused()
    {
        string dir = CliRunner.TempFolder("rnn-sweep-v1");
        string ckpt = dir + ".ckpt.csv";

        // A format-1 checkpoint of the former g-only sweep (γ = 0, β = 100): two points, with deliberately wrong values
        // so that reuse (not recomputation) is visible.
        File.WriteAllText(ckpt, "# kind=ness;gamma=0;noise=0;beta=100;phi=Tanh;n=0;dt=0;t=0;seed=1\n0.5,1,2,3,4,5\n0.6,1,2,3,4,5\n");
        var (code, _, err) = CliRunner.Run("rnn", "sweep", "--kind", "ness", "--g-range", "0.5:0.7:0.1", "--beta", "100", "--checkpoint", ckpt, "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        Assert.Equal(2, Summary(dir)["reused_points"]!.GetValue<int>());
        var (_, rows) = ReadCsv(Path.Combine(dir, "sweep.csv"));
        Assert.Equal(1.0, rows[0][1]);
        Assert.StartsWith("# statneuro rnn sweep checkpoint v2", File.ReadAllLines(ckpt)[0], StringComparison.Ordinal);

        // The same file for a different kind: refused (one line, exit 2), the checkpoint is kept.
        string dir2 = dir + "-2";
        (code, _, err) = CliRunner.Run("rnn", "sweep", "--kind", "dmft", "--g-range", "1.5", "--checkpoint", ckpt, "--out", dir2);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("--checkpoint", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir2));
        Assert.Equal(4, File.ReadAllLines(ckpt).Length);
    }

    [Theory]
    [InlineData("--kind", "ness", "--g-range", "0.5:0.4:0.1")]
    [InlineData("--kind", "ness", "--g-range", "0.5,0.5")]
    [InlineData("--kind", "ness", "--g-range", "")]
    [InlineData("--kind", "ness", "--g-range", "0.5", "--gamma-range", "0:1.5:0.5")]
    [InlineData("--kind", "ness", "--g-range", "0.5", "--beta-range", "0,10")]
    [InlineData("--kind", "ness", "--g-range", "0.5", "--beta-range", "1e4:1e2:x10")]
    [InlineData("--kind", "ness", "--g-range", "0.5", "--beta-range", "1:10:x1")]
    [InlineData("--kind", "ness", "--g-range", "0.5:0.8:0.1", "--gamma-range", "0.5", "--beta-range", "inf")]
    [InlineData("--kind", "ness", "--g-range", "0.5", "--noise-range", "0,0.1")]
    [InlineData("--kind", "dmft", "--g-range", "1.5", "--gamma-range", "0,0.5")]
    [InlineData("--kind", "dmft", "--g-range", "1.5", "--noise-range", "-1,0.1")]
    [InlineData("--kind", "lyapunov", "--g-range", "inf")]
    public void Sweep_BadGrid_OneLine_ExitTwo(params string[] options)
    {
        string dir = CliRunner.TempFolder("rnn-sweep-bad");
        var (code, _, err) = CliRunner.Run(["rnn", "sweep", .. options, "--checkpoint", dir + ".ckpt.csv", "--out", dir]);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("-range", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
        Assert.False(File.Exists(dir + ".ckpt.csv"));
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
