namespace StatNeuro.Data;

/// <summary>
/// A binary raster in the Ising convention: <c>TimeBins</c> rows (time bins or samples) by <c>NeuronCount</c>
/// columns, each entry a spin s = ±1 stored as one <see cref="sbyte"/> (row-major, one time bin contiguous).
/// Time order is kept, and the raster remembers where its segments (stimulus repeats, recording blocks, trials)
/// start, so that time-lagged statistics never straddle a segment boundary.
/// </summary>
/// <remarks>
/// Data in 0/1 form σ are mapped on load by s = 2σ − 1 (0 = silent = spin −1). Memory: one byte per entry
/// (283 041 × 50 retina bins = 14 MB).
/// </remarks>
public sealed class SpinRaster
{
    private readonly sbyte[] _spins;
    private readonly int[] _segmentStarts;

    /// <summary>Creates a raster from row-major ±1 values.</summary>
    /// <param name="timeBins">Number of rows (time bins or samples).</param>
    /// <param name="neuronCount">Number of columns (neurons, spins).</param>
    /// <param name="spins">Row-major values, each −1 or +1; the array is owned by the raster afterwards.</param>
    /// <param name="segmentStarts">Ascending start rows of segments, the first 0; null = one segment.</param>
    public SpinRaster(int timeBins, int neuronCount, sbyte[] spins, int[]? segmentStarts = null)
    {
        ArgumentNullException.ThrowIfNull(spins);
        ArgumentOutOfRangeException.ThrowIfNegative(timeBins);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(neuronCount);
        if ((long)timeBins * neuronCount != spins.Length)
        {
            throw new ArgumentException($"spins has {spins.Length} values, expected {timeBins} x {neuronCount}.", nameof(spins));
        }

        foreach (sbyte s in spins)
        {
            if (s != 1 && s != -1)
            {
                throw new ArgumentException("every spin must be -1 or +1.", nameof(spins));
            }
        }

        segmentStarts ??= timeBins == 0 ? [] : [0];
        for (int k = 0; k < segmentStarts.Length; k++)
        {
            if ((k == 0 && segmentStarts[0] != 0) || (k > 0 && segmentStarts[k] <= segmentStarts[k - 1]) || segmentStarts[k] >= Math.Max(timeBins, 1))
            {
                throw new ArgumentException("segment starts must begin at 0 and increase strictly inside the raster.", nameof(segmentStarts));
            }
        }

        TimeBins = timeBins;
        NeuronCount = neuronCount;
        _spins = spins;
        _segmentStarts = segmentStarts;
    }

    /// <summary>Number of rows (time bins or samples).</summary>
    public int TimeBins { get; }

    /// <summary>Number of neurons (spins per row).</summary>
    public int NeuronCount { get; }

    /// <summary>All values, row-major (time bin t, neuron i at t·N + i).</summary>
    public ReadOnlySpan<sbyte> Spins => _spins;

    /// <summary>Number of segments (repeats, blocks, trials).</summary>
    public int SegmentCount => _segmentStarts.Length;

    /// <summary>Start rows of the segments (ascending, the first is 0).</summary>
    public IReadOnlyList<int> SegmentStarts => _segmentStarts;

    /// <summary>The spin of neuron <paramref name="neuron"/> in time bin <paramref name="time"/>.</summary>
    /// <param name="time">Row.</param>
    /// <param name="neuron">Column.</param>
    public sbyte this[int time, int neuron] => _spins[(long)time * NeuronCount + neuron];

    /// <summary>The spins of one time bin.</summary>
    /// <param name="time">Row.</param>
    /// <returns>A span of length <see cref="NeuronCount"/>.</returns>
    public ReadOnlySpan<sbyte> Row(int time) => _spins.AsSpan(time * NeuronCount, NeuronCount);

    /// <summary>Row range of segment <paramref name="segment"/>.</summary>
    /// <param name="segment">Segment index.</param>
    /// <returns>Start row and length.</returns>
    public (int Start, int Length) Segment(int segment)
    {
        int start = _segmentStarts[segment];
        int end = segment + 1 < _segmentStarts.Length ? _segmentStarts[segment + 1] : TimeBins;
        return (start, end - start);
    }

    /// <summary>Builds a raster from 0/1 values (σ), mapping s = 2σ − 1.</summary>
    /// <param name="timeBins">Rows.</param>
    /// <param name="neuronCount">Columns.</param>
    /// <param name="binary">Row-major 0/1 values (anything nonzero counts as 1).</param>
    /// <returns>The raster.</returns>
    public static SpinRaster FromBinary(int timeBins, int neuronCount, ReadOnlySpan<byte> binary)
    {
        var spins = new sbyte[binary.Length];
        for (int k = 0; k < binary.Length; k++)
        {
            spins[k] = binary[k] != 0 ? (sbyte)1 : (sbyte)-1;
        }

        return new SpinRaster(timeBins, neuronCount, spins);
    }

