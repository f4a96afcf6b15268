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
}
