using StatNeuro.Numerics;

namespace StatNeuro.MeanField;

/// <summary>
/// Parameters of a leaky integrate-and-fire neuron in the diffusion approximation (voltages measured from rest).
/// </summary>
/// <param name="TauMs">Membrane time constant τ (ms), &gt; 0.</param>
/// <param name="ThresholdMv">Threshold θ relative to rest (mV).</param>
/// <param name="ResetMv">Reset V_r relative to rest (mV), &lt; θ.</param>
/// <param name="RefractoryMs">Absolute refractory period τ_ref (ms), ≥ 0.</param>
/// <remarks>
/// τ dV/dt = -V + μ(t) + σ(t) √τ ξ(t), ⟨ξ(t)ξ(t')⟩ = δ(t - t'); spike at V = θ, reset to V_r, clamped for τ_ref.
/// Defaults are those of Brunel (2000): τ = 20 ms, θ = 20 mV, V_r = 10 mV, τ_ref = 2 ms. For a neuron with a
/// resting potential V_L ≠ 0 (e.g. the seed LIF at -65 mV) subtract V_L from θ and V_r; μ is the drive above rest.
/// </remarks>
public sealed record DiffusionLifParameters(double TauMs = 20, double ThresholdMv = 20, double ResetMv = 10, double RefractoryMs = 2)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming every bad field at once.</summary>
    /// <exception cref="ArgumentException">When τ ≤ 0, τ_ref &lt; 0, θ ≤ V_r or any field is not finite.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (!double.IsFinite(TauMs) || TauMs <= 0)
        {
            errors.Add($"TauMs = {TauMs} must be > 0");
        }

        if (!double.IsFinite(RefractoryMs) || RefractoryMs < 0)
        {
            errors.Add($"RefractoryMs = {RefractoryMs} must be >= 0");
        }

        if (!double.IsFinite(ThresholdMv) || !double.IsFinite(ResetMv))
        {
            errors.Add($"ThresholdMv = {ThresholdMv} and ResetMv = {ResetMv} must be finite");
        }
        else if (ThresholdMv <= ResetMv)
        {
            errors.Add($"ThresholdMv = {ThresholdMv} must be > ResetMv = {ResetMv}");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors) + ".");
        }
    }
}

/// <summary>The Siegert rate with its logarithm and its derivatives.</summary>
/// <param name="RateHz">ν (Hz); 0 only where it underflows (then <paramref name="LogRateHz"/> is still finite).</param>
/// <param name="LogRateHz">ln(ν / 1 Hz), finite for every σ &gt; 0.</param>
/// <param name="DRateDMu">∂ν/∂μ (Hz/mV).</param>
/// <param name="DRateDSigma">∂ν/∂σ (Hz/mV).</param>
public readonly record struct SiegertResult(double RateHz, double LogRateHz, double DRateDMu, double DRateDSigma);

/// <summary>
/// The stationary firing rate of a LIF neuron driven by white noise (Siegert 1951; Brunel &amp; Hakim 1999;
/// Brunel 2000), accurate in every regime, with a log-rate that never underflows and analytic derivatives.
/// </summary>
/// <remarks>
/// <para>1/ν = τ_ref + τ √π ∫_(y_r)^(y_th) e^(u^2) (1 + erf u) du, y_th = (θ - μ)/σ, y_r = (V_r - μ)/σ.</para>
/// <para>The integrand e^(u^2)(1 + erf u) = erfcx(-u) is never formed from its two factors. Split at u = 0:
/// y_th ≤ 0 (mean-driven): I = ∫_(|y_th|)^(|y_r|) erfcx; y_r &lt; 0 &lt; y_th: I = e^(y_th^2)[2D(y_th) +
/// e^(-y_th^2) ∫_(y_th)^(|y_r|) erfcx]; y_r ≥ 0 (fluctuation-driven): I = e^(y_th^2)[2D(y_th) -
/// 2e^(y_r^2 - y_th^2) D(y_r) - e^(-y_th^2) ∫_(y_r)^(y_th) erfcx], with D the Dawson function. For y_th &gt; 0 the
/// rate is formed as ln ν = -y_th^2 - ln(e^(-y_th^2) τ_ref + τ √π K) (K the bracket), so it never underflows and
/// there is no cut-off (NEST returns 0 when θ - μ &gt; 6σ; the true rate there is ~1e-14 Hz).</para>
/// <para>Derivatives with f(y) = e^(y^2)(1 + erf y): ∂ν/∂μ = ν^2 τ √π/σ [f(y_th) - f(y_r)],
/// ∂ν/∂σ = ν^2 τ √π/σ [y_th f(y_th) - y_r f(y_r)], each product ν^2 f formed in log space.</para>
/// <para>σ → 0: 1/ν = τ_ref + τ ln((μ - V_r)/(μ - θ)) for μ &gt; θ, else 0 (<see cref="NoiselessRateHz"/>).</para>
/// </remarks>
public static class Siegert
{
    private const double SqrtPi = 1.7724538509055160272981674833411;
    private const double LnThousand = 6.9077552789821370520539743640531;

    /// <summary>The stationary rate ν(μ, σ) in Hz (0 where it underflows a double; see <see cref="LogRateHz"/>).</summary>
    /// <param name="muMv">Mean drive μ (mV above rest).</param>
    /// <param name="sigmaMv">Noise amplitude σ (mV), &gt; 0.</param>
    /// <param name="neuron">Neuron parameters (validated by the caller; see <see cref="DiffusionLifParameters.Validate"/>).</param>
    /// <returns>ν in Hz.</returns>
    public static double RateHz(double muMv, double sigmaMv, DiffusionLifParameters neuron) =>
        Math.Exp(LogRateHz(muMv, sigmaMv, neuron));

