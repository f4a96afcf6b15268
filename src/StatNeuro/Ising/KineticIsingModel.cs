using StatNeuro.Data;
using StatNeuro.Numerics;

namespace StatNeuro.Ising;

/// <summary>
/// A kinetic (non-equilibrium) Ising model with parallel Glauber dynamics: fields h_i (constant, or one set per
/// stimulus bin) and asymmetric couplings J_ij, where J[i, j] is the coupling from neuron j to neuron i.
/// </summary>
/// <remarks>
/// P(s(t+1) | s(t)) = Π_i exp(s_i(t+1) H_i(t)) / (2 cosh H_i(t)), H_i(t) = h_i(b(t)) + Σ_j J_ij s_j(t), with
/// s = ±1 and b(t) = (t − segment start) mod B the stimulus bin of the source state (B = 1: constant fields).
/// Glauber (1963) J. Math. Phys. 4:294; the parallel-update form used for inference follows Roudi &amp; Hertz
/// (2011) PRL 106:048702 and, with fields per stimulus bin shared across repeats, Tyrcha et al. (2013)
/// J. Stat. Mech. P03005. No detailed balance is assumed: J need not be symmetric.
/// </remarks>
public sealed class KineticIsingModel
{
    private readonly double[] _fields;
    private readonly double[] _couplings;

    /// <summary>Creates a model with constant fields.</summary>
    /// <param name="fields">h_i, length N.</param>
    /// <param name="couplings">J row-major, length N², J[i·N + j] = coupling from j to i.</param>
    public KineticIsingModel(ReadOnlySpan<double> fields, ReadOnlySpan<double> couplings)
        : this(fields, couplings, 1)
    {
    }

