using System.Text.Json;

namespace StatNeuro.Cli.Tests;

public class NeuronCommandTests
{
    private static JsonElement ReadSummary(string dir) => JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))).RootElement;

    [Fact]
    public void Lif_SlidesDefaults_WritesAllOutputs_WithClosedFormSpikes()
    {
        string dir = CliRunner.TempFolder("neuron-lif");
        var (code, _, err) = CliRunner.Run("neuron", "--model", "lif", "--current", "3", "--duration", "100", "--dt", "0.01", "--out", dir);
        Assert.True(code == 0, err);
        foreach (string f in new[] { "traces.csv", "spikes.csv", "summary.json", "trace.png", "trace.svg" })
        {
            Assert.True(File.Exists(Path.Combine(dir, f)), f);
        }

        JsonElement s = ReadSummary(dir);
        Assert.Equal(5, s.GetProperty("spike_count").GetInt32());
        // First spike τ ln(30/5) = 17.9176 ms (closed form), then period τ ln(35/5).
        Assert.Equal(10 * Math.Log(6), s.GetProperty("spike_times_ms")[0].GetDouble(), 1e-9);
        Assert.Equal(10 * Math.Log(7), s.GetProperty("isi_mean_ms").GetDouble(), 1e-9);
        Assert.Equal(50.0, s.GetProperty("rate_hz").GetDouble(), 1e-12);
        string header = File.ReadLines(Path.Combine(dir, "traces.csv")).First();
        Assert.Equal("t_ms,V_mV", header);
        Assert.Equal(10_002, File.ReadLines(Path.Combine(dir, "traces.csv")).Count());
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Hh_FiCurve_WritesFiCsvAndRheobase()
    {
        string dir = CliRunner.TempFolder("neuron-fi");
        var (code, stdout, err) = CliRunner.Run("neuron", "--model", "hh", "--duration", "50", "--dt", "0.025", "--fi", "0:10:2", "--json", "--out", dir);
        Assert.True(code == 0, err);
        JsonElement s = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("hh", s.GetProperty("model").GetString());
        string[] fi = File.ReadAllLines(Path.Combine(dir, "fi.csv"));
        Assert.Equal("current,spike_count,rate_hz", fi[0]);
        Assert.Equal(7, fi.Length);
        double rheobase = s.GetProperty("rheobase").GetDouble();
        // Between 0 and 10 µA/cm² (HH fires one spike from about 2.2–2.3 µA/cm² for a step from rest).
        Assert.InRange(rheobase, 1.0, 4.0);
        Assert.True(File.Exists(Path.Combine(dir, "fi.png")));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void NoisyInput_SameSeed_ByteIdenticalTablesForOneAndTwoThreads()
    {
        string a = CliRunner.TempFolder("neuron-t1"), b = CliRunner.TempFolder("neuron-t2");
        string[] common = ["neuron", "--model", "lif", "--current", "2.4", "--noise", "1.5", "--method", "euler", "--duration", "200", "--dt", "0.05", "--fi", "2:3:0.25", "--seed", "42"];
        Assert.Equal(0, CliRunner.Run([.. common, "--threads", "1", "--out", a]).ExitCode);
        Assert.Equal(0, CliRunner.Run([.. common, "--threads", "2", "--out", b]).ExitCode);
        // SVGs carry a per-process clip-path counter from ScottPlot, so in one process they are compared as PNGs.
        foreach (string f in new[] { "traces.csv", "spikes.csv", "fi.csv", "trace.png", "fi.png" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, f)), File.ReadAllBytes(Path.Combine(b, f)));
        }

        JsonElement sa = ReadSummary(a), sb = ReadSummary(b);
        Assert.Equal(sa.GetProperty("spike_times_ms").GetRawText(), sb.GetProperty("spike_times_ms").GetRawText());
        Assert.Equal(sa.GetProperty("rheobase").GetDouble(), sb.GetProperty("rheobase").GetDouble());
        Directory.Delete(a, true);
        Directory.Delete(b, true);
    }

    [Theory]
    [InlineData("--dt", "0")]
    [InlineData("--dt", "-0.1")]
    [InlineData("--dt", "500")]
    [InlineData("--duration", "NaN")]
    [InlineData("--current", "Infinity")]
    [InlineData("--model", "nope")]
    [InlineData("--method", "rk7")]
    [InlineData("--param", "Bogus=1")]
    [InlineData("--param", "TauMs=NaN")]
    [InlineData("--param", "TauMs=-3")]
    [InlineData("--param", "TauMs")]
    [InlineData("--fi", "0:10")]
    [InlineData("--fi", "5:1:1")]
    [InlineData("--fi", "0:10:0")]
    [InlineData("--fi", "a:b:c")]
    [InlineData("--events", "sometimes")]
    [InlineData("--record-every", "0")]
    public void BadInput_OneLine_ExitTwo_NothingWritten(string option, string value)
    {
        string dir = CliRunner.TempFolder("neuron-bad");
        var (code, _, err) = CliRunner.Run("neuron", "--model", "lif", "--duration", "100", option, value, "--out", dir);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.StartsWith("error:", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
        Assert.Empty(Directory.GetDirectories(Path.GetTempPath(), $".{Path.GetFileName(dir)}*"));
    }

    [Theory]
    [InlineData("dp45")]
    [InlineData("implicit")]
    public void AdaptiveMethods_Hh_MatchReferenceFirstSpike(string method)
    {
        string dir = CliRunner.TempFolder("neuron-" + method);
        var (code, stdout, err) = CliRunner.Run("neuron", "--model", "hh", "--current", "10", "--method", method, "--dt", "0.1", "--json", "--out", dir);
        Assert.True(code == 0, err);
        JsonElement s = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(7, s.GetProperty("spike_count").GetInt32());
        // SciPy DOP853 reference (benchmarks/compare/hh_reference.py): first spike 1.90097 ms; default tolerances give < 0.01 ms.
        Assert.Equal(1.9009719516571066, s.GetProperty("spike_times_ms")[0].GetDouble(), 1e-2);
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("dp45", "--param", "RefractoryMs=2")]
    [InlineData("implicit", "--noise", "1")]
    public void AdaptiveMethods_WithRefractoryOrNoise_AreRejected(string method, string option, string value)
    {
        string dir = CliRunner.TempFolder("neuron-adaptive-bad");
        var (code, _, err) = CliRunner.Run("neuron", "--model", "lif", "--method", method, option, value, "--out", dir);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void ExactMethod_ForHh_IsRejected()
    {
        var (code, _, err) = CliRunner.Run("neuron", "--model", "hh", "--method", "exact", "--out", CliRunner.TempFolder("neuron-exact"));
        Assert.Equal(2, code);
        Assert.Contains("exact", err, StringComparison.Ordinal);
    }
}
