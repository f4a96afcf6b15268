using StatNeuro.Numerics;

namespace StatNeuro.RateNetworks;

/// <summary>Replica-symmetric order parameters of the Qiu–Huang measure exp(−βE).</summary>
/// <param name="G">Gain g.</param>
/// <param name="Gamma">Reciprocity γ.</param>
/// <param name="Beta">Inverse temperature (∞ for the zero-temperature solution).</param>
/// <param name="SmallQ">q = (1/N) Σ φ(x_i)² (activity).</param>
/// <param name="LargeQ">Q = (1/N) Σ φ(x_i^a) φ(x_i^b), a ≠ b.</param>
/// <param name="SmallR">r, the authors' φ–response overlap (r√β is the integrated response).</param>
/// <param name="LargeR">R, the inter-replica φ–response overlap.</param>
/// <param name="X2">⟨x²⟩.</param>
/// <param name="EnergyPerNeuron">e = ⟨E⟩/N.</param>
/// <param name="Chi">Zero temperature: χ = lim β(q − Q) (∞ on the chaotic side); NaN at finite β.</param>
/// <param name="Xi">Zero temperature: ξ (−ξ = integrated response); NaN at finite β.</param>
/// <param name="Iterations">Iterations used by the solver.</param>
/// <param name="Converged">Strict convergence reached.</param>
public sealed record ReplicaSolution(
    double G,
    double Gamma,
    double Beta,
    double SmallQ,
    double LargeQ,
    double SmallR,
    double LargeR,
    double X2,
    double EnergyPerNeuron,
    double Chi,
    double Xi,
    int Iterations,
    bool Converged);

/// <summary>Replica theory of the Qiu–Huang measure at γ = 0: the exact closed form and its zero-temperature limit.</summary>
/// <remarks>
/// <para>At γ = 0 the disorder average gives the replica action −½ Σ Ĉ_ab C_ab + ln E_{x~N(0, I/β + g²C)} e^{½ Σ Ĉ_ab φ^a φ^b},
/// for which Ĉ = 0 is an exact saddle for every n (design note §4.1, derived and checked three ways). Hence
/// Q = 0, all conjugates vanish, x ~ N(0, 1/β + g² q) and
/// q = ∫Dz φ²(√(1/β + g² q) z), ⟨x²⟩ = 1/β + g² q, e = 1/(2β) (equipartition), r√β = ∫Dz φ'(√(1/β + g² q) z).</para>
/// <para>β → ∞: q → 0 for g ≤ 1 (q ≈ 1/(β(1 − g²)) for g &lt; 1, q ≈ (2β)^{−1/2} at g = 1) and q → q* for g &gt; 1, the
/// static SCS fixed-point solution q* = ∫Dz φ²(g√q* z). Zero-temperature order parameters (§4.2): χ = 1/(1 − g²),
/// ξ = −1 for g &lt; 1; for g &gt; 1, χ = ∞ and −ξ = ⟨φ'⟩ at q* (the β → ∞ limit of r√β).</para>
/// </remarks>
public static class ReplicaTheory
{
    /// <summary>The exact γ = 0 solution at inverse temperature β (∞ allowed).</summary>
    /// <param name="g">Gain g ≥ 0.</param>
    /// <param name="beta">β &gt; 0 or +∞.</param>
    /// <param name="activation">φ.</param>
    /// <param name="rule">Gaussian rule (default trapezoid h = 0.1, |z| ≤ 8).</param>
    /// <returns>The order parameters.</returns>
    public static ReplicaSolution GammaZero(double g, double beta, RateActivation activation = RateActivation.Tanh, GaussianAverage? rule = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(g);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(beta);
        rule ??= GaussianAverage.Default;
        double invBeta = double.IsPositiveInfinity(beta) ? 0.0 : 1 / beta;
        double Avg(Func<double, double> f, double sd) => rule.Average(z => f(sd * z));
        double Residual(double q) => q - Avg(x => Sq(RateActivations.Phi(activation, x)), Math.Sqrt(invBeta + g * g * q));

        double qStar;
        int iterations;
        if (invBeta == 0 && g * RateActivations.Derivative(activation, 0) <= 1)
        {
            qStar = 0;
            iterations = 0;
        }
        else
        {
            // Bracket away from the trivial root at β = ∞ (residual < 0 just above 0 when g > 1).
            double lo = invBeta > 0 ? 0.0 : 1e-12;
            double hi = 1.0;
            while (Residual(hi) < 0 && hi < 1e6)
            {
                hi *= 2;
            }

            RootResult root = RootFinding.Brent(Residual, lo, hi, 1e-16);
            qStar = root.Root;
            iterations = root.Iterations;
        }

        double sd = Math.Sqrt(invBeta + g * g * qStar);
        double meanSlope = Avg(x => RateActivations.Derivative(activation, x), sd);
        if (invBeta > 0)
        {
            return new ReplicaSolution(g, 0, beta, qStar, 0, meanSlope / Math.Sqrt(beta), 0, sd * sd, 0.5 * invBeta, double.NaN, double.NaN, iterations, true);
        }

        double a = RateActivations.Derivative(activation, 0);
        bool ordered = g * a < 1;
        double chi = ordered ? 1 / (1 - g * g * a * a) : double.PositiveInfinity;
        double xi = ordered ? -a : -meanSlope;
        return new ReplicaSolution(g, 0, beta, qStar, qStar, 0, 0, sd * sd, 0, chi, xi, iterations, true);
    }

    /// <summary>The β-scaling exponent d ln q / d ln β of the γ = 0 solution, fitted on log-spaced β.</summary>
    /// <param name="g">Gain.</param>
    /// <param name="betaMin">Smallest β.</param>
    /// <param name="betaMax">Largest β.</param>
    /// <param name="points">Number of log-spaced β (≥ 2).</param>
    /// <returns>The least-squares slope of ln q against ln β.</returns>
    public static double ScalingExponent(double g, double betaMin, double betaMax, int points = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        var lx = new double[points];
        var ly = new double[points];
        for (int k = 0; k < points; k++)
        {
            double beta = betaMin * Math.Pow(betaMax / betaMin, (double)k / (points - 1));
            lx[k] = Math.Log(beta);
            ly[k] = Math.Log(GammaZero(g, beta).SmallQ);
        }

        return Statistics.LinearFit(lx, ly).Slope;
    }

    /// <summary>Integrated response of the ordered phase for any γ: R = (1 − √(1 − 4γg²))/(2γg²) (→ 1 at γ = 0).</summary>
    /// <param name="g">Gain.</param>
    /// <param name="gamma">Reciprocity.</param>
    /// <returns>R_int, reaching 1 + γ at g(1 + γ) = 1 (design note §4.2).</returns>
    public static double OrderedResponse(double g, double gamma)
    {
        double w = gamma * g * g;
        return Math.Abs(w) < 1e-12 ? 1 + w : (1 - Math.Sqrt(Math.Max(0, 1 - 4 * w))) / (2 * w);
    }

    private static double Sq(double v) => v * v;
}
