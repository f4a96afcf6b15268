using System.Numerics;
using StatNeuro.RateNetworks;

namespace StatNeuro.Tests.RateNetworks;

public class SampledDmftTests
{
    [Fact]
    public void Linear_GammaZero_MatchesOrnsteinUhlenbeckSpectrum()
    {
        // φ(x) = x, γ = 0, noise D: Δ(ω) = 2D/(1 + ω² − g²), so Δ0 = D/κ and Δ(τ) = D e^{−κτ}/κ, κ = √(1 − g²).
        // 2000 paths: one C(t, t) has relative noise √(2/2000) ≈ 3 %; averaged over the window [10, 20] (≈ 8
        // correlation times) ≈ 1.2 %; tolerance 5 % (4 σ, discretisation dt = 0.1 adds < 0.5 %).
        const double g = 0.6, d = 0.1;
        var r = SampledDmft.Solve(g, 0, new SampledDmftOptions { Dt = 0.1, Duration = 20, Paths = 2000, Iterations = 12, NoiseD = d, Seed = 4 }, RateActivation.Linear);
        double kappa = Math.Sqrt(1 - g * g);
        Assert.Equal(d / kappa, r.Delta0, 0.05 * d / kappa);
        int lag = (int)Math.Round(1.0 / 0.1);
        Assert.Equal(d * Math.Exp(-kappa) / kappa, r.Autocorrelation[lag], 0.06 * d / kappa);
        Assert.Equal(0.0, r.ResponseIntegral[^1]);
    }

    [Fact]
    public void Linear_Reciprocal_MatchesExactResponseAndSpectrum()
    {
        // φ(x) = x, γ ≠ 0: R(ω) = 1/(1 + iω − γg² R(ω)), so the integrated response is the static root
        // R_int = (1 − √(1 − 4γg²))/(2γg²) (design note §4.2), and Δ(ω) = 2D|R|²/(1 − g²|R|²). For linear φ the
        // tangents are the same on every path, so R carries no sampling noise (tolerance 1 %: discretisation and the
        // e^{−0.43 t} tail beyond t = 15); Δ0 as in the γ = 0 test (5 %).
        const double g = 0.4, gamma = 0.5, d = 0.1;
        var r = SampledDmft.Solve(g, gamma, new SampledDmftOptions { Dt = 0.1, Duration = 15, Paths = 2000, ResponsePaths = 20, Iterations = 12, NoiseD = d, Seed = 6, StationaryFrom = 7 }, RateActivation.Linear);
        double a = gamma * g * g;
        double rint = (1 - Math.Sqrt(1 - 4 * a)) / (2 * a);
        Assert.Equal(rint, r.ResponseIntegral[^1], 0.01 * rint);

        // Δ0 = (1/2π) ∫ 2D|R|²/(1 − g²|R|²) dω with ω = tan θ.
        const int m = 20000;
        double sum = 0;
        for (int i = 1; i < m; i++)
        {
            double th = -Math.PI / 2 + Math.PI * i / m, w = Math.Tan(th), jac = 1 + w * w;
            var s = new Complex(1, w);
            Complex rw = (s - Complex.Sqrt(s * s - 4 * a)) / (2 * a);
            double r2 = rw.Magnitude * rw.Magnitude;
            sum += 2 * d * r2 / (1 - g * g * r2) * jac;
        }

        double delta0 = sum * (Math.PI / m) / (2 * Math.PI);
        Assert.Equal(delta0, r.Delta0, 0.05 * delta0);
    }

    [Fact]
    public void SquareRoot_HandlesSemiDefiniteCovariance()
    {
        // Rank-one covariance c = v vᵀ (two zero eigenvalues, one possibly −1e-16 from rounding): B Bᵀ = 4c.
        double[] v = [1, 2, -1];
        var c = new double[9];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                c[i * 3 + j] = v[i] * v[j];
            }
        }

        var l = new double[9];
        SampledDmft.SquareRoot(c, 4.0, 3, l);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double s = 0;
                for (int k = 0; k < 3; k++)
                {
                    s += l[i * 3 + k] * l[j * 3 + k];
                }

                Assert.Equal(4 * c[i * 3 + j], s, 1e-12);
            }
        }
    }
}
