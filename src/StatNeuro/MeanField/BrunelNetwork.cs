using StatNeuro.Numerics;

namespace StatNeuro.MeanField;

/// <summary>Brunel (2000) model A: identical excitatory and inhibitory LIF neurons with sparse random connections.</summary>
/// <param name="EfficacyMv">J: excitatory PSP (mV); inhibitory ones are -g J.</param>
/// <param name="RelativeInhibition">g.</param>
/// <param name="ExternalRateRatio">ν_ext/ν_thr, with ν_thr = θ/(C_E J τ).</param>
/// <param name="ExcitatoryInDegree">C_E (external in-degree too).</param>
/// <param name="InhibitoryFraction">γ = C_I/C_E.</param>
/// <param name="DelayMs">Transmission delay D (ms); only the dynamics depend on it.</param>
/// <param name="Neuron">Neuron parameters.</param>
public sealed record BrunelModel(
    double EfficacyMv = 0.1,
    double RelativeInhibition = 5,
    double ExternalRateRatio = 2,
    double ExcitatoryInDegree = 1000,
    double InhibitoryFraction = 0.25,
    double DelayMs = 1.5,
    DiffusionLifParameters? Neuron = null)
{
    /// <summary>The neuron (Brunel's defaults when none was given).</summary>
    public DiffusionLifParameters Lif => Neuron ?? new DiffusionLifParameters();

    /// <summary>ν_thr = θ/(C_E J τ) in Hz.</summary>
    public double ThresholdRateHz => 1000 * Lif.ThresholdMv / (ExcitatoryInDegree * EfficacyMv * Lif.TauMs);

    /// <summary>ν_ext in Hz.</summary>
    public double ExternalRateHz => ExternalRateRatio * ThresholdRateHz;

    /// <summary>μ(ν) = C_E J τ (ν_ext + ν(1 - gγ)) in mV for a recurrent rate ν in Hz.</summary>
    /// <param name="rateHz">ν (Hz).</param>
    /// <returns>μ (mV).</returns>
    public double MeanInputMv(double rateHz) =>
        ExcitatoryInDegree * EfficacyMv * Lif.TauMs * (ExternalRateHz + (rateHz * (1 - (RelativeInhibition * InhibitoryFraction)))) / 1000;

    /// <summary>σ(ν) = √(C_E J^2 τ (ν_ext + ν(1 + g^2 γ))) in mV.</summary>
    /// <param name="rateHz">ν (Hz).</param>
    /// <returns>σ (mV).</returns>
    public double NoiseMv(double rateHz) =>
        Math.Sqrt(ExcitatoryInDegree * EfficacyMv * EfficacyMv * Lif.TauMs * (ExternalRateHz + (rateHz * (1 + (RelativeInhibition * RelativeInhibition * InhibitoryFraction)))) / 1000);

    /// <summary>Throws <see cref="ArgumentException"/> naming every bad field.</summary>
    /// <exception cref="ArgumentException">For J ≤ 0, g &lt; 0, ν_ext/ν_thr ≤ 0, C_E ≤ 0, γ &lt; 0, D &lt; 0 or a bad neuron.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (!(EfficacyMv > 0) || double.IsInfinity(EfficacyMv))
        {
            errors.Add($"EfficacyMv = {EfficacyMv} must be finite and > 0");
        }

        if (!(RelativeInhibition >= 0) || double.IsInfinity(RelativeInhibition))
        {
            errors.Add($"RelativeInhibition = {RelativeInhibition} must be finite and >= 0");
        }

        if (!(ExternalRateRatio > 0) || double.IsInfinity(ExternalRateRatio))
        {
            errors.Add($"ExternalRateRatio = {ExternalRateRatio} must be finite and > 0");
        }

        if (!(ExcitatoryInDegree > 0) || double.IsInfinity(ExcitatoryInDegree))
        {
            errors.Add($"ExcitatoryInDegree = {ExcitatoryInDegree} must be finite and > 0");
        }

        if (!(InhibitoryFraction >= 0) || double.IsInfinity(InhibitoryFraction))
        {
            errors.Add($"InhibitoryFraction = {InhibitoryFraction} must be finite and >= 0");
        }

        if (!(DelayMs >= 0) || double.IsInfinity(DelayMs))
        {
            errors.Add($"DelayMs = {DelayMs} must be finite and >= 0");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors) + ".");
        }

        Lif.Validate();
    }
}