    /// <summary>Creates a model with one field vector per stimulus bin.</summary>
    /// <param name="fields">h_i(b) row-major by bin: fields[b·N + i], length B·N.</param>
    /// <param name="couplings">J row-major, length N².</param>
    /// <param name="stimulusBins">B ≥ 1, the number of field vectors (bins of one stimulus repeat).</param>
    public KineticIsingModel(ReadOnlySpan<double> fields, ReadOnlySpan<double> couplings, int stimulusBins)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stimulusBins);
        if (fields.Length == 0 || fields.Length % stimulusBins != 0)
        {
            throw new ArgumentException($"fields has {fields.Length} values, expected a positive multiple of {stimulusBins} stimulus bins.", nameof(fields));
        }

        int n = fields.Length / stimulusBins;
        if (couplings.Length != n * n)
        {
            throw new ArgumentException($"couplings has {couplings.Length} values, expected {n} x {n}.", nameof(couplings));
        }

        foreach (double v in fields)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("fields must be finite.", nameof(fields));
            }
        }

        foreach (double v in couplings)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("couplings must be finite.", nameof(couplings));
            }
        }

        Size = n;
        StimulusBins = stimulusBins;
        _fields = fields.ToArray();
        _couplings = couplings.ToArray();
    }

    /// <summary>Number of neurons N.</summary>
    public int Size { get; }

    /// <summary>Number of field vectors B (1 = constant fields).</summary>
    public int StimulusBins { get; }

    /// <summary>All fields, row-major by bin (fields[b·N + i]).</summary>
    public ReadOnlySpan<double> Fields => _fields;

    /// <summary>Couplings row-major: J[i·N + j] is the coupling from neuron j to neuron i.</summary>
    public ReadOnlySpan<double> Couplings => _couplings;

    /// <summary>The field vector of stimulus bin <paramref name="bin"/> (taken modulo B).</summary>
    /// <param name="bin">Bin index ≥ 0.</param>
    /// <returns>N fields.</returns>
    public ReadOnlySpan<double> FieldsOfBin(int bin) => _fields.AsSpan(bin % StimulusBins * Size, Size);

    /// <summary>Coupling from neuron <paramref name="j"/> to neuron <paramref name="i"/>.</summary>
    /// <param name="i">Target neuron.</param>
    /// <param name="j">Source neuron.</param>
    /// <returns>J_ij.</returns>
    public double Coupling(int i, int j) => _couplings[i * Size + j];

    /// <summary>True when J_ij = J_ji for all pairs (to the given tolerance).</summary>
    /// <param name="tolerance">Absolute tolerance.</param>
    /// <returns>Whether J is symmetric.</returns>
    public bool IsSymmetric(double tolerance = 0)
    {
        for (int i = 0; i < Size; i++)
        {
            for (int j = i + 1; j < Size; j++)
            {
                if (Math.Abs(_couplings[i * Size + j] - _couplings[j * Size + i]) > tolerance)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Local fields H_i = h_i(b) + Σ_j J_ij s_j of a state.</summary>
    /// <param name="spins">State s (±1), length N.</param>
    /// <param name="bin">Stimulus bin of the state.</param>
    /// <param name="destination">Output, length N.</param>
    public void LocalFields(ReadOnlySpan<sbyte> spins, int bin, Span<double> destination)
    {
        if (spins.Length != Size || destination.Length != Size)
        {
            throw new ArgumentException($"spins and destination must have length {Size}.");
        }

        ReadOnlySpan<double> h = FieldsOfBin(bin);
        for (int i = 0; i < Size; i++)
        {
            ReadOnlySpan<double> row = _couplings.AsSpan(i * Size, Size);
            double sum = h[i];
            for (int j = 0; j < Size; j++)
            {
                sum += row[j] * spins[j];
            }

            destination[i] = sum;
        }
    }

    /// <summary>
    /// Log-likelihood of a raster's transitions, ln P(s(t+1) | s(t)) summed over neurons and averaged over all
    /// transitions inside segments (never across a segment boundary), in nats per transition.
    /// </summary>
    /// <param name="data">Raster with N neurons; its segments are stimulus repeats when B &gt; 1.</param>
    /// <returns>(1/M) Σ_t Σ_i [s_i(t+1) H_i(t) − ln 2cosh H_i(t)]; NaN when there is no transition.</returns>
    public double LogLikelihood(SpinRaster data)
    {
        double[] perSegment = SegmentLogLikelihoods(data, out long[] counts);
        double sum = 0;
        long m = 0;
        for (int k = 0; k < perSegment.Length; k++)
        {
            sum += perSegment[k] * counts[k];
            m += counts[k];
        }

        return m == 0 ? double.NaN : sum / m;
    }

    /// <summary>Log-likelihood per transition of each segment separately (for error bars over repeats).</summary>
    /// <param name="data">Raster with N neurons.</param>
    /// <param name="transitions">Number of transitions of each segment.</param>
    /// <returns>Per-segment mean log-likelihood per transition (NaN for a segment of one bin).</returns>
    public double[] SegmentLogLikelihoods(SpinRaster data, out long[] transitions)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.NeuronCount != Size)
        {
            throw new ArgumentException($"data has {data.NeuronCount} neurons, the model {Size}.", nameof(data));
        }

        var result = new double[data.SegmentCount];
        transitions = new long[data.SegmentCount];
        var h = new double[Size];
        for (int k = 0; k < data.SegmentCount; k++)
        {
            (int start, int length) = data.Segment(k);
            double sum = 0;
            for (int t = start; t < start + length - 1; t++)
            {
                LocalFields(data.Row(t), t - start, h);
                ReadOnlySpan<sbyte> next = data.Row(t + 1);
                for (int i = 0; i < Size; i++)
                {
                    sum += next[i] * h[i] - SpecialFunctions.LogTwoCosh(h[i]);
                }
            }

            transitions[k] = Math.Max(length - 1, 0);
            result[k] = length > 1 ? sum / (length - 1) : double.NaN;
        }

        return result;
    }

    /// <summary>A planted model with independent Gaussian couplings J_ij ~ N(0, g²/N), J_ii = 0, and fields h_i ~ N(0, σ_h²).</summary>
    /// <param name="size">N.</param>
    /// <param name="gain">g.</param>
    /// <param name="fieldSd">σ_h.</param>
    /// <param name="streams">Random streams (purpose <see cref="StreamPurpose.Model"/>).</param>
    /// <param name="index">Stream index.</param>
    /// <param name="symmetric">True: J_ij = J_ji (same variance).</param>
    /// <returns>The model.</returns>
    /// <remarks>The asymmetric SK-like ensemble of Roudi &amp; Hertz (2011) and Mézard &amp; Sakellariou (2011).</remarks>
    public static KineticIsingModel Planted(int size, double gain, double fieldSd, RandomStreams streams, long index = 0, bool symmetric = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        RandomGenerator rng = streams.For(StreamPurpose.Model, index);
        var h = new double[size];
        var j = new double[size * size];
        double sd = gain / Math.Sqrt(size);
        for (int i = 0; i < size; i++)
        {
            h[i] = fieldSd * rng.NextNormal();
        }

        for (int i = 0; i < size; i++)
        {
            for (int k = 0; k < size; k++)
            {
                if (i == k || (symmetric && k < i))
                {
                    continue;
                }

                j[i * size + k] = sd * rng.NextNormal();
                if (symmetric)
                {
                    j[k * size + i] = j[i * size + k];
                }
            }
        }

        return new KineticIsingModel(h, j);
    }
}
