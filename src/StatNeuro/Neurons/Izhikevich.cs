namespace StatNeuro.Neurons;

/// <summary>
/// Parameters of the Izhikevich (2003) simple model: dv/dt = 0.04v² + 5v + 140 − u + I, du/dt = a(bv − u);
/// if v ≥ v_peak then v ← c, u ← u + d. v in mV, t in ms, I in the model's dimensionless current units
/// (mV/ms). Defaults: regular spiking (a = 0.02, b = 0.2, c = −65, d = 8).
/// </summary>
/// <remarks>Izhikevich (2003), IEEE Trans. Neural Netw. 14, 1569.</remarks>
public sealed record IzhikevichParameters
{
    /// <summary>Recovery time scale a (1/ms).</summary>
    public double A { get; init; } = 0.02;

    /// <summary>Recovery sensitivity b.</summary>
    public double B { get; init; } = 0.2;

    /// <summary>Reset potential c (mV).</summary>
    public double CResetMv { get; init; } = -65;

    /// <summary>Recovery jump d after a spike.</summary>
    public double D { get; init; } = 8;

    /// <summary>Spike cut-off v_peak (mV).</summary>
    public double VPeakMv { get; init; } = 30;

    /// <summary>Initial v (mV); u starts at b·v.</summary>
    public double VInitialMv { get; init; } = -65;

    /// <summary>Every problem with the parameters (empty when valid).</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        NeuronValidation.Finite(errors, (nameof(A), A), (nameof(B), B), (nameof(CResetMv), CResetMv), (nameof(D), D), (nameof(VPeakMv), VPeakMv), (nameof(VInitialMv), VInitialMv));
        NeuronValidation.Positive(errors, (nameof(A), A));
        if (CResetMv >= VPeakMv)
        {
            errors.Add($"CResetMv = {CResetMv} must be below VPeakMv = {VPeakMv}");
        }

        return errors;
    }
}

/// <summary>The Izhikevich model; state (v, u).</summary>
/// <param name="Parameters">The parameters.</param>
public sealed record Izhikevich(IzhikevichParameters Parameters) : INeuronModel
{
    private static readonly string[] s_names = ["V_mV", "u"];

    /// <inheritdoc/>
    public string Name => "izhikevich";

    /// <inheritdoc/>
    public string CurrentUnit => "mV/ms";

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
        state[0] = Parameters.VInitialMv;
        state[1] = Parameters.B * Parameters.VInitialMv;
    }

    /// <inheritdoc/>
    public void Derivative(ReadOnlySpan<double> state, double current, Span<double> derivative)
    {
        double v = state[0], u = state[1];
        derivative[0] = 0.04 * v * v + 5 * v + 140 - u + current;
        derivative[1] = Parameters.A * (Parameters.B * v - u);
    }

    /// <inheritdoc/>
    public void LinearParts(ReadOnlySpan<double> state, double current, Span<double> affine, Span<double> linear)
    {
        double v = state[0], u = state[1];
        affine[0] = 140 - u + current;
        linear[0] = 0.04 * v + 5;
        affine[1] = Parameters.A * Parameters.B * v;
        linear[1] = -Parameters.A;
    }

    /// <inheritdoc/>
    public void Reset(Span<double> state)
    {
        state[0] = Parameters.CResetMv;
        state[1] += Parameters.D;
    }
}