/// <summary>A self-consistent rate of the Brunel network.</summary>
/// <param name="RateHz">ν = Φ(μ(ν), σ(ν)) (Hz).</param>
/// <param name="MeanInputMv">μ at the fixed point.</param>
/// <param name="NoiseMv">σ at the fixed point.</param>
/// <param name="Slope">dΦ/dν along the self-consistency curve.</param>
/// <param name="Stable">Slope &lt; 1: stable for the rate dynamics τ dν/dt = -ν + Φ(ν) (the delayed oscillatory
/// instabilities of Brunel's SI/SR states are not assessed by this flag).</param>
public sealed record BrunelFixedPoint(double RateHz, double MeanInputMv, double NoiseMv, double Slope, bool Stable);

/// <summary>Linear stability of a Brunel fixed point with the transmission delay (Brunel &amp; Hakim 1999; Brunel 2000).</summary>
/// <param name="RateHz">The fixed point's rate (Hz).</param>
/// <param name="UnstableModes">Roots λ of 1 = H(λ) with Re λ &gt; 0, counted by the argument principle along the
/// imaginary axis (0 = the asynchronous state is linearly stable).</param>
/// <param name="RightmostRootPerMs">The root with the largest real part that Newton's method located from the
/// minima of |1 - H(iω)| (1/ms), or null when none converged.</param>
/// <param name="Slope">H(0) = dΦ/dν (the rate-dynamics criterion is Slope &lt; 1).</param>
public sealed record BrunelStability(double RateHz, int UnstableModes, System.Numerics.Complex? RightmostRootPerMs, double Slope)
{
    /// <summary>True when |H(iω)| ≥ 1 somewhere above the scanned band: near-purely recurrent noise (h∞ → 1) makes
    /// the white-noise model a neutral delay equation with modes at arbitrarily high frequency, which the count leaves
    /// out.</summary>
    public bool HighFrequencyLimited { get; init; }

    /// <summary>No root in the right half plane.</summary>
    public bool Stable => UnstableModes == 0;

    /// <summary>Frequency of the rightmost mode, Im λ/(2π) in Hz (0 for a real root; NaN when none was located).</summary>
    public double FrequencyHz => RightmostRootPerMs is { } z ? Math.Abs(z.Imaginary) * 1000 / (2 * Math.PI) : double.NaN;

    /// <summary>Growth rate of the rightmost mode, Re λ in 1/s (negative: damped; NaN when none was located).</summary>
    public double GrowthRatePerSecond => RightmostRootPerMs is { } z ? z.Real * 1000 : double.NaN;
}

