using System.Numerics.Tensors;
using StatNeuro.Numerics;

namespace StatNeuro.RateNetworks;

/// <summary>Stationary DMFT solution of a random rate network (γ = 0), with or without white noise.</summary>
/// <param name="G">Gain g.</param>
/// <param name="NoiseD">Noise intensity D.</param>
/// <param name="Delta0">Δ0 = Δ(0), the variance of x.</param>
/// <param name="LambdaMax">Maximal Lyapunov exponent −1 + √(1 − ε0).</param>
/// <param name="GroundStateEnergy">ε0, ground-state energy of −∂τ² + 1 − g² C_φ'(τ).</param>
/// <param name="PhiSquare">C_φ(0) = ⟨φ(√Δ0 z)²⟩.</param>
/// <param name="LocalStability">g² ⟨φ'(√Δ0 z)²⟩ (local-stability indicator, 1 at the naive onset).</param>
/// <param name="Curvature">Δ''(0⁺) = Δ0 − g² C_φ(0); chaos (with noise) where it is negative.</param>
/// <param name="Tau">Time lags τ (ascending, from 0).</param>
/// <param name="Delta">Δ(τ) at <paramref name="Tau"/>.</param>
public sealed record DmftSolution(
    double G,
    double NoiseD,
    double Delta0,
    double LambdaMax,
    double GroundStateEnergy,
    double PhiSquare,
    double LocalStability,
    double Curvature,
    double[] Tau,
    double[] Delta);

/// <summary>
/// Dynamical mean-field theory of dx/dt = −x + J φ(x) + ξ with i.i.d. couplings (γ = 0): Sompolinsky, Crisanti &amp;
/// Sommers (PRL 61, 259, 1988) without noise; Schuecker, Goedeke &amp; Helias (PRX 8, 041029, 2018) with white
/// noise ⟨ξ_i(t)ξ_j(s)⟩ = 2D δ_ij δ(t−s).
/// </summary>
/// <remarks>
/// <para>The autocorrelation Δ(τ) = ⟨x(t)x(t+τ)⟩ obeys (1 − ∂τ²)Δ = g² C_φ(Δ; Δ0) + 2D δ(τ), i.e. a particle
/// Δ'' = −∂V/∂Δ in V(Δ; Δ0) = −Δ²/2 + g² C_Φ(Δ; Δ0), with C_f(Δ; Δ0) = ∫Dz [∫Dy f(√(Δ0−Δ) y + √Δ z)]² and Φ' = φ.
/// It starts at Δ0 with speed −D and comes to rest at Δ = 0, so energy conservation gives the closed equation
/// Δ0²/2 = D²/2 + g² (⟨Φ(√Δ0 z)²⟩ − ⟨Φ(√Δ0 z)⟩²).</para>
/// <para>Δ(τ) follows from τ(Δ) = ∫_Δ^Δ0 dΔ'/√K(Δ'), K = D² + 2(V(Δ0) − V(Δ)), taken on a grid with K linear per cell
/// (exact cell integral 2h/(√K_a + √K_b), finite at the turning point) and inverted cell by cell; below the last
/// grid node Δ decays as e^{−κτ}, κ = √(1 − g²⟨φ'⟩²) (V'' = −1 + g² C_φ' by Price's theorem).</para>
/// <para>Maximal Lyapunov exponent: the ground state ε0 of H = −∂τ² + 1 − g² C_φ'(Δ(|τ|); Δ0) (even, Neumann at
/// τ = 0, finite differences, Sturm-sequence bisection of the symmetric tridiagonal matrix) gives
/// λ_max = −1 + √(1 − ε0) (SCS 1988). With noise the same operator applies (both copies see the same noise), and the
/// kink of Δ at τ = 0 makes chaos set in exactly where Δ''(0⁺) = Δ0 − g² C_φ(0) changes sign (design note §6.2).</para>
/// <para>Only odd φ (tanh, erf) are supported: for them ⟨φ⟩ = 0 and Δ(∞) = 0.</para>
/// </remarks>
public static class ScsDmft
{
    /// <summary>Δ0(g, D) from the energy condition (0 for the quiescent state at D = 0).</summary>
    /// <param name="g">Gain.</param>
    /// <param name="noiseD">Noise intensity D ≥ 0.</param>
    /// <param name="activation">φ (tanh or erf).</param>
    /// <param name="rule">Gaussian rule (default h = 0.1).</param>
    /// <returns>Δ0.</returns>
    public static double Delta0(double g, double noiseD = 0, RateActivation activation = RateActivation.Tanh, GaussianAverage? rule = null)
    {
        Check(g, noiseD, activation);
        rule ??= GaussianAverage.Default;
        double Residual(double d0)
        {
            double s = Math.Sqrt(d0), m1 = 0, m2 = 0;
            for (int k = 0; k < rule.Nodes.Length; k++)
            {
                double p = RateActivations.Primitive(activation, s * rule.Nodes[k]);
                m1 += rule.Weights[k] * p;
                m2 += rule.Weights[k] * p * p;
            }

            return 0.5 * d0 * d0 - 0.5 * noiseD * noiseD - g * g * (m2 - m1 * m1);
        }

        // Scan upward from a tiny Δ0 (residual < 0 there unless the quiescent state is stable) to the first sign change.
        double lo = noiseD > 0 ? Math.Min(1e-8, noiseD * 1e-3) : 1e-8;
        double flo = Residual(lo);
        if (flo >= 0)
        {
            return 0.0;
        }

        double hi = lo;
        double fhi = flo;
        for (int it = 0; it < 400 && fhi < 0; it++)
        {
            lo = hi;
            hi *= 1.5;
            fhi = Residual(hi);
        }

        if (fhi < 0)
        {
            throw new ArithmeticException($"Delta0: no root found for g = {g}, D = {noiseD}");
        }

        return RootFinding.Brent(Residual, lo, hi, 1e-15 * Math.Max(1, hi)).Root;
    }

