using StatNeuro.Numerics;

namespace StatNeuro.Neurons;

/// <summary>
/// Parameters of the Hodgkin–Huxley (1952) squid giant axon in the modern convention (rest near −65 mV).
/// Units: C in µF/cm², conductances in mS/cm², potentials in mV, current in µA/cm², time in ms.
/// </summary>
/// <remarks>
/// C dV/dt = I − g_Na m³h (V − E_Na) − g_K n⁴ (V − E_K) − g_L (V − E_L), dx/dt = α_x(V)(1 − x) − β_x(V) x for
/// x ∈ {m, h, n} (the seed slides print "+ β_x x", a sign typo). Rates (1/ms, V in mV):
/// α_m = 0.1 (V+40)/(1 − e^{−(V+40)/10}), β_m = 4 e^{−(V+65)/18}, α_h = 0.07 e^{−(V+65)/20},
/// β_h = 1/(1 + e^{−(V+35)/10}), α_n = 0.01 (V+55)/(1 − e^{−(V+55)/10}), β_n = 0.125 e^{−(V+65)/80}.
/// Hodgkin &amp; Huxley (1952), J. Physiol. 117, 500; the shifted form as in Dayan &amp; Abbott (2001) and Brian2's examples.
/// </remarks>
public sealed record HodgkinHuxleyParameters
{
    /// <summary>Membrane capacitance (µF/cm²).</summary>
    public double CapacitanceUfPerCm2 { get; init; } = 1.0;

    /// <summary>Maximal sodium conductance (mS/cm²).</summary>
    public double GSodiumMsPerCm2 { get; init; } = 120.0;

    /// <summary>Maximal potassium conductance (mS/cm²).</summary>
    public double GPotassiumMsPerCm2 { get; init; } = 36.0;

    /// <summary>Leak conductance (mS/cm²).</summary>
    public double GLeakMsPerCm2 { get; init; } = 0.3;

    /// <summary>Sodium reversal potential (mV).</summary>
    public double ESodiumMv { get; init; } = 50.0;

    /// <summary>Potassium reversal potential (mV).</summary>
    public double EPotassiumMv { get; init; } = -77.0;

    /// <summary>Leak reversal potential (mV).</summary>
    public double ELeakMv { get; init; } = -54.387;

    /// <summary>Initial membrane potential (mV); the gates start at their steady state for it.</summary>
    public double VInitialMv { get; init; } = -65.0;

    /// <summary>Spike detection voltage: a spike is an upward crossing (mV).</summary>
    public double SpikeDetectionMv { get; init; }

    /// <summary>Every problem with the parameters, one line each (empty when valid).</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        NeuronValidation.Finite(errors, (nameof(CapacitanceUfPerCm2), CapacitanceUfPerCm2), (nameof(GSodiumMsPerCm2), GSodiumMsPerCm2),
            (nameof(GPotassiumMsPerCm2), GPotassiumMsPerCm2), (nameof(GLeakMsPerCm2), GLeakMsPerCm2), (nameof(ESodiumMv), ESodiumMv),
            (nameof(EPotassiumMv), EPotassiumMv), (nameof(ELeakMv), ELeakMv), (nameof(VInitialMv), VInitialMv), (nameof(SpikeDetectionMv), SpikeDetectionMv));
        NeuronValidation.Positive(errors, (nameof(CapacitanceUfPerCm2), CapacitanceUfPerCm2));
        NeuronValidation.NonNegative(errors, (nameof(GSodiumMsPerCm2), GSodiumMsPerCm2), (nameof(GPotassiumMsPerCm2), GPotassiumMsPerCm2), (nameof(GLeakMsPerCm2), GLeakMsPerCm2));
        return errors;
    }
}

/// <summary>The Hodgkin–Huxley model; state (V, m, h, n).</summary>
/// <param name="Parameters">The parameters.</param>
public sealed record HodgkinHuxley(HodgkinHuxleyParameters Parameters) : INeuronModel
{
    private static readonly string[] s_names = ["V_mV", "m", "h", "n"];

    /// <inheritdoc/>
    public string Name => "hh";

    /// <inheritdoc/>
    public string CurrentUnit => "uA/cm^2";

    /// <inheritdoc/>
    public IReadOnlyList<string> StateNames => s_names;

    /// <inheritdoc/>
    public SpikeMechanism Mechanism => SpikeMechanism.Detection;

    /// <inheritdoc/>
    public double SpikeVoltageMv => Parameters.SpikeDetectionMv;