/// <summary>All self-consistent stationary rates of Brunel's model A by scan, bracket and refine.</summary>
/// <remarks>
/// ν = Φ(μ(ν), σ(ν)) with Φ the Siegert rate, μ = C_E J τ(ν_ext + ν(1 - gγ)), σ^2 = C_E J^2 τ(ν_ext + ν(1 + g^2γ))
/// (Brunel 2000, eqs. 4–5, 21). The function ln Φ(ν) - ln ν is scanned on a grid that is logarithmic from Φ(0)/10
/// (or 1e-300 Hz) to 1 Hz (40 points per decade) and linear from 1 Hz to 1/τ_ref (4000 points); every sign change is refined by Brent's
/// method to full double precision. Unlike ODE relaxation (NNMT), unstable fixed points are found too.
/// </remarks>
public static class BrunelNetwork
{
    /// <summary>Every fixed point found, sorted by rate.</summary>
    /// <param name="model">The model (validated here).</param>
    /// <returns>The fixed points.</returns>
    public static IReadOnlyList<BrunelFixedPoint> FixedPoints(BrunelModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Validate();
        DiffusionLifParameters lif = model.Lif;
        double maxRate = lif.RefractoryMs > 0 ? 1000 / lif.RefractoryMs : 1e6;
        // Every root satisfies ν = Φ(ν) ≥ min Φ; Φ(ν) ≈ Φ(0) for ν ≪ 1 Hz, so the scan starts a decade below Φ(0).
        double logPhi0 = Siegert.LogRateHz(model.MeanInputMv(0), model.NoiseMv(0), lif);
        var result = new List<BrunelFixedPoint>();
        double floor = Math.Log10(1e-300);
        if (logPhi0 / Math.Log(10) - 1 < floor)
        {
            // The quiescent state's rate underflows a double: report it as exp(ln Φ(0)) (≈ 0).
            result.Add(Describe(model, Math.Exp(logPhi0)));
        }
        else
        {
            floor = (logPhi0 / Math.Log(10)) - 1;
        }

        var grid = new List<double>();
        int decades = (int)Math.Ceiling(-floor);
        for (int k = 0; k < 40 * decades; k++)
        {
            grid.Add(Math.Pow(10, floor + (-floor * k / (40.0 * decades))));
        }

        for (int k = 0; k < 4000; k++)
        {
            grid.Add(1 + ((maxRate - 1) * k / 4000 * (1 - 1e-9)));
        }

        double H(double nu) => Siegert.LogRateHz(model.MeanInputMv(nu), model.NoiseMv(nu), lif) - Math.Log(nu);
        double previous = H(grid[0]);
        for (int k = 1; k < grid.Count; k++)
        {
            double current = H(grid[k]);
            if (current == 0)
            {
                result.Add(Describe(model, grid[k]));
            }
            else if (previous != 0 && Math.Sign(previous) != Math.Sign(current))
            {
                result.Add(Describe(model, RootFinding.Brent(H, grid[k - 1], grid[k], 1e-300, 400).Root));
            }

            previous = current;
        }

        return result;
    }

    /// <summary>Continuation of the fixed points along g (or any parameter): all roots at each value.</summary>
    /// <param name="model">Base model.</param>
    /// <param name="values">Values of g.</param>
    /// <returns>(g, fixed points) pairs.</returns>
    public static IReadOnlyList<(double G, IReadOnlyList<BrunelFixedPoint> Points)> ScanInhibition(BrunelModel model, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(values);
        var list = new List<(double, IReadOnlyList<BrunelFixedPoint>)>();
        foreach (double g in values)
        {
            list.Add((g, FixedPoints(model with { RelativeInhibition = g })));
        }

        return list;
    }

    /// <summary>Rate, inputs and the slope dΦ/dν at a given rate.</summary>
    /// <param name="model">Model.</param>
    /// <param name="rateHz">ν (Hz).</param>
    /// <returns>The description (Stable from slope &lt; 1).</returns>
    public static BrunelFixedPoint Describe(BrunelModel model, double rateHz)
    {
        ArgumentNullException.ThrowIfNull(model);
        double mu = model.MeanInputMv(rateHz), sigma = model.NoiseMv(rateHz);
        SiegertResult r = Siegert.Evaluate(mu, sigma, model.Lif);
        double tau = model.Lif.TauMs;
        double dmu = model.ExcitatoryInDegree * model.EfficacyMv * tau * (1 - (model.RelativeInhibition * model.InhibitoryFraction)) / 1000;
        double dsigma = model.ExcitatoryInDegree * model.EfficacyMv * model.EfficacyMv * tau
            * (1 + (model.RelativeInhibition * model.RelativeInhibition * model.InhibitoryFraction)) / 1000 / (2 * sigma);
        double slope = (r.DRateDMu * dmu) + (r.DRateDSigma * dsigma);
        return new BrunelFixedPoint(rateHz, mu, sigma, slope, slope < 1);
    }

