using StatNeuro.MeanField;

namespace StatNeuro.Tests.MeanField;

public class FokkerPlanckTests
{
    private static readonly DiffusionLifParameters s_neuron = new();

    [Theory]
    [InlineData(15.0, 5.0)]
    [InlineData(10.0, 5.0)]
    [InlineData(20.0, 3.0)]
    public void Stationary_1000Cells_RateEqualsSiegertTo1e4(double mu, double sigma)
    {
        // Issue 5: stationary rate equals Siegert to 1e-4 relative with 1000 cells (design note: 2nd-order SG scheme).
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
        StationaryDensity s = FokkerPlanck.Stationary(15, 5, s_neuron, 1000);
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

    [Fact]
    public void Stationary_ResetOffInterface_Throws()
    {
        Assert.Throws<ArgumentException>(() => FokkerPlanck.Stationary(15, 5, s_neuron, 1001));
    }
}
