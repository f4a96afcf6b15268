using StatNeuro.Numerics;

namespace StatNeuro.MeanField;

/// <summary>Least-squares fit of m_fit(T) = ½ - ½ tanh(a(T - T_c)) to the exact mean-field magnetization.</summary>
/// <param name="Slope">a.</param>
/// <param name="CriticalTemperature">T_c of the fit.</param>
/// <param name="RootMeanSquare">rms residual on the grid.</param>
/// <param name="PaperRootMeanSquare">rms residual of the paper's a = 6, T_c = 1 on the same grid.</param>
public sealed record ActivationFit(double Slope, double CriticalTemperature, double RootMeanSquare, double PaperRootMeanSquare);

/// <summary>
/// Activation functions from the mean-field Ising model (seed 004): the magnetization curve, its tanh fit, and the
/// spike-count integrals that give softplus, ReLU and ELU-like curves.
/// </summary>
/// <remarks>
/// <para>Exact: m(T) the positive root of m = tanh(T_c m/T) (seed 004 eq. 1, Fig. 1). Fit (eq. 2, Fig. 2):
/// m_fit(T) = ½ - ½ tanh(a(T - T_c)) = logistic(2a(T_c - T)), paper a = 6, T_c = 1 (a heuristic: m_fit(T_c) = ½ while
/// the exact m is 0 there and non-analytic).</para>
/// <para>Spike count: ∫_T^∞ m_fit dT' = softplus(2a(T_c - T))/(2a) → ReLU(T_c - T) as a → ∞ (error ≤ ln 2/(2a)).
/// The paper's integral ½∫_0^Q [tanh T + 1] dT = Q + ½ ln(1 + e^(-2Q)) - ½ ln 2 exactly (the paper writes
/// + ½ ln 2 + C: its constant differs by ln 2). With C = -α the curve is ELU-like and differs from
/// ELU(Q) = Q (Q &gt; 0), α(e^Q - 1) (Q ≤ 0) by at most α.</para>
/// </remarks>
public static class ActivationFunctions
{
    /// <summary>m_fit(T) = ½ - ½ tanh(a(T - T_c)).</summary>
    /// <param name="temperature">T.</param>
    /// <param name="slope">a (paper: 6).</param>
    /// <param name="criticalTemperature">T_c (paper: 1).</param>
    /// <returns>m_fit.</returns>
    public static double FittedMagnetization(double temperature, double slope = 6, double criticalTemperature = 1) =>
        0.5 - (0.5 * Math.Tanh(slope * (temperature - criticalTemperature)));

    /// <summary>Exact mean-field magnetization m(T) ≥ 0 with T_c = 1 (seed 004 Fig. 1).</summary>
    /// <param name="temperature">T &gt; 0.</param>
    /// <returns>m(T).</returns>
    public static double ExactMagnetization(double temperature) => CurieWeiss.SpontaneousMagnetization(temperature, 1);

    /// <summary>Spike count ∫_T^∞ m_fit(T') dT' = softplus(2a(T_c - T))/(2a).</summary>
    /// <param name="temperature">T (= -V: input).</param>
    /// <param name="slope">a.</param>
    /// <param name="criticalTemperature">T_c.</param>
    /// <returns>The integral.</returns>
    public static double SpikeCount(double temperature, double slope = 6, double criticalTemperature = 1) =>
        SpecialFunctions.Softplus(2 * slope * (criticalTemperature - temperature)) / (2 * slope);

    /// <summary>The paper's integral ½∫_0^Q [tanh T + 1] dT = Q + ½ ln(1 + e^(-2Q)) - ½ ln 2 (exact).</summary>
    /// <param name="q">Q.</param>
    /// <returns>The integral.</returns>
    public static double PaperIntegral(double q) =>
        q + (0.5 * SpecialFunctions.Softplus(-2 * q)) - (0.5 * Math.Log(2));

    /// <summary>ReLU max(0, x).</summary>
    /// <param name="x">x.</param>
    /// <returns>max(0, x).</returns>
    public static double Relu(double x) => Math.Max(0, x);

    /// <summary>ELU: x for x &gt; 0, α(e^x - 1) otherwise.</summary>
    /// <param name="x">x.</param>
    /// <param name="alpha">α.</param>
    /// <returns>ELU(x).</returns>
    public static double Elu(double x, double alpha = 1) => x > 0 ? x : alpha * ErrorFunctions.ExpM1(x);

    /// <summary>Least-squares fit of (a, T_c) to the exact m(T) on a grid, by damped Gauss–Newton from (6, 1).</summary>
    /// <param name="temperatures">Grid of T.</param>
    /// <returns>The fit and both rms values.</returns>
    public static ActivationFit Fit(IReadOnlyList<double> temperatures)
    {
        ArgumentNullException.ThrowIfNull(temperatures);
        var exact = temperatures.Select(ExactMagnetization).ToArray();
        double Rms(double a, double tc)
        {
            double s = 0;
            for (int i = 0; i < exact.Length; i++)
            {
                double r = FittedMagnetization(temperatures[i], a, tc) - exact[i];
                s += r * r;
            }

            return Math.Sqrt(s / exact.Length);
        }

        double slope = 6, tc = 1, lambda = 1e-3;
        double current = Rms(slope, tc);
        for (int iter = 0; iter < 500; iter++)
        {
            // Normal equations of the residual r_i = m_fit(T_i; a, T_c) - m_i.
            double g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
            for (int i = 0; i < exact.Length; i++)
            {
                double u = slope * (temperatures[i] - tc);
                double sech2 = 1 - (Math.Tanh(u) * Math.Tanh(u));
                double da = -0.5 * sech2 * (temperatures[i] - tc);
                double dtc = 0.5 * sech2 * slope;
                double r = FittedMagnetization(temperatures[i], slope, tc) - exact[i];
                g0 += da * r;
                g1 += dtc * r;
                h00 += da * da;
                h01 += da * dtc;
                h11 += dtc * dtc;
            }

            double a00 = h00 * (1 + lambda), a11 = h11 * (1 + lambda);
            double det = (a00 * a11) - (h01 * h01);
            double step0 = -((a11 * g0) - (h01 * g1)) / det;
            double step1 = -((a00 * g1) - (h01 * g0)) / det;
            double trial = Rms(slope + step0, tc + step1);
            if (trial < current)
            {
                slope += step0;
                tc += step1;
                lambda *= 0.3;
                if (current - trial < 1e-15)
                {
                    current = trial;
                    break;
                }

                current = trial;
            }
            else
            {
                lambda *= 10;
                if (lambda > 1e12)
                {
                    break;
                }
            }
        }

        return new ActivationFit(slope, tc, current, Rms(6, 1));
    }
}
