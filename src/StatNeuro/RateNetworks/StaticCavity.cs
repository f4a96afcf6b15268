namespace StatNeuro.RateNetworks;

/// <summary>Static cavity solution for the fixed points x* = Jφ(x*) of a network with reciprocity γ.</summary>
/// <param name="G">Gain.</param>
/// <param name="Gamma">Reciprocity.</param>
/// <param name="C">C = ⟨φ(x*)²⟩ (0 in the ordered phase).</param>
/// <param name="ResponseIntegral">R_int = ⟨φ'/(1 − wφ')⟩, the integrated static response, w = γg²R_int.</param>
/// <param name="Iterations">Iterations used.</param>
/// <param name="Converged">Whether every change fell below the tolerance.</param>
public sealed record StaticCavitySolution(double G, double Gamma, double C, double ResponseIntegral, int Iterations, bool Converged);

/// <summary>
/// Static cavity equations for fixed points with reciprocal couplings (design note §8 step 6; the authors' "static
/// DMFT"): the cavity field of a unit is Gaussian with variance g²C, and the reaction of the network to the unit's
/// own activity adds w φ(x), w = γg²R_int, so x = g√C z + w φ(x), C = ⟨φ(x)²⟩, R_int = ⟨φ'(x)/(1 − wφ'(x))⟩.
/// </summary>
/// <remarks>
/// x is found per Gauss node by safeguarded Newton (unique when w·max φ' &lt; 1, true for the cases shown); averages
/// use the trapezoid rule of <see cref="GaussianAverage"/>; damped iteration (0.2) to changes &lt; 1e-12. In the ordered
/// phase C = 0 and R_int = (1 − √(1 − 4γg²))/(2γg²) (= 1 + γ on the line g(1+γ) = 1); at γ = 0, C is the SCS
/// static solution q*(g). This counts fixed points without the 1/|det(I − JD)| weight of the β → ∞ Boltzmann
/// measure, so for γ ≠ 0 it differs from the zero-temperature RS theory (design note §4.3).
/// </remarks>
public static class StaticCavity
{
    /// <summary>Solves the static cavity equations (φ = tanh).</summary>
    /// <param name="g">Gain g &gt; 0.</param>
    /// <param name="gamma">Reciprocity, |γ| ≤ 1.</param>
    /// <param name="maxIterations">Iteration limit.</param>
    /// <returns>C and R_int.</returns>
    public static StaticCavitySolution Solve(double g, double gamma, int maxIterations = 20000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(g);
        if (!(Math.Abs(gamma) <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "reciprocity must lie in [-1, 1]");
        }

        GaussianAverage rule = GaussianAverage.Default;
        double[] z = rule.Nodes, wz = rule.Weights;
        double c = 0.5, rint = 1;
        const double damping = 0.2, tol = 1e-12;
        for (int it = 1; it <= maxIterations; it++)
        {
            double w = gamma * g * g * rint, a = g * Math.Sqrt(c);
            double nc = 0, nr = 0;
            for (int k = 0; k < z.Length; k++)
            {
                double x = Root(a * z[k], w);
                double p = Math.Tanh(x), dp = 1 - p * p;
                nc += wz[k] * p * p;
                nr += wz[k] * dp / (1 - w * dp);
            }

            double c1 = damping * c + (1 - damping) * nc, r1 = damping * rint + (1 - damping) * nr;
            double change = Math.Max(Math.Abs(c1 - c), Math.Abs(r1 - rint));
            c = c1;
            rint = r1;
            if (it > 10 && change < tol)
            {
                return new StaticCavitySolution(g, gamma, c, rint, it, true);
            }
        }

        return new StaticCavitySolution(g, gamma, c, rint, maxIterations, false);
    }

    /// <summary>Root of x − w tanh(x) = h (Newton from x = h + w·sign(h), bisection safeguard).</summary>
    private static double Root(double h, double w)
    {
        // x − w tanh x is increasing when w < 1; the root lies in [h − |w|, h + |w|].
        double lo = h - Math.Abs(w), hi = h + Math.Abs(w);
        double x = Math.Clamp(h + w * Math.Tanh(h), lo, hi);
        for (int i = 0; i < 100; i++)
        {
            double t = Math.Tanh(x), f = x - w * t - h, df = 1 - w * (1 - t * t);
            if (f > 0)
            {
                hi = x;
            }
            else
            {
                lo = x;
            }

            double nx = df > 1e-12 ? x - f / df : 0.5 * (lo + hi);
            if (nx <= lo || nx >= hi)
            {
                nx = 0.5 * (lo + hi);
            }

            if (Math.Abs(nx - x) < 1e-15 * (1 + Math.Abs(x)))
            {
                return nx;
            }

            x = nx;
        }

        return x;
    }
}