    /// <inheritdoc/>
    public double RefractoryMs => 0;

    /// <summary>x / (1 − e^{−x}) with its removable singularity at x = 0 handled (limit 1 + x/2).</summary>
    /// <param name="x">Argument.</param>
    /// <returns>The value.</returns>
    public static double ExpRelative(double x) => Math.Abs(x) < 1e-7 ? 1 + 0.5 * x : x / -SpecialFunctions.ExpM1(-x);

    /// <summary>α_m(V) (1/ms).</summary>
    /// <param name="v">Membrane potential (mV).</param>
    /// <returns>The rate.</returns>
    public static double AlphaM(double v) => ExpRelative((v + 40) / 10);

    /// <summary>β_m(V) (1/ms).</summary>
    /// <param name="v">Membrane potential (mV).</param>
    /// <returns>The rate.</returns>
    public static double BetaM(double v) => 4 * Math.Exp(-(v + 65) / 18);

    /// <summary>α_h(V) (1/ms).</summary>
    /// <param name="v">Membrane potential (mV).</param>
    /// <returns>The rate.</returns>
    public static double AlphaH(double v) => 0.07 * Math.Exp(-(v + 65) / 20);

    /// <summary>β_h(V) (1/ms).</summary>
    /// <param name="v">Membrane potential (mV).</param>
    /// <returns>The rate.</returns>
    public static double BetaH(double v) => 1 / (1 + Math.Exp(-(v + 35) / 10));

    /// <summary>α_n(V) (1/ms).</summary>
    /// <param name="v">Membrane potential (mV).</param>
    /// <returns>The rate.</returns>
    public static double AlphaN(double v) => 0.1 * ExpRelative((v + 55) / 10);

    /// <summary>β_n(V) (1/ms).</summary>
    /// <param name="v">Membrane potential (mV).</param>
    /// <returns>The rate.</returns>
    public static double BetaN(double v) => 0.125 * Math.Exp(-(v + 65) / 80);

    /// <inheritdoc/>
    public void InitialState(Span<double> state)
    {
        double v = Parameters.VInitialMv;
        state[0] = v;
        state[1] = AlphaM(v) / (AlphaM(v) + BetaM(v));
        state[2] = AlphaH(v) / (AlphaH(v) + BetaH(v));
        state[3] = AlphaN(v) / (AlphaN(v) + BetaN(v));
    }

    /// <inheritdoc/>
    public void Derivative(ReadOnlySpan<double> state, double current, Span<double> derivative)
    {
        HodgkinHuxleyParameters p = Parameters;
        double v = state[0], m = state[1], h = state[2], n = state[3];
        double gNa = p.GSodiumMsPerCm2 * m * m * m * h;
        double n2 = n * n;
        double gK = p.GPotassiumMsPerCm2 * n2 * n2;
        derivative[0] = (current - gNa * (v - p.ESodiumMv) - gK * (v - p.EPotassiumMv) - p.GLeakMsPerCm2 * (v - p.ELeakMv)) / p.CapacitanceUfPerCm2;
        derivative[1] = AlphaM(v) * (1 - m) - BetaM(v) * m;
        derivative[2] = AlphaH(v) * (1 - h) - BetaH(v) * h;
        derivative[3] = AlphaN(v) * (1 - n) - BetaN(v) * n;
    }

    /// <inheritdoc/>
    public void LinearParts(ReadOnlySpan<double> state, double current, Span<double> affine, Span<double> linear)
    {
        HodgkinHuxleyParameters p = Parameters;
        double v = state[0], m = state[1], h = state[2], n = state[3];
        double gNa = p.GSodiumMsPerCm2 * m * m * m * h;
        double n2 = n * n;
        double gK = p.GPotassiumMsPerCm2 * n2 * n2;
        affine[0] = (current + gNa * p.ESodiumMv + gK * p.EPotassiumMv + p.GLeakMsPerCm2 * p.ELeakMv) / p.CapacitanceUfPerCm2;
        linear[0] = -(gNa + gK + p.GLeakMsPerCm2) / p.CapacitanceUfPerCm2;
        double am = AlphaM(v), ah = AlphaH(v), an = AlphaN(v);
        affine[1] = am;
        linear[1] = -(am + BetaM(v));
        affine[2] = ah;
        linear[2] = -(ah + BetaH(v));
        affine[3] = an;
        linear[3] = -(an + BetaN(v));
    }

    /// <inheritdoc/>
    public void Reset(Span<double> state)
    {
        // Conductance-based: spikes are detected, nothing is reset.
    }
}
