using System.Numerics;

namespace StatNeuro.MeanField;

/// <summary>
/// Linear response of the population rate to a modulation of μ, χ(ω) = ν1/μ1, from the finite-volume
/// Fokker–Planck operator in the frequency domain (including the refractory phase factor e^(-iωτ_ref)).
/// </summary>
/// <remarks>
/// <para>μ(t) = μ0 + μ1 e^(iωt), p = p0 + p1 e^(iωt): (iω - A) p1 = μ1 ∂F/∂μ + ν1 e^(-iωτ_ref) r, where A is the
/// Scharfetter–Gummel operator of <see cref="FokkerPlanck"/> without reinjection, ∂F/∂μ the divergence of the
/// μ-derivative of the interface fluxes at p0 (central difference, h = 1e-5 mV, error ~1e-10), r the reinjection
/// vector (half into each cell beside V_r) and ν1 = J_N(p1). With p_a = (iω - A)^(-1) ∂F/∂μ and
/// p_b = (iω - A)^(-1) r (two complex Thomas solves), ν1/μ1 = J_N(p_a)/(1 - e^(-iωτ_ref) J_N(p_b)) (cf. the exact
/// formula in Brunel &amp; Hakim 1999 and the design note, where the refractory factor appears only in the
/// denominator). At ω = 0 the ratio is 0/0 (the operator with reinjection conserves mass); there the derivative of
/// the discrete stationary rate (central difference) is returned, and the response is continuous at ω → 0.</para>
/// </remarks>
public static class FokkerPlanckTransfer
{
    /// <summary>χ(f) = ν1/μ1 in Hz/mV at modulation frequency f.</summary>
    /// <param name="muMv">μ0 (mV).</param>
    /// <param name="sigmaMv">σ (mV), &gt; 0.</param>
    /// <param name="neuron">Neuron.</param>
    /// <param name="frequencyHz">f ≥ 0 (Hz).</param>
    /// <param name="cells">N (V_r on an interface).</param>
    /// <param name="lowerBoundMv">V_lb; default <see cref="FokkerPlanck.LowerBoundFor"/>(μ0, σ).</param>
    /// <returns>The complex response (Hz/mV).</returns>
    /// <exception cref="ArgumentException">On invalid input.</exception>
    public static Complex MuResponse(double muMv, double sigmaMv, DiffusionLifParameters neuron, double frequencyHz, int cells = 1000, double? lowerBoundMv = null)
    {
        ArgumentNullException.ThrowIfNull(neuron);
        double wall = lowerBoundMv ?? FokkerPlanck.LowerBoundFor(muMv, sigmaMv, neuron, cells);
        if (!(frequencyHz >= 0) || !double.IsFinite(frequencyHz))
        {
            throw new ArgumentException($"frequency = {frequencyHz} Hz must be finite and >= 0.", nameof(frequencyHz));
        }

        StationaryDensity s = FokkerPlanck.Stationary(muMv, sigmaMv, neuron, cells, wall);
        if (frequencyHz == 0)
        {
            const double h = 1e-4;
            return (FokkerPlanck.Stationary(muMv + h, sigmaMv, neuron, cells, wall).RateHz - FokkerPlanck.Stationary(muMv - h, sigmaMv, neuron, cells, wall).RateHz) / (2 * h);
        }

        double omega = 2 * Math.PI * frequencyHz / 1000; // rad/ms
        double tau = neuron.TauMs;
        double dv = (neuron.ThresholdMv - wall) / cells;
        int reset = (int)Math.Round((neuron.ResetMv - wall) / dv);
        double d = sigmaMv * sigmaMv / (2 * tau);
        double c = d / (3 * dv);
        var a = new double[cells + 1];
        var b = new double[cells + 1];
        var flux = new double[cells + 1];
        double[] p0 = s.Density;
        const double step = 1e-5;
        for (int j = 1; j < cells; j++)
        {
            double v = wall + (j * dv);
            (a[j], b[j]) = Coefficients(muMv, v, tau, dv, d);
            (double ap, double bp) = Coefficients(muMv + step, v, tau, dv, d);
            (double am, double bm) = Coefficients(muMv - step, v, tau, dv, d);
            flux[j] = (((ap - am) * p0[j - 1]) - ((bp - bm) * p0[j])) / (2 * step);
        }

        var lower = new Complex[cells];
        var diag = new Complex[cells];
        var upper = new Complex[cells];
        var forcing = new Complex[cells];
        var inject = new Complex[cells];
        for (int i = 0; i < cells; i++)
        {
            lower[i] = i > 0 ? -a[i] / dv : 0;
            diag[i] = new Complex((b[i] + (i + 1 < cells ? a[i + 1] : 0)) / dv, omega);
            upper[i] = i + 1 < cells ? -b[i + 1] / dv : 0;
            forcing[i] = (flux[i] - (i + 1 < cells ? flux[i + 1] : 0)) / dv;
        }

        diag[cells - 1] += 9 * c / dv;
        lower[cells - 1] -= c / dv;
        inject[reset - 1] = 1 / (2 * dv);
        inject[reset] = 1 / (2 * dv);
        Solve(lower, diag, upper, forcing);
        Solve(lower, diag, upper, inject);
        Complex ja = c * ((9 * forcing[cells - 1]) - forcing[cells - 2]);
        Complex jb = c * ((9 * inject[cells - 1]) - inject[cells - 2]);
        Complex delay = Complex.FromPolarCoordinates(1, -omega * neuron.RefractoryMs);
        return 1000 * ja / (1 - (delay * jb));
    }

    private static (double A, double B) Coefficients(double mu, double v, double tau, double dv, double d)
    {
        double pe = (mu - v) / tau * dv / d;
        return (d / dv * Bernoulli(-pe), d / dv * Bernoulli(pe));
    }

    private static double Bernoulli(double z) => Math.Abs(z) < 1e-8 ? 1 - (0.5 * z) : z / Numerics.ErrorFunctions.ExpM1(z);

    private static void Solve(Complex[] lower, Complex[] diag, Complex[] upper, Complex[] rhs)
    {
        int n = diag.Length;
        var c = new Complex[n];
        Complex denominator = diag[0];
        c[0] = upper[0] / denominator;
        rhs[0] /= denominator;
        for (int j = 1; j < n; j++)
        {
            denominator = diag[j] - (lower[j] * c[j - 1]);
            c[j] = upper[j] / denominator;
            rhs[j] = (rhs[j] - (lower[j] * rhs[j - 1])) / denominator;
        }

        for (int j = n - 2; j >= 0; j--)
        {
            rhs[j] -= c[j] * rhs[j + 1];
        }
    }
}
