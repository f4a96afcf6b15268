using System.Text.Json;
using StatNeuro.Cli.Commands;
using StatNeuro.Networks;

namespace StatNeuro.Cli.Tests;

public class SimulateCommandTests
{
    private static string RepoFile(string relative)
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "StatNeuro.slnx")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return Path.Combine(dir ?? ".", relative);
    }

    private static JsonElement Summary(string dir) => JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))).RootElement;

    [Fact]
    public void Cuba_WritesTheContractFields()
    {
        string dir = CliRunner.TempFolder("sim-cuba");
        var (code, _, err) = CliRunner.Run("simulate", "cuba", "--duration", "300", "--seed", "2", "--threads", "1", "--out", dir, "--quiet");
        Assert.True(code == 0, err);
        JsonElement s = Summary(dir);
        foreach (string key in new[] { "rate_hz", "cv_isi", "spike_count", "synapse_count", "build_seconds", "run_seconds" })
        {
            Assert.True(s.TryGetProperty(key, out _), key);
        }

        // CUBA synapse count: Binomial(4000², 0.02): mean 320 000, sd 560; allow 5 sd.
        Assert.InRange(s.GetProperty("synapse_count").GetInt64(), 320_000 - 2800, 320_000 + 2800);
        // Rate over the first 300 ms: Brian2 gives 5.6 Hz over 1 s; the transient is similar. Loose physical bounds.
        Assert.InRange(s.GetProperty("rate_hz").GetDouble(), 3, 9);
        Assert.True(File.Exists(Path.Combine(dir, "spikes.csv")));
        Assert.True(File.Exists(Path.Combine(dir, "spikes.npy")));
        Assert.True(File.Exists(Path.Combine(dir, "raster.png")));
        int lines = File.ReadAllLines(Path.Combine(dir, "spikes.csv")).Length;
        Assert.Equal(s.GetProperty("spike_count").GetInt32() + 1, lines);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Pavlov_BellFiresOnlyAfterTraining()
    {
        string dir = CliRunner.TempFolder("sim-pavlov");
        var (code, _, err) = CliRunner.Run("simulate", "pavlov", "--out", dir, "--quiet", "--no-plots");
        Assert.True(code == 0, err);
        JsonElement s = Summary(dir);
        Assert.Equal(0, s.GetProperty("output_spikes_bell_before").GetInt32());
        Assert.True(s.GetProperty("output_spikes_bell_after").GetInt32() >= 1);
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("cuba", "examples/cuba.toml")]
    [InlineData("coba", "examples/coba.toml")]
    [InlineData("cobahh", "examples/cobahh.toml")]
    public void ExampleFile_GivesTheSameSpikesAsTheBuiltin(string builtin, string file)
    {
        string path = RepoFile(file);
        string a = CliRunner.TempFolder("sim-ex"), b = CliRunner.TempFolder("sim-bi");
        var r1 = CliRunner.Run("simulate", path, "--duration", "50", "--threads", "1", "--out", a, "--quiet", "--no-plots");
        var r2 = CliRunner.Run("simulate", builtin, "--duration", "50", "--threads", "1", "--out", b, "--quiet", "--no-plots");
        Assert.True(r1.ExitCode == 0, r1.Error);
        Assert.True(r2.ExitCode == 0, r2.Error);
        Assert.Equal(File.ReadAllText(Path.Combine(b, "spikes.csv")), File.ReadAllText(Path.Combine(a, "spikes.csv")));
        Directory.Delete(a, true);
        Directory.Delete(b, true);
    }

    [Theory]
    [InlineData("examples/brunel.toml", 12_500, 15_625_000)]
    [InlineData("examples/cuba40k.toml", 40_000, 3_200_000)]
    public void LargeExampleFiles_DescribeTheBuiltinNetworks(string file, int neurons, double synapses)
    {
        // Built without running (too large for the unit-test budget): sizes and expected synapse counts.
        NetworkModelFile model = NetworkModelFile.Load(RepoFile(file), null);
        Assert.Equal(neurons, model.Network.NeuronCount);
        Assert.Equal(synapses, model.Network.Projections.Sum(Network.ExpectedSynapses), 1e-6);
        Assert.Equal(1000, model.DurationMs);
    }

    [Fact]
    public void JsonExample_Runs()
    {
        string dir = CliRunner.TempFolder("sim-json");
        var (code, _, err) = CliRunner.Run("simulate", RepoFile("examples/feedforward.json"), "--duration", "100", "--out", dir, "--quiet", "--no-plots");
        Assert.True(code == 0, err);
        Assert.True(Summary(dir).GetProperty("spike_count").GetInt32() > 0);
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("source = \"exc\"", "source = \"exx\"", "source", "unknown population")]
    [InlineData("delay_ms = 0.0", "delay_ms = -1.0", "delay_ms", "negative")]
    [InlineData("\np = 0.02", "\np = 1.5", "'p'", "outside [0, 1]")]
    [InlineData("weight = 1.62", "wieght = 1.62", "wieght", "did you mean 'weight'")]
    public void BadModelFile_OneLineWithFileLineAndKey_ExitTwo(string good, string bad, string key, string message)
    {
        string text = File.ReadAllText(RepoFile("examples/cuba.toml"));
        int at = text.IndexOf(good, StringComparison.Ordinal);
        string broken = text[..at] + bad + text[(at + good.Length)..];
        int keyAt = at + (good.Length - good.TrimStart('\n').Length);
        int line = broken[..keyAt].Count(c => c == '\n') + 1;
        string file = Path.Combine(Path.GetTempPath(), $"statneuro-bad-{Guid.NewGuid():N}.toml");
        File.WriteAllText(file, broken);
        string dir = CliRunner.TempFolder("sim-bad");
        var (code, _, err) = CliRunner.Run("simulate", file, "--out", dir);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains($"{file}:{line}:", err, StringComparison.Ordinal);
        Assert.Contains(key, err, StringComparison.Ordinal);
        Assert.Contains(message, err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
        File.Delete(file);
    }

    [Theory]
    [InlineData("no-such-model")]
    [InlineData("cuba", "--duration", "-5")]
    [InlineData("cuba", "--memory-gib", "0.0001")]
    [InlineData("brunel", "--g", "-1")]
    public void BadArguments_ExitTwo_AndWriteNothing(params string[] args)
    {
        string dir = CliRunner.TempFolder("sim-badarg");
        var (code, _, err) = CliRunner.Run(["simulate", .. args, "--out", dir, "--quiet"]);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(Directory.Exists(dir));
    }
}
