using System.Runtime.CompilerServices;
using StatNeuro.Numerics;

namespace StatNeuro.Networks;

/// <summary>
/// Input neurons that emit given spike times (Brian2's SpikeGeneratorGroup). Times are rounded to steps. The single
/// receptor "ignored" accepts projections (so that STDP can be driven by imposed postsynaptic spikes) and discards them.
/// </summary>
public sealed class SpikeSourcePopulation : Population
{
    private readonly (int Neuron, double TimeMs)[] _events;
    private int[] _stepNeuron = [];
    private long[] _stepTime = [];
    private int _cursor;

    /// <summary>Creates the population.</summary>
    /// <param name="name">Name.</param>
    /// <param name="size">Number of neurons.</param>
    /// <param name="events">(neuron, time in ms) pairs; any order.</param>
    public SpikeSourcePopulation(string name, int size, IEnumerable<(int Neuron, double TimeMs)> events)
        : base(name, size, "ignored")
    {
        ArgumentNullException.ThrowIfNull(events);
        _events = [.. events];
        foreach ((int neuron, double time) in _events)
        {
            if (neuron < 0 || neuron >= size || !(time >= 0))
            {
                throw new ArgumentException($"Spike ({neuron}, {time} ms) is outside population {name} or negative in time.", nameof(events));
            }
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> VariableNames => [];

    /// <inheritdoc/>
    public override bool IsSource => true;

    internal override double[] VariableArray(string name) => throw new ArgumentException($"{Name} has no state variables.", nameof(name));

    internal override void Initialize(RandomStreams streams, double dt)
    {
        var sorted = _events.Select(e => (e.Neuron, Step: (long)Math.Round(e.TimeMs / dt))).Distinct().OrderBy(e => e.Step).ThenBy(e => e.Neuron).ToArray();
        _stepNeuron = sorted.Select(e => e.Neuron).ToArray();
        _stepTime = sorted.Select(e => e.Step).ToArray();
        _cursor = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override int Step(int lo, int hi, long step, Span<int> spikes)
    {
        // Sources are stepped as one chunk (lo = 0, hi = Size).
        while (_cursor < _stepTime.Length && _stepTime[_cursor] < step)
        {
            _cursor++;
        }

        int count = 0;
        int previousSlot = (int)((step - 1 + RingLength) % RingLength) * Size;
        Inputs[0].AsSpan(previousSlot, Size).Clear();
        while (_cursor < _stepTime.Length && _stepTime[_cursor] == step)
        {
            int i = _stepNeuron[_cursor++];
            if (i >= lo && i < hi)
            {
                LastSpike[i] = step;
                spikes[count++] = i;
            }
        }

        return count;
    }
}

/// <summary>Independent Poisson spike trains (Bernoulli with probability rate·dt per step; Brian2's PoissonGroup).</summary>
public sealed class PoissonSourcePopulation : Population
{
    private RandomGenerator[] _rng = [];
    private double _p;

    /// <summary>Creates the population.</summary>
    /// <param name="name">Name.</param>
    /// <param name="size">Number of neurons.</param>
    /// <param name="rateHz">Rate of every neuron (Hz).</param>
    public PoissonSourcePopulation(string name, int size, double rateHz)
        : base(name, size)
    {
        if (!(rateHz >= 0) || !double.IsFinite(rateHz))
        {
            throw new ArgumentOutOfRangeException(nameof(rateHz), rateHz, "Rate must be finite and >= 0.");
        }

        RateHz = rateHz;
    }

    /// <summary>Rate (Hz).</summary>
    public double RateHz { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<string> VariableNames => [];

    /// <inheritdoc/>
    public override bool IsSource => true;

    internal override double[] VariableArray(string name) => throw new ArgumentException($"{Name} has no state variables.", nameof(name));

    internal override void Initialize(RandomStreams streams, double dt)
    {
        _p = RateHz * dt * 1e-3;
        _rng = new RandomGenerator[Size];
        for (int i = 0; i < Size; i++)
        {
            _rng[i] = streams.For(StreamPurpose.Noise, Offset + i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override int Step(int lo, int hi, long step, Span<int> spikes)
    {
        int count = 0;
        for (int i = lo; i < hi; i++)
        {
            if (_rng[i].NextDouble() < _p)
            {
                LastSpike[i] = step;
                spikes[count++] = i;
            }
        }

        return count;
    }
}
