using System.Globalization;
using System.Text.Json;
using StatNeuro.Data;
using StatNeuro.Ising;
using StatNeuro.Numerics;

namespace StatNeuro.Cli.Tests;

public class InferKineticCommandTests
{
    /// <summary>Writes a planted kinetic time series (0/1 text, 4 repeats of 250 bins) and returns its path and the raster.</summary>
    private static (string Path, SpinRaster Raster) WriteSeries(string folder)
    {
        Directory.CreateDirectory(folder);
        KineticIsingModel truth = KineticIsingModel.Planted(5, 1.0, 0.3, new RandomStreams(3));
        SpinRaster r = GlauberDynamics.Parallel(truth, 4, 250, new RandomStreams(4));
        string path = Path.Combine(folder, "series.txt");
        var lines = new List<string>();
        for (int t = 0; t < r.TimeBins; t++)
        {
            lines.Add(string.Join(' ', r.Row(t).ToArray().Select(s => s > 0 ? "1" : "0")));
        }

        File.WriteAllLines(path, lines);
        return (path, r);
    }

    [Theory]
    [InlineData("ml")]
    [InlineData("ml-symmetric")]
    [InlineData("nmf")]
    [InlineData("tap")]
    public void GoodRun_WritesModelAndLogLikelihoodPerTransition(string method)
    {
        string input = CliRunner.TempFolder("kin-in");
        (string path, SpinRaster raster) = WriteSeries(input);
        string dir = CliRunner.TempFolder("kin-" + method);
        var (code, _, err) = CliRunner.Run("infer", "kinetic", "--data", path, "--method", method, "--segment-length", "250", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        double ll = doc.RootElement.GetProperty("log_likelihood").GetDouble();
        Assert.Equal(996, doc.RootElement.GetProperty("transitions").GetInt64()); // 4 repeats × 249 transitions

        // Rebuild the model from h.csv and J.csv and recompute the likelihood independently (1e-12: same sums, CSV "R" round trip).
        double[] h = [.. File.ReadAllLines(Path.Combine(dir, "h.csv")).Select(l => double.Parse(l, CultureInfo.InvariantCulture))];
        double[] j = [.. File.ReadAllLines(Path.Combine(dir, "J.csv")).SelectMany(l => l.Split(',')).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        var model = new KineticIsingModel(h, j);
        Assert.Equal(model.LogLikelihood(raster.WithSegmentLength(250)), ll, 1e-12);

        // The independent model's likelihood is a floor for ML (it is inside the family): −5 ln 2 per transition is
        // the floor of the zero model.
        Assert.True(ll > -5 * Math.Log(2));
        Assert.True(File.Exists(Path.Combine(dir, "model.json")));
        Directory.Delete(dir, true);
        Directory.Delete(input, true);
    }

    [Fact]
    public void StimulusBins_HeldOut_ReportsTestLikelihoodWithError()
    {
        string input = CliRunner.TempFolder("kin-in2");
        (string path, _) = WriteSeries(input);
        string dir = CliRunner.TempFolder("kin-bins");
        var (code, _, err) = CliRunner.Run("infer", "kinetic", "--data", path, "--method", "ml", "--segment-length", "250", "--stimulus-bins", "250", "--test", "odd-repeats", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal(250, doc.RootElement.GetProperty("stimulus_bins").GetInt32());
        Assert.True(doc.RootElement.GetProperty("test_log_likelihood_se").GetDouble() > 0);
        Assert.Equal(5, File.ReadAllLines(Path.Combine(dir, "h.csv")).Length);
        Directory.Delete(dir, true);
        Directory.Delete(input, true);
    }

    [Theory]
    [InlineData("--method", "bogus")]
    [InlineData("--segment-length", "300")]
    [InlineData("--segment-length", "-1")]
    [InlineData("--l2", "-1")]
    [InlineData("--l1", "-1")]
    [InlineData("--l1", "NaN")]
    [InlineData("--l1", "Infinity")]
    [InlineData("--stimulus-bins", "250")]
    [InlineData("--test", "odd-repeats")]
    public void BadInput_ExitTwo_NoOutput(string option, string value)
    {
        string input = CliRunner.TempFolder("kin-in3");
        (string path, _) = WriteSeries(input);
        string dir = CliRunner.TempFolder("kin-bad");
        var (code, _, err) = CliRunner.Run("infer", "kinetic", "--data", path, option, value, "--out", dir, "--quiet");
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir));
        Directory.Delete(input, true);
    }

    [Fact]
    public void ShortSeriesOrMissingFile_ExitTwo()
    {
        string input = CliRunner.TempFolder("kin-in4");
        Directory.CreateDirectory(input);
        string one = Path.Combine(input, "one.txt");
        File.WriteAllText(one, "0 1 1\n");
        string dir = CliRunner.TempFolder("kin-short");
        Assert.Equal(2, CliRunner.Run("infer", "kinetic", "--data", one, "--out", dir, "--quiet").ExitCode);
        Assert.Equal(2, CliRunner.Run("infer", "kinetic", "--data", Path.Combine(input, "missing.txt"), "--out", dir, "--quiet").ExitCode);
        Assert.False(Directory.Exists(dir));
        Directory.Delete(input, true);
    }

    [Fact]
    public void L1_WithNonMlMethod_ExitTwo()
    {
        string input = CliRunner.TempFolder("kin-in5");
        (string path, _) = WriteSeries(input);
        string dir = CliRunner.TempFolder("kin-l1bad");
        var (code, _, err) = CliRunner.Run("infer", "kinetic", "--data", path, "--method", "tap", "--l1", "0.05", "--out", dir, "--quiet");
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir));
        Directory.Delete(input, true);
    }

    [Fact]
    public void L1_GoodRun_ReportsNonzeroCouplingsMatchingJCsv()
    {
        string input = CliRunner.TempFolder("kin-in6");
        (string path, _) = WriteSeries(input);
        string dir = CliRunner.TempFolder("kin-l1");
        var (code, _, err) = CliRunner.Run("infer", "kinetic", "--data", path, "--segment-length", "250", "--l1", "0.05", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal(0.05, doc.RootElement.GetProperty("l1").GetDouble());
        Assert.True(doc.RootElement.GetProperty("converged").GetBoolean());
        double[] j = [.. File.ReadAllLines(Path.Combine(dir, "J.csv")).SelectMany(l => l.Split(',')).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        int nonzero = j.Count(v => v != 0);
        Assert.Equal(nonzero, doc.RootElement.GetProperty("nonzero_couplings").GetInt32());
        Assert.InRange(nonzero, 1, 24); // λ = 0.05 with ~1000 transitions zeroes some of the 25 couplings
        Directory.Delete(dir, true);
        Directory.Delete(input, true);
    }
}
