using StatNeuro.MeanField;

namespace StatNeuro.Tests.MeanField;

public class FokkerPlanckTests
{
    private static readonly DiffusionLifParameters s_neuron = new();

    [Theory]
    [InlineData(15.0, 5.0)]
    [InlineData(10.0, 5.0)]
    [InlineData(20.0, 3.0)]
    [InlineData(25.0, 2.0)]
    [InlineData(40.0, 2.0)]
    [InlineData(-5.0, 10.0)]
    [InlineData(-10.0, 10.0)]
    [InlineData(10.0, 3.0)]
    [InlineData(20.0, 1.0)]
    public void Stationary_1000Cells_RateEqualsSiegertTo1e4(double mu, double sigma)
    {
        // Issue 5: stationary rate equals Siegert to 1e-4 relative with 1000 cells (design note: 2nd-order SG scheme).
        // The default wall min(V_r, mu) - 6 sigma puts the cells where the density is; with the old fixed -30 mV wall
        // (25, 2) was 2.3e-4 off and (-10, 10) 2.3e-3 (the wall cut the density). Measured errors with the default wall
        // are 1e-5..8e-5 on this list (docs/meanfield.md).
        StationaryDensity s = FokkerPlanck.Stationary(mu, sigma, s_neuron, 1000);
        double siegert = Siegert.RateHz(mu, sigma, s_neuron);
        Assert.True(Math.Abs((s.RateHz / siegert) - 1) < 1e-4, $"{s.RateHz:R} vs {siegert:R}");
    }

    [Fact]
    public void Stationary_Rate_ConvergesAtSecondOrderInCellSize()
    {
        // Error against Siegert for N = 500, 1000, 2000, 4000: mean log2 ratio = order, 2 +- 0.1 (issue 5).
        int[] cells = [500, 1000, 2000, 4000];
        double siegert = Siegert.RateHz(15, 5, s_neuron);
        var errors = cells.Select(n => Math.Abs(FokkerPlanck.Stationary(15, 5, s_neuron, n).RateHz - siegert)).ToArray();
        double order = 0;
        for (int k = 0; k + 1 < errors.Length; k++)
        {
            order += Math.Log2(errors[k] / errors[k + 1]);
        }

        order /= errors.Length - 1;
        Assert.InRange(order, 1.9, 2.1);
    }

    [Fact]
    public void Stationary_Density_MatchesAnalyticProfile()
    {
        // Max |p - p0| over the cells, relative to max p0: O(dV^2) ~ 1e-4 at N = 1000; mass (incl. refractory) is 1.
        StationaryDensity s = FokkerPlanck.Stationary(15, 5, s_neuron, 1000, -30);
        double worst = 0, peak = 0, mass = 0;
        for (int j = 0; j < s.Density.Length; j++)
        {
            double p0 = FokkerPlanck.AnalyticDensity(s.CellCentresMv[j], 15, 5, s_neuron);
            worst = Math.Max(worst, Math.Abs(s.Density[j] - p0));
            peak = Math.Max(peak, p0);
            mass += s.Density[j] * 0.05;
        }

        Assert.True(worst / peak < 1e-3, $"{worst / peak:E2}");
        Assert.Equal(1.0, mass + (s.RateHz / 1000 * 2), 1e-12);
    }

    [Theory]
    [InlineData(15.0, 5.0, 1000)]
    [InlineData(25.0, 2.0, 777)]
    [InlineData(-10.0, 10.0, 1001)]
    [InlineData(40.0, 0.5, 64)]
    public void LowerBoundFor_IsSixSigmaBelowTheDensity_AndPutsTheResetOnAnInterface(double mu, double sigma, int cells)
    {
        double wall = FokkerPlanck.LowerBoundFor(mu, sigma, s_neuron, cells);
        double wanted = Math.Min(s_neuron.ResetMv, mu) - (6 * sigma);
        double dv = (s_neuron.ThresholdMv - wall) / cells;
        double position = (s_neuron.ResetMv - wall) / dv;
        Assert.True(wall <= wanted + 1e-12, $"wall {wall} above {wanted}");
        Assert.True(wanted - wall <= dv * cells / Math.Max(1, cells - position) + 1e-9, $"wall {wall} far below {wanted}"); // at most one step of the snap
        Assert.Equal(Math.Round(position), position, 1e-9);
        StationaryDensity s = FokkerPlanck.Stationary(mu, sigma, s_neuron, cells); // accepted without a wall argument
        Assert.Equal(wall, s.CellCentresMv[0] - (dv / 2), 1e-9);
    }

    [Fact]
    public void Stationary_ResetOffInterface_Throws()
    {
        Assert.Throws<ArgumentException>(() => FokkerPlanck.Stationary(15, 5, s_neuron, 1001, -30));
    }
}
