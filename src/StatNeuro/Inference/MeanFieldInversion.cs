using MathNet.Numerics.LinearAlgebra;
using StatNeuro.Data;
using StatNeuro.Ising;

namespace StatNeuro.Inference;

/// <summary>Closed-form inversions from the means and connected correlations.</summary>
public enum MeanFieldMethod
{
    /// <summary>Naive mean field: J = −(C⁻¹)_ij (Kappen &amp; Rodríguez 1998; Tanaka 1998).</summary>
    NaiveMeanField = 0,

    /// <summary>TAP: the root of 2 m_i m_j J² + J + (C⁻¹)_ij = 0 continuous with nMF (Kappen &amp; Rodríguez 1998; Tanaka 1998).</summary>
    Tap = 1,

    /// <summary>Independent pair: J = ¼ ln[p₊₊ p₋₋ / (p₊₋ p₋₊)] (Roudi, Aurell &amp; Hertz 2009).</summary>
    IndependentPair = 2,

    /// <summary>Sessak–Monasson small-correlation expansion: J = −(C⁻¹) + J^IP − C_ij/[(1−m_i²)(1−m_j²) − C_ij²] (Sessak &amp; Monasson 2009).</summary>
    SessakMonasson = 3,
}

/// <summary>
/// Mean-field style inversions of the equilibrium Ising model from ⟨s_i⟩ and C_ij: fast (one N × N inverse) and
/// accurate only for weak couplings (β ≲ 0.5 in SK units); see docs/inference.md for measured accuracy.
/// </summary>
/// <remarks>
/// Fields: nMF and independent-pair h_i = atanh m_i − Σ_j J_ij m_j; TAP and Sessak–Monasson add the Onsager
/// reaction term + m_i Σ_j J_ij² (1 − m_j²). TAP pairs whose quadratic has no real root fall back to the nMF value;
/// their count is reported in Notes["tap_fallbacks"]. References: Kappen &amp; Rodríguez (1998) Neural Comput.
/// 10:1137; Tanaka (1998) Phys. Rev. E 58:2302; Roudi, Aurell &amp; Hertz (2009) Front. Comput. Neurosci. 3:22;
/// Sessak &amp; Monasson (2009) J. Phys. A 42:055001.
/// </remarks>
public static class MeanFieldInversion
{
    /// <summary>Inverts a raster's moments.</summary>
    /// <param name="data">Data.</param>
    /// <param name="method">Which inversion.</param>
    /// <returns>The model (Converged = true, Iterations = 0).</returns>
    public static FitResult<IsingModel> Fit(SpinRaster data, MeanFieldMethod method) => Fit(SpinMoments.FromRaster(data), method);

    /// <summary>Inverts given moments.</summary>
    /// <param name="moments">Means and second moments.</param>
    /// <param name="method">Which inversion.</param>
    /// <returns>The model.</returns>
    public static FitResult<IsingModel> Fit(SpinMoments moments, MeanFieldMethod method)
    {
        ArgumentNullException.ThrowIfNull(moments);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int n = moments.Size;
        double[] m = moments.Means;
        double[] c = moments.ConnectedCorrelations();
        Matrix<double> cm = Matrix<double>.Build.Dense(n, n, (i, j) => c[i * n + j]);
        Matrix<double> inv = cm.Inverse();
        var jm = new double[n * n];
        int fallbacks = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double ci = inv[i, j];
                double value;
                switch (method)
                {
                    case MeanFieldMethod.NaiveMeanField:
                        value = -ci;
                        break;
                    case MeanFieldMethod.Tap:
                        double disc = 1 - 8 * m[i] * m[j] * ci;
                        if (disc < 0)
                        {
                            fallbacks++;
                            value = -ci;
                        }
                        else
                        {
                            value = -2 * ci / (1 + Math.Sqrt(disc));
                        }

                        break;
                    case MeanFieldMethod.IndependentPair:
                        value = IndependentPair(m[i], m[j], c[i * n + j]);
                        break;
                    default:
                        double denominator = (1 - m[i] * m[i]) * (1 - m[j] * m[j]) - c[i * n + j] * c[i * n + j];
                        value = -ci + IndependentPair(m[i], m[j], c[i * n + j]) - c[i * n + j] / denominator;
                        break;
                }

                jm[i * n + j] = jm[j * n + i] = value;
            }
        }

        bool onsager = method is MeanFieldMethod.Tap or MeanFieldMethod.SessakMonasson;
        var h = new double[n];
        for (int i = 0; i < n; i++)
        {
            double mi = Math.Clamp(m[i], -1 + 1e-12, 1 - 1e-12);
            double sum = Math.Atanh(mi);
            for (int j = 0; j < n; j++)
            {
                sum -= jm[i * n + j] * m[j];
                if (onsager)
                {
                    sum += mi * jm[i * n + j] * jm[i * n + j] * (1 - m[j] * m[j]);
                }
            }

            h[i] = sum;
        }

        string name = method switch
        {
            MeanFieldMethod.NaiveMeanField => "nmf",
            MeanFieldMethod.Tap => "tap",
            MeanFieldMethod.IndependentPair => "ip",
            _ => "sm",
        };
        var notes = new Dictionary<string, double> { ["tap_fallbacks"] = fallbacks };
        return new FitResult<IsingModel>(new IsingModel(h, jm), true, 0, [new FitTraceEntry(0, double.NaN, double.NaN, clock.Elapsed.TotalSeconds)], name, notes);
    }

    /// <summary>The exact two-spin inversion J = ¼ ln[p₊₊ p₋₋ / (p₊₋ p₋₊)], p_ab = (1 + a m_i + b m_j + ab(C_ij + m_i m_j))/4.</summary>
    /// <param name="mi">m_i.</param>
    /// <param name="mj">m_j.</param>
    /// <param name="cij">C_ij.</param>
    /// <returns>J^IP_ij.</returns>
    public static double IndependentPair(double mi, double mj, double cij)
    {
        double q = cij + mi * mj;
        double pp = (1 + mi + mj + q) / 4, mmn = (1 - mi - mj + q) / 4;
        double pm = (1 + mi - mj - q) / 4, mp = (1 - mi + mj - q) / 4;
        return 0.25 * Math.Log(pp * mmn / (pm * mp));
    }
}
