using StatNeuro.Numerics;

namespace StatNeuro.Networks;

/// <summary>
/// Synapses of one projection in compressed sparse row (CSR) form by presynaptic neuron: row i holds the 32-bit
/// indices of the targets of neuron i, sorted by (delay, target).
/// </summary>
/// <remarks>
/// Memory per synapse: 4 bytes (target) when weight and delay are constant; + 8 bytes (double weight) when weights
/// vary; delays that vary are not stored per synapse but as buckets: a row is sorted by delay and stores one
/// (start, delay) pair (6 bytes) per distinct delay, so the per-synapse cost stays 4 or 12 bytes plus
/// 6·(buckets)/(row length). Row pointers add 4 bytes per presynaptic neuron.
/// </remarks>
public sealed class SynapseMatrix
{
    internal SynapseMatrix(int preCount, int postCount, int[] rowStart, int[] targets, double[]? weights, double constantWeight, int constantDelay, int[]? bucketRow, int[]? bucketStart, ushort[]? bucketDelay)
    {
        PreCount = preCount;
        PostCount = postCount;
        RowStart = rowStart;
        Targets = targets;
        Weights = weights;
        ConstantWeight = constantWeight;
        ConstantDelay = constantDelay;
        BucketRow = bucketRow;
        BucketStart = bucketStart;
        BucketDelay = bucketDelay;
        MaxDelay = bucketDelay is null || bucketDelay.Length == 0 ? constantDelay : bucketDelay.Max();
    }

    /// <summary>Number of presynaptic neurons.</summary>
    public int PreCount { get; }

    /// <summary>Number of postsynaptic neurons.</summary>
    public int PostCount { get; }

    /// <summary>Number of synapses.</summary>
    public int Count => Targets.Length;

    /// <summary>Largest delay in steps.</summary>
    public int MaxDelay { get; }

    /// <summary>Bytes used by the synapse arrays (targets, weights, buckets, row pointers).</summary>
    public long Bytes => 4L * Targets.Length + (Weights is null ? 0 : 8L * Weights.Length) + 4L * RowStart.Length
        + (BucketRow is null ? 0 : 4L * BucketRow.Length + 6L * BucketStart!.Length);

    internal int[] RowStart { get; }

    internal int[] Targets { get; }

    internal double[]? Weights { get; }

    internal double ConstantWeight { get; }

    internal int ConstantDelay { get; }

    internal int[]? BucketRow { get; }

    internal int[]? BucketStart { get; }

    internal ushort[]? BucketDelay { get; }

    /// <summary>Targets of presynaptic neuron <paramref name="pre"/>.</summary>
    /// <param name="pre">Presynaptic index.</param>
    /// <returns>The target indices (sorted by delay, then target).</returns>
    public ReadOnlySpan<int> Row(int pre) => Targets.AsSpan(RowStart[pre], RowStart[pre + 1] - RowStart[pre]);

    /// <summary>Weight of synapse number <paramref name="k"/> (in CSR order).</summary>
    /// <param name="k">Synapse index.</param>
    /// <returns>The weight.</returns>
    public double Weight(int k) => Weights is null ? ConstantWeight : Weights[k];

    /// <summary>Delay (steps) of synapse number <paramref name="k"/> of row <paramref name="pre"/>.</summary>
    /// <param name="pre">Presynaptic index.</param>
    /// <param name="k">Synapse index (in CSR order, within the row).</param>
    /// <returns>The delay in steps.</returns>
    public int Delay(int pre, int k)
    {
        if (BucketRow is null)
        {
            return ConstantDelay;
        }

        int d = ConstantDelay;
        for (int b = BucketRow[pre]; b < BucketRow[pre + 1] && BucketStart![b] <= k; b++)
        {
            d = BucketDelay![b];
        }

        return d;
    }

    /// <summary>Bytes per synapse for a projection with the given kind of weights (the design number).</summary>
    /// <param name="constantWeight">True when the weight is one constant.</param>
    /// <returns>4 or 12.</returns>
    public static int BytesPerSynapse(bool constantWeight) => constantWeight ? 4 : 12;

