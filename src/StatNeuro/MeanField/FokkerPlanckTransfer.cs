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
        if (!(frequencyHz >= 0) || !double.IsFinite(frequencyHz))
        {
            throw new ArgumentException($"frequency = {frequencyHz} Hz must be finite and >= 0.", nameof(frequencyHz));
        }

        return Response(muMv, sigmaMv, neuron, new Complex(0, 2 * Math.PI * frequencyHz / 1000), cells, lowerBoundMv).Mu;
    }

    /// <summary>
    /// The responses of the rate to μ(t) = μ0 + μ1 e^(λt) and to σ(t) = σ0 + σ1 e^(λt) at a complex rate λ
    /// (1/ms; λ = iω is the transfer function): ν1/μ1 and ν1/σ1 in Hz/mV.
    /// </summary>
    /// <param name="muMv">μ0 (mV).</param>
    /// <param name="sigmaMv">σ0 (mV), &gt; 0.</param>
    /// <param name="neuron">Neuron.</param>
    /// <param name="lambdaPerMs">λ (1/ms), finite, away from the eigenvalues of the uncoupled operator (all in Re λ &lt; 0
    /// except the conserved mode λ = 0, which is removable).</param>
    /// <param name="cells">N.</param>
    /// <param name="lowerBoundMv">V_lb; default <see cref="FokkerPlanck.LowerBoundFor"/>(μ0, σ0).</param>
    /// <returns>(ν1/μ1, ν1/σ1) in Hz/mV.</returns>
    /// <remarks>For σ the threshold flux ν = D(9p_(N-1) - p_(N-2))/(3ΔV) depends on σ directly (D = σ^2/(2τ)), which adds
    /// 2ν0/σ to the numerator: ν1/σ1 = (J_N(p_a) + 2ν0/σ)/(1 - e^(-λτ_ref) J_N(p_b)). At λ = 0 both are the central
    /// differences of the discrete stationary rate. These are the ingredients of the delayed linear stability of
    /// <see cref="BrunelNetwork.Stability"/>.</remarks>
    /// <exception cref="ArgumentException">On invalid input.</exception>
    public static (Complex Mu, Complex Sigma) Response(double muMv, double sigmaMv, DiffusionLifParameters neuron, Complex lambdaPerMs, int cells = 1000, double? lowerBoundMv = null)
    {
        ArgumentNullException.ThrowIfNull(neuron);
        double wall = lowerBoundMv ?? FokkerPlanck.LowerBoundFor(muMv, sigmaMv, neuron, cells);
        if (lambdaPerMs == Complex.Zero)
        {
            double hm = 1e-4, hs = 1e-4 * sigmaMv;
            double dmu = (FokkerPlanck.Stationary(muMv + hm, sigmaMv, neuron, cells, wall).RateHz - FokkerPlanck.Stationary(muMv - hm, sigmaMv, neuron, cells, wall).RateHz) / (2 * hm);
            double dsigma = (FokkerPlanck.Stationary(muMv, sigmaMv + hs, neuron, cells, wall).RateHz - FokkerPlanck.Stationary(muMv, sigmaMv - hs, neuron, cells, wall).RateHz) / (2 * hs);
            return (dmu, dsigma);
        }

        return new Operator(muMv, sigmaMv, neuron, cells, wall).Evaluate(lambdaPerMs);
    }

    /// <summary>The linearised operator at one (μ0, σ0), built once and evaluated at many λ (stability scans).</summary>
    internal sealed class Operator
    {
        private readonly double[] _a, _b, _fluxMu, _fluxSigma;
        private readonly int _cells, _reset;
        private readonly double _dv, _c, _refractoryMs;
        private readonly Complex[] _lower, _diag, _upper, _forcingMu, _forcingSigma, _inject, _scratch;

        /// <summary>Builds the operator (stationary density, interface coefficients and their μ and σ derivatives).</summary>
        /// <param name="muMv">μ0.</param>
        /// <param name="sigmaMv">σ0.</param>
        /// <param name="neuron">Neuron.</param>
        /// <param name="cells">N.</param>
        /// <param name="wall">V_lb.</param>
        public Operator(double muMv, double sigmaMv, DiffusionLifParameters neuron, int cells, double wall)
        {
            StationaryDensity s = FokkerPlanck.Stationary(muMv, sigmaMv, neuron, cells, wall);
            double tau = neuron.TauMs;
            _cells = cells;
            _refractoryMs = neuron.RefractoryMs;
            _dv = (neuron.ThresholdMv - wall) / cells;
            _reset = (int)Math.Round((neuron.ResetMv - wall) / _dv);
            double d = sigmaMv * sigmaMv / (2 * tau);
            _c = d / (3 * _dv);
            _a = new double[cells + 1];
            _b = new double[cells + 1];
            _fluxMu = new double[cells + 1];
            _fluxSigma = new double[cells + 1];
            double[] p0 = s.Density;
            double stepMu = 1e-5, stepSigma = 1e-5 * sigmaMv;
            double dPlus = (sigmaMv + stepSigma) * (sigmaMv + stepSigma) / (2 * tau), dMinus = (sigmaMv - stepSigma) * (sigmaMv - stepSigma) / (2 * tau);
            for (int j = 1; j < cells; j++)
            {
                double v = wall + (j * _dv);
                (_a[j], _b[j]) = Coefficients(muMv, v, tau, _dv, d);
                (double ap, double bp) = Coefficients(muMv + stepMu, v, tau, _dv, d);
                (double am, double bm) = Coefficients(muMv - stepMu, v, tau, _dv, d);
                _fluxMu[j] = (((ap - am) * p0[j - 1]) - ((bp - bm) * p0[j])) / (2 * stepMu);
                (ap, bp) = Coefficients(muMv, v, tau, _dv, dPlus);
                (am, bm) = Coefficients(muMv, v, tau, _dv, dMinus);
                _fluxSigma[j] = (((ap - am) * p0[j - 1]) - ((bp - bm) * p0[j])) / (2 * stepSigma);
            }

            _fluxSigma[cells] = 2 * (s.RateHz / 1000) / sigmaMv; // the threshold flux D(9p - p)/(3ΔV) is proportional to σ^2
            _lower = new Complex[cells];
            _diag = new Complex[cells];
            _upper = new Complex[cells];
            _forcingMu = new Complex[cells];
            _forcingSigma = new Complex[cells];
            _inject = new Complex[cells];
            _scratch = new Complex[cells];
        }

        /// <summary>(ν1/μ1, ν1/σ1) in Hz/mV at λ ≠ 0 (1/ms).</summary>
        /// <param name="lambdaPerMs">λ.</param>
        /// <returns>The two responses.</returns>
        public (Complex Mu, Complex Sigma) Evaluate(Complex lambdaPerMs)
        {
            if (!double.IsFinite(lambdaPerMs.Real) || !double.IsFinite(lambdaPerMs.Imaginary))
            {
                throw new ArgumentException($"lambda = {lambdaPerMs} must be finite.", nameof(lambdaPerMs));
            }

            int cells = _cells;
            double dv = _dv;
            for (int i = 0; i < cells; i++)
            {
                _lower[i] = i > 0 ? -_a[i] / dv : 0;
                _diag[i] = ((_b[i] + (i + 1 < cells ? _a[i + 1] : 0)) / dv) + lambdaPerMs;
                _upper[i] = i + 1 < cells ? -_b[i + 1] / dv : 0;
                _forcingMu[i] = (_fluxMu[i] - _fluxMu[i + 1]) / dv;
                _forcingSigma[i] = (_fluxSigma[i] - _fluxSigma[i + 1]) / dv;
                _inject[i] = 0;
            }

            _diag[cells - 1] += 9 * _c / dv;
            _lower[cells - 1] -= _c / dv;
            _inject[_reset - 1] = 1 / (2 * dv);
            _inject[_reset] = 1 / (2 * dv);
            Solve(_lower, _diag, _upper, _forcingMu, _forcingSigma, _inject, _scratch);
            Complex jMu = _c * ((9 * _forcingMu[cells - 1]) - _forcingMu[cells - 2]);
            Complex jSigma = (_c * ((9 * _forcingSigma[cells - 1]) - _forcingSigma[cells - 2])) + _fluxSigma[cells];
            Complex jInject = _c * ((9 * _inject[cells - 1]) - _inject[cells - 2]);
            Complex denominator = 1 - (Complex.Exp(-lambdaPerMs * _refractoryMs) * jInject);
            return (1000 * jMu / denominator, 1000 * jSigma / denominator);
        }
    }

    private static (double A, double B) Coefficients(double mu, double v, double tau, double dv, double d)
    {
        double pe = (mu - v) / tau * dv / d;
        return (d / dv * Bernoulli(-pe), d / dv * Bernoulli(pe));
    }

    private static double Bernoulli(double z) => Math.Abs(z) < 1e-8 ? 1 - (0.5 * z) : z / Numerics.ErrorFunctions.ExpM1(z);

    private static void Solve(Complex[] lower, Complex[] diag, Complex[] upper, Complex[] rhs1, Complex[] rhs2, Complex[] rhs3, Complex[] c)
    {
        int n = diag.Length;
        Complex denominator = diag[0];
        c[0] = upper[0] / denominator;
        rhs1[0] /= denominator;
        rhs2[0] /= denominator;
        rhs3[0] /= denominator;
        for (int j = 1; j < n; j++)
        {
            denominator = diag[j] - (lower[j] * c[j - 1]);
            c[j] = upper[j] / denominator;
            rhs1[j] = (rhs1[j] - (lower[j] * rhs1[j - 1])) / denominator;
            rhs2[j] = (rhs2[j] - (lower[j] * rhs2[j - 1])) / denominator;
            rhs3[j] = (rhs3[j] - (lower[j] * rhs3[j - 1])) / denominator;
        }

        for (int j = n - 2; j >= 0; j--)
        {
            rhs1[j] -= c[j] * rhs1[j + 1];
            rhs2[j] -= c[j] * rhs2[j + 1];
            rhs3[j] -= c[j] * rhs3[j + 1];
        }
    }
}
