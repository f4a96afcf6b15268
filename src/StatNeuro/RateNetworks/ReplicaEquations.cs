using MathNet.Numerics.LinearAlgebra;

namespace StatNeuro.RateNetworks;

/// <summary>Settings of the deterministic solver of the finite-β replica-symmetric equations.</summary>
public sealed record ReplicaSolverOptions
{
    /// <summary>Gauss–Hermite nodes per Gaussian field (u, v).</summary>
    public int HermiteNodes { get; init; } = 32;

    /// <summary>Points of the x grid (over ±14 prior standard deviations).</summary>
    public int GridPoints { get; init; } = 1201;

    /// <summary>Damping: new = damping·old + (1 − damping)·update.</summary>
    public double Damping { get; init; } = 0.2;

    /// <summary>Convergence: every change of (q, Q, r, R, q̂, Q̂) below this (relative to max(1, |value|)).</summary>
    public double Tolerance { get; init; } = 1e-12;

    /// <summary>Iteration limit.</summary>
    public int MaxIterations { get; init; } = 5000;

    /// <summary>L2 weight η of the potential.</summary>
    public double Eta { get; init; }
}

/// <summary>
/// The finite-β replica-symmetric equations of the Qiu–Huang measure for any reciprocity γ, solved by damped
/// iteration with deterministic quadrature (Gauss–Hermite in the two Gaussian fields, a dense x grid).
/// </summary>
/// <remarks>
/// Equations as implemented in the authors' code (function <c>SDEs</c>), transcribed in the design note §3.1:
/// σ² = 1 + βg²(q − Q), k = gβ/σ², a = gkQ, d = r̂ − R̂, r̂ = βg²γ r, R̂ = βg²γ R, single-site measure
/// w(x|u,v) ∝ N(x; 0, 1/c) e^H, c = β(1/σ² + 2η), and the updates of q, Q, r, R, q̂, Q̂ from the averages
/// Spp = E⟨φ²⟩, Ppp = E⟨φ⟩², Sxx, Pxx, Spx, Ppx. Unlike the authors' Monte Carlo with a loose stopping rule, the
/// averages here are deterministic and the iteration stops only when every change is below 1e-12: at γ = 0 it
/// reproduces the exact closed form (Q → 0, q̂ = Q̂ = 0; design note §4.1), which is a test of the transcription.
/// Convergence is slow where the Q = 0 fixed point is weakly attracting (g &gt; 1: factor g²⟨φ'⟩² per iteration).
/// <para>Energy per neuron (derived here; docs/edge-of-chaos.md): writing e^{−β(x−h)²/2} with a response field p̂,
/// e = ½⟨(x − h)²⟩ = 1/(2β) − ⟨p̂²⟩/(2β²). In the RS single-site problem the local field is h = (d/√β) φ + g√Q v + t
/// with t the replica-own Gaussian part of variance g²(q − Q); integrating t given x leaves the Gaussian factor
/// exp(−β y²/(2σ²)), y = x − (d/√β) φ − g√Q v (the quadratic part of the log-weight above), and x − h has conditional
/// mean y/σ² and variance (σ² − 1)/(βσ²). Hence
/// e = (σ² − 1)/(2βσ²) + E⟨y²⟩/(2σ⁴) + η E⟨x²⟩.
/// At γ = 0 (x ~ N(0, σ²/β), d = Q = 0) this is exactly 1/(2β) (equipartition); for γ ≠ 0 the anharmonic part of
/// the measure makes it differ at finite β.</para>
/// </remarks>
public static partial class ReplicaEquations
{
    /// <summary>Solves the RS equations at (g, γ, β).</summary>
    /// <param name="g">Gain.</param>
    /// <param name="gamma">Reciprocity.</param>
    /// <param name="beta">Inverse temperature (finite).</param>
    /// <param name="options">Solver settings.</param>
    /// <returns>The order parameters and the energy per neuron.</returns>
    public static ReplicaSolution Solve(double g, double gamma, double beta, ReplicaSolverOptions? options = null)
    {
        options ??= new ReplicaSolverOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(g);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(beta);
        (double[] hz, double[] hw) = Hermite(options.HermiteNodes);
        int nx = options.GridPoints;
        var xs = new double[nx];
        var logw = new double[nx];
        var ph = new double[nx];
        double eta = options.Eta, sb = Math.Sqrt(beta), g2 = g * g;

        double q = 1e-3, bigQ = 1e-4, qh = 0, bigQh = 0, r = 1 / sb, bigR = 0;
        bool converged = false;
        int it;
        double x2 = 0, energy = double.NaN;
        for (it = 1; it <= options.MaxIterations; it++)
        {
            double rh = beta * g2 * gamma * r, bigRh = beta * g2 * gamma * bigR;
            double s2 = 1 + beta * g2 * (q - bigQ);
            double k = g * beta / s2, a = g * k * bigQ, d = rh - bigRh;
            double c = beta * (1 / s2 + 2 * eta);
            double F(double c1, double c2, double c4) => c1 * rh + c2 * bigRh + c4 * a * d;

            double alpha = (2 * qh - bigQh) / 2 - d * d / (2 * s2);
            double delta1 = sb * d / s2;
            double sqBQ = Math.Sqrt(beta * Math.Max(bigQ, 0));
            double rhTerm = bigRh == 0 ? 0 : bigRh / (g * sqBQ);
            double su = Math.Sqrt(Math.Max(0, bigQh - (bigRh == 0 ? 0 : bigRh * bigRh / (g2 * beta * bigQ))));
            double kappa1 = g * sqBQ * d / s2 - rhTerm;
            double kappa2 = g * beta * Math.Sqrt(Math.Max(bigQ, 0)) / s2;

            // x grid over ±14 prior standard deviations; base log-weight = prior + the (u,v)-independent part of H.
            double sd = 1 / Math.Sqrt(c);
            for (int j = 0; j < nx; j++)
            {
                double x = -14 * sd + 28 * sd * j / (nx - 1);
                xs[j] = x;
                ph[j] = Math.Tanh(x);
                logw[j] = -0.5 * c * x * x + alpha * ph[j] * ph[j] + delta1 * x * ph[j];
            }

            double spp = 0, ppp = 0, sxx = 0, pxx = 0, spx = 0, ppx = 0, syy = 0;
            double wd = d / sb, sq = g * Math.Sqrt(Math.Max(bigQ, 0));
            for (int iu = 0; iu < hz.Length; iu++)
            {
                for (int iv = 0; iv < hz.Length; iv++)
                {
                    double wuv = hw[iu] * hw[iv];
                    double ca = su * hz[iu] - kappa1 * hz[iv], cb = kappa2 * hz[iv];
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < nx; j++)
                    {
                        max = Math.Max(max, logw[j] + ca * ph[j] + cb * xs[j]);
                    }

                    double z = 0, m1 = 0, m2 = 0, x1 = 0, xx = 0, px = 0;
                    for (int j = 0; j < nx; j++)
                    {
                        double w = Math.Exp(logw[j] + ca * ph[j] + cb * xs[j] - max);
                        double p = ph[j], x = xs[j];
                        z += w;
                        m1 += w * p;
                        m2 += w * p * p;
                        x1 += w * x;
                        xx += w * x * x;
                        px += w * p * x;
                    }

                    m1 /= z;
                    m2 /= z;
                    x1 /= z;
                    xx /= z;
                    px /= z;
                    spp += wuv * m2;
                    ppp += wuv * m1 * m1;
                    sxx += wuv * xx;
                    pxx += wuv * x1 * x1;
                    spx += wuv * px;
                    ppx += wuv * m1 * x1;

                    // ⟨y²⟩, y = x − (d/√β) φ − g√Q v: the part of x − h not carried by the replica-own field.
                    double v = hz[iv];
                    syy += wuv * (xx + wd * wd * m2 + sq * sq * v * v - 2 * wd * px - 2 * sq * v * x1 + 2 * wd * sq * v * m1);
                }
            }

            double gk = g * k;
            double nq = spp, nQ = ppp;
            double nr = (-F(1, 0, -1) * spp + F(0, 1, -1) * ppp + sb * (1 - a) * spx + sb * a * ppx) / s2;
            double nR = (-F(0, 1, -1) * spp - F(1, -2, 1) * ppp - sb * a * spx + sb * (1 + a) * ppx) / s2;
            double nqh = -gk / 2 + g2 * k * k * bigQ / 2 + k * k * (1 - 2 * a) * sxx / 2 + g * k * k * k * bigQ * pxx
                + gk * d * F(1, 1, -2) * spp / (2 * s2) + gk * d * F(0, -1, 1) * ppp / s2
                + gk * sb * F(0, 1, -2) * ppx / s2 + gk * sb * F(-1, 0, 2) * spx / s2;
            double nQh = g2 * k * k * bigQ + k * k * (1 + 2 * a) * pxx - 2 * g * k * k * k * bigQ * sxx
                + 2 * gk * d * F(0, 1, -1) * spp / s2 + gk * d * F(1, -3, 2) * ppp / s2
                - 2 * gk * sb * F(1, -2, 2) * ppx / s2 + 2 * gk * sb * F(0, -1, 2) * spx / s2;
            x2 = sxx;
            energy = (s2 - 1) / (2 * beta * s2) + syy / (2 * s2 * s2) + eta * sxx;

            double dm = options.Damping;
            double change = 0;
            double Mix(double old, double upd)
            {
                double v = dm * old + (1 - dm) * upd;
                change = Math.Max(change, Math.Abs(v - old) / Math.Max(1, Math.Abs(v)));
                return v;
            }

            q = Mix(q, nq);
            bigQ = Mix(bigQ, Math.Max(0, nQ));
            r = Mix(r, nr);
            bigR = Mix(bigR, nR);
            qh = Mix(qh, nqh);
            bigQh = Mix(bigQh, nQh);
            if (it >= 20 && change < options.Tolerance)
            {
                converged = true;
                break;
            }
        }

        return new ReplicaSolution(g, gamma, beta, q, bigQ, r, bigR, x2, energy, double.NaN, double.NaN, Math.Min(it, options.MaxIterations), converged);
    }

    /// <summary>Probabilists' Gauss–Hermite rule (weight e^{−z²/2}/√(2π)) by Golub–Welsch.</summary>
    internal static (double[] Nodes, double[] Weights) Hermite(int n)
    {
        var jac = Matrix<double>.Build.Dense(n, n);
        for (int i = 1; i < n; i++)
        {
            jac[i, i - 1] = jac[i - 1, i] = Math.Sqrt(i);
        }

        var evd = jac.Evd(Symmetricity.Symmetric);
        var nodes = new double[n];
        var weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            nodes[i] = evd.EigenValues[i].Real;
            double v0 = evd.EigenVectors[0, i];
            weights[i] = v0 * v0;
        }

        return (nodes, weights);
    }
}
