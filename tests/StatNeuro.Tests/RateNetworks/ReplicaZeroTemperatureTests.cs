using StatNeuro.RateNetworks;

namespace StatNeuro.Tests.RateNetworks;

public class ReplicaZeroTemperatureTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.97)]
    public void GammaZero_EqualsClosedForm(double g)
    {
        // (a) γ = 0: χ = 1/(1 − g²), ξ = −1 (ReplicaTheory.GammaZero, note §4.2; g = 0.9 → χ = 5.2632), to 1e-9.
        ReplicaSolution z = ReplicaEquations.SolveZeroTemperature(g, 0);
        ReplicaSolution exact = ReplicaTheory.GammaZero(g, double.PositiveInfinity);
        Assert.True(z.Converged);
        Assert.Equal(exact.Chi, z.Chi, 1e-9 * exact.Chi);
        Assert.Equal(exact.Xi, z.Xi, 1e-9);
        Assert.Equal(0.0, z.SmallQ);
    }

    [Fact]
    public void NoteReference_GammaZero_G09()
    {
        ReplicaSolution z = ReplicaEquations.SolveZeroTemperature(0.9, 0);
        Assert.Equal(5.2632, z.Chi, 1e-4);
        Assert.Equal(-1.0, z.Xi, 1e-12);
    }

    [Theory]
    [InlineData(0.5, 0.5)]
    [InlineData(0.8, 0.2)]
    [InlineData(0.6, 0.5)]
    [InlineData(0.9, -0.5)]
    [InlineData(1.5, -1.0)]
    public void OrderedPhase_AgreesWithStaticCavity(double g, double gamma)
    {
        // (c) Ordered phase: the cavity has C = 0 (= q) and R_int = (1 − √(1 − 4γg²))/(2γg²); the zero-T RS −ξ is the
        // same integrated response, and χ = R²/(1 − g²R²) (docs/edge-of-chaos.md). Cavity tolerance 1e-10 (its own
        // iteration stops at changes < 1e-12).
        ReplicaSolution z = ReplicaEquations.SolveZeroTemperature(g, gamma);
        Assert.True(z.Converged);
        double rint = ReplicaTheory.OrderedResponse(g, gamma);
        Assert.Equal(rint, -z.Xi, 1e-10);
        Assert.Equal(rint * rint / (1 - g * g * rint * rint), z.Chi, 1e-9 * z.Chi);
        if (gamma >= 0)
        {
            StaticCavitySolution c = StaticCavity.Solve(g, gamma);
            Assert.Equal(0.0, c.C, 1e-10);
            Assert.Equal(c.ResponseIntegral, -z.Xi, 1e-9);
        }
    }

    [Fact]
    public void OnTheLine_ResponseIsOnePlusGamma()
    {
        // Just below g(1 + γ) = 1 the response tends to 1 + γ (note §4.2) and χ grows without bound.
        double g = 2.0 / 3 * 0.999;
        ReplicaSolution z = ReplicaEquations.SolveZeroTemperature(g, 0.5);
        Assert.True(z.Converged);
        double rint = ReplicaTheory.OrderedResponse(g, 0.5);
        Assert.Equal(1.5, -z.Xi, 0.05);
        Assert.Equal(rint * rint / (1 - g * g * rint * rint), z.Chi, 1e-6 * z.Chi);
        Assert.True(z.Chi > 50);
    }

    [Fact]
    public void FiniteBeta_ConvergesToZeroTemperature()
    {
        // (b) Ordered phase, γ = 0.5, g = 0.5: β(q − Q) → χ = 2.089631 and r√β → −ξ = 1.171573 with O(1/β) corrections
        // (default rule: β(q − Q) = 2.087265, 2.089394, 2.089607 and r√β = 1.171073, 1.171523, 1.171568 at β = 1e4, 1e5,
        // 1e6, i.e. deviations ≈ 23.7/β and 5.0/β; docs/edge-of-chaos.md). Each decade must shrink them at least twofold
        // and keep them below 30/β and 10/β (the 12-node rule is exact enough in the ordered phase, where Q → 0).
        ReplicaSolution z = ReplicaEquations.SolveZeroTemperature(0.5, 0.5);
        var opt = new ReplicaSolverOptions { HermiteNodes = 12, GridPoints = 401 };
        double prevQ = double.PositiveInfinity, prevR = double.PositiveInfinity;
        foreach (double beta in new[] { 1e4, 1e5, 1e6 })
        {
            ReplicaSolution f = ReplicaEquations.Solve(0.5, 0.5, beta, opt);
            Assert.True(f.Converged);
            double dq = Math.Abs(beta * (f.SmallQ - f.LargeQ) - z.Chi), dr = Math.Abs(f.SmallR * Math.Sqrt(beta) + z.Xi);
            Assert.True(dq < 0.5 * prevQ && dq < 30 / beta, $"beta = {beta}: |beta(q - Q) - chi| = {dq}");
            Assert.True(dr < 0.5 * prevR && dr < 10 / beta, $"beta = {beta}: |r sqrt(beta) + xi| = {dr}");
            prevQ = dq;
            prevR = dr;
        }
    }

    [Theory]
    [InlineData(0.5, 0.5, 3.0, 0.4)]
    [InlineData(0.8, 0.2, 0.7, -0.3)]
    [InlineData(0.9, -0.5, 1.5, 0.2)]
    public void LiteralNoteUpdates_AtSmallQ_LeaveSolutionFixed(double g, double gamma, double qhOverQ, double kappaOverQ)
    {
        // Independent check of the reduction: evaluate the note's §3.2 updates literally (x* = argmax H0 with φ = tanh by
        // Newton per node, 2-D Gauss–Hermite in (u, v)) at the reduced fixed point (χ, χ̂ = 0, ξ) with a small amplitude
        // q = 1e-10 and arbitrary ratios Q̂/q, κ/q; χ, ξ, χ̂ must come back unchanged up to O(q) (tanh curvature).
        ReplicaSolution z = ReplicaEquations.SolveZeroTemperature(g, gamma);
        double q = 1e-10, qh = qhOverQ * q, kappa = kappaOverQ * q, chi = z.Chi, xi = z.Xi, chih = 0;
        double g2 = g * g, s2 = 1 + g2 * chi, bigGamma = -g2 * gamma * xi, sq = Math.Sqrt(q);
        double a = Math.Sqrt(qh - kappa * kappa / (g2 * q)), b = kappa / (g * sq);
        (double[] nodes, double[] weights) = ReplicaEquations.Hermite(10);
        double eu = 0, ev = 0, evx = 0;
        for (int i = 0; i < nodes.Length; i++)
        {
            for (int j = 0; j < nodes.Length; j++)
            {
                double u = nodes[i], v = nodes[j], w = weights[i] * weights[j];
                double c = a * u + b * v, wv = g * sq * v;
                double Slope(double x)
                {
                    double p = Math.Tanh(x), dp = 1 - p * p;
                    return (-2 * chih * p + c) * dp + (1 - bigGamma * dp) * (wv + bigGamma * p - x) / s2;
                }

                double xs = 0;
                for (int k = 0; k < 50; k++)
                {
                    double h = 1e-6 * (1 + Math.Abs(xs));
                    double d2 = (Slope(xs + h) - Slope(xs - h)) / (2 * h);
                    xs -= Slope(xs) / d2;
                }

                double ph = Math.Tanh(xs);
                eu += w * u * ph;
                ev += w * v * ph;
                evx += w * v * xs;
            }
        }

        double t = Math.Sqrt(qh * g2 * q * q - q * kappa * kappa);
        double nChi = g * q * eu / t;
        double nXi = kappa * eu / (g * t) - ev / (g * sq);
        double nChih = g2 / (2 * s2) - g * evx / (2 * s2 * sq) - kappa * kappa * eu / (2 * g * q * t) + (g * bigGamma / s2 + kappa / (g * q)) * ev / (2 * sq);
        Assert.Equal(chi, nChi, 1e-6 * chi);
        Assert.Equal(xi, nXi, 1e-6);
        Assert.Equal(0.0, nChih, 1e-6);
    }

    [Theory]
    [InlineData(1.2, 0.0)]
    [InlineData(0.9, 0.5)]
    [InlineData(2.0, 2.0)]
    public void ChaoticSideOrBadGamma_Throws(double g, double gamma)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReplicaEquations.SolveZeroTemperature(g, gamma));
    }
}
