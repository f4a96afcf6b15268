using StatNeuro.Data;
using StatNeuro.Ising;

namespace StatNeuro.Inference;

/// <summary>
/// A multiset of binary patterns stored sparsely: each distinct pattern once, as the sorted list of its active
/// cells (σ_i = 1, i.e. s_i = +1), with a count. Sparse data (retina: on average 1.9 of 50 cells active, 38 % of bins
/// silent) make every statistic of the pairwise model cheap in this form: a pattern with K active cells carries
/// K + K(K−1)/2 non-zero features σ_i, σ_i σ_j.
/// </summary>
/// <remarks>
/// Statistics are computed in the 0/1 convention and converted exactly to ±1 units (s = 2σ − 1):
/// ⟨s_i⟩ = 2p_i − 1, connected correlations C_ij = 4(p_ij − p_i p_j), connected triplets
/// ⟨δs_i δs_j δs_k⟩ = 8 ⟨δσ_i δσ_j δσ_k⟩.
/// </remarks>
public sealed class BinaryPatterns
{
    private readonly List<int[]> _patterns = [];
    private readonly List<long> _counts = [];
    private readonly Dictionary<ulong, int>? _small;
    private readonly Dictionary<string, int>? _large;

    /// <summary>Creates an empty set for <paramref name="size"/> cells.</summary>
    /// <param name="size">N.</param>
    public BinaryPatterns(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Size = size;
        if (size <= 64)
        {
            _small = [];
        }
        else
        {
            _large = [];
        }
    }

    /// <summary>N.</summary>
    public int Size { get; }

    /// <summary>Number of distinct patterns.</summary>
    public int Distinct => _patterns.Count;

    /// <summary>Total number of samples (sum of the counts).</summary>
    public long Total { get; private set; }

    /// <summary>Active cells of distinct pattern <paramref name="index"/> (sorted).</summary>
    /// <param name="index">Pattern index.</param>
    /// <returns>The active cells.</returns>
    public int[] Active(int index) => _patterns[index];

    /// <summary>How often distinct pattern <paramref name="index"/> occurred.</summary>
    /// <param name="index">Pattern index.</param>
    /// <returns>Its count.</returns>
    public long Count(int index) => _counts[index];

    /// <summary>Adds one sample given in ±1 spins.</summary>
    /// <param name="spins">N spins.</param>
    /// <param name="count">Multiplicity.</param>
    public void Add(ReadOnlySpan<sbyte> spins, long count = 1)
    {
        if (_small is not null)
        {
            ulong key = 0;
            for (int i = 0; i < spins.Length; i++)
            {
                if (spins[i] > 0)
                {
                    key |= 1UL << i;
                }
            }

            if (_small.TryGetValue(key, out int idx))
            {
                _counts[idx] += count;
            }
            else
            {
                _small[key] = _patterns.Count;
                _patterns.Add(ActiveOf(spins));
                _counts.Add(count);
            }
        }
        else
        {
            int[] active = ActiveOf(spins);
            string key = string.Join(',', active);
            if (_large!.TryGetValue(key, out int idx))
            {
                _counts[idx] += count;
            }
            else
            {
                _large[key] = _patterns.Count;
                _patterns.Add(active);
                _counts.Add(count);
            }
        }

        Total += count;
    }

    /// <summary>Adds every pattern of another set (same N).</summary>
    /// <param name="other">The other set.</param>
    public void AddRange(BinaryPatterns other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var s = new sbyte[Size];
        for (int u = 0; u < other.Distinct; u++)
        {
            s.AsSpan().Fill(-1);
            foreach (int i in other._patterns[u])
            {
                s[i] = 1;
            }

            Add(s, other._counts[u]);
        }
    }

    private static int[] ActiveOf(ReadOnlySpan<sbyte> spins)
    {
        int k = 0;
        foreach (sbyte v in spins)
        {
            k += v > 0 ? 1 : 0;
        }

        var a = new int[k];
        k = 0;
        for (int i = 0; i < spins.Length; i++)
        {
            if (spins[i] > 0)
            {
                a[k++] = i;
            }
        }

        return a;
    }

    /// <summary>The patterns of rows [start, start + length) of a raster.</summary>
    /// <param name="raster">Data.</param>
    /// <param name="start">First row.</param>
    /// <param name="length">Rows.</param>
    /// <returns>The set.</returns>
    public static BinaryPatterns FromRaster(SpinRaster raster, int start = 0, int length = -1)
    {
        ArgumentNullException.ThrowIfNull(raster);
        if (length < 0)
        {
            length = raster.TimeBins - start;
        }

        var set = new BinaryPatterns(raster.NeuronCount);
        for (int t = start; t < start + length; t++)
        {
            set.Add(raster.Row(t));
        }

        return set;
    }

