namespace StatNeuro.MeanField;

/// <summary>Settings of the damped forward mean-field iterations.</summary>
/// <param name="Damping">λ in m ← (1 - λ) m + λ F(m), in (0, 1].</param>
/// <param name="Tolerance">Converged when max |m^(t+1) - m^t| is below this.</param>
/// <param name="MaxIterations">Iteration cap.</param>
public sealed record MeanFieldSettings(double Damping = 0.5, double Tolerance = 1e-12, int MaxIterations = 100_000);

/// <summary>A forward mean-field solution for an arbitrary Ising model.</summary>
/// <param name="Magnetizations">m_i.</param>
/// <param name="Converged">True when the update fell below the tolerance within the iteration cap.</param>
/// <param name="Iterations">Iterations used.</param>
/// <param name="Residual">max_i |m_i - F_i(m)| at the returned m.</param>
/// <param name="FreeEnergy">Naive (or TAP) mean-field free energy at m (ranks multiple solutions).</param>
public sealed record MeanFieldIsingSolution(double[] Magnetizations, bool Converged, int Iterations, double Residual, double FreeEnergy);

/// <summary>
/// Forward naive mean-field and TAP equations for P(s) ∝ exp(Σ h_i s_i + Σ_(i&lt;j) J_ij s_i s_j), J symmetric with
/// zero diagonal (β absorbed), used by the inference methods.
/// </summary>
/// <remarks>
/// <para>Naive: m_i = tanh(h_i + Σ_j J_ij m_j). TAP (Thouless, Anderson &amp; Palmer 1977, Onsager reaction term):
/// m_i = tanh(h_i + Σ_j J_ij m_j - m_i Σ_j J_ij^2 (1 - m_j^2)), iterated in the time-indexed form of
/// Bolthausen (2014), m^(t+1) = tanh(h + J m^t - m^(t-1) ∘ (J∘J)(1 - (m^t)^2)), with damping.</para>
/// <para>Free energies: F = -Σ h_i m_i - ½ Σ_ij J_ij m_i m_j - S(m), S = -Σ [(1+m)/2 ln((1+m)/2) +
/// (1-m)/2 ln((1-m)/2)], plus -¼ Σ_ij J_ij^2 (1 - m_i^2)(1 - m_j^2) for TAP.</para>
/// </remarks>
public static class MeanFieldIsing
{
    /// <summary>Solves the naive mean-field equations by damped iteration.</summary>
    /// <param name="fields">h (length N).</param>
    /// <param name="couplings">J (N × N, symmetric, zero diagonal).</param>
    /// <param name="settings">Damping, tolerance, cap (defaults when null).</param>
    /// <param name="initial">Starting m (zeros plus 0.01 · sign(h) when null).</param>
    /// <returns>The solution with convergence status.</returns>
    public static MeanFieldIsingSolution SolveNaive(double[] fields, double[,] couplings, MeanFieldSettings? settings = null, double[]? initial = null) =>
        Solve(fields, couplings, settings ?? new MeanFieldSettings(), initial, tap: false);

    /// <summary>Solves the TAP equations (Bolthausen's iteration, damped).</summary>
    /// <param name="fields">h.</param>
    /// <param name="couplings">J.</param>
    /// <param name="settings">Settings.</param>
    /// <param name="initial">Starting m.</param>
    /// <returns>The solution with convergence status.</returns>
    public static MeanFieldIsingSolution SolveTap(double[] fields, double[,] couplings, MeanFieldSettings? settings = null, double[]? initial = null) =>
        Solve(fields, couplings, settings ?? new MeanFieldSettings(), initial, tap: true);

    /// <summary>The mean-field free energy (naive, or TAP with the Onsager term).</summary>
    /// <param name="m">Magnetizations.</param>
    /// <param name="fields">h.</param>
    /// <param name="couplings">J.</param>
    /// <param name="tap">Include the Onsager term.</param>
    /// <returns>F.</returns>
    public static double FreeEnergy(double[] m, double[] fields, double[,] couplings, bool tap)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(couplings);
        int n = m.Length;
        double f = 0;
        for (int i = 0; i < n; i++)
        {
            f -= fields[i] * m[i];
            f += XLogX(0.5 * (1 + m[i])) + XLogX(0.5 * (1 - m[i]));
            for (int j = 0; j < n; j++)
            {
                f -= 0.5 * couplings[i, j] * m[i] * m[j];
                if (tap)
                {
                    f -= 0.25 * couplings[i, j] * couplings[i, j] * (1 - (m[i] * m[i])) * (1 - (m[j] * m[j]));
                }
            }
        }

        return f;
    }

    private static MeanFieldIsingSolution Solve(double[] h, double[,] j, MeanFieldSettings s, double[]? initial, bool tap)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(j);
        int n = h.Length;
        if (j.GetLength(0) != n || j.GetLength(1) != n)
        {
            throw new ArgumentException($"couplings must be {n} x {n}, got {j.GetLength(0)} x {j.GetLength(1)}.", nameof(j));
        }

        if (!(s.Damping > 0 && s.Damping <= 1) || !(s.Tolerance > 0) || s.MaxIterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(s), "Damping must be in (0, 1], Tolerance > 0, MaxIterations >= 1.");
        }

        var m = new double[n];
        for (int i = 0; i < n; i++)
        {
            m[i] = initial is null ? 0.01 * Math.Sign(h[i]) : initial[i];
        }

        var previous = (double[])m.Clone();
        var next = new double[n];
        int iteration = 0;
        bool converged = false;
        while (iteration < s.MaxIterations)
        {
            iteration++;
            double change = 0;
            for (int i = 0; i < n; i++)
            {
                double local = h[i], reaction = 0;
                for (int k = 0; k < n; k++)
                {
                    local += j[i, k] * m[k];
                    reaction += j[i, k] * j[i, k] * (1 - (m[k] * m[k]));
                }

                double target = Math.Tanh(tap ? local - (previous[i] * reaction) : local);
                next[i] = ((1 - s.Damping) * m[i]) + (s.Damping * target);
                change = Math.Max(change, Math.Abs(next[i] - m[i]));
            }

            Array.Copy(m, previous, n);
            Array.Copy(next, m, n);
            if (change < s.Tolerance)
            {
                converged = true;
                break;
            }
        }

        double residual = 0;
        for (int i = 0; i < n; i++)
        {
            double local = h[i], reaction = 0;
            for (int k = 0; k < n; k++)
            {
                local += j[i, k] * m[k];
                reaction += j[i, k] * j[i, k] * (1 - (m[k] * m[k]));
            }

            residual = Math.Max(residual, Math.Abs(m[i] - Math.Tanh(tap ? local - (m[i] * reaction) : local)));
        }

        return new MeanFieldIsingSolution(m, converged, iteration, residual, FreeEnergy(m, h, j, tap));
    }

    private static double XLogX(double x) => x > 0 ? x * Math.Log(x) : 0;
}
