namespace StatNeuro.Neurons;

/// <summary>
/// Parameters of the adaptive exponential integrate-and-fire neuron (AdEx):
/// C dV/dt = −g_L (V − E_L) + g_L Δ_T e^{(V − V_T)/Δ_T} − w + I, τ_w dw/dt = a (V − E_L) − w; when V ≥ V_peak:
/// V ← V_r, w ← w + b. Units: C in pF, conductances in nS, potentials in mV, w and I in pA, time in ms.
/// Defaults: Brette &amp; Gerstner (2005) Table 1 (C = 281 pF, g_L = 30 nS, E_L = −70.6 mV, V_T = −50.4 mV,
/// Δ_T = 2 mV, τ_w = 144 ms, a = 4 nS, b = 80.5 pA, V_r = E_L), with V_peak = 20 mV.
/// </summary>
/// <remarks>Brette &amp; Gerstner (2005), J. Neurophysiol. 94, 3637.</remarks>
public sealed record AdExParameters
{
    /// <summary>Capacitance (pF).</summary>
    public double CapacitancePf { get; init; } = 281;

    /// <summary>Leak conductance (nS).</summary>
    public double GLeakNs { get; init; } = 30;

    /// <summary>Leak reversal (mV).</summary>
    public double ELeakMv { get; init; } = -70.6;

    /// <summary>Exponential threshold V_T (mV).</summary>
    public double VThresholdMv { get; init; } = -50.4;

    /// <summary>Slope factor Δ_T (mV).</summary>
    public double DeltaTMv { get; init; } = 2;

    /// <summary>Adaptation time constant (ms).</summary>
    public double TauWMs { get; init; } = 144;

    /// <summary>Subthreshold adaptation a (nS).</summary>
    public double ANs { get; init; } = 4;

    /// <summary>Spike-triggered adaptation b (pA).</summary>
    public double BPa { get; init; } = 80.5;

    /// <summary>Reset potential (mV).</summary>
    public double VResetMv { get; init; } = -70.6;

    /// <summary>Spike cut-off (mV).</summary>
    public double VPeakMv { get; init; } = 20;

    /// <summary>Every problem with the parameters (empty when valid).</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        NeuronValidation.Finite(errors, (nameof(CapacitancePf), CapacitancePf), (nameof(GLeakNs), GLeakNs), (nameof(ELeakMv), ELeakMv),
            (nameof(VThresholdMv), VThresholdMv), (nameof(DeltaTMv), DeltaTMv), (nameof(TauWMs), TauWMs), (nameof(ANs), ANs),
            (nameof(BPa), BPa), (nameof(VResetMv), VResetMv), (nameof(VPeakMv), VPeakMv));
        NeuronValidation.Positive(errors, (nameof(CapacitancePf), CapacitancePf), (nameof(GLeakNs), GLeakNs), (nameof(DeltaTMv), DeltaTMv), (nameof(TauWMs), TauWMs));
        if (VResetMv >= VPeakMv)
        {
            errors.Add($"VResetMv = {VResetMv} must be below VPeakMv = {VPeakMv}");
        }

        return errors;
    }
}

/// <summary>The AdEx model; state (V, w).</summary>
/// <param name="Parameters">The parameters.</param>
public sealed record AdaptiveExponential(AdExParameters Parameters) : INeuronModel
{
    private static readonly string[] s_names = ["V_mV", "w_pA"];

    /// <inheritdoc/>
    public string Name => "adex";

    /// <inheritdoc/>
    public string CurrentUnit => "pA";

    /// <inheritdoc/>
    public IReadOnlyList<string> StateNames => s_names;

    /// <inheritdoc/>
    public SpikeMechanism Mechanism => SpikeMechanism.ThresholdReset;

    /// <inheritdoc/>
    public double SpikeVoltageMv => Parameters.VPeakMv;

    /// <inheritdoc/>
    public double RefractoryMs => 0;

    /// <inheritdoc/>
    public void InitialState(Span<double> state)
    {
        state[0] = Parameters.ELeakMv;
        state[1] = 0;
    }

    /// <inheritdoc/>
    public void Derivative(ReadOnlySpan<double> state, double current, Span<double> derivative)
    {
        AdExParameters p = Parameters;
        double v = Math.Min(state[0], p.VPeakMv + 10 * p.DeltaTMv), w = state[1];
        derivative[0] = (-p.GLeakNs * (v - p.ELeakMv) + p.GLeakNs * p.DeltaTMv * Math.Exp((v - p.VThresholdMv) / p.DeltaTMv) - w + current) / p.CapacitancePf;
        derivative[1] = (p.ANs * (state[0] - p.ELeakMv) - w) / p.TauWMs;
    }

    /// <inheritdoc/>
    public void LinearParts(ReadOnlySpan<double> state, double current, Span<double> affine, Span<double> linear)
    {
        AdExParameters p = Parameters;
        double v = Math.Min(state[0], p.VPeakMv + 10 * p.DeltaTMv), w = state[1];
        affine[0] = (p.GLeakNs * p.ELeakMv + p.GLeakNs * p.DeltaTMv * Math.Exp((v - p.VThresholdMv) / p.DeltaTMv) - w + current) / p.CapacitancePf;
        linear[0] = -p.GLeakNs / p.CapacitancePf;
        affine[1] = p.ANs * (state[0] - p.ELeakMv) / p.TauWMs;
        linear[1] = -1 / p.TauWMs;
    }

    /// <inheritdoc/>
    public void Reset(Span<double> state)
    {
        state[0] = Parameters.VResetMv;
        state[1] += Parameters.BPa;
    }
}