    /// <summary>The same data with equal-length segments (e.g. the 953 bins of one movie repeat).</summary>
    /// <param name="segmentLength">Rows per segment; the last segment may be shorter.</param>
    /// <returns>A raster sharing nothing mutable with this one.</returns>
    public SpinRaster WithSegmentLength(int segmentLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(segmentLength);
        int count = (TimeBins + segmentLength - 1) / segmentLength;
        var starts = new int[count];
        for (int k = 0; k < count; k++)
        {
            starts[k] = k * segmentLength;
        }

        return new SpinRaster(TimeBins, NeuronCount, _spins, starts);
    }

    /// <summary>A raster with only the given neurons, in the given order.</summary>
    /// <param name="neurons">Column indices (0-based).</param>
    /// <returns>The subset raster with the same segments.</returns>
    public SpinRaster SelectNeurons(IReadOnlyList<int> neurons)
    {
        ArgumentNullException.ThrowIfNull(neurons);
        foreach (int i in neurons)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(i);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, NeuronCount);
        }

        int n = neurons.Count;
        var spins = new sbyte[(long)TimeBins * n];
        for (int t = 0; t < TimeBins; t++)
        {
            ReadOnlySpan<sbyte> row = Row(t);
            for (int k = 0; k < n; k++)
            {
                spins[t * n + k] = row[neurons[k]];
            }
        }

        return new SpinRaster(TimeBins, n, spins, (int[])_segmentStarts.Clone());
    }

    /// <summary>Concatenates the given segments (in the given order), keeping them as separate segments.</summary>
    /// <param name="segments">Segment indices.</param>
    /// <returns>The selected rows.</returns>
    public SpinRaster SelectSegments(IReadOnlyList<int> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        long rows = 0;
        foreach (int s in segments)
        {
            rows += Segment(s).Length;
        }

        var spins = new sbyte[rows * NeuronCount];
        var starts = new List<int>();
        int at = 0;
        foreach (int s in segments)
        {
            (int start, int length) = Segment(s);
            if (length == 0)
            {
                continue;
            }

            starts.Add(at);
            _spins.AsSpan(start * NeuronCount, length * NeuronCount).CopyTo(spins.AsSpan(at * NeuronCount));
            at += length;
        }

        return new SpinRaster(at, NeuronCount, spins, [.. starts]);
    }

    /// <summary>Rows [start, start + length) as one segment.</summary>
    /// <param name="start">First row.</param>
    /// <param name="length">Number of rows.</param>
    /// <returns>The slice.</returns>
    public SpinRaster SliceRows(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + length, TimeBins);
        return new SpinRaster(length, NeuronCount, _spins.AsSpan(start * NeuronCount, length * NeuronCount).ToArray());
    }

    /// <summary>Train/test split by repeat: even segments (0, 2, 4, ...) train, odd segments test.</summary>
    /// <returns>The two rasters.</returns>
    /// <remarks>With the retina movie repeats as segments this is the split of Tkačik et al. (2014); a split by bin
    /// (even/odd bins) would leak the stimulus-locked drive between the halves.</remarks>
    public (SpinRaster Train, SpinRaster Test) SplitByRepeat()
    {
        if (SegmentCount < 2)
        {
            throw new InvalidOperationException("split by repeat needs at least two segments; set the segment length first.");
        }

        var even = new List<int>();
        var odd = new List<int>();
        for (int k = 0; k < SegmentCount; k++)
        {
            (k % 2 == 0 ? even : odd).Add(k);
        }

        return (SelectSegments(even), SelectSegments(odd));
    }

    /// <summary>Train/test split into <paramref name="blocks"/> contiguous blocks of rows; block <paramref name="testBlock"/> is the test set.</summary>
    /// <param name="blocks">Number of blocks (≥ 2).</param>
    /// <param name="testBlock">Index of the held-out block.</param>
    /// <returns>Train (the other blocks, each its own segment) and test.</returns>
    public (SpinRaster Train, SpinRaster Test) SplitByBlock(int blocks, int testBlock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(testBlock);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(testBlock, blocks);
        var b = new SpinRaster(TimeBins, NeuronCount, _spins, BlockStarts(TimeBins, blocks));
        var train = new List<int>();
        for (int k = 0; k < b.SegmentCount; k++)
        {
            if (k != testBlock)
            {
                train.Add(k);
            }
        }

        return (b.SelectSegments(train), b.SelectSegments([testBlock]));
    }

    private static int[] BlockStarts(int rows, int blocks)
    {
        var starts = new List<int>();
        for (int k = 0; k < blocks; k++)
        {
            int s = (int)((long)rows * k / blocks);
            if (starts.Count == 0 || s > starts[^1])
            {
                starts.Add(s);
            }
        }

        return [.. starts];
    }

    /// <summary>Mean spin ⟨s_i⟩ of every neuron.</summary>
    /// <returns>N values in [−1, 1].</returns>
    public double[] Means()
    {
        var counts = new long[NeuronCount];
        for (int t = 0; t < TimeBins; t++)
        {
            ReadOnlySpan<sbyte> row = Row(t);
            for (int i = 0; i < row.Length; i++)
            {
                counts[i] += row[i];
            }
        }

        var m = new double[NeuronCount];
        for (int i = 0; i < m.Length; i++)
        {
            m[i] = TimeBins == 0 ? 0 : (double)counts[i] / TimeBins;
        }

        return m;
    }

    /// <summary>Raw second moments ⟨s_i s_j⟩ (N × N row-major, diagonal 1).</summary>
    /// <returns>The symmetric matrix.</returns>
    public double[] SecondMoments()
    {
        int n = NeuronCount;
        int chunks = Math.Max(1, Math.Min(Environment.ProcessorCount * 4, TimeBins / 4096));
        var partial = new long[chunks][];
        Parallel.For(0, chunks, c =>
        {
            var acc = new long[n * n];
            int t0 = (int)((long)TimeBins * c / chunks), t1 = (int)((long)TimeBins * (c + 1) / chunks);
            var agree = new int[n * n];
            for (int t = t0; t < t1; t++)
            {
                ReadOnlySpan<sbyte> row = Row(t);
                for (int i = 0; i < n; i++)
                {
                    int si = row[i];
                    int off = i * n;
                    for (int j = i + 1; j < n; j++)
                    {
                        agree[off + j] += si * row[j];
                    }
                }

                if (((t - t0) & 0xFFFFF) == 0xFFFFF)
                {
                    Flush(agree, acc);
                }
            }

            Flush(agree, acc);
            partial[c] = acc;
        });
        var result = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            result[i * n + i] = 1;
            for (int j = i + 1; j < n; j++)
            {
                long sum = 0;
                for (int c = 0; c < chunks; c++)
                {
                    sum += partial[c][i * n + j];
                }

                result[i * n + j] = result[j * n + i] = TimeBins == 0 ? 0 : (double)sum / TimeBins;
            }
        }

        return result;
    }

    private static void Flush(int[] agree, long[] acc)
    {
        for (int k = 0; k < agree.Length; k++)
        {
            acc[k] += agree[k];
            agree[k] = 0;
        }
    }

    /// <summary>Connected correlations C_ij = ⟨s_i s_j⟩ − ⟨s_i⟩⟨s_j⟩ (N × N row-major, diagonal 1 − m_i²).</summary>
    /// <returns>The covariance matrix of the spins.</returns>
    public double[] ConnectedCorrelations()
    {
        double[] m = Means();
        double[] c = SecondMoments();
        int n = NeuronCount;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                c[i * n + j] -= m[i] * m[j];
            }
        }

        return c;
    }

    /// <summary>Distribution P(K) of the number K of up spins (active neurons) per row.</summary>
    /// <returns>N + 1 probabilities.</returns>
    public double[] UpCountDistribution()
    {
        var counts = new long[NeuronCount + 1];
        for (int t = 0; t < TimeBins; t++)
        {
            int k = 0;
            foreach (sbyte s in Row(t))
            {
                k += (s + 1) >> 1;
            }

            counts[k]++;
        }

        var p = new double[counts.Length];
        for (int k = 0; k < p.Length; k++)
        {
            p[k] = TimeBins == 0 ? 0 : (double)counts[k] / TimeBins;
        }

        return p;
    }

    /// <summary>Indices of neurons that never change (always +1 or always −1): their maximum-entropy field is infinite.</summary>
    /// <returns>Column indices.</returns>
    public int[] ConstantNeurons()
    {
        var result = new List<int>();
        double[] m = Means();
        for (int i = 0; i < m.Length; i++)
        {
            if (Math.Abs(m[i]) == 1.0)
            {
                result.Add(i);
            }
        }

        return [.. result];
    }
}
