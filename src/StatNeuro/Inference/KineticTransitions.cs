using StatNeuro.Data;

namespace StatNeuro.Inference;

/// <summary>
/// The transitions s(t) → s(t+1) of a raster inside its segments, compressed for kinetic Ising learning: identical
/// (stimulus bin, source state) pairs are merged into one pattern with a count and the summed targets, and each
/// source state is stored sparsely in a per-neuron flipped 0/1 basis u_j = (1 + c_j s_j)/2 chosen so that u_j = 1 is
/// the rarer value (c_j = +1 when neuron j is mostly silent).
/// </summary>
/// <remarks>
/// With s_j = c_j (2u_j − 1) the local field is H_i = a_i(b) + Σ_{j: u_j = 1} B_ij with a_i(b) = h_i(b) − Σ_j c_j J_ij and
/// B_ij = 2 c_j J_ij, so a field costs O(K) for K active entries instead of O(N); on the retina K ≈ 2 of 50 and the
/// 283 040 transitions collapse to about 48 000 distinct source states.
/// </remarks>
internal sealed class KineticTransitions
{
    private KineticTransitions(int n, int bins, double[] flip, int[] bin, double[] count, int[] activeStart, int[] active, double[] targetSum, long transitions)
    {
        N = n;
        Bins = bins;
        Flip = flip;
        Bin = bin;
        Count = count;
        ActiveStart = activeStart;
        Active = active;
        TargetSum = targetSum;
        Transitions = transitions;
    }

    public int N { get; }

    public int Bins { get; }

    /// <summary>c_j = ±1.</summary>
    public double[] Flip { get; }

    public int PatternCount => Bin.Length;

    public int[] Bin { get; }

    public double[] Count { get; }

    public int[] ActiveStart { get; }

    public int[] Active { get; }

    /// <summary>Σ over merged transitions of s_i(t+1), pattern-major (p·N + i).</summary>
    public double[] TargetSum { get; }

    public long Transitions { get; }

    /// <summary>Patterns per block of the dense layout.</summary>
    public const int ChunkLength = 256;

    /// <summary>N rounded up to a multiple of 4 (the dense kernel's tile).</summary>
    public int PaddedN => (N + 3) & ~3;

    /// <summary>Dense 0/1 layout of the active entries for the SIMD Hessian kernel, or null (sparse accumulation):
    /// block c holds neuron-major rows of <see cref="ChunkLength"/> patterns, U[c·PaddedN·L + j·L + t].</summary>
    public float[]? DenseU { get; private set; }

    /// <summary>Builds <see cref="DenseU"/> when the sparse Hessian accumulation (Σ_p K_p²/2 scattered adds) would cost
    /// more than the dense blocked product (P·N²/2 multiply-adds at 8 lanes, ~2x overhead).</summary>
    public void PrepareHessianLayout()
    {
        if (DenseU is not null || !System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
        {
            return;
        }

        double sparse = 0;
        for (int p = 0; p < PatternCount; p++)
        {
            double k = ActiveStart[p + 1] - ActiveStart[p];
            sparse += k * k / 2;
        }

        int np = PaddedN;
        double dense = (double)PatternCount * np * np / 2 / 32;
        long chunks = (PatternCount + ChunkLength - 1) / ChunkLength;
        if (sparse <= dense || chunks * np * ChunkLength > 1L << 28)
        {
            return;
        }

        var u = new float[chunks * np * ChunkLength];
        for (int p = 0; p < PatternCount; p++)
        {
            long offset = (long)(p / ChunkLength) * np * ChunkLength + p % ChunkLength;
            foreach (int j in ActiveOf(p))
            {
                u[offset + (long)j * ChunkLength] = 1f;
            }
        }

        DenseU = u;
    }

    /// <summary>Transitions per stimulus bin.</summary>
    public double[] BinCounts()
    {
        var c = new double[Bins];
        for (int p = 0; p < PatternCount; p++)
        {
            c[Bin[p]] += Count[p];
        }

        return c;
    }

    public ReadOnlySpan<int> ActiveOf(int p) => Active.AsSpan(ActiveStart[p], ActiveStart[p + 1] - ActiveStart[p]);

    /// <summary>Builds the set; the stimulus bin of source row t is (t − segment start) mod <paramref name="bins"/>.</summary>
    public static KineticTransitions Build(SpinRaster data, int bins, bool merge = true)
    {
        int n = data.NeuronCount;
        double[] means = data.Means();
        var flip = new double[n];
        for (int j = 0; j < n; j++)
        {
            flip[j] = means[j] <= 0 ? 1.0 : -1.0;
        }

        // Keys: the bin and the source state packed into bits (two words up to N = 128; a string beyond).
        bool packed = n <= 128;
        var packedIndex = new Dictionary<(ulong Lo, ulong Hi, int Bin), int>();
        var index = new Dictionary<string, int>();
        var bin = new List<int>();
        var count = new List<double>();
        var starts = new List<int> { 0 };
        var active = new List<int>();
        var targets = new List<double>();
        var key = new char[n + 2];
        var scratch = new List<int>(n);
        long transitions = 0;
        for (int k = 0; k < data.SegmentCount; k++)
        {
            (int start, int length) = data.Segment(k);
            for (int t = start; t < start + length - 1; t++)
            {
                int b = (t - start) % bins;
                ReadOnlySpan<sbyte> src = data.Row(t);
                ReadOnlySpan<sbyte> dst = data.Row(t + 1);
                scratch.Clear();
                for (int j = 0; j < n; j++)
                {
                    if (src[j] * flip[j] > 0)
                    {
                        scratch.Add(j);
                    }
                }

                int p = -1;
                string? keyText = null;
                (ulong, ulong, int) keyBits = default;
                if (merge && packed)
                {
                    ulong lo = 0, hi = 0;
                    for (int j = 0; j < n; j++)
                    {
                        if (src[j] > 0)
                        {
                            if (j < 64)
                            {
                                lo |= 1UL << j;
                            }
                            else
                            {
                                hi |= 1UL << (j - 64);
                            }
                        }
                    }

                    keyBits = (lo, hi, b);
                    if (!packedIndex.TryGetValue(keyBits, out p))
                    {
                        p = -1;
                    }
                }
                else if (merge)
                {
                    key[0] = (char)(b & 0xFFFF);
                    key[1] = (char)(b >> 16);
                    for (int j = 0; j < n; j++)
                    {
                        key[j + 2] = src[j] > 0 ? '1' : '0';
                    }

                    keyText = new string(key);
                    if (!index.TryGetValue(keyText, out p))
                    {
                        p = -1;
                    }
                }

                if (p < 0)
                {
                    p = bin.Count;
                    if (keyText is not null)
                    {
                        index[keyText] = p;
                    }
                    else if (merge && packed)
                    {
                        packedIndex[keyBits] = p;
                    }

                    bin.Add(b);
                    count.Add(0);
                    active.AddRange(scratch);
                    starts.Add(active.Count);
                    for (int i = 0; i < n; i++)
                    {
                        targets.Add(0);
                    }
                }

                count[p] += 1;
                for (int i = 0; i < n; i++)
                {
                    targets[p * n + i] += dst[i];
                }

                transitions++;
            }
        }

        return new KineticTransitions(n, bins, flip, [.. bin], [.. count], [.. starts], [.. active], [.. targets], transitions);
    }
}