    internal static SynapseMatrix Build(ConnectionSpec spec, int preCount, int postCount, bool samePopulation, double dt, RandomStreams streams, long projectionId, int threads)
    {
        ConnectionRule rule = spec.Rule;
        bool excludeSelf = samePopulation && !spec.Autapses;
        int[] rowStart = new int[preCount + 1];
        int[] targets;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        long streamBase = projectionId << 32;
        switch (rule)
        {
            case ConnectionRule.FixedProbability fp:
                {
                    double p = fp.P;
                    double logq = Math.Log(1 - p);
                    int[] counts = new int[preCount];
                    Parallel.For(0, preCount, options, i =>
                    {
                        RandomGenerator rng = streams.For(StreamPurpose.Connectivity, streamBase + i);
                        counts[i] = SampleRow(ref rng, p, logq, postCount, excludeSelf ? i : -1, default);
                    });
                    FillRowStarts(counts, rowStart);
                    targets = new int[rowStart[preCount]];
                    Parallel.For(0, preCount, options, i =>
                    {
                        RandomGenerator rng = streams.For(StreamPurpose.Connectivity, streamBase + i);
                        SampleRow(ref rng, p, logq, postCount, excludeSelf ? i : -1, targets.AsSpan(rowStart[i], counts[i]));
                    });
                    break;
                }

            case ConnectionRule.FixedOutDegree fo:
                {
                    for (int i = 0; i < preCount; i++)
                    {
                        rowStart[i + 1] = checked(rowStart[i] + fo.K);
                    }

                    targets = new int[rowStart[preCount]];
                    Parallel.For(0, preCount, options, i =>
                    {
                        RandomGenerator rng = streams.For(StreamPurpose.Connectivity, streamBase + i);
                        Span<int> row = targets.AsSpan(rowStart[i], fo.K);
                        Choose(ref rng, postCount, excludeSelf ? i : -1, spec.Multapses, row);
                        row.Sort();
                    });
                    break;
                }

            case ConnectionRule.FixedInDegree fi:
                {
                    int[] chosen = new int[checked(postCount * fi.K)];
                    Parallel.For(0, postCount, options, j =>
                    {
                        RandomGenerator rng = streams.For(StreamPurpose.Connectivity, streamBase + j);
                        Choose(ref rng, preCount, excludeSelf ? j : -1, spec.Multapses, chosen.AsSpan(j * fi.K, fi.K));
                    });
                    targets = ByPre(preCount, rowStart, chosen.Length, k => chosen[k], k => k / fi.K);
                    break;
                }

            case ConnectionRule.AllToAll:
                {
                    int perRow = excludeSelf ? postCount - 1 : postCount;
                    for (int i = 0; i < preCount; i++)
                    {
                        rowStart[i + 1] = checked(rowStart[i] + (excludeSelf && i >= postCount ? postCount : perRow));
                    }

                    targets = new int[rowStart[preCount]];
                    for (int i = 0; i < preCount; i++)
                    {
                        int k = rowStart[i];
                        for (int j = 0; j < postCount; j++)
                        {
                            if (!(excludeSelf && i == j))
                            {
                                targets[k++] = j;
                            }
                        }
                    }

                    break;
                }

            case ConnectionRule.OneToOne:
                {
                    if (preCount != postCount)
                    {
                        throw new ArgumentException($"one-to-one needs equal sizes, got {preCount} and {postCount}.");
                    }

                    targets = new int[preCount];
                    for (int i = 0; i < preCount; i++)
                    {
                        rowStart[i + 1] = i + 1;
                        targets[i] = i;
                    }

                    break;
                }

            case ConnectionRule.ExplicitList list:
                {
                    IReadOnlyList<(int Pre, int Post)> pairs = list.Pairs;
                    foreach ((int pre, int post) in pairs)
                    {
                        if (pre < 0 || pre >= preCount || post < 0 || post >= postCount)
                        {
                            throw new ArgumentException($"Pair ({pre}, {post}) is outside the populations ({preCount}, {postCount}).");
                        }
                    }

                    return BuildExplicit(spec, list, preCount, postCount, dt);
                }

            default:
                throw new ArgumentException($"Unknown connection rule {rule}.");
        }

        return Finish(spec, preCount, postCount, rowStart, targets, dt, streams, streamBase, options, null, null);
    }

    private static SynapseMatrix BuildExplicit(ConnectionSpec spec, ConnectionRule.ExplicitList list, int preCount, int postCount, double dt)
    {
        int n = list.Pairs.Count;
        int[] order = Enumerable.Range(0, n).OrderBy(k => list.Pairs[k].Pre).ThenBy(k => list.Pairs[k].Post).ToArray();
        int[] rowStart = new int[preCount + 1];
        foreach ((int pre, _) in list.Pairs)
        {
            rowStart[pre + 1]++;
        }

        for (int i = 0; i < preCount; i++)
        {
            rowStart[i + 1] += rowStart[i];
        }

        int[] targets = order.Select(k => list.Pairs[k].Post).ToArray();
        double[]? w = list.Weights is null ? null : order.Select(k => list.Weights[k]).ToArray();
        int[]? d = list.DelaysMs is null ? null : order.Select(k => (int)Math.Round(list.DelaysMs[k] / dt)).ToArray();
        return Finish(spec, preCount, postCount, rowStart, targets, dt, new RandomStreams(0), 0, new ParallelOptions { MaxDegreeOfParallelism = 1 }, w, d);
    }