    /// <summary>
    /// Delayed linear stability of the asynchronous state at a fixed point: the roots of
    /// 1 = H(λ) = e^(-λD) [χ_μ(λ) dμ/dν + χ_σ(λ) dσ/dν] (design note §2.2; Brunel &amp; Hakim 1999, Brunel 2000 §4).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="rateHz">A fixed-point rate (Hz) from <see cref="FixedPoints"/>.</param>
    /// <param name="cells">Finite-volume cells of the operator that gives χ_μ, χ_σ (<see cref="FokkerPlanckTransfer.Response"/>).</param>
    /// <param name="maxFrequencyHz">Highest frequency scanned (default 10 kHz, far above what the diffusion
    /// approximation of synaptic input describes); modes above it are not counted, and
    /// <see cref="BrunelStability.HighFrequencyLimited"/> says when |H| still reaches 1 beyond it.</param>
    /// <returns>The number of unstable modes and the rightmost root.</returns>
    /// <remarks>
    /// <para>A perturbation ν1 e^(λt) of the recurrent rate changes μ by dμ/dν = C_E J τ(1 - gγ) and σ by
    /// dσ/dν = C_E J^2 τ(1 + g^2γ)/(2σ) one delay D later; the population answers with χ_μ(λ), χ_σ(λ) (the uncoupled
    /// finite-volume operator, refractory delay included), so modes satisfy 1 = H(λ). H is analytic in Re λ ≥ 0 (the
    /// uncoupled population is stable; its conserved mode at λ = 0 is removable) and tends to 0 as |λ| → ∞, so the
    /// number of roots with Re λ &gt; 0 is -Δarg(1 - H(iω))/π for ω from 0 to ∞ (conjugate symmetry). ω is sampled up
    /// to where |H| stays below 0.9 on a logarithmic scan to 1 MHz, in steps of at most 0.2 rad of ωD, halved
    /// wherever the argument turns by more than π/8. H(0) is the slope dΦ/dν, so a slope above 1 always gives an odd
    /// count (the rate instability); the oscillatory instabilities of Brunel's SI and SR states appear as complex
    /// pairs. The rightmost root is then refined by Newton's method (numerical derivative) from the local minima of
    /// |1 - H(iω)| and from the real axis.</para>
    /// </remarks>
    public static BrunelStability Stability(BrunelModel model, double rateHz, int cells = 1000, double maxFrequencyHz = 10_000)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Validate();
        if (!(rateHz >= 0) || !double.IsFinite(rateHz))
        {
            throw new ArgumentException($"rate = {rateHz} Hz must be finite and >= 0.", nameof(rateHz));
        }

        DiffusionLifParameters lif = model.Lif;
        double mu = model.MeanInputMv(rateHz), sigma = model.NoiseMv(rateHz);
        double tau = lif.TauMs;
        double dmu = model.ExcitatoryInDegree * model.EfficacyMv * tau * (1 - (model.RelativeInhibition * model.InhibitoryFraction)) / 1000;
        double dsigma = model.ExcitatoryInDegree * model.EfficacyMv * model.EfficacyMv * tau
            * (1 + (model.RelativeInhibition * model.RelativeInhibition * model.InhibitoryFraction)) / 1000 / (2 * sigma);
        double wall = FokkerPlanck.LowerBoundFor(mu, sigma, lif, cells);
        var op = new FokkerPlanckTransfer.Operator(mu, sigma, lif, cells, wall);
        System.Numerics.Complex H(System.Numerics.Complex lambda)
        {
            (System.Numerics.Complex chiMu, System.Numerics.Complex chiSigma) = lambda == System.Numerics.Complex.Zero
                ? FokkerPlanckTransfer.Response(mu, sigma, lif, lambda, cells, wall)
                : op.Evaluate(lambda);
            return System.Numerics.Complex.Exp(-lambda * model.DelayMs) * ((chiMu * dmu) + (chiSigma * dsigma));
        }

        System.Numerics.Complex F(double omega) => 1 - H(new System.Numerics.Complex(0, omega));
        double slope = H(System.Numerics.Complex.Zero).Real;

        // The white-noise population answers a σ modulation instantaneously (ν1/ν0 = 2σ1/σ as ω → ∞; Lindner &
        // Schimansky-Geier 2001), so |H(iω)| → h∞ = the recurrent share of σ^2 (< 1 with external drive), not 0.
        // Scan (20 points per decade, 0.1 Hz .. 1 MHz) for the highest frequency where |H| reaches (1 + h∞)/2.
        double share = dsigma * 2 * rateHz / sigma;
        double level = 0.5 * (1 + Math.Min(share, 1));
        double omegaMax = 2 * Math.PI * 1000 / 1000; // at least 1 kHz, in rad/ms
        double omegaCap = 2 * Math.PI * maxFrequencyHz / 1000;
        bool limited = false;
        for (int k = 0; k <= 140; k++)
        {
            double omega = 2 * Math.PI * Math.Pow(10, -1 + (k / 20.0)) / 1000;
            double magnitude = H(new System.Numerics.Complex(0, omega)).Magnitude;
            if (magnitude >= level)
            {
                omegaMax = Math.Max(omegaMax, 2 * omega);
            }

            limited |= omega > omegaCap && magnitude >= 1;
        }

