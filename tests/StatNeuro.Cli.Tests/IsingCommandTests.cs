using System.Text.Json.Nodes;

namespace StatNeuro.Cli.Tests;

public sealed class IsingCommandTests
{
    private static JsonObject ReadSummary(string folder) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")))!.AsObject();

    private static string WriteText(string name, string text)
    {
        string dir = CliRunner.TempFolder("raster");
        Directory.CreateDirectory(dir);
        string p = Path.Combine(dir, name);
        File.WriteAllText(p, text);
        return p;
    }

    [Fact]
    public void SampleThenInferExact_RoundTrip_WritesModelFolderAndConverges()
    {
        string samples = CliRunner.TempFolder("samples");
        (int code, _, string err) = CliRunner.Run("ising", "sample", "--size", "6", "--beta", "0.8", "--exact", "--samples", "20000", "--out", samples, "--quiet");
        Assert.True(code == 0, err);
        string model = CliRunner.TempFolder("model");
        (code, _, err) = CliRunner.Run("infer", "ising", "--data", Path.Combine(samples, "samples.npy"), "--method", "exact", "--out", model, "--quiet");
        Assert.True(code == 0, err);
        JsonObject s = ReadSummary(model);
        Assert.True(s["converged"]!.GetValue<bool>());
        Assert.True(s["gradient_norm"]!.GetValue<double>() <= 1e-8);
        // The ML model is at least as likely on its training data as the independent model (it contains it).
        Assert.True(s["log_likelihood"]!.GetValue<double>() >= s["independent_log_likelihood"]!.GetValue<double>());
        string[] jRows = File.ReadAllLines(Path.Combine(model, "J.csv"));
        Assert.Equal(6, jRows.Length);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(model, "h.csv")).Length);
        Assert.Equal("0", jRows[2].Split(',')[2]);
        Assert.True(File.Exists(Path.Combine(model, "model.json")));

        string eval = CliRunner.TempFolder("eval");
        (code, _, err) = CliRunner.Run("evaluate", "--data", Path.Combine(samples, "samples.npy"), "--model", model, "--mc-samples", "2000", "--out", eval, "--quiet");
        Assert.True(code == 0, err);
        Assert.Equal(s["log_likelihood"]!.GetValue<double>(), ReadSummary(eval)["log_likelihood"]!.GetValue<double>(), 1e-9);
    }

    [Fact]
    public void SampleTempering_WritesExchangeRatesAndRefusesBadLadders()
    {
        string folder = CliRunner.TempFolder("tempering");
        (int code, _, string err) = CliRunner.Run("ising", "sample", "--size", "12", "--beta", "2", "--tempering", "6", "--min-beta", "0.25", "--samples", "400", "--chains", "4", "--out", folder, "--quiet");
        Assert.True(code == 0, err);
        JsonObject s = ReadSummary(folder);
        Assert.Equal("metropolis+tempering", s["method"]!.GetValue<string>());
        JsonArray rates = s["tempering_exchange_acceptance"]!.AsArray();
        Assert.Equal(5, rates.Count);
        Assert.All(rates, r => Assert.InRange(r!.GetValue<double>(), 0.01, 1.0));
        Assert.Equal(1600, s["samples"]!.GetValue<int>());

        (code, _, err) = CliRunner.Run("ising", "sample", "--size", "12", "--tempering", "1", "--out", CliRunner.TempFolder("tempering-bad"));
        Assert.Equal(2, code);
        Assert.Contains("--tempering", err, StringComparison.Ordinal);
        (code, _, err) = CliRunner.Run("ising", "sample", "--size", "12", "--tempering", "4", "--min-beta", "1.5", "--out", CliRunner.TempFolder("tempering-bad2"));
        Assert.Equal(2, code);
        Assert.Contains("--min-beta", err, StringComparison.Ordinal);
    }

    [Fact]
    public void SampleAutoThin_ChoosesThinningFromThePilot()
    {
        string folder = CliRunner.TempFolder("auto-thin");
        (int code, _, string err) = CliRunner.Run("ising", "sample", "--size", "60", "--beta", "1.3", "--field-sd", "0.1", "--auto-thin", "--samples", "500", "--chains", "4", "--out", folder, "--quiet");
        Assert.True(code == 0, err);
        JsonObject s = ReadSummary(folder);
        double tau = s["auto_thin_autocorrelation_sweeps"]!.GetValue<double>();
        Assert.Equal((int)Math.Round(tau, MidpointRounding.AwayFromZero), s["thin"]!.GetValue<int>());
        Assert.True(s["burn_in"]!.GetValue<int>() >= 20 * tau);

        // Thinned by tau, the stored samples' energy autocorrelation is about one sample (2000 samples: noisy, bound 2.5).
        Assert.InRange(s["energy_autocorrelation_time"]!.GetValue<double>(), 0.5, 2.5);
    }

    [Fact]
    public void InferNewton_SmallModel_ReachesTheExactFitsLikelihood()
    {
        string samples = CliRunner.TempFolder("samples-newton");
        (int code, _, string err) = CliRunner.Run("ising", "sample", "--size", "6", "--beta", "0.8", "--exact", "--samples", "20000", "--out", samples, "--quiet");
        Assert.True(code == 0, err);
        string exact = CliRunner.TempFolder("exact-newton");
        (code, _, err) = CliRunner.Run("infer", "ising", "--data", Path.Combine(samples, "samples.npy"), "--method", "exact", "--out", exact, "--quiet");
        Assert.True(code == 0, err);
        string newton = CliRunner.TempFolder("newton");
        (code, _, err) = CliRunner.Run("infer", "ising", "--data", Path.Combine(samples, "samples.npy"), "--method", "newton", "--mc-samples", "10000", "--target-z", "0.3", "--out", newton, "--quiet");
        Assert.True(code == 0, err);
        JsonObject s = ReadSummary(newton);
        Assert.True(s["converged"]!.GetValue<bool>());

        // 21 parameters, M = 2e4: a parameter error at the data's noise level costs ~ P/(2M) = 5e-4 nats per sample;
        // the Newton fit (final Monte Carlo error ~ 0.2 of the data noise, averaged) must be well inside it.
        double gap = ReadSummary(exact)["log_likelihood"]!.GetValue<double>() - s["log_likelihood"]!.GetValue<double>();
        Assert.InRange(gap, -1e-9, 2e-4);

        // N above the dense-Fisher limit: refused with one line before any allocation.
        string wide = CliRunner.TempFolder("samples-wide");
        (code, _, err) = CliRunner.Run("ising", "sample", "--size", "215", "--samples", "20", "--chains", "2", "--burn-in", "10", "--out", wide, "--quiet");
        Assert.True(code == 0, err);
        string refused = CliRunner.TempFolder("newton-wide");
        (code, _, err) = CliRunner.Run("infer", "ising", "--data", Path.Combine(wide, "samples.npy"), "--method", "newton", "--out", refused);
        Assert.Equal(2, code);
        Assert.Contains("--method newton: N = 215", err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(refused, "J.csv")));
    }

    [Fact]
    public void InferMch_SmallModel_MatchesExactFitAndHeldOutUsesAisAboveEnumeration()
    {
        string samples = CliRunner.TempFolder("samples-mch");
        (int code, _, string err) = CliRunner.Run("ising", "sample", "--size", "6", "--beta", "0.8", "--exact", "--samples", "20000", "--out", samples, "--quiet");
        Assert.True(code == 0, err);
        string exact = CliRunner.TempFolder("exact-mch");
        (code, _, err) = CliRunner.Run("infer", "ising", "--data", Path.Combine(samples, "samples.npy"), "--method", "exact", "--out", exact, "--quiet");
        Assert.True(code == 0, err);
        string mch = CliRunner.TempFolder("mch");
        (code, _, err) = CliRunner.Run("infer", "ising", "--data", Path.Combine(samples, "samples.npy"), "--method", "mch", "--mc-samples", "8000", "--out", mch, "--quiet");
        Assert.True(code == 0, err);
        JsonObject s = ReadSummary(mch);
        Assert.True(s["converged"]!.GetValue<bool>());

        // Within the data noise of the exact maximum (P = 21 parameters, M = 2e4: a noise-level error costs ~ P/(2M) = 5e-4).
        double gap = ReadSummary(exact)["log_likelihood"]!.GetValue<double>() - s["log_likelihood"]!.GetValue<double>();
        Assert.InRange(gap, -1e-9, 2e-3);

        // N = 24 > 22: log Z by annealed importance sampling or the low-activity estimator, held-out likelihood with an error bar.
        string big = CliRunner.TempFolder("samples-24");
        (code, _, err) = CliRunner.Run("ising", "sample", "--size", "24", "--beta", "0.3", "--samples", "1000", "--chains", "4", "--out", big, "--quiet");
        Assert.True(code == 0, err);
        string fit = CliRunner.TempFolder("mch-24");
        (code, _, err) = CliRunner.Run("infer", "ising", "--data", Path.Combine(big, "samples.npy"), "--method", "bm", "--mc-samples", "500", "--max-iterations", "3", "--test", "last-block", "--out", fit, "--quiet");
        Assert.True(code == 0, err);
        JsonObject b = ReadSummary(fit);
        string method = b["log_partition_method"]!.GetValue<string>();
        Assert.True(method is "ais" or "low-activity", method);
        Assert.True(b["log_partition_ais_standard_error"]!.GetValue<double>() > 0);
        Assert.True(b["log_partition_standard_error"]!.GetValue<double>() > 0);
        Assert.True(double.IsFinite(b["test_log_likelihood"]!.GetValue<double>()));
        Assert.True(b["test_log_likelihood_gain_standard_error"]!.GetValue<double>() > 0);

        (code, _, err) = CliRunner.Run("infer", "ising", "--data", Path.Combine(samples, "samples.npy"), "--method", "mch", "--target-z", "0", "--out", CliRunner.TempFolder("badz"));
        Assert.Equal(2, code);
        Assert.Contains("--target-z", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plm")]
    [InlineData("nmf")]
    [InlineData("tap")]
    [InlineData("sm")]
    [InlineData("ip")]
    public void InferMethods_TextRaster_WriteSymmetricJ(string method)
    {
        string data = WriteText("r.txt", "# t x n\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n1 1 1\n0 0 0\n0 1 1\n1 0 0\n1 1 0\n");
        string model = CliRunner.TempFolder("m");
        (int code, _, string err) = CliRunner.Run("infer", "ising", "--data", data, "--method", method, "--out", model, "--quiet");
        Assert.True(code == 0, err);
        string[][] j = File.ReadAllLines(Path.Combine(model, "J.csv")).Select(l => l.Split(',')).ToArray();
        Assert.Equal(j[0][1], j[1][0]);
        Assert.Equal("0", j[1][1]);
    }

    [Theory]
    [InlineData("0 1\n1\n", "same number of columns")]
    [InlineData("0 1\n1 2\n", "not 0, 1 or -1")]
    [InlineData("", "no data rows")]
    [InlineData("0 1\n0 0\n0 1\n", "never changes state")]
    public void Infer_BadData_ExitsTwoWithOneLineAndNoOutput(string text, string message)
    {
        string data = WriteText("bad.txt", text);
        string model = CliRunner.TempFolder("bad");
        (int code, _, string err) = CliRunner.Run("infer", "ising", "--data", data, "--method", "plm", "--out", model);
        Assert.Equal(2, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(Directory.Exists(model));
    }

    [Fact]
    public void Infer_ExactTooLarge_ExitsTwo()
    {
        var sb = new System.Text.StringBuilder();
        for (int t = 0; t < 4; t++)
        {
            sb.AppendLine(string.Join(' ', Enumerable.Range(0, 30).Select(i => (i + t) % 2)));
        }

        string data = WriteText("wide.txt", sb.ToString());
        string model = CliRunner.TempFolder("wide");
        (int code, _, string err) = CliRunner.Run("infer", "ising", "--data", data, "--method", "exact", "--out", model);
        Assert.Equal(2, code);
        Assert.Contains("too large for exact enumeration", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(model));
    }

    [Fact]
    public void Infer_MatWithoutMatrixAndUnknownMethod_ExitTwo()
    {
        string mat = WriteText("empty.mat", new string('\0', 126) + "IM");
        (int code, _, string err) = CliRunner.Run("infer", "ising", "--data", mat, "--out", CliRunner.TempFolder("mat"));
        Assert.Equal(2, code);
        Assert.Contains("no numeric 2-D matrix", err, StringComparison.Ordinal);
        string data = WriteText("ok.txt", "0 1\n1 0\n1 1\n");
        (code, _, err) = CliRunner.Run("infer", "ising", "--data", data, "--method", "magic", "--out", CliRunner.TempFolder("magic"));
        Assert.Equal(2, code);
        Assert.Contains("--method", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_Metropolis_ReportsDiagnostics()
    {
        string outDir = CliRunner.TempFolder("mc");
        (int code, _, string err) = CliRunner.Run("ising", "sample", "--size", "12", "--samples", "500", "--chains", "4", "--burn-in", "50", "--out", outDir, "--quiet");
        Assert.True(code == 0, err);
        JsonObject s = ReadSummary(outDir);
        Assert.Equal(2000, s["samples"]!.GetValue<int>());
        Assert.InRange(s["energy_r_hat"]!.GetValue<double>(), 0.95, 1.1);
        Assert.True(File.Exists(Path.Combine(outDir, "samples.npy")));
        Assert.True(File.Exists(Path.Combine(outDir, "model", "J.csv")));
    }

    [Fact]
    public void Evaluate_MissingModel_ExitsTwo()
    {
        string data = WriteText("ok.txt", "0 1\n1 0\n1 1\n");
        (int code, _, string err) = CliRunner.Run("evaluate", "--data", data, "--model", "/nonexistent/model", "--out", CliRunner.TempFolder("ev"));
        Assert.Equal(2, code);
        Assert.Contains("h.csv", err, StringComparison.Ordinal);
    }
}
