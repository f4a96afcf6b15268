using System.Globalization;
using StatNeuro.Data;
using StatNeuro.Inference;
using StatNeuro.Ising;

namespace StatNeuro.Cli.Tests;

public sealed class KineticSampleCommandTests
{
    private static double[] ReadMatrix(string path) =>
        [.. File.ReadAllLines(path).Where(l => l.Length > 0).SelectMany(l => l.Split(',')).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];

    [Fact]
    public void Parallel_SampleThenInfer_RecoversPlantedCouplingsWithinCramerRao()
    {
        string samples = CliRunner.TempFolder("kin-sample");
        (int code, _, string err) = CliRunner.Run("ising", "sample", "--kinetic", "--size", "6", "--beta", "1", "--samples", "5000", "--chains", "4", "--burn-in", "50", "--out", samples, "--quiet");
        Assert.True(code == 0, err);
        SpinRaster raster = RasterFile.Read(Path.Combine(samples, "samples.npy")).WithSegmentLength(5000);
        Assert.Equal(20_000, raster.TimeBins);
        Assert.Equal(6, raster.NeuronCount);

        string fit = CliRunner.TempFolder("kin-fit");
        (code, _, err) = CliRunner.Run("infer", "kinetic", "--data", Path.Combine(samples, "samples.npy"), "--segment-length", "5000", "--out", fit, "--quiet");
        Assert.True(code == 0, err);
        double[] truthJ = ReadMatrix(Path.Combine(samples, "model", "J.csv"));
        double[] truthH = ReadMatrix(Path.Combine(samples, "model", "h.csv"));
        double[] fitJ = ReadMatrix(Path.Combine(fit, "J.csv"));
        var truth = new KineticIsingModel(truthH, truthJ);
        double[] se = KineticIsingLearning.CouplingStandardErrors(truth, raster);

        // ML is asymptotically normal with these standard errors (inverse Fisher information): every one of the 36
        // couplings (self-couplings fitted, true value 0) within 4.5 SE (two-sided 7e-6 each; 2.4e-4 for all 36).
        for (int q = 0; q < 36; q++)
        {
            Assert.True(Math.Abs(fitJ[q] - truthJ[q]) < 4.5 * se[q], $"J[{q / 6},{q % 6}] = {fitJ[q]} vs {truthJ[q]} (SE {se[q]})");
        }

        Directory.Delete(samples, true);
        Directory.Delete(fit, true);
    }

    [Fact]
    public void Evaluate_KineticModel_MatchesLikelihoodAndLagOneCorrelations()
    {
        // The true model evaluated on its own samples: the log-likelihood per transition equals the library's
        // KineticIsingModel.LogLikelihood on the same raster (1e-12), beats the independent baseline, and the model's
        // simulated D_ij(1) reproduces the data's (slope within 0.1 of 1: 8 x 4000 transitions give D(1) errors of
        // ~1/sqrt(32000) ~ 6e-3 against |D| ~ 0.1) with means within 0.05.
        string samples = CliRunner.TempFolder("kin-eval-sample");
        (int code, _, string err) = CliRunner.Run("ising", "sample", "--kinetic", "--size", "8", "--beta", "1", "--samples", "4000", "--chains", "8", "--burn-in", "50", "--out", samples, "--quiet");
        Assert.True(code == 0, err);
        string eval = CliRunner.TempFolder("kin-eval");
        (code, _, err) = CliRunner.Run("evaluate", "--data", Path.Combine(samples, "samples.npy"), "--segment-length", "4000", "--model", Path.Combine(samples, "model"), "--out", eval, "--quiet");
        Assert.True(code == 0, err);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(eval, "summary.json")));
        System.Text.Json.JsonElement root = doc.RootElement;
        Assert.Equal("kinetic-ising", root.GetProperty("kind").GetString());
        SpinRaster raster = RasterFile.Read(Path.Combine(samples, "samples.npy")).WithSegmentLength(4000);
        var truth = new KineticIsingModel(ReadMatrix(Path.Combine(samples, "model", "h.csv")), ReadMatrix(Path.Combine(samples, "model", "J.csv")));
        Assert.Equal(truth.LogLikelihood(raster), root.GetProperty("log_likelihood").GetDouble(), 1e-12);
        Assert.True(root.GetProperty("log_likelihood").GetDouble() > root.GetProperty("independent_log_likelihood").GetDouble());
        Assert.InRange(root.GetProperty("d1_slope").GetDouble(), 0.9, 1.1);
        Assert.True(root.GetProperty("rms_mean_error").GetDouble() < 0.05, root.GetProperty("rms_mean_error").ToString());
        Assert.True(File.Exists(Path.Combine(eval, "d1.csv")));
        Directory.Delete(samples, true);
        Directory.Delete(eval, true);
    }

    [Fact]
    public void Sequential_FromModelFolder_WritesSegmentsOfTheModel()
    {
        string folder = CliRunner.TempFolder("kin-model");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "h.csv"), "0.2\n-0.1\n0\n");
        File.WriteAllText(Path.Combine(folder, "J.csv"), "0,0.5,0\n0.5,0,-0.3\n0,-0.3,0\n");
        string outDir = CliRunner.TempFolder("kin-seq");
        (int code, _, string err) = CliRunner.Run("ising", "sample", "--kinetic", "--dynamics", "sequential", "--model", folder, "--samples", "20000", "--chains", "2", "--burn-in", "100", "--out", outDir, "--quiet");
        Assert.True(code == 0, err);
        SpinRaster raster = RasterFile.Read(Path.Combine(outDir, "samples.npy"));
        Assert.Equal(40_000, raster.TimeBins);

        // Sequential Glauber with symmetric J, zero diagonal samples the Boltzmann distribution: compare <s_0> with the
        // exact enumerated mean of the 3-spin model (8 states); SE of the mean with 40 000 correlated sweeps < 0.01.
        var eq = new IsingModel([0.2, -0.1, 0], [0, 0.5, 0, 0.5, 0, -0.3, 0, -0.3, 0]);
        double exact = ExactEnumeration.Compute(eq).Means[0];
        Assert.Equal(exact, raster.Means()[0], 0.03);
        Assert.False(File.Exists(Path.Combine(outDir, "model", "J.csv")));
        Directory.Delete(folder, true);
        Directory.Delete(outDir, true);
    }

    [Theory]
    [InlineData("--dynamics", "foo")]
    [InlineData("--model", "/nonexistent/kinetic-model")]
    [InlineData("--samples", "0")]
    public void BadInput_ExitCode2_OneLine_NothingWritten(string option, string value)
    {
        string outDir = CliRunner.TempFolder("kin-bad");
        (int code, _, string err) = CliRunner.Run("ising", "sample", "--kinetic", option, value, "--out", outDir, "--quiet");
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", err);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
    }
}
