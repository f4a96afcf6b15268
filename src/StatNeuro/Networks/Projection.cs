using System.Runtime.CompilerServices;
using StatNeuro.Numerics;
using StatNeuro.Plasticity;

namespace StatNeuro.Networks;

/// <summary>A connection pattern together with its weights and delays.</summary>
/// <param name="Rule">Which pairs are connected.</param>
/// <param name="Weight">Weight (in the unit of the target receptor's variable).</param>
/// <param name="DelayMs">Delay in ms (rounded to steps; 0 means the jump acts from the next step, as in Brian2).</param>
/// <param name="Autapses">Allow i → i when source and target are the same population (default true, as Brian2 and NEST).</param>
/// <param name="Multapses">Allow several synapses between one pair (fixed in/out-degree rules only).</param>
public sealed record ConnectionSpec(ConnectionRule Rule, ValueSpec Weight, ValueSpec DelayMs, bool Autapses = true, bool Multapses = true);

/// <summary>Synapses from one population onto one receptor of another, stored as a <see cref="SynapseMatrix"/>.</summary>
public sealed class Projection
{
    private List<int>[] _pending = [];
    private double[] _preTrace = [], _postTrace = [];
    private long[] _preLast = [], _postLast = [];
    private int[] _inStart = [], _inSynapse = [], _inPre = [];

    internal Projection(int id, Population source, Population target, int receptor, ConnectionSpec spec, StdpRule? stdp)
    {
        Id = id;
        Source = source;
        Target = target;
        Receptor = receptor;
        Spec = spec;
        Stdp = stdp;
    }

    /// <summary>Index of the projection in its network.</summary>
    public int Id { get; }

    /// <summary>Presynaptic population.</summary>
    public Population Source { get; }

    /// <summary>Postsynaptic population.</summary>
    public Population Target { get; }

    /// <summary>Receptor index in the target.</summary>
    public int Receptor { get; }

    /// <summary>Connection pattern, weights and delays.</summary>
    public ConnectionSpec Spec { get; }

    /// <summary>Plasticity rule, or null for static synapses.</summary>
    public StdpRule? Stdp { get; }

    /// <summary>The synapses (after <see cref="Network.Build"/>).</summary>
    public SynapseMatrix? Matrix { get; private set; }

    /// <summary>Plastic weights in CSR order (STDP projections only).</summary>
    public double[]? PlasticWeights { get; private set; }

    internal void Build(double dt, RandomStreams streams, int threads)
    {
        Matrix = SynapseMatrix.Build(Spec, Source.Size, Target.Size, ReferenceEquals(Source, Target), dt, streams, Id + 1, threads);
        if (Stdp is null)
        {
            return;
        }

        if (Matrix.BucketRow is not null)
        {
            throw new ArgumentException($"Projection {Source.Name}->{Target.Name}: STDP needs one constant delay.");
        }

        PlasticWeights = new double[Matrix.Count];
        for (int k = 0; k < Matrix.Count; k++)
        {
            PlasticWeights[k] = Matrix.Weight(k);
        }

        // Reverse index: incoming synapses of every postsynaptic neuron.
        _inStart = new int[Target.Size + 1];
        foreach (int t in Matrix.Targets)
        {
            _inStart[t + 1]++;
        }

        for (int j = 0; j < Target.Size; j++)
        {
            _inStart[j + 1] += _inStart[j];
        }

        int[] fill = _inStart[..Target.Size];
        _inSynapse = new int[Matrix.Count];
        _inPre = new int[Matrix.Count];
        for (int i = 0; i < Source.Size; i++)
        {
            for (int k = Matrix.RowStart[i]; k < Matrix.RowStart[i + 1]; k++)
            {
                int slot = fill[Matrix.Targets[k]]++;
                _inSynapse[slot] = k;
                _inPre[slot] = i;
            }
        }
    }

    internal void ResetPlasticState()
    {
        if (Stdp is null)
        {
            return;
        }

        _pending = new List<int>[Matrix!.ConstantDelay + 1];
        for (int k = 0; k < _pending.Length; k++)
        {
            _pending[k] = [];
        }

        _preTrace = new double[Source.Size];
        _postTrace = new double[Target.Size];
        _preLast = new long[Source.Size];
        _postLast = new long[Target.Size];
    }