        omegaMax = Math.Min(omegaMax, omegaCap);

        double baseStep = model.DelayMs > 0 ? Math.Min(0.2 / model.DelayMs, omegaMax / 400) : omegaMax / 400;
        double totalArg = 0;
        var samples = new List<(double Omega, double Magnitude)>();
        double w0 = 0;
        System.Numerics.Complex f0 = F(0);
        samples.Add((0, f0.Magnitude));
        while (w0 < omegaMax)
        {
            double step = Math.Min(baseStep, omegaMax - w0);
            System.Numerics.Complex f1 = F(w0 + step);
            double turn = ArgumentChange(f0, f1);
            int halvings = 0;
            while (Math.Abs(turn) > Math.PI / 8 && halvings < 30)
            {
                step /= 2;
                f1 = F(w0 + step);
                turn = ArgumentChange(f0, f1);
                halvings++;
            }

            totalArg += turn;
            w0 += step;
            f0 = f1;
            samples.Add((w0, f1.Magnitude));
        }

        // Close the contour: beyond ω_max |H| < 1 (unless limited), so arg F returns to 0 without another turn.
        totalArg -= f0.Phase;
        int unstable = Math.Max(0, (int)Math.Round(-totalArg / Math.PI));

        // Locate the rightmost root: Newton from the minima of |F(iω)| and, when H(0) > 1, from the real axis.
        var starts = new List<System.Numerics.Complex>();
        for (int k = 1; k + 1 < samples.Count; k++)
        {
            if (samples[k].Magnitude < samples[k - 1].Magnitude && samples[k].Magnitude <= samples[k + 1].Magnitude)
            {
                starts.Add(new System.Numerics.Complex(0, samples[k].Omega));
            }
        }

        if (slope > 1)
        {
            starts.Add(new System.Numerics.Complex(0.01, 0));
        }

        System.Numerics.Complex? best = null;
        foreach (System.Numerics.Complex start in starts)
        {
            System.Numerics.Complex? root = Newton(lambda => 1 - H(lambda), start);
            if (root is { } z && (best is null || z.Real > best.Value.Real))
            {
                best = z;
            }
        }

        return new BrunelStability(rateHz, unstable, best, slope) { HighFrequencyLimited = limited };
    }

    private static double ArgumentChange(System.Numerics.Complex from, System.Numerics.Complex to)
    {
        double change = to.Phase - from.Phase;
        while (change > Math.PI)
        {
            change -= 2 * Math.PI;
        }

        while (change < -Math.PI)
        {
            change += 2 * Math.PI;
        }

        return change;
    }

    private static System.Numerics.Complex? Newton(Func<System.Numerics.Complex, System.Numerics.Complex> f, System.Numerics.Complex start)
    {
        System.Numerics.Complex z = start;
        for (int iteration = 0; iteration < 60; iteration++)
        {
            System.Numerics.Complex value = f(z);
            if (value.Magnitude < 1e-11)
            {
                return z;
            }

            double h = 1e-7 * (1 + z.Magnitude);
            System.Numerics.Complex derivative = (f(z + h) - f(z - h)) / (2 * h);
            System.Numerics.Complex step = value / derivative;
            if (!double.IsFinite(step.Real) || !double.IsFinite(step.Imaginary))
            {
                return null;
            }

            double limit = 0.5 * (0.1 + z.Magnitude);
            z -= step.Magnitude > limit ? step * (limit / step.Magnitude) : step;
            if (z.Real < -5 || z.Magnitude > 100)
            {
                return null; // wandered towards the operator's own (damped) poles or off to infinity
            }
        }

        return f(z).Magnitude < 1e-8 ? z : null;
    }
}
