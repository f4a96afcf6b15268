using StatNeuro.Networks;
using StatNeuro.Plasticity;

namespace StatNeuro.Tests.Plasticity;

public class StdpTests
{
    private static double PairChange(StdpRule rule, double deltaTMs, double w0, params double[] extraPreMs)
    {
        const double t0 = 110;
        var pre = new List<(int, double)> { (0, t0) };
        pre.AddRange(extraPreMs.Select(t => (0, t)));
        var net = new Network(0.1);
        var a = net.Add(new SpikeSourcePopulation("pre", 1, pre));
        var b = net.Add(new SpikeSourcePopulation("post", 1, [(0, t0 + deltaTMs)]));
        Projection p = net.Connect(a, b, "ignored", new ConnectionSpec(new ConnectionRule.AllToAll(), ValueSpec.Constant(w0), ValueSpec.Constant(0)), rule);
        net.Run(t0 + 120);
        return p.PlasticWeights![0] - w0;
    }

    [Fact]
    public void PairWindow_MatchesClosedForm_ForPlusMinus1To100Ms()
    {
        // One pre/post pair at Δt = t_post - t_pre: Δw = A+ e^{-Δt/τ+} (Δt > 0) or -A- e^{Δt/τ-} (Δt < 0). Traces are
        // advanced by exact exponentials, so the only error is rounding: 1e-12.
        var rule = new StdpRule { TauPlus = 16.8, TauMinus = 33.7, APlus = 0.01, AMinus = 0.0105, WMin = 0, WMax = 1 };
        for (int d = 1; d <= 100; d++)
        {
            Assert.Equal(0.01 * Math.Exp(-d / 16.8), PairChange(rule, d, 0.5), 1e-12);
            Assert.Equal(-0.0105 * Math.Exp(-d / 33.7), PairChange(rule, -d, 0.5), 1e-12);
            Assert.Equal(rule.PairWindow(d), PairChange(rule, d, 0.5), 1e-12);
        }
    }

    [Fact]
    public void AllToAll_AddsEveryPrePair_Nearest_OnlyTheLatest()
    {
        // Pre at 100 and 110 ms, post at 120 ms (t0 = 110, Δt = 10): all-to-all sums e^{-20/τ} + e^{-10/τ}, nearest keeps e^{-10/τ}.
        var all = new StdpRule { APlus = 0.01 };
        var nearest = all with { Pairing = StdpPairing.Nearest };
        Assert.Equal(0.01 * (Math.Exp(-20 / 20.0) + Math.Exp(-10 / 20.0)), PairChange(all, 10, 0.5, 100), 1e-12);
        Assert.Equal(0.01 * Math.Exp(-10 / 20.0), PairChange(nearest, 10, 0.5, 100), 1e-12);
    }

    [Fact]
    public void SoftBound_ScalesWithTheDistanceToTheBound_AndHardBoundsClip()
    {
        var soft = new StdpRule { APlus = 0.1, AMinus = 0.1, Dependence = WeightDependence.SoftBound, WMin = 0, WMax = 2 };
        Assert.Equal(0.1 * (2 - 0.5) * Math.Exp(-5 / 20.0), PairChange(soft, 5, 0.5), 1e-12);
        Assert.Equal(-0.1 * (0.5 - 0) * Math.Exp(-5 / 20.0), PairChange(soft, -5, 0.5), 1e-12);
        var hard = new StdpRule { APlus = 1.0, WMin = 0, WMax = 1 };
        Assert.Equal(1 - 0.9, PairChange(hard, 1, 0.9), 1e-12);
    }

    [Fact]
    public void Pavlov_BellAloneFiresOnlyAfterTraining()
    {
        PavlovResult r = PavlovExperiment.Run(new PavlovOptions { Seed = 1 });
        Assert.Equal(0, r.OutputSpikesBellBefore);
        Assert.True(r.OutputSpikesBellAfter >= 1, $"{r.OutputSpikesBellAfter} spikes after training");
        Assert.True(r.MeanBellWeight[^1] > r.MeanBellWeight[0] + 4);
    }
}
