namespace StatNeuro.Neurons;

/// <summary>How a model produces spikes.</summary>
public enum SpikeMechanism
{
    /// <summary>Integrate-and-fire: a threshold crossing is a spike and the state is reset (LIF, Izhikevich, AdEx).</summary>
    ThresholdReset,

    /// <summary>Conductance-based: a spike is an upward crossing of a detection voltage; nothing is reset (Hodgkin–Huxley).</summary>
    Detection,
}

/// <summary>
/// A single-neuron model written as dy/dt = f(t, y, I) with state y[0] = membrane potential V (mV) and, for some
/// models, further variables (gates, adaptation). Time in ms.
/// </summary>
public interface INeuronModel
{
    /// <summary>Model name as used on the command line.</summary>
    string Name { get; }

    /// <summary>Unit of the injected current of this model (e.g. "nA", "uA/cm^2", "pA").</summary>
    string CurrentUnit { get; }

    /// <summary>Names of the state variables; the first is always "V_mV".</summary>
    IReadOnlyList<string> StateNames { get; }

    /// <summary>How spikes are produced.</summary>
    SpikeMechanism Mechanism { get; }

    /// <summary>Threshold (reset models) or detection voltage (mV).</summary>
    double SpikeVoltageMv { get; }

    /// <summary>Refractory period in ms during which V is clamped at reset (0 for none; reset models only).</summary>
    double RefractoryMs { get; }

    /// <summary>Writes the initial state (rest, gates at steady state).</summary>
    /// <param name="state">Destination, length StateNames.Count.</param>
    void InitialState(Span<double> state);

    /// <summary>Evaluates dy/dt for injected current <paramref name="current"/> (in <see cref="CurrentUnit"/>).</summary>
    /// <param name="state">State.</param>
    /// <param name="current">Injected current.</param>
    /// <param name="derivative">Destination.</param>
    void Derivative(ReadOnlySpan<double> state, double current, Span<double> derivative);

    /// <summary>Splits f_i = A_i + B_i y_i for exponential Euler.</summary>
    /// <param name="state">State.</param>
    /// <param name="current">Injected current.</param>
    /// <param name="affine">Destination for A.</param>
    /// <param name="linear">Destination for B.</param>
    void LinearParts(ReadOnlySpan<double> state, double current, Span<double> affine, Span<double> linear);

    /// <summary>Applies the reset after a spike (reset models).</summary>
    /// <param name="state">State to modify.</param>
    void Reset(Span<double> state);
}
