using StatNeuro.RateNetworks;

namespace StatNeuro.Tests.RateNetworks;

public class ScsDmftTests
{
    [Theory]
    [InlineData(3.0, 0.2354)]
    [InlineData(4.0, 0.3414)]
    public void LambdaMax_MatchesPublishedTrapezoidValues(double g, double expected)
    {
        // Design note §6.1/§6.3: λ_max(3) = 0.2354, λ_max(4) = 0.3414 (4 digits, truncated) by an independent
        // trapezoid solution. Our grid error is O(h²) ≈ 1e-5 (320 vs 640 cells), so 1e-4 covers the rounding.
        DmftSolution s = ScsDmft.Solve(g);
        Assert.Equal(expected, s.LambdaMax, 1e-4);
    }

    [Fact]
    public void Quiescent_BelowOne_HasLambdaGMinusOne()
    {
        // x = 0 stable: ε0 = 1 − g², λ = g − 1 exactly.
        DmftSolution s = ScsDmft.Solve(0.7);
        Assert.Equal(0.0, s.Delta0);
        Assert.Equal(-0.3, s.LambdaMax, 1e-14);
    }

    [Fact]
    public void Delta0_NearOnset_FollowsSmallAmplitudeExpansion()
    {
        // Δ0 ≈ (g² − 1)/(2g²) + O((g−1)²) (SCS 1988): at g = 1.01 the relative correction is O(g − 1) ~ a few %.
        double g = 1.01;
        double d0 = ScsDmft.Delta0(g);
        double lead = (g * g - 1) / (2 * g * g);
        Assert.InRange(d0 / lead, 0.9, 1.1);
    }

    [Fact]
    public void Delta0_IsConvergedInTheQuadratureStep()
    {
        // Trapezoid rule for analytic integrands: halving h changes Δ0 by < 1e-9 relative (spectral convergence).
        foreach (double g in new[] { 1.5, 3.0, 6.0 })
        {
            double a = ScsDmft.Delta0(g);
            double b = ScsDmft.Delta0(g, rule: new GaussianAverage(0.05, 10));
            Assert.Equal(b, a, 1e-9 * Math.Max(1, b));
        }
    }

    [Fact]
    public void Noise_GZero_GivesOrnsteinUhlenbeckVariance()
    {
        // g = 0: dx = −x dt + √(2D) dW has variance D exactly.
        Assert.Equal(0.3, ScsDmft.Delta0(0.0, 0.3), 1e-12);
    }

    [Fact]
    public void DeltaOfTau_SatisfiesTheEquationOfMotion()
    {
        // Independent check of the quadrature inversion: Δ'' = Δ − g² C_φ(Δ; Δ0), C_φ by a direct 2-D average.
        double g = 2.0;
        DmftSolution s = ScsDmft.Solve(g);
        var rule = GaussianAverage.Default;
        double h = s.Tau[1] - s.Tau[0];
        foreach (double tau in new[] { 0.5, 1.0, 2.0, 3.0 })
        {
            int k = (int)Math.Round(tau / h);
            double second = (s.Delta[k + 10] - 2 * s.Delta[k] + s.Delta[k - 10]) / (100 * h * h);
            double d = s.Delta[k];
            double a = Math.Sqrt(s.Delta0 - d), b = Math.Sqrt(d), c = 0;
            foreach (var (z, wz) in rule.Nodes.Zip(rule.Weights))
            {
                double inner = 0;
                foreach (var (y, wy) in rule.Nodes.Zip(rule.Weights))
                {
                    inner += wy * Math.Tanh(a * y + b * z);
                }

                c += wz * inner * inner;
            }

            // Central second difference with step 0.1: truncation ~ (0.1²/12) Δ'''' ≲ 1e-3 · |Δ''|-scale.
            Assert.Equal(d - g * g * c, second, 2e-3);
        }
    }

    [Theory]
    [InlineData(0.01, 1.1333, 1.017)]
    [InlineData(0.1, 1.4250, 1.110)]
    [InlineData(0.5, 1.9557, 1.342)]
    public void NoiseOnset_MatchesNoteAndLiesBeyondLocalStability(double noise, double gc, double localAtGc)
    {
        // Design note §6.2 (4 digits): g_c(D) and g_c²⟨φ'²⟩ there (3 digits).
        double g = ScsDmft.CriticalGain(noise);
        Assert.Equal(gc, g, 1e-4);
        DmftSolution s = ScsDmft.Solve(g, noise);
        Assert.Equal(localAtGc, s.LocalStability, 1e-3);

        // At the onset the Schrödinger ground state crosses zero: λ_max changes sign across g_c.
        Assert.True(ScsDmft.Solve(g * 0.98, noise).LambdaMax < 0);
        Assert.True(ScsDmft.Solve(g * 1.02, noise).LambdaMax > 0);
        Assert.True(ScsDmft.LocalStabilityGain(noise) < g);
    }
}
