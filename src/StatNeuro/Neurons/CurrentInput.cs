namespace StatNeuro.Neurons;

/// <summary>A deterministic injected current I(t) (in the model's current unit), t in ms.</summary>
public abstract record CurrentInput
{
    /// <summary>The current at time <paramref name="timeMs"/>.</summary>
    /// <param name="timeMs">Time (ms).</param>
    /// <returns>The current.</returns>
    public abstract double At(double timeMs);

    /// <summary>A one-line description for summaries.</summary>
    /// <returns>The description.</returns>
    public abstract string Describe();
}

/// <summary>Constant current I(t) = amplitude.</summary>
/// <param name="Amplitude">The current.</param>
public sealed record ConstantCurrent(double Amplitude) : CurrentInput
{
    /// <inheritdoc/>
    public override double At(double timeMs) => Amplitude;

    /// <inheritdoc/>
    public override string Describe() => $"constant {Amplitude}";
}

/// <summary>Step current: <paramref name="Baseline"/> before onset and after offset, <paramref name="Amplitude"/> in [onset, offset).</summary>
/// <param name="Amplitude">Current during the step.</param>
/// <param name="OnsetMs">Step onset (ms).</param>
/// <param name="OffsetMs">Step end (ms); +∞ for none.</param>
/// <param name="Baseline">Current outside the step.</param>
public sealed record StepCurrent(double Amplitude, double OnsetMs, double OffsetMs = double.PositiveInfinity, double Baseline = 0) : CurrentInput
{
    /// <inheritdoc/>
    public override double At(double timeMs) => timeMs >= OnsetMs && timeMs < OffsetMs ? Amplitude : Baseline;

    /// <inheritdoc/>
    public override string Describe() => $"step {Amplitude} from {OnsetMs} ms to {OffsetMs} ms (baseline {Baseline})";
}

/// <summary>Rectangular pulse train: pulses of <paramref name="WidthMs"/> every <paramref name="PeriodMs"/> from <paramref name="StartMs"/>.</summary>
/// <param name="Amplitude">Current during a pulse.</param>
/// <param name="StartMs">First pulse onset.</param>
/// <param name="WidthMs">Pulse width.</param>
/// <param name="PeriodMs">Pulse period (≥ width).</param>
public sealed record PulseTrainCurrent(double Amplitude, double StartMs, double WidthMs, double PeriodMs) : CurrentInput
{
    /// <inheritdoc/>
    public override double At(double timeMs)
    {
        if (timeMs < StartMs)
        {
            return 0;
        }

        double phase = (timeMs - StartMs) % PeriodMs;
        return phase < WidthMs ? Amplitude : 0;
    }

    /// <inheritdoc/>
    public override string Describe() => $"pulses {Amplitude} of {WidthMs} ms every {PeriodMs} ms from {StartMs} ms";
}

/// <summary>
/// A noisy current added to a deterministic input: white noise (CorrelationMs = 0) of intensity σ, i.e. the
/// integral of the noise over a step h has variance σ² h (Euler–Maruyama when the neuron is stepped by Euler);
/// or an Ornstein–Uhlenbeck current with time constant τ and stationary standard deviation σ, updated exactly:
/// η ← η e^{−h/τ} + σ √(1 − e^{−2h/τ}) ξ. The noise is held constant within a step of the fixed grid.
/// </summary>
/// <param name="Sigma">Noise intensity: current·√ms for white noise, current for OU.</param>
/// <param name="CorrelationMs">OU time constant τ (ms); 0 for white noise.</param>
public sealed record NoiseSpec(double Sigma, double CorrelationMs = 0);