    /// <summary>Scatters the spikes of step <paramref name="step"/> into the ring buffer for targets in [lo, hi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Deliver(ReadOnlySpan<int> spikes, long step, int lo, int hi)
    {
        SynapseMatrix m = Matrix!;
        int n = Target.Size, ring = Target.RingLength;
        bool direct = Target.ReceptorDirect[Receptor];
        double[] buffer = direct ? Target.DirectInput(Receptor)! : Target.Inputs[Receptor];
        if (direct)
        {
            n = 0;
        }

        bool full = lo == 0 && hi == Target.Size;
        int[] rowStart = m.RowStart;
        foreach (int s in spikes)
        {
            int a = rowStart[s], b = rowStart[s + 1];
            if (m.BucketRow is null)
            {
                DeliverRange(m, buffer, (int)((step + m.ConstantDelay) % ring) * n, a, b, full, lo, hi);
            }
            else
            {
                int[] bucketStart = m.BucketStart!;
                for (int bk = m.BucketRow[s]; bk < m.BucketRow[s + 1]; bk++)
                {
                    int end = bk + 1 < m.BucketRow[s + 1] ? bucketStart[bk + 1] : b;
                    DeliverRange(m, buffer, (int)((step + m.BucketDelay![bk]) % ring) * n, bucketStart[bk], end, full, lo, hi);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DeliverRange(SynapseMatrix m, double[] buffer, int slotBase, int a, int b, bool full, int lo, int hi)
    {
        int[] targets = m.Targets;
        if (!full)
        {
            int first = LowerBound(targets, a, b, lo);
            b = LowerBound(targets, first, b, hi);
            a = first;
        }

        double[]? weights = m.Weights;
        if (weights is null)
        {
            double w = m.ConstantWeight;
            for (int k = a; k < b; k++)
            {
                buffer[slotBase + targets[k]] += w;
            }
        }
        else
        {
            for (int k = a; k < b; k++)
            {
                buffer[slotBase + targets[k]] += weights[k];
            }
        }
    }

    private static int LowerBound(int[] values, int a, int b, int key)
    {
        while (a < b)
        {
            int mid = (a + b) >>> 1;
            if (values[mid] < key)
            {
                a = mid + 1;
            }
            else
            {
                b = mid;
            }
        }

        return a;
    }

    /// <summary>Plastic projections: delivers arrivals at this step with the current weights, then applies STDP.</summary>
    internal void DeliverPlastic(ReadOnlySpan<int> sourceSpikes, ReadOnlySpan<int> targetSpikes, long step, double dt)
    {
        StdpRule rule = Stdp!;
        SynapseMatrix m = Matrix!;
        double[] w = PlasticWeights!;
        int d = m.ConstantDelay;
        List<int> current = _pending[(int)(step % (d + 1))];
        current.Clear();
        foreach (int s in sourceSpikes)
        {
            current.Add(s);
        }

        List<int> arriving = _pending[(int)((step + 1) % (d + 1))];
        int n = Target.Size;
        bool direct = Target.ReceptorDirect[Receptor];
        double[] buffer = direct ? Target.DirectInput(Receptor)! : Target.Inputs[Receptor];
        int slotBase = direct ? 0 : (int)(step % Target.RingLength) * n;
        foreach (int s in arriving)
        {
            double x = _preTrace[s] * Math.Exp(-(step - _preLast[s]) * dt / rule.TauPlus);
            _preTrace[s] = rule.Bump(x, rule.TraceJumpPlus);
            _preLast[s] = step;
            for (int k = m.RowStart[s]; k < m.RowStart[s + 1]; k++)
            {
                int t = m.Targets[k];
                buffer[slotBase + t] += w[k];
                double y = _postTrace[t] * Math.Exp(-(step - _postLast[t]) * dt / rule.TauMinus);
                w[k] = rule.Depress(w[k], y);
            }
        }

        foreach (int j in targetSpikes)
        {
            double y = _postTrace[j] * Math.Exp(-(step - _postLast[j]) * dt / rule.TauMinus);
            _postTrace[j] = rule.Bump(y, rule.TraceJumpMinus);
            _postLast[j] = step;
            for (int q = _inStart[j]; q < _inStart[j + 1]; q++)
            {
                int i = _inPre[q];
                double x = _preTrace[i] * Math.Exp(-(step - _preLast[i]) * dt / rule.TauPlus);
                int k = _inSynapse[q];
                w[k] = rule.Potentiate(w[k], x);
            }
        }
    }
}