    /// <summary>ln(ν / Hz): finite for every finite μ and σ &gt; 0.</summary>
    /// <param name="muMv">Mean drive μ (mV).</param>
    /// <param name="sigmaMv">Noise amplitude σ (mV), &gt; 0.</param>
    /// <param name="neuron">Neuron parameters.</param>
    /// <returns>ln ν with ν in Hz.</returns>
    public static double LogRateHz(double muMv, double sigmaMv, DiffusionLifParameters neuron)
    {
        ArgumentNullException.ThrowIfNull(neuron);
        return LogRatePerMs(muMv, sigmaMv, neuron.TauMs, neuron.ThresholdMv, neuron.ResetMv, neuron.RefractoryMs) + LnThousand;
    }

    /// <summary>Rate, log-rate and the derivatives ∂ν/∂μ and ∂ν/∂σ.</summary>
    /// <param name="muMv">Mean drive μ (mV).</param>
    /// <param name="sigmaMv">Noise amplitude σ (mV), &gt; 0.</param>
    /// <param name="neuron">Neuron parameters.</param>
    /// <returns>The result in Hz and Hz/mV.</returns>
    public static SiegertResult Evaluate(double muMv, double sigmaMv, DiffusionLifParameters neuron)
    {
        ArgumentNullException.ThrowIfNull(neuron);
        double tau = neuron.TauMs;
        double logNu = LogRatePerMs(muMv, sigmaMv, tau, neuron.ThresholdMv, neuron.ResetMv, neuron.RefractoryMs);
        double yth = (neuron.ThresholdMv - muMv) / sigmaMv;
        double yr = (neuron.ResetMv - muMv) / sigmaMv;
        double lfth = LogF(yth), lfr = LogF(yr);
        double scale = tau * SqrtPi / sigmaMv * 1000.0;
        double ath = Math.Exp((2 * logNu) + lfth), ar = Math.Exp((2 * logNu) + lfr);
        double dmu = scale * (ath - ar);
        double dsigma = scale * ((yth * ath) - (yr * ar));
        return new SiegertResult(Math.Exp(logNu + LnThousand), logNu + LnThousand, dmu, dsigma);
    }

    /// <summary>The σ → 0 limit: 1/(τ_ref + τ ln((μ - V_r)/(μ - θ))) in Hz for μ &gt; θ, else 0.</summary>
    /// <param name="muMv">Mean drive μ (mV).</param>
    /// <param name="neuron">Neuron parameters.</param>
    /// <returns>Noise-free rate in Hz.</returns>
    public static double NoiselessRateHz(double muMv, DiffusionLifParameters neuron)
    {
        ArgumentNullException.ThrowIfNull(neuron);
        if (!(muMv > neuron.ThresholdMv))
        {
            return 0;
        }

        return 1000.0 / (neuron.RefractoryMs + (neuron.TauMs * Math.Log((muMv - neuron.ResetMv) / (muMv - neuron.ThresholdMv))));
    }

    /// <summary>ln ν with ν per ms (the kernel: no validation, no allocation).</summary>
    /// <param name="mu">μ (mV).</param>
    /// <param name="sigma">σ (mV), &gt; 0.</param>
    /// <param name="tau">τ (ms).</param>
    /// <param name="theta">θ (mV).</param>
    /// <param name="reset">V_r (mV).</param>
    /// <param name="tauRef">τ_ref (ms).</param>
    /// <returns>ln(ν · 1 ms).</returns>
    public static double LogRatePerMs(double mu, double sigma, double tau, double theta, double reset, double tauRef)
    {
        double yth = (theta - mu) / sigma;
        double yr = (reset - mu) / sigma;
        if (yth <= 0)
        {
            double integral = ErrorFunctions.ErfcxIntegral(-yth, -yr);
            return -Math.Log(tauRef + (tau * SqrtPi * integral));
        }

        double k;
        double decay = ErrorFunctions.ExpMinusSquare(yth);
        // The erfcx integral is bounded by its interval length (erfcx ≤ 1 on [0, ∞)); skip it where e^(-y_th^2) makes
        // it smaller than 1e-18 of the Dawson term (y_th ≳ 6.5), which saves most of the cost far below threshold.
        double dawsonTerm = 2 * ErrorFunctions.Dawson(yth);
        if (yr < 0)
        {
            double length = Math.Abs(-yr - yth);
            k = dawsonTerm + (decay * length < 1e-18 * dawsonTerm ? 0 : decay * ErrorFunctions.ErfcxIntegral(yth, -yr));
        }
        else
        {
            // e^(y_r^2 - y_th^2) = e^(-(y_th - y_r)(y_th + y_r)), exact in its factors.
            double ratio = Math.Exp(-(yth - yr) * (yth + yr));
            double length = yth - yr;
            k = dawsonTerm - (2 * ratio * ErrorFunctions.Dawson(yr)) - (decay * length < 1e-18 * dawsonTerm ? 0 : decay * ErrorFunctions.ErfcxIntegral(yr, yth));
        }

        double yth2 = yth * yth;
        double yth2Low = Math.FusedMultiplyAdd(yth, yth, -yth2);
        return -yth2 - yth2Low - Math.Log((decay * tauRef) + (tau * SqrtPi * k));
    }

    /// <summary>ln f(y) = ln(e^(y^2)(1 + erf y)) without overflow.</summary>
    internal static double LogF(double y)
    {
        if (y <= 0)
        {
            return Math.Log(ErrorFunctions.Erfcx(-y));
        }

        // 1 + erf y = 2 - erfc y = 2 - e^(-y^2) erfcx(y).
        return (y * y) + Math.Log(2 - (ErrorFunctions.ExpMinusSquare(y) * ErrorFunctions.Erfcx(y)));
    }
}
