namespace StatNeuro.RateNetworks;

/// <summary>Zero-temperature (β → ∞) replica-symmetric equations for any reciprocity γ (design note §3.2).</summary>
/// <remarks>
/// <para>The note's <c>SDEsZeroTemperature</c> iterates (q, χ, Q̂, χ̂, r̃, ξ, κ, Γ) with the single-site maximiser
/// x* = argmax H0(x; u, v), H0 = −χ̂φ² + (√(Q̂ − κ²/(g²q)) u + κv/(g√q)) φ − (g√q v + Γφ − x)²/(2σ²),
/// σ² = 1 + g²χ, κ = g²γ r̃, Γ = −g²γ ξ. Its fixed point in the ordered phase g(1 + γ) &lt; 1 is q = Q̂ = r̃ = κ = 0
/// (the β → ∞ limit of q ≈ χ/β), reached with every field O(√q), so x* → 0 and φ(x*) = x* + O(q^{3/2}). In that
/// limit x* = (a u + B v)/A with a = √(Q̂ − κ²/(g²q)), B = κ/(g√q) + (1 − Γ)g√q/σ², A = 2χ̂ + (1 − Γ)²/σ², the
/// Gaussian averages over (u, v) are exact, and the updates of χ, ξ, χ̂ of §3.2 reduce to (κ and the amplitudes
/// Q̂/q cancel identically — derived here, docs/edge-of-chaos.md):</para>
/// <para>χ ← 1/A, ξ ← −(1 − Γ)/(σ²A), χ̂ ← g²/(2σ²) · (1 − (1 − Γ)²/(σ²A)).</para>
/// <para>These are iterated with damping to changes &lt; 1e-12. The fixed point has χ̂ = 0, −ξ = R with
/// R = 1 + γg²R² (the static-cavity integrated response of the ordered phase) and χ = R²/(1 − g²R²), which
/// diverges on the line g(1 + γ) = 1 (gR = 1 there); at γ = 0, χ = 1/(1 − g²), ξ = −1 (note §4.2).</para>
/// <para>On the chaotic side the finite-β solution has Q → 0 with q finite, so χ = lim β(q − Q) = ∞ and the §3.2
/// ansatz (finite χ) does not hold; for γ = 0 the exact limit is <see cref="ReplicaTheory.GammaZero"/>, for γ ≠ 0 the
/// note gives no β → ∞ equations, so this solver refuses that region (use a large finite β).</para>
/// </remarks>
public static partial class ReplicaEquations
{
    /// <summary>Solves the zero-temperature RS equations in the ordered phase (any γ, φ = tanh).</summary>
    /// <param name="g">Gain g &gt; 0.</param>
    /// <param name="gamma">Reciprocity, |γ| ≤ 1.</param>
    /// <param name="options">Damping, tolerance and iteration limit (the quadrature settings are not used; default:
    /// damping 0.2, changes &lt; 1e-12, at most 10⁶ iterations). Near g(1 + γ) = 1 the map contracts slowly, so the
    /// error of χ can exceed the last change by the factor 1/(1 − contraction).</param>
    /// <returns>q = Q = 0, r = R = 0, e = 0, and χ, ξ.</returns>
    /// <exception cref="ArgumentOutOfRangeException">g ≤ 0, |γ| &gt; 1, or (g, γ) on or beyond the line
    /// g(1 + γ) = 1 (chaotic side: χ = ∞, no finite zero-temperature RS solution).</exception>
    public static ReplicaSolution SolveZeroTemperature(double g, double gamma, ReplicaSolverOptions? options = null)
    {
        // Each iteration is a few flops; near the line the contraction factor tends to 1 (critical slowing), so the
        // default allows a million iterations.
        options ??= new ReplicaSolverOptions { MaxIterations = 1_000_000 };
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(g);
        if (!(Math.Abs(gamma) <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "reciprocity must lie in [-1, 1]");
        }

        if (!IsOrderedPhase(g, gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(g), g, $"g(1 + gamma) = {g * (1 + gamma)} >= 1: on the chaotic side chi = lim beta(q - Q) is infinite and the zero-temperature RS equations (design note §3.2) have no finite solution; use a finite beta");
        }

        double g2 = g * g, dm = options.Damping;
        double chi = 1, chih = 0, xi = -1;
        for (int it = 1; it <= options.MaxIterations; it++)
        {
            double s2 = 1 + g2 * chi, bigGamma = -g2 * gamma * xi, t = 1 - bigGamma;
            double a = 2 * chih + t * t / s2;
            double nChi = 1 / a, nXi = -t / (s2 * a), nChih = g2 / (2 * s2) * (1 - t * t / (s2 * a));
            double change = 0;
            double Mix(double old, double upd)
            {
                double v = dm * old + (1 - dm) * upd;
                change = Math.Max(change, Math.Abs(v - old) / Math.Max(1, Math.Abs(v)));
                return v;
            }

            chi = Mix(chi, nChi);
            xi = Mix(xi, nXi);
            chih = Mix(chih, nChih);
            if (!(chi > 0) || double.IsNaN(xi))
            {
                break;
            }

            if (it >= 5 && change < options.Tolerance)
            {
                return new ReplicaSolution(g, gamma, double.PositiveInfinity, 0, 0, 0, 0, 0, 0, chi, xi, it, true);
            }
        }

        return new ReplicaSolution(g, gamma, double.PositiveInfinity, 0, 0, 0, 0, 0, 0, chi, xi, options.MaxIterations, false);
    }

    /// <summary>Whether (g, γ) lies in the ordered phase g(1 + γ) &lt; 1, where x = 0 is the only fixed point
    /// weighted at β → ∞ and the zero-temperature RS solution is finite.</summary>
    /// <param name="g">Gain.</param>
    /// <param name="gamma">Reciprocity.</param>
    /// <returns>True when g(1 + γ) &lt; 1.</returns>
    public static bool IsOrderedPhase(double g, double gamma) => g * (1 + gamma) < 1;
}