    /// <summary>Full stationary solution: Δ0, Δ(τ), ε0, λ_max.</summary>
    /// <param name="g">Gain.</param>
    /// <param name="noiseD">Noise intensity D ≥ 0.</param>
    /// <param name="activation">φ (tanh or erf).</param>
    /// <param name="rule">Gaussian rule (default h = 0.1).</param>
    /// <param name="tauStep">Finite-difference step of the Schrödinger problem (default 0.01).</param>
    /// <returns>The solution.</returns>
    public static DmftSolution Solve(double g, double noiseD = 0, RateActivation activation = RateActivation.Tanh, GaussianAverage? rule = null, double tauStep = 0.01) =>
        Solve(g, noiseD, activation, rule, tauStep, 320, 80);

    internal static DmftSolution Solve(double g, double noiseD, RateActivation activation, GaussianAverage? rule, double tauStep, int uniformCells, int geometricCells)
    {
        rule ??= GaussianAverage.Default;
        double d0 = Delta0(g, noiseD, activation, rule);
        double phi2 = 0, slope2 = 0;
        double s0 = Math.Sqrt(d0);
        for (int k = 0; k < rule.Nodes.Length; k++)
        {
            double p = RateActivations.Phi(activation, s0 * rule.Nodes[k]);
            double d = RateActivations.Derivative(activation, s0 * rule.Nodes[k]);
            phi2 += rule.Weights[k] * p * p;
            slope2 += rule.Weights[k] * d * d;
        }

        double curvature = d0 - g * g * phi2;
        if (d0 <= 0)
        {
            // Quiescent fixed point x = 0: C_φ' ≡ φ'(0)², ε0 = 1 − g² φ'(0)², λ = −1 + g φ'(0).
            double a = RateActivations.Derivative(activation, 0);
            double eps = 1 - g * g * a * a;
            return new DmftSolution(g, noiseD, 0, -1 + g * a, eps, 0, g * g * a * a, 0, [0.0], [0.0]);
        }

        // Δ grid: graded on [f Δ0, Δ0], geometric below, then 0.
        const double f = 0.02, smallest = 1e-8;
        int m = uniformCells + geometricCells;
        var delta = new double[m + 2];
        for (int j = 0; j <= uniformCells; j++)
        {
            // Smoothstep grading (spacing ∝ t near Δ0): the turning point's cell error O(h^1.5) becomes O(h³).
            double t = (double)j / uniformCells;
            delta[j] = d0 * (1 - (1 - f) * t * t * (3 - 2 * t));
        }

        double ratio = Math.Pow(smallest / f, 1.0 / geometricCells);
        for (int j = 1; j <= geometricCells; j++)
        {
            delta[uniformCells + j] = d0 * f * Math.Pow(ratio, j);
        }

        delta[m + 1] = 0;
        var cPrimitive = new double[m + 2];
        var cSlope = new double[m + 2];
        Parallel.For(0, m + 2, j =>
        {
            (cPrimitive[j], cSlope[j]) = TwoPointAverages(activation, rule, d0, delta[j]);
        });

        double v0 = -0.5 * d0 * d0 + g * g * cPrimitive[0];
        var kin = new double[m + 1];
        for (int j = 0; j <= m; j++)
        {
            double v = -0.5 * delta[j] * delta[j] + g * g * cPrimitive[j];
            kin[j] = Math.Max(0, noiseD * noiseD + 2 * (v0 - v));
        }

        kin[0] = noiseD * noiseD;
        var tauNode = new double[m + 1];
        for (int j = 0; j < m; j++)
        {
            double den = Math.Sqrt(kin[j]) + Math.Sqrt(kin[j + 1]);
            tauNode[j + 1] = tauNode[j] + (den > 0 ? 2 * (delta[j] - delta[j + 1]) / den : double.PositiveInfinity);
        }

        double slopeZero = cSlope[m + 1];
        double kappa = Math.Sqrt(Math.Max(1e-300, 1 - g * g * slopeZero));

        // Δ at any τ: cell search and exact inversion for linear K, exponential tail after the last node.
        int cell = 0;
        double DeltaAt(double tau)
        {
            while (cell < m && tauNode[cell + 1] <= tau)
            {
                cell++;
            }

            if (cell >= m)
            {
                return delta[m] * Math.Exp(-kappa * (tau - tauNode[m]));
            }

            double dt = tau - tauNode[cell];
            double h = delta[cell] - delta[cell + 1];
            double sl = (kin[cell + 1] - kin[cell]) / h;
            double u = dt * Math.Sqrt(kin[cell]) + 0.25 * sl * dt * dt;
            return delta[cell] - Math.Min(h, Math.Max(0, u));
        }

        double SlopeAt(double dv)
        {
            // C_φ' by linear interpolation on the (descending) Δ grid.
            int lo = 0, hi = m + 1;
            while (hi - lo > 1)
            {
                int mid = (lo + hi) / 2;
                if (delta[mid] >= dv)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid;
                }
            }

            double w = (delta[lo] - dv) / (delta[lo] - delta[hi]);
            return cSlope[lo] + w * (cSlope[hi] - cSlope[lo]);
        }