    /// <summary>
    /// Draws samples from persistent heat-bath chains (all chains in parallel): <paramref name="burnIn"/> sweeps,
    /// then <paramref name="samplesPerChain"/> samples <paramref name="sweepsPerSample"/> sweeps apart.
    /// </summary>
    /// <param name="chains">Chains (their model must already be set).</param>
    /// <param name="samplesPerChain">Samples per chain.</param>
    /// <param name="burnIn">Sweeps before the first sample.</param>
    /// <param name="sweepsPerSample">Thinning.</param>
    /// <param name="maxThreads">Thread limit (−1 = all).</param>
    /// <returns>One set per chain (merge them with <see cref="Merge"/>).</returns>
    public static BinaryPatterns[] SampleChains(MarkovChains chains, int samplesPerChain, int burnIn, int sweepsPerSample, int maxThreads = -1)
    {
        ArgumentNullException.ThrowIfNull(chains);
        int n = chains.State(0).Length;
        var sets = new BinaryPatterns[chains.Chains];
        Parallel.For(0, chains.Chains, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, c =>
        {
            var set = new BinaryPatterns(n);
            if (burnIn > 0)
            {
                chains.Run(c, SamplerKind.HeatBath, burnIn);
            }

            for (int k = 0; k < samplesPerChain; k++)
            {
                chains.Run(c, SamplerKind.HeatBath, sweepsPerSample);
                set.Add(chains.State(c));
            }

            sets[c] = set;
        });
        return sets;
    }

    /// <summary>Merges sets of the same N.</summary>
    /// <param name="sets">Sets.</param>
    /// <returns>A new set holding all samples.</returns>
    public static BinaryPatterns Merge(IReadOnlyList<BinaryPatterns> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var all = new BinaryPatterns(sets[0].Size);
        foreach (BinaryPatterns s in sets)
        {
            all.AddRange(s);
        }

        return all;
    }

    /// <summary>Index of the pair feature σ_i σ_j (i &lt; j) in the packed parameter order (h/a first, then pairs row by row).</summary>
    /// <param name="n">N.</param>
    /// <param name="i">Smaller index.</param>
    /// <param name="j">Larger index.</param>
    /// <returns>The index.</returns>
    internal static int PairIndex(int n, int i, int j) => n + i * (2 * n - i - 1) / 2 + (j - i - 1);

    /// <summary>Feature indices (σ_i, then σ_i σ_j) that are 1 in distinct pattern <paramref name="index"/>.</summary>
    internal int[] Features(int index)
    {
        int[] a = _patterns[index];
        int k = a.Length;
        var f = new int[k + k * (k - 1) / 2];
        int q = 0;
        for (int x = 0; x < k; x++)
        {
            f[q++] = a[x];
        }

        for (int x = 0; x < k; x++)
        {
            for (int y = x + 1; y < k; y++)
            {
                f[q++] = PairIndex(Size, a[x], a[y]);
            }
        }

        return f;
    }

    /// <summary>Mean 0/1 features: p_i = ⟨σ_i⟩, then p_ij = ⟨σ_i σ_j⟩ for i &lt; j (packed order).</summary>
    /// <returns>N + N(N−1)/2 values.</returns>
    public double[] FeatureMeans()
    {
        int n = Size;
        var f = new double[n + n * (n - 1) / 2];
        for (int u = 0; u < Distinct; u++)
        {
            int[] a = _patterns[u];
            double c = _counts[u];
            for (int x = 0; x < a.Length; x++)
            {
                f[a[x]] += c;
                for (int y = x + 1; y < a.Length; y++)
                {
                    f[PairIndex(n, a[x], a[y])] += c;
                }
            }
        }

        for (int k = 0; k < f.Length; k++)
        {
            f[k] /= Total;
        }

        return f;
    }

    /// <summary>P(K): the distribution of the number of active cells per sample.</summary>
    /// <returns>N + 1 values.</returns>
    public double[] UpCountDistribution()
    {
        var p = new double[Size + 1];
        for (int u = 0; u < Distinct; u++)
        {
            p[_patterns[u].Length] += _counts[u];
        }

        for (int k = 0; k < p.Length; k++)
        {
            p[k] /= Total;
        }

        return p;
    }

