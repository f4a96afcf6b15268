using StatNeuro.RateNetworks;

namespace StatNeuro.Tests.RateNetworks;

public class OptimizationMeasureTests
{
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.4, 0.1)]
    [InlineData(-0.7, 0.0)]
    public void Gradient_MatchesCentralDifferences(double gamma, double eta)
    {
        const int n = 60;
        var net = RateNetwork.Create(n, 1.4, gamma, RateActivation.Tanh, 21);
        var pot = new SpeedPotential(net, eta);
        var rng = new StatNeuro.Numerics.RandomGenerator(5);
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = rng.NextNormal();
        }

        var grad = new double[n];
        pot.EnergyAndGradient(x, grad);
        double scale = grad.Max(Math.Abs);
        const double h = 1e-5;
        for (int i = 0; i < n; i++)
        {
            double keep = x[i];
            x[i] = keep + h;
            double ep = pot.Energy(x);
            x[i] = keep - h;
            double em = pot.Energy(x);
            x[i] = keep;

            // Central difference: truncation h²|E'''|/6 ~ 1e-10, rounding ε|E|/h ~ 1e-10; bound 1e-7 relative.
            Assert.Equal(grad[i], (ep - em) / (2 * h), 1e-7 * scale);
        }
    }

    [Fact]
    public void Energy_VanishesAtTheOrigin()
    {
        // E(0) = 0: x = 0 is a fixed point (φ(0) = 0) for every g (design note §4.4).
        var net = RateNetwork.Create(20, 2.0, 0.0, RateActivation.Tanh, 1);
        Assert.Equal(0.0, new SpeedPotential(net).Energy(new double[20]));
    }

    [Theory]
    [InlineData(0.8, 100.0, 0.024378)]
    [InlineData(1.2, 100.0, 0.189177)]
    [InlineData(1.2, 1e4, 0.173451)]
    public void GammaZero_ClosedForm_MatchesNoteValues(double g, double beta, double q)
    {
        // Design note §4.1: 6-digit values from an independent quadrature of the full RS equations.
        Assert.Equal(q, ReplicaTheory.GammaZero(g, beta).SmallQ, 1e-6);
    }

    [Theory]
    [InlineData(1.5, 0.3526)]
    [InlineData(2.0, 0.5304)]
    [InlineData(3.0, 0.7006)]
    public void ZeroTemperature_IsStaticScsFixedPoint(double g, double q)
    {
        // q* = ∫Dz tanh²(g√q* z): design note §4.1 (4 digits).
        ReplicaSolution s = ReplicaTheory.GammaZero(g, double.PositiveInfinity);
        Assert.Equal(q, s.SmallQ, 1e-4);
        Assert.True(double.IsPositiveInfinity(s.Chi));
    }

    [Fact]
    public void ZeroTemperature_Ordered_HasClosedFormSusceptibility()
    {
        // χ = 1/(1 − g²), ξ = −1 below g = 1 (design note §4.2: 5.2632 at g = 0.9).
        ReplicaSolution s = ReplicaTheory.GammaZero(0.9, double.PositiveInfinity);
        Assert.Equal(0.0, s.SmallQ);
        Assert.Equal(1 / (1 - 0.81), s.Chi, 1e-12);
        Assert.Equal(-1.0, s.Xi);
    }

    [Fact]
    public void GammaZero_IsConvergedInTheQuadrature()
    {
        // Independent rule (h = 0.05, |z| ≤ 10) must agree to 1e-8 (spectral convergence of the trapezoid rule).
        foreach (double g in new[] { 0.5, 0.98, 1.0, 1.5 })
        {
            foreach (double beta in new[] { 100.0, 1e4 })
            {
                double a = ReplicaTheory.GammaZero(g, beta).SmallQ;
                double b = ReplicaTheory.GammaZero(g, beta, rule: new GaussianAverage(0.05, 10)).SmallQ;
                Assert.Equal(b, a, 1e-8);
            }
        }
    }

    [Theory]
    [InlineData(0.8, 1e2, 1e4, -1.0)]
    [InlineData(0.98, 1e4, 1e6, -1.0)]
    [InlineData(1.0, 1e2, 1e4, -0.5)]
    public void ScalingExponents_OnBothSides(double g, double lo, double hi, double slope)
    {
        // Issue acceptance: −1 ± 0.05 in the ordered phase, −1/2 ± 0.05 at g = 1.
        Assert.Equal(slope, ReplicaTheory.ScalingExponent(g, lo, hi), 0.05);
    }

    [Fact]
    public void ScalingExponent_NearOnset_IsNotYetAsymptotic()
    {
        // Design note §5 item 7: on 1e2 ≤ β ≤ 1e4 the slope at g = 0.98 is −0.71 (2 digits).
        Assert.Equal(-0.71, ReplicaTheory.ScalingExponent(0.98, 1e2, 1e4), 0.01);
    }

    [Fact]
    public void OrderedResponse_PeaksAtOnePlusGammaOnTheLine()
    {
        // R_int = 1 + γ at g(1 + γ) = 1 (design note §4.2).
        Assert.Equal(1.5, ReplicaTheory.OrderedResponse(1 / 1.5, 0.5), 1e-12);
        Assert.Equal(1.1716, ReplicaTheory.OrderedResponse(0.5, 0.5), 1e-4);
    }

    [Fact]
    public void Mala_Equipartition_And_OrderedQ()
    {
        // γ = 0, g = 0.5, β = 100: e·2β = 1 (exact at γ = 0 to O(1/β²)), q against the closed form. N = 100 keeps the
        // test fast; the tolerance is 5 block standard errors (plus the O(1/N) finite-size shift of q, ~1 % here).
        var net = RateNetwork.Create(100, 0.5, 0.0, RateActivation.Tanh, 8);
        var res = MalaSampler.Run(new SpeedPotential(net), new MalaOptions { Betas = [100.0], BurnIn = 3000, Steps = 30000, Seed = 3 })[0];
        Assert.Equal(1.0, res.EnergyPerNeuron * 200, 5 * res.EnergySe * 200);
        double q = ReplicaTheory.GammaZero(0.5, 100).SmallQ;
        Assert.Equal(q, res.Q, 5 * res.QSe + 0.02 * q);
        Assert.InRange(res.Acceptance, 0.3, 0.9);
    }
}
