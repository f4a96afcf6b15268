using StatNeuro.MeanField;

namespace StatNeuro.Tests.MeanField;

public class BrunelNetworkTests
{
    [Fact]
    public void FixedPoint_IssueCase_MatchesIndependentMpmathSolve()
    {
        // J = 0.1 mV, g = 5, nu_ext = 2 nu_thr, C_E = 1000, gamma = 0.25: mpmath findroot at 30 digits on
        // ln Phi(nu) - ln nu with Phi by mp.quad (script in docs/meanfield.md): 37.9496970857633641 Hz. 1e-10 relative.
        IReadOnlyList<BrunelFixedPoint> points = BrunelNetwork.FixedPoints(new BrunelModel());
        BrunelFixedPoint p = Assert.Single(points);
        Assert.True(Math.Abs((p.RateHz / 37.9496970857633641) - 1) < 1e-10, $"{p.RateHz:R}");
        Assert.True(p.Stable);
    }

    [Fact]
    public void FixedPoints_ExcitationDominated_FindsAllThreeRoots()
    {
        // J = 0.2 mV, g = 3, nu_ext = 0.5 nu_thr: a quiescent state, an unstable middle state and a high-rate state.
        // mpmath (same script, grid from 1e-25 Hz): 3.8080152322934839235e-20, 4.8494699817334984067,
        // 399.06146031539461001 Hz. 1e-10 relative.
        IReadOnlyList<BrunelFixedPoint> points = BrunelNetwork.FixedPoints(new BrunelModel(EfficacyMv: 0.2, RelativeInhibition: 3, ExternalRateRatio: 0.5));
        double[] expected = [3.8080152322934839235e-20, 4.8494699817334984067, 399.06146031539461001];
        Assert.Equal(3, points.Count);
        for (int k = 0; k < 3; k++)
        {
            Assert.True(Math.Abs((points[k].RateHz / expected[k]) - 1) < 1e-10, $"{points[k].RateHz:R}");
        }

        Assert.Equal([true, false, true], points.Select(p => p.Stable));
    }

    [Fact]
    public void Describe_SlopeMatchesFiniteDifferenceOfTransferCurve()
    {
        // dPhi/dnu by central differences (h = 1e-4 relative: truncation ~1e-8).
        var model = new BrunelModel();
        double nu = 30;
        double Phi(double x) => Siegert.RateHz(model.MeanInputMv(x), model.NoiseMv(x), model.Lif);
        double fd = (Phi(nu * 1.0001) - Phi(nu * 0.9999)) / (nu * 0.0002);
        Assert.Equal(fd, BrunelNetwork.Describe(model, nu).Slope, 1e-6);
    }
}