        double tauHalf = 0;
        for (int j = 0; j <= m; j++)
        {
            if (delta[j] <= 0.5 * d0)
            {
                tauHalf = tauNode[j];
                break;
            }
        }

        double length = Math.Min(4000, Math.Max(Math.Max(12 * tauHalf, 25 / kappa), 20));
        double hStep = Math.Max(tauStep, length / 200_000);
        int points = (int)Math.Ceiling(length / hStep) + 1;
        var tau = new double[points];
        var dtau = new double[points];
        var potential = new double[points];
        for (int k = 0; k < points; k++)
        {
            tau[k] = k * hStep;
            dtau[k] = DeltaAt(tau[k]);
            potential[k] = 1 - g * g * SlopeAt(dtau[k]);
        }

        double eps0 = GroundState(potential, hStep);
        double lambda = -1 + Math.Sqrt(1 - eps0);
        int keep = Math.Min(points, (int)Math.Ceiling(Math.Max(6 * tauHalf, 10) / hStep) + 1);
        return new DmftSolution(g, noiseD, d0, lambda, eps0, phi2, g * g * slope2, curvature, tau[..keep], dtau[..keep]);
    }

    /// <summary>Chaos onset g_c(D) with noise: the gain where Δ''(0⁺) = Δ0 − g² ⟨φ(√Δ0 z)²⟩ changes sign.</summary>
    /// <param name="noiseD">Noise intensity D &gt; 0 (D = 0 gives g_c = 1).</param>
    /// <param name="activation">φ (tanh or erf).</param>
    /// <param name="rule">Gaussian rule.</param>
    /// <returns>g_c.</returns>
    public static double CriticalGain(double noiseD, RateActivation activation = RateActivation.Tanh, GaussianAverage? rule = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(noiseD);
        if (noiseD == 0)
        {
            return 1.0 / RateActivations.Derivative(activation, 0);
        }

        rule ??= GaussianAverage.Default;
        double Curv(double g)
        {
            double d0 = Delta0(g, noiseD, activation, rule);
            double s = Math.Sqrt(d0), p2 = 0;
            for (int k = 0; k < rule.Nodes.Length; k++)
            {
                double p = RateActivations.Phi(activation, s * rule.Nodes[k]);
                p2 += rule.Weights[k] * p * p;
            }

            return (d0 - g * g * p2) / d0;
        }

        double lo = 1.0, hi = 1.0;
        double fhi = Curv(hi);
        for (int it = 0; it < 200 && fhi > 0; it++)
        {
            lo = hi;
            hi *= 1.1;
            fhi = Curv(hi);
        }

        return RootFinding.Brent(Curv, lo, hi, 1e-12).Root;
    }

    /// <summary>The local-stability gain: g with g² ⟨φ'(√Δ0(g,D) z)²⟩ = 1.</summary>
    /// <param name="noiseD">Noise intensity D ≥ 0.</param>
    /// <param name="activation">φ.</param>
    /// <param name="rule">Gaussian rule.</param>
    /// <returns>The gain.</returns>
    public static double LocalStabilityGain(double noiseD, RateActivation activation = RateActivation.Tanh, GaussianAverage? rule = null)
    {
        rule ??= GaussianAverage.Default;
        double F(double g)
        {
            double d0 = Delta0(g, noiseD, activation, rule);
            double s = Math.Sqrt(d0), a = 0;
            for (int k = 0; k < rule.Nodes.Length; k++)
            {
                double d = RateActivations.Derivative(activation, s * rule.Nodes[k]);
                a += rule.Weights[k] * d * d;
            }

            return g * g * a - 1;
        }

        double lo = 0.5, hi = 0.5;
        double fhi = F(hi);
        for (int it = 0; it < 200 && fhi < 0; it++)
        {
            lo = hi;
            hi *= 1.1;
            fhi = F(hi);
        }

        return RootFinding.Brent(F, lo, hi, 1e-12).Root;
    }

    /// <summary>Lowest eigenvalue of −∂τ² + W on [0, L] (Neumann at 0, Dirichlet beyond L) by Sturm bisection.</summary>
    internal static double GroundState(double[] potential, double h)
    {
        int n = potential.Length;
        double inv = 1 / (h * h);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double w in potential)
        {
            lo = Math.Min(lo, w);
            hi = Math.Max(hi, w);
        }

        hi += 4 * inv;

        // Count eigenvalues below x: negative pivots of the LDLᵀ of T − x (symmetrised: off-diagonal −√2/h² at 0).
        int Count(double x)
        {
            int c = 0;
            double q = 2 * inv + potential[0] - x;
            if (q < 0)
            {
                c++;
            }

            for (int k = 1; k < n; k++)
            {
                double e2 = k == 1 ? 2 * inv * inv : inv * inv;
                if (q == 0)
                {
                    q = 1e-300;
                }

                q = 2 * inv + potential[k] - x - e2 / q;
                if (q < 0)
                {
                    c++;
                }
            }

            return c;
        }

        for (int it = 0; it < 200 && hi - lo > 1e-14 * Math.Max(1, Math.Abs(lo)); it++)
        {
            double mid = 0.5 * (lo + hi);
            if (Count(mid) >= 1)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return 0.5 * (lo + hi);
    }

    /// <summary>C_Φ(Δ; Δ0) and C_φ'(Δ; Δ0) by the 2-D trapezoid rule.</summary>
    internal static (double Primitive, double Slope) TwoPointAverages(RateActivation activation, GaussianAverage rule, double d0, double d)
    {
        double a = Math.Sqrt(Math.Max(0, d0 - d)), b = Math.Sqrt(Math.Max(0, d));
        double[] z = rule.Nodes, w = rule.Weights;
        double cp = 0, cs = 0;
        int n = z.Length, mid = n / 2;

        // Both inner averages are even in z (Φ even, φ' even for odd φ), so sum z ≥ 0 and double the z > 0 part.
        Span<double> arg = stackalloc double[n];
        Span<double> ex = stackalloc double[n];
        Span<double> tmp = stackalloc double[n];
        for (int i = mid; i < n; i++)
        {
            double bz = b * z[i], ip, isl;
            if (activation == RateActivation.Tanh)
            {
                // Φ = |u| + ln(1 + e) − ln 2, φ' = 4e/(1 + e)², e = exp(−2|u|), vectorised over the inner nodes.
                TensorPrimitives.Multiply(z, a, arg);
                TensorPrimitives.Add(arg, bz, arg);
                TensorPrimitives.Abs(arg, arg);
                TensorPrimitives.Multiply(arg, -2.0, ex);
                TensorPrimitives.Exp(ex, ex);
                TensorPrimitives.Add(ex, 1.0, tmp);
                TensorPrimitives.Log(tmp, tmp);
                ip = TensorPrimitives.Dot(w, arg) + TensorPrimitives.Dot(w, tmp) - 0.69314718055994530942;
                TensorPrimitives.Add(ex, 1.0, tmp);
                TensorPrimitives.Multiply(tmp, tmp, tmp);
                TensorPrimitives.Divide(ex, tmp, tmp);
                isl = 4 * TensorPrimitives.Dot(w, tmp);
            }
            else
            {
                ip = 0;
                isl = 0;
                for (int k = 0; k < n; k++)
                {
                    double u = a * z[k] + bz;
                    ip += w[k] * RateActivations.Primitive(activation, u);
                    isl += w[k] * RateActivations.Derivative(activation, u);
                }
            }

            double factor = i == mid ? 1.0 : 2.0;
            cp += factor * w[i] * ip * ip;
            cs += factor * w[i] * isl * isl;
        }

        return (cp, cs);
    }

    private static void Check(double g, double noiseD, RateActivation activation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(g);
        ArgumentOutOfRangeException.ThrowIfNegative(noiseD);
        if (activation is not (RateActivation.Tanh or RateActivation.Erf))
        {
            throw new NotSupportedException($"SCS DMFT needs an odd, bounded φ (tanh or erf); got {activation}");
        }
    }
}
