using StatNeuro.Data;
using Xunit.Abstractions;

namespace StatNeuro.Tests.Data;

/// <summary>Checks the .mat reader against the numbers published in ../shared/data/README.md (computed there with scipy).</summary>
public sealed class RetinaFileTests(ITestOutputHelper output)
{
    internal static string? RetinaPath()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string p = Path.Combine(dir, "..", "shared", "data", "retina_tkacik2014", "original_data_num_neurons_50_1.mat");
            if (File.Exists(p))
            {
                return Path.GetFullPath(p);
            }
        }

        return null;
    }

    [Fact]
    public void Retina_MatFile_MatchesReadmeNumbers()
    {
        string? path = RetinaPath();
        if (path is null)
        {
            output.WriteLine("skipped: ../shared/data is absent");
            return;
        }

        IReadOnlyList<MatVariable> vars = MatFile.Read(path);
        MatVariable data = Assert.Single(vars);
        Assert.Equal("data", data.Name);
        Assert.Equal<int>([283041, 50], data.Dimensions);
        SpinRaster r = RasterFile.Read(path);
        Assert.Equal(283041, r.TimeBins);
        Assert.Equal(50, r.NeuronCount);
        double[] m = r.Means();
        double fractionOnes = m.Average(x => (x + 1) / 2);
        // README: fraction of ones 0.03845 (rounded to 4 significant digits -> tolerance 5e-6).
        Assert.Equal(0.03845, fractionOnes, 5e-6);
        // README: <s_i> from -0.996 to -0.675 (3 decimals), no silent neuron.
        Assert.Equal(-0.996, m.Min(), 5e-4);
        Assert.Equal(-0.675, m.Max(), 5e-4);
        Assert.Empty(r.ConstantNeurons());
        double[] pk = r.UpCountDistribution();
        // README: P(K=0) = 0.3845, P(K=1) = 0.186, P(K=2) = 0.1155 (4 significant digits).
        Assert.Equal(0.3845, pk[0], 5e-5);
        Assert.Equal(0.186, pk[1], 5e-4);
        Assert.Equal(0.1155, pk[2], 5e-5);
    }
}
