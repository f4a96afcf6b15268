using System.Runtime.CompilerServices;
using StatNeuro.Numerics;

namespace StatNeuro.Networks;

/// <summary>
/// A population of identical neurons stored as structure-of-arrays. Subclasses implement one specialised,
/// allocation-free kernel that advances a contiguous range of neurons by one step.
/// </summary>
/// <remarks>
/// Synaptic input arrives through <em>receptors</em> (for example "e" and "i" for the excitatory and inhibitory
/// currents of a LIF neuron with exponential synapses, or "v" for a voltage jump). Each receptor owns a ring buffer of
/// <c>RingLength × Size</c> doubles: a spike emitted at step n with a delay of d steps adds its weight to slot
/// (n + d) mod RingLength, and the kernel of step n + d + 1 consumes that slot before integrating. This is the
/// same arithmetic as Brian2, which adds the jump at the end of step n + d (after the threshold), so that the
/// jump acts from the following step on. Jumps into a variable that is clamped during the refractory period are
/// dropped when the target was refractory at the arrival step (Brian2's <c>(unless refractory)</c>).
/// </remarks>
public abstract class Population
{
    private readonly string[] _receptors;

    /// <summary>Creates a population.</summary>
    /// <param name="name">Unique name within the network.</param>
    /// <param name="size">Number of neurons (≥ 1).</param>
    /// <param name="receptors">Names of the receptors (synaptic input channels).</param>
    protected Population(string name, int size, params string[] receptors)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentNullException.ThrowIfNull(receptors);
        Name = name;
        Size = size;
        _receptors = receptors;
        Inputs = [];
    }

    /// <summary>Unique name within the network.</summary>
    public string Name { get; }

    /// <summary>Number of neurons.</summary>
    public int Size { get; }

    /// <summary>Index of the first neuron of this population in the network's global numbering.</summary>
    public int Offset { get; internal set; }

    /// <summary>Names of the receptors (synaptic input channels) in index order.</summary>
    public IReadOnlyList<string> Receptors => _receptors;

    /// <summary>Refractory period in steps (0 = none); set by the network from the model's period in ms.</summary>
    public int RefractorySteps { get; protected set; }

    /// <summary>External drive (Poisson/binomial jumps per neuron and step), or null.</summary>
    public BinomialDrive? Drive { get; set; }

    /// <summary>Names of the state variables a <see cref="StateMonitorSpec"/> can record.</summary>
    public abstract IReadOnlyList<string> VariableNames { get; }

    /// <summary>Relative cost of one neuron-step (1 for a LIF update), used to decide when threads pay off.</summary>
    public virtual double CostPerNeuron => Drive is null ? 1 : 8;

    /// <summary>True for populations that only emit spikes (inputs); they have no receptors to integrate.</summary>
    public virtual bool IsSource => false;

    internal double[][] Inputs { get; private set; }

    /// <summary>Per receptor: true when some projection or the drive targets it (set by the network before a run).</summary>
    internal bool[] ReceptorUsed { get; set; } = [];

    /// <summary>
    /// Per receptor: true when jumps go straight into the state variable instead of the ring buffer. That is
    /// exact when the ring has one slot (no delays) and the variable is not clamped while refractory: Brian2 adds
    /// the jump after the update of the spike's step, and so does the direct path.
    /// </summary>
    internal bool[] ReceptorDirect { get; private set; } = [];

    /// <summary>The state variable that receives receptor <paramref name="receptor"/>'s jumps directly, or null if it
    /// is clamped during the refractory period (then the ring buffer is always used).</summary>
    /// <param name="receptor">Receptor index.</param>
    /// <returns>The state array or null.</returns>
    internal virtual double[]? DirectInput(int receptor) => null;

    /// <summary>True when the kernel must read receptor <paramref name="r"/>'s ring buffer.</summary>
    internal bool ReadsRing(int r) => r < ReceptorUsed.Length && ReceptorUsed[r] && !ReceptorDirect[r];

    internal int RingLength { get; private set; }

    internal RandomGenerator[] DriveRandom { get; private set; } = [];

    /// <summary>Last spike step of every neuron (long.MinValue / 2 before the first spike).</summary>
    internal long[] LastSpike { get; private set; } = [];

    /// <summary>Index of a receptor by name.</summary>
    /// <param name="receptor">Receptor name.</param>
    /// <returns>Its index, or −1.</returns>
    public int ReceptorIndex(string receptor) => Array.FindIndex(_receptors, r => r.Equals(receptor, StringComparison.OrdinalIgnoreCase));

    /// <summary>Copies the current values of a state variable.</summary>
    /// <param name="name">One of <see cref="VariableNames"/>.</param>
    /// <returns>A copy of the values, one per neuron.</returns>
    public double[] GetVariable(string name) => (double[])VariableArray(name).Clone();

    /// <summary>Overwrites a state variable (for initial conditions set by hand).</summary>
    /// <param name="name">One of <see cref="VariableNames"/>.</param>
    /// <param name="values">One value per neuron.</param>
    public void SetVariable(string name, ReadOnlySpan<double> values)
    {
        double[] target = VariableArray(name);
        if (values.Length != Size)
        {
            throw new ArgumentException($"Expected {Size} values for {Name}.{name}, got {values.Length}.", nameof(values));
        }

        values.CopyTo(target);
    }

    /// <summary>The live array of a state variable (no copy).</summary>
    /// <param name="name">Variable name.</param>
    /// <returns>The array.</returns>
    internal abstract double[] VariableArray(string name);

    /// <summary>Sets the initial state (called once before the first step of a run).</summary>
    /// <param name="streams">Random streams of the run.</param>
    /// <param name="dt">Step in ms.</param>
    internal abstract void Initialize(RandomStreams streams, double dt);

    /// <summary>
    /// Advances neurons [lo, hi) from step n to n + 1: consumes input slot n − 1, integrates, tests the threshold,
    /// resets and writes the local indices of the neurons that spiked (stamped with step n) to
    /// <paramref name="spikes"/>.
    /// </summary>
    /// <returns>The number of spikes written.</returns>
    internal abstract int Step(int lo, int hi, long step, Span<int> spikes);

    internal void Allocate(int ringLength, RandomStreams streams)
    {
        RingLength = ringLength;
        Inputs = new double[_receptors.Length][];
        for (int r = 0; r < _receptors.Length; r++)
        {
            Inputs[r] = new double[checked(ringLength * Size)];
        }

        ReceptorDirect = new bool[_receptors.Length];
        if (ReceptorUsed.Length != _receptors.Length)
        {
            ReceptorUsed = Enumerable.Repeat(true, _receptors.Length).ToArray();
        }

        for (int r = 0; r < _receptors.Length; r++)
        {
            ReceptorDirect[r] = ringLength == 1 && DirectInput(r) is not null && (Drive is null || Drive.Receptor != r);
        }

        LastSpike = new long[Size];
        Array.Fill(LastSpike, long.MinValue / 2);
        if (Drive is not null)
        {
            DriveRandom = new RandomGenerator[Size];
            for (int i = 0; i < Size; i++)
            {
                DriveRandom[i] = streams.For(StreamPurpose.Noise, Offset + i);
            }
        }
    }

    /// <summary>Adds the external drive of step n − 1 into ring slot n − 1 for neurons [lo, hi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void ApplyDrive(int lo, int hi, long step)
    {
        if (Drive is null || step == 0)
        {
            return;
        }

        int slot = (int)((step - 1) % RingLength);
        double[] buffer = Inputs[Drive.Receptor];
        int baseIndex = slot * Size;
        RandomGenerator[] rng = DriveRandom;
        BinomialDrive d = Drive;
        double w = d.Weight;
        for (int i = lo; i < hi; i++)
        {
            buffer[baseIndex + i] += d.Sample(ref rng[i]) * w;
        }
    }

    internal bool WasRefractory(int i, long step) => step - LastSpike[i] < Math.Max(RefractorySteps, 1);
}
