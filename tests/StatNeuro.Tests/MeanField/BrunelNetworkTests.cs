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
}
