namespace StatNeuro.Neurons;

/// <summary>
/// Parameters of the leaky integrate-and-fire neuron τ dV/dt = −(V − V_rest) + R I(t); when V reaches V_th a spike
/// is emitted and V is set to V_reset (and held there for the refractory period, if any).
/// </summary>
/// <remarks>
/// Defaults are the values of the seed slides (A. Fung, "First simulation"): V_rest = −65 mV, V_th = −40 mV,
/// V_reset = −70 mV, τ = RC = 10 ms, and R·I = 30 mV, obtained here as R = 10 MΩ and I = 3 nA. Lapicque (1907);
/// Abbott (1999), Brain Res. Bull. 50, 303.
/// </remarks>
public sealed record LifParameters
{
    /// <summary>Resting potential V_rest (mV).</summary>
    public double VRestMv { get; init; } = -65;

    /// <summary>Threshold V_th (mV).</summary>
    public double VThresholdMv { get; init; } = -40;

    /// <summary>Reset potential V_reset (mV).</summary>
    public double VResetMv { get; init; } = -70;

    /// <summary>Membrane time constant τ = RC (ms).</summary>
    public double TauMs { get; init; } = 10;

    /// <summary>Membrane resistance R (MΩ); R·I is in mV when I is in nA.</summary>
    public double ResistanceMOhm { get; init; } = 10;

    /// <summary>Refractory period (ms); V is clamped at V_reset during it.</summary>
    public double RefractoryMs { get; init; }

    /// <summary>Every problem with the parameters, one line each (empty when valid).</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        NeuronValidation.Finite(errors, (nameof(VRestMv), VRestMv), (nameof(VThresholdMv), VThresholdMv), (nameof(VResetMv), VResetMv),
            (nameof(TauMs), TauMs), (nameof(ResistanceMOhm), ResistanceMOhm), (nameof(RefractoryMs), RefractoryMs));
        NeuronValidation.Positive(errors, (nameof(TauMs), TauMs), (nameof(ResistanceMOhm), ResistanceMOhm));
        if (RefractoryMs < 0)
        {
            errors.Add($"RefractoryMs = {RefractoryMs}: must be >= 0");
        }

        if (VResetMv >= VThresholdMv)
        {
            errors.Add($"VResetMv = {VResetMv} must be below VThresholdMv = {VThresholdMv}");
        }

        return errors;
    }

    /// <summary>Asymptotic potential V∞ = V_rest + R I for a constant current I (nA).</summary>
    /// <param name="currentNa">Current (nA).</param>
    /// <returns>V∞ (mV).</returns>
    public double SteadyStateMv(double currentNa) => VRestMv + ResistanceMOhm * currentNa;

    /// <summary>
    /// Closed-form time to go from <paramref name="startMv"/> to threshold under constant current:
    /// t = τ ln((V_a − V∞)/(V_th − V∞)); +∞ when V∞ ≤ V_th (no spike).
    /// </summary>
    /// <param name="startMv">Start potential V_a (mV).</param>
    /// <param name="currentNa">Constant current (nA).</param>
    /// <returns>Time to threshold (ms).</returns>
    public double TimeToThresholdMs(double startMv, double currentNa)
    {
        double vInf = SteadyStateMv(currentNa);
        return vInf <= VThresholdMv ? double.PositiveInfinity : TauMs * Math.Log((startMv - vInf) / (VThresholdMv - vInf));
    }

    /// <summary>Rheobase: the smallest constant current (nA) that makes the neuron fire, (V_th − V_rest)/R.</summary>
    public double RheobaseNa => (VThresholdMv - VRestMv) / ResistanceMOhm;
}

/// <summary>The leaky integrate-and-fire model (state: V).</summary>
/// <param name="Parameters">The parameters.</param>
public sealed record LeakyIntegrateAndFire(LifParameters Parameters) : INeuronModel
{
    private static readonly string[] s_names = ["V_mV"];

    /// <inheritdoc/>
    public string Name => "lif";

    /// <inheritdoc/>
    public string CurrentUnit => "nA";

    /// <inheritdoc/>
    public IReadOnlyList<string> StateNames => s_names;

    /// <inheritdoc/>
    public SpikeMechanism Mechanism => SpikeMechanism.ThresholdReset;

    /// <inheritdoc/>
    public double SpikeVoltageMv => Parameters.VThresholdMv;

    /// <inheritdoc/>
    public double RefractoryMs => Parameters.RefractoryMs;

    /// <inheritdoc/>
    public void InitialState(Span<double> state) => state[0] = Parameters.VRestMv;

    /// <inheritdoc/>
    public void Derivative(ReadOnlySpan<double> state, double current, Span<double> derivative) =>
        derivative[0] = (Parameters.VRestMv - state[0] + Parameters.ResistanceMOhm * current) / Parameters.TauMs;

    /// <inheritdoc/>
    public void LinearParts(ReadOnlySpan<double> state, double current, Span<double> affine, Span<double> linear)
    {
        affine[0] = (Parameters.VRestMv + Parameters.ResistanceMOhm * current) / Parameters.TauMs;
        linear[0] = -1.0 / Parameters.TauMs;
    }

    /// <inheritdoc/>
    public void Reset(Span<double> state) => state[0] = Parameters.VResetMv;
}