    private static SynapseMatrix Finish(ConnectionSpec spec, int preCount, int postCount, int[] rowStart, int[] targets, double dt, RandomStreams streams, long streamBase, ParallelOptions options, double[]? givenWeights, int[]? givenDelays)
    {
        double[]? weights = givenWeights;
        if (weights is null && !spec.Weight.IsConstant)
        {
            weights = new double[targets.Length];
            double[] w = weights;
            Parallel.For(0, preCount, options, i =>
            {
                RandomGenerator rng = streams.For(StreamPurpose.Model, streamBase + i);
                for (int k = rowStart[i]; k < rowStart[i + 1]; k++)
                {
                    w[k] = spec.Weight.Draw(ref rng);
                }
            });
        }

        int constantDelay = (int)Math.Round(spec.DelayMs.A / dt);
        if (givenDelays is null && spec.DelayMs.IsConstant)
        {
            return new SynapseMatrix(preCount, postCount, rowStart, targets, weights, spec.Weight.A, constantDelay, null, null, null);
        }

        int[] delays = givenDelays ?? new int[targets.Length];
        if (givenDelays is null)
        {
            Parallel.For(0, preCount, options, i =>
            {
                RandomGenerator rng = streams.For(StreamPurpose.Other, streamBase + i);
                for (int k = rowStart[i]; k < rowStart[i + 1]; k++)
                {
                    delays[k] = Math.Max(0, (int)Math.Round(spec.DelayMs.Draw(ref rng) / dt));
                }
            });
        }

        // Sort each row by (delay, target) and record one bucket per distinct delay.
        int[] bucketRow = new int[preCount + 1];
        var bucketStart = new List<int>();
        var bucketDelay = new List<ushort>();
        for (int i = 0; i < preCount; i++)
        {
            int start = rowStart[i], len = rowStart[i + 1] - start;
            long[] keys = new long[len];
            for (int k = 0; k < len; k++)
            {
                if (delays[start + k] > ushort.MaxValue)
                {
                    throw new ArgumentException($"Delay of {delays[start + k]} steps exceeds {ushort.MaxValue}.");
                }

                keys[k] = ((long)delays[start + k] << 32) | (uint)targets[start + k];
            }

            if (weights is not null)
            {
                double[] rowWeights = weights.AsSpan(start, len).ToArray();
                Array.Sort(keys, rowWeights);
                rowWeights.CopyTo(weights, start);
            }
            else
            {
                Array.Sort(keys);
            }
            int previous = -1;
            for (int k = 0; k < len; k++)
            {
                int d = (int)(keys[k] >> 32);
                targets[start + k] = (int)(keys[k] & 0xFFFFFFFF);
                if (d != previous)
                {
                    bucketStart.Add(start + k);
                    bucketDelay.Add((ushort)d);
                    previous = d;
                }
            }

            bucketRow[i + 1] = bucketStart.Count;
        }

        return new SynapseMatrix(preCount, postCount, rowStart, targets, weights, spec.Weight.A, 0, bucketRow, [.. bucketStart], [.. bucketDelay]);
    }

    private static int[] ByPre(int preCount, int[] rowStart, int total, Func<int, int> preOf, Func<int, int> postOf)
    {
        for (int k = 0; k < total; k++)
        {
            rowStart[preOf(k) + 1]++;
        }

        for (int i = 0; i < preCount; i++)
        {
            rowStart[i + 1] += rowStart[i];
        }

        int[] fill = rowStart[..preCount];
        int[] targets = new int[total];
        for (int k = 0; k < total; k++)
        {
            targets[fill[preOf(k)]++] = postOf(k);
        }

        return targets;
    }

    private static void FillRowStarts(int[] counts, int[] rowStart)
    {
        long total = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            total += counts[i];
            if (total > int.MaxValue - 64)
            {
                throw new NetworkTooLargeException($"A projection with more than {int.MaxValue} synapses is not supported; split it.");
            }

            rowStart[i + 1] = (int)total;
        }
    }

    /// <summary>Geometric skipping: gaps between successive targets are Geometric(p).</summary>
    private static int SampleRow(ref RandomGenerator rng, double p, double logq, int postCount, int self, Span<int> row)
    {
        bool write = !row.IsEmpty;
        int count = 0;
        if (p <= 0)
        {
            return 0;
        }

        long j = -1;
        while (true)
        {
            if (p >= 1)
            {
                j++;
            }
            else
            {
                double u = rng.NextOpenDouble();
                j += 1 + (long)Math.Floor(Math.Log(u) / logq);
            }

            if (j >= postCount)
            {
                return count;
            }

            if (j == self)
            {
                continue;
            }

            if (write)
            {
                row[count] = (int)j;
            }

            count++;
        }
    }

    /// <summary>Draws row.Length distinct (or, with multapses, independent) indices from [0, n) \ {self}.</summary>
    private static void Choose(ref RandomGenerator rng, int n, int self, bool multapses, Span<int> row)
    {
        int available = self >= 0 && self < n ? n - 1 : n;
        if (!multapses && row.Length > available)
        {
            throw new ArgumentException($"Cannot choose {row.Length} distinct partners out of {available}.");
        }

        if (multapses)
        {
            for (int k = 0; k < row.Length; k++)
            {
                int j;
                do
                {
                    j = rng.NextInt(n);
                }
                while (j == self);
                row[k] = j;
            }

            return;
        }

        var seen = new HashSet<int>(row.Length);
        for (int k = 0; k < row.Length; k++)
        {
            int j;
            do
            {
                j = rng.NextInt(n);
            }
            while (j == self || !seen.Add(j));
            row[k] = j;
        }
    }
}
