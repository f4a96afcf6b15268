using MathNet.Numerics.LinearAlgebra;
using StatNeuro.RateNetworks;

namespace StatNeuro.Tests.RateNetworks;

public class RateNetworkTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(-1.0)]
    [InlineData(1.0)]
    public void Couplings_HaveVarianceAndReciprocity(double gamma)
    {
        const int n = 300;
        const double g = 1.3;
        var net = RateNetwork.Create(n, g, gamma, RateActivation.Tanh, 11);
        double s2 = 0, sr = 0;
        int pairs = 0;
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(0.0, net[i, i]);
            for (int k = i + 1; k < n; k++)
            {
                s2 += n * (net[i, k] * net[i, k] + net[k, i] * net[k, i]) / 2;
                sr += n * net[i, k] * net[k, i];
                pairs++;
            }
        }

        double g2 = g * g;

        // 5 σ of the sample mean over N(N−1)/2 pairs: Var(N J²) ≤ 2g⁴, Var(N J_ij J_ji) = g⁴(1 + γ²).
        Assert.Equal(g2, s2 / pairs, 5 * g2 * Math.Sqrt(2.0 / pairs));
        Assert.Equal(gamma * g2, sr / pairs, 5 * g2 * Math.Sqrt((1 + gamma * gamma) / pairs));
    }

    [Fact]
    public void Couplings_DoNotDependOnThreads()
    {
        var a = RateNetwork.Create(257, 1.5, 0.3, RateActivation.Tanh, 5);
        var b = RateNetwork.Create(257, 1.5, 0.3, RateActivation.Tanh, 5);
        Assert.Equal(a.Couplings, b.Couplings);
    }

    [Theory]
    [InlineData(1, "Avx512")]
    [InlineData(2, "Avx512")]
    [InlineData(2, "Avx2")]
    [InlineData(2, "Portable")]
    public void MatVec_MatchesNaiveDoubleProduct(int threads, string path)
    {
        // Paths the hardware lacks fall back to the portable kernel, so every case runs everywhere.
        foreach (int n in new[] { 517, 203 }) // not multiples of the vector width or the 4-row tile
        {
            var net = RateNetwork.Create(n, 2.0, 0.2, RateActivation.Tanh, 3);
            net.Threads = threads;
            net.KernelPath = Enum.Parse<MatVecPath>(path);
            var rng = new StatNeuro.Numerics.RandomGenerator(9);
            var x = new double[3 * n];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = rng.NextNormal();
            }

            var y = new double[3 * n];
            net.MultiplyMany(x, y, 3);
            var yt = new double[n];
            net.MultiplyTransposed(x.AsSpan(0, n), yt);
            for (int m = 0; m < 3; m++)
            {
                for (int i = 0; i < n; i++)
                {
                    double s = 0, st = 0;
                    for (int k = 0; k < n; k++)
                    {
                        s += net[i, k] * x[m * n + k];
                        st += net[k, i] * x[k];
                    }

                    // Double accumulation in a different order: rounding ≲ n ε |terms| ≈ 1e-13.
                    Assert.Equal(s, y[m * n + i], 1e-12);
                    if (m == 0)
                    {
                        Assert.Equal(st, yt[i], 1e-12);
                    }
                }
            }
        }
    }

    [Fact]
    public void MatVec_IsBitwiseIndependentOfThreadsAndVectorCount()
    {
        // Every (row, vector) pair is summed in the same order in every register tile, so splitting rows among
        // threads, or multiplying a vector alone instead of next to a tangent vector, gives identical bits.
        const int n = 1030;
        var net = RateNetwork.Create(n, 1.5, 0.0, RateActivation.Tanh, 8);
        var rng = new StatNeuro.Numerics.RandomGenerator(4);
        var x = new double[3 * n];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextNormal();
        }

        net.Threads = 1;
        var y1 = new double[3 * n];
        net.MultiplyMany(x, y1, 3);
        net.Threads = 3;
        var y3 = new double[3 * n];
        net.MultiplyMany(x, y3, 3);
        var single = new double[n];
        net.Multiply(x.AsSpan(2 * n, n), single);
        Assert.Equal(y1, y3);
        Assert.Equal(y1.AsSpan(2 * n, n).ToArray(), single);
    }

    [Fact]
    public void Rk4_ConvergesWithOrderFour()
    {
        // Self-convergence: errors of dt, dt/2 against dt/8 fall by 2⁴ per halving (ratio 16 ± 25 %).
        var net = RateNetwork.Create(30, 2.0, 0.0, RateActivation.Tanh, 2);
        double[] End(double dt) => RateSimulation.Run(net, new RateSimulationOptions { Dt = dt, Duration = 2.0, Transient = 0, Blocks = 2 }).FinalState;
        double[] reference = End(0.2 / 8);
        double Err(double[] a)
        {
            double e = 0;
            for (int i = 0; i < a.Length; i++)
            {
                e = Math.Max(e, Math.Abs(a[i] - reference[i]));
            }

            return e;
        }

        double e1 = Err(End(0.2)), e2 = Err(End(0.1));
        double ratio = e1 / e2;
        Assert.InRange(ratio, 12, 20);
    }

    [Fact]
    public void Lyapunov_LinearSymmetricNetwork_EqualsEigenvalues()
    {
        // φ(x) = x, γ = 1: the tangent flow is δ' = (J − 1)δ with real eigenvalues μ_i − 1. RK4 with step dt
        // multiplies eigen-directions by R(dt(μ − 1)), R(z) = 1 + z + z²/2 + z³/6 + z⁴/24, so the exact discrete
        // exponents are ln R / dt. The transient (60) aligns the frame to e^{−60·gap}; 1e-3 covers the remainder.
        const int n = 40;
        var net = RateNetwork.Create(n, 0.8, 1.0, RateActivation.Linear, 4);
        var m = Matrix<double>.Build.Dense(n, n, (i, k) => net[i, k]);
        double[] mu = m.Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).OrderByDescending(v => v).ToArray();
        const double dt = 0.1;
        var r = RateSimulation.Run(net, new RateSimulationOptions { Dt = dt, Duration = 200, Transient = 60, InitialScale = 0 }, 3);
        for (int k = 0; k < 3; k++)
        {
            double z = dt * (mu[k] - 1);
            double rk = 1 + z + z * z / 2 + z * z * z / 6 + z * z * z * z / 24;
            Assert.Equal(Math.Log(rk) / dt, r.LyapunovExponents[k], 1e-3);
        }
    }

    [Fact]
    public void Noise_UncoupledUnits_HaveOrnsteinUhlenbeckVariance()
    {
        // g = 0: every unit is an OU process with variance D. Stochastic Heun at dt = 0.02 biases the stationary
        // variance by O(dt²) ≈ 4e-4 relative; tolerance 5 block standard errors.
        var net = RateNetwork.Create(200, 0.0, 0.0, RateActivation.Tanh, 1);
        var r = RateSimulation.Run(net, new RateSimulationOptions { Dt = 0.02, Duration = 200, Transient = 10, NoiseD = 0.4, Seed = 7 });
        Assert.Equal(0.4, r.Delta0, 5 * r.Delta0StandardError + 0.4 * 1e-3);
    }
}