    /// <summary>
    /// Connected triplets in ±1 units, ⟨δs_i δs_j δs_k⟩ = 8 ⟨δσ_i δσ_j δσ_k⟩ for all i &lt; j &lt; k, lexicographic order,
    /// computed from the sparse third moments p_ijk (cost: Σ K³/6 per sample).
    /// </summary>
    /// <returns>N(N−1)(N−2)/6 values.</returns>
    public double[] ConnectedTriplets()
    {
        int n = Size;
        double[] f = FeatureMeans();
        var third = new double[n * n * n];
        for (int u = 0; u < Distinct; u++)
        {
            int[] a = _patterns[u];
            double c = _counts[u];
            for (int x = 0; x < a.Length; x++)
            {
                for (int y = x + 1; y < a.Length; y++)
                {
                    for (int z = y + 1; z < a.Length; z++)
                    {
                        third[(a[x] * n + a[y]) * n + a[z]] += c;
                    }
                }
            }
        }

        var result = new double[n * (n - 1) * (n - 2) / 6];
        int q = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double pij = f[PairIndex(n, i, j)];
                for (int k = j + 1; k < n; k++)
                {
                    double pijk = third[(i * n + j) * n + k] / Total;
                    double c3 = pijk - f[i] * f[PairIndex(n, j, k)] - f[j] * f[PairIndex(n, i, k)] - f[k] * pij + 2 * f[i] * f[j] * f[k];
                    result[q++] = 8 * c3;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Standard errors of the mean 0/1 features over independent blocks (e.g. movie repeats): SE_k = sd_b(φ̄_k^(b)) / √B,
    /// which accounts for the temporal correlation within a block; floored by the binomial error
    /// √(max(p, 1/M)(1 − p)/M). Uses the raster's segments when it has at least 10, else 50 equal blocks of rows.
    /// Also returns the same for the ±1 connected correlations C_ij = 4(p_ij − p_i p_j), linearised per block.
    /// </summary>
    /// <param name="raster">Data.</param>
    /// <returns>Standard errors of the features (packed order) and of the connected correlations (pairs, packed order from index N).</returns>
    public static (double[] Features, double[] Connected) BlockStandardErrors(SpinRaster raster)
    {
        ArgumentNullException.ThrowIfNull(raster);
        int n = raster.NeuronCount, p = n + n * (n - 1) / 2;
        var blocks = new List<(int Start, int Length)>();
        if (raster.SegmentCount >= 10)
        {
            for (int s = 0; s < raster.SegmentCount; s++)
            {
                blocks.Add(raster.Segment(s));
            }
        }
        else
        {
            int b = Math.Min(50, raster.TimeBins);
            for (int k = 0; k < b; k++)
            {
                int t0 = (int)((long)raster.TimeBins * k / b), t1 = (int)((long)raster.TimeBins * (k + 1) / b);
                blocks.Add((t0, t1 - t0));
            }
        }

        var per = new double[blocks.Count][];
        var weights = new double[blocks.Count];
        for (int b = 0; b < blocks.Count; b++)
        {
            per[b] = FromRaster(raster, blocks[b].Start, blocks[b].Length).FeatureMeans();
            weights[b] = blocks[b].Length;
        }

        double[] all = FromRaster(raster).FeatureMeans();
        int nb = blocks.Count, m = raster.TimeBins;
        var se = new double[p];
        var seC = new double[p];
        for (int k = 0; k < p; k++)
        {
            double v = 0, vc = 0;
            int i = -1, j = -1;
            if (k >= n)
            {
                (i, j) = PairOf(n, k);
            }

            for (int b = 0; b < nb; b++)
            {
                double d = per[b][k] - all[k];
                v += d * d;
                if (k >= n)
                {
                    double lin = 4 * (d - all[j] * (per[b][i] - all[i]) - all[i] * (per[b][j] - all[j]));
                    vc += lin * lin;
                }
            }

            double floorP = Math.Max(all[k], 1.0 / m);
            double binomial = Math.Sqrt(floorP * (1 - Math.Min(floorP, 0.5)) / m);
            se[k] = Math.Max(Math.Sqrt(v / (nb - 1) / nb), binomial);
            seC[k] = k >= n ? Math.Max(Math.Sqrt(vc / (nb - 1) / nb), 4 * binomial) : 2 * se[k];
        }

        return (se, seC);
    }

    /// <summary>The (i, j) of packed pair index k ≥ N.</summary>
    internal static (int I, int J) PairOf(int n, int k)
    {
        int r = k - n, i = 0;
        while (r >= n - i - 1)
        {
            r -= n - i - 1;
            i++;
        }

        return (i, i + 1 + r);
    }
}
