using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StatNeuro.Data;
using StatNeuro.Ising;

namespace StatNeuro.Inference;

/// <summary>Settings of <see cref="PseudoLikelihood"/>.</summary>
public sealed record PseudoLikelihoodSettings
{
    /// <summary>L2 penalty λ Σ_{r≠j} W_rj² on the (unsymmetrised) couplings, per sample (default 1e-5, i.e. a Gaussian prior of variance 1/(2λM) on each W_rj).</summary>
    public double L2 { get; init; } = 1e-5;

    /// <summary>Stop when the gradient norm of the per-sample objective (in the standardised coordinates the
    /// optimiser uses) is below this (the single-precision local fields put a round-off floor near 1e-5;
    /// statistical errors of J are ~1/√M, far larger).</summary>
    public double GradientTolerance { get; init; } = 1e-4;

    /// <summary>Iteration limit of L-BFGS.</summary>
    public int MaxIterations { get; init; } = 500;

    /// <summary>Thread limit (−1 = all cores); results do not depend on it.</summary>
    public int MaxThreads { get; init; } = -1;
}

/// <summary>
/// Pseudo-likelihood maximisation (PLM): for every spin r, maximise the conditional log-likelihood
/// ℓ_r = (1/M) Σ_k [s_r H_r − log 2cosh H_r] − λ Σ_{j≠r} W_rj², H_r = h_r + Σ_{j≠r} W_rj s_j, then symmetrise
/// J = (W + Wᵀ)/2 (in the 0/1 convention, keeping the silent-state log-odds). All N logistic regressions are
/// solved together by one L-BFGS on their (separable) sum, in standardised 0/1 features (n_j − p_j)/σ_j, which
/// keeps it to ~20–40 iterations on dense and sparse data alike. Repeated patterns are merged; as the features
/// are 0/1, the data × coupling product is a sum of selected coupling rows (and the gradient a sum of selected
/// residual rows), accumulated in SIMD registers, in parallel over fixed blocks of patterns.
/// </summary>
/// <remarks>
/// Besag (1975) The Statistician 24:179; Ravikumar, Wainwright &amp; Lafferty (2010) Ann. Stat. 38:1287;
/// Aurell &amp; Ekeberg (2012) Phys. Rev. Lett. 108:090201 (asymmetric PLM, symmetrised afterwards). Consistent:
/// converges to the true parameters as M → ∞.
/// </remarks>
public static class PseudoLikelihood
{
    /// <summary>Fits a raster.</summary>
    /// <param name="data">Training data.</param>
    /// <param name="settings">Penalty and tolerances.</param>
    /// <returns>The symmetrised model; Notes hold the final objective and the asymmetry RMS of W.</returns>
    public static FitResult<IsingModel> Fit(SpinRaster data, PseudoLikelihoodSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        settings ??= new PseudoLikelihoodSettings();
        int n = data.NeuronCount;
        int stride = (n + Pad - 1) / Pad * Pad;
        int total = data.TimeBins;

        // The objective depends on the data only through the distinct patterns and their counts: sparse rasters
        // (the retina: ~10⁵ bins, mostly silent) shrink several-fold, and every evaluation with them.
        Patterns patterns = DistinctPatterns(data, stride);
        int m = patterns.Counts.Length;

        // Features: standardised 0/1 activities x_j = (n_j − p_j)/σ_j, p_j the data mean of n_j = (1 + s_j)/2 and
        // σ_j² = p_j(1 − p_j). Parameters x: intercepts c (n), then U row-major n × n (diagonal kept 0), with
        // H_r = c_r + Σ_j U_rj x_j = h_r + Σ_j W_rj s_j for V = 2W, U_rj = V_rj σ_j, c_r = h_r − Σ_j W_rj + Σ_j V_rj p_j.
        // The objective is the same function of (h, W) in any coordinates, but L-BFGS converges in far fewer
        // iterations on centred, unit-variance features (the intercept is orthogonal to them and all features
        // have the same scale), for dense ±1-like data and sparse rasters alike.
        double[] means = data.Means();
        var p = new double[n];
        var sigma = new double[n];
        for (int j = 0; j < n; j++)
        {
            p[j] = (1 + means[j]) / 2;
            sigma[j] = Math.Max(Math.Sqrt(p[j] * (1 - p[j])), 1e-6);
        }

        // Chunks are whole blocks of patterns (the block-transposed index lists are built per block).
        int blocks = (m + Block - 1) / Block;
        int chunks = Math.Min(blocks, 32);
        double lambda = settings.L2;
        var partial = new ChunkSums[chunks];
        var options = new ParallelOptions { MaxDegreeOfParallelism = settings.MaxThreads };
        var vt = new float[n * stride];
        var offset = new float[stride];

        double Objective(ReadOnlySpan<double> x, Span<double> gradient)
        {
            // Vt[j, r] = U_rj/σ_j = V_rj (transposed, zero-padded); offset b_r = c_r − Σ_j V_rj p_j, so that
            // H_k = b + Σ_{j active in pattern k} Vt[j, ·].
            Array.Clear(vt);
            Array.Clear(offset);
            for (int r = 0; r < n; r++)
            {
                double br = x[r];
                for (int j = 0; j < n; j++)
                {
                    if (j != r)
                    {
                        double v = x[n + r * n + j] / sigma[j];
                        vt[j * stride + r] = (float)v;
                        br -= v * p[j];
                    }
                }

                offset[r] = (float)br;
            }

            Parallel.For(0, chunks, options, c =>
            {
                ChunkSums sums = partial[c] ??= new ChunkSums(n, stride);
                sums.Evaluate(patterns, vt, offset, n, stride, Math.Min(m, blocks * c / chunks * Block), Math.Min(m, blocks * (c + 1) / chunks * Block));
            });

            // Reduce in a fixed order (results do not depend on the thread count).
            double value = 0;
            var gc = new double[n];
            var gn = new double[n * n];
            for (int c = 0; c < chunks; c++)
            {
                ChunkSums s = partial[c];
                value += s.Value;
                for (int r = 0; r < n; r++)
                {
                    gc[r] += s.RowSums[r];
                }

                for (int j = 0; j < n; j++)
                {
                    for (int r = 0; r < n; r++)
                    {
                        gn[r * n + j] += s.Gradient[j * stride + r];
                    }
                }
            }

            // ∂/∂c_r = Σ_k R_kr; ∂/∂U_rj = (Σ_k R_kr n_kj − p_j Σ_k R_kr)/σ_j (R = count × (tanh H − s)).
            value /= total;
            for (int r = 0; r < n; r++)
            {
                gradient[r] = gc[r] / total;
                for (int j = 0; j < n; j++)
                {
                    int k = n + r * n + j;
                    if (j == r)
                    {
                        gradient[k] = 0;
                        continue;
                    }

                    gradient[k] = (gn[r * n + j] - p[j] * gc[r]) / (sigma[j] * total);

                    // λ W² = (λ/4) V² = (λ/4) U²/σ².
                    double u = x[k], s2 = sigma[j] * sigma[j];
                    value += 0.25 * lambda * u * u / s2;
                    gradient[k] += 0.5 * lambda * u / s2;
                }
            }

            return value;
        }

        // Start: independent model (c_r = atanh m_r, U = 0).
        var x0 = new double[n + n * n];
        for (int i = 0; i < n; i++)
        {
            x0[i] = Math.Atanh(Math.Clamp(means[i], -1 + 1e-6, 1 - 1e-6));
        }

        LbfgsResult res = Lbfgs.Minimize(Objective, x0, settings.GradientTolerance, settings.MaxIterations, memory: 10);

        // Back to the 0/1 parameters: V_rj = U_rj/σ_j = 2 W_rj into X[n..], a_r = c_r − Σ_j V_rj p_j into X[..n].
        for (int r = 0; r < n; r++)
        {
            double ar = res.X[r];
            for (int j = 0; j < n; j++)
            {
                int k = n + r * n + j;
                res.X[k] = j == r ? 0 : res.X[k] / sigma[j];
                ar -= res.X[k] * p[j];
            }

            res.X[r] = ar;
        }

        // Symmetrise in the 0/1 convention, keeping the intercepts a_r (the well-determined log-odds of cell r
        // when all others are silent), then convert: J = (V + Vᵀ)/4, h_r = a_r + Σ_j J_rj. Symmetrising W in ±1
        // while keeping h_r instead shifts every silent-state log-odds by Σ_j (W_rj − J_rj), which for sparse data
        // (rare pairs: |W_rj − W_jr| of several units) makes the joint model far more active than the data.
        var h = res.X[..n];
        var jm = new double[n * n];
        double asym = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double a = 0.5 * res.X[n + i * n + j], b = 0.5 * res.X[n + j * n + i];
                jm[i * n + j] = jm[j * n + i] = 0.5 * (a + b);
                asym += (a - b) * (a - b);
            }
        }

        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < n; j++)
            {
                h[r] += jm[r * n + j];
            }
        }

        var notes = new Dictionary<string, double>
        {
            ["pseudo_log_likelihood"] = -res.Value,
            ["gradient_norm"] = res.GradientNorm,
            ["asymmetry_rms"] = Math.Sqrt(asym / Math.Max(1, n * (n - 1) / 2)),
        };
        return new FitResult<IsingModel>(new IsingModel(h, jm), res.Converged, res.Iterations, res.Trace, "plm", notes);
    }

    private const int Pad = 16;
    private const int Block = 128;

    /// <summary>
    /// Distinct patterns: counts, active cells of every pattern (CSR: Start, Active), the same per block of
    /// <see cref="Block"/> patterns transposed (for block b, cell j: local pattern indices
    /// BlockRows[BlockStart[b (n + 1) + j] .. BlockStart[b (n + 1) + j + 1]]), and ±1 spins as zero-padded float rows.
    /// </summary>
    private sealed record Patterns(float[] Counts, int[] Start, int[] Active, int[] BlockStart, int[] BlockRows, float[] Spins);

    private static Patterns DistinctPatterns(SpinRaster data, int stride)
    {
        int n = data.NeuronCount, words = (n + 63) / 64, bins = data.TimeBins;

        // Rows packed into bit words, deduplicated with an open-addressing hash table.
        var packed = new ulong[(long)bins * words];
        var key = new ulong[words];
        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, 2 * bins));
        var table = new int[capacity];
        Array.Fill(table, -1);
        var order = new List<int>();
        var counts = new List<float>();
        for (int k = 0; k < bins; k++)
        {
            ReadOnlySpan<sbyte> row = data.Row(k);
            Array.Clear(key);
            for (int i = 0; i < n; i++)
            {
                if (row[i] > 0)
                {
                    key[i >> 6] |= 1UL << (i & 63);
                }
            }

            ulong hash = 0x9E3779B97F4A7C15UL;
            foreach (ulong word in key)
            {
                hash = (hash ^ word) * 0xBF58476D1CE4E5B9UL;
                hash ^= hash >> 31;
            }

            int slot = (int)(hash & (ulong)(capacity - 1));
            while (true)
            {
                int u = table[slot];
                if (u < 0)
                {
                    table[slot] = order.Count;
                    key.CopyTo(packed.AsSpan(order.Count * words, words));
                    order.Add(k);
                    counts.Add(1);
                    break;
                }

                if (packed.AsSpan(u * words, words).SequenceEqual(key))
                {
                    counts[u]++;
                    break;
                }

                slot = (slot + 1) & (capacity - 1);
            }
        }

        int m = order.Count, blocks = (m + Block - 1) / Block;
        var spins = new float[(long)m * stride];
        var start = new int[m + 1];
        var active = new List<int>();
        for (int u = 0; u < m; u++)
        {
            ReadOnlySpan<sbyte> row = data.Row(order[u]);
            for (int i = 0; i < n; i++)
            {
                spins[(long)u * stride + i] = row[i] > 0 ? 1 : -1;
                if (row[i] > 0)
                {
                    active.Add(i);
                }
            }

            start[u + 1] = active.Count;
        }

        int[] activeArray = active.ToArray();
        var blockStart = new int[blocks * (n + 1)];
        var blockRows = new int[activeArray.Length];
        var fill = new int[n];
        for (int b = 0; b < blocks; b++)
        {
            int k0 = b * Block, k1 = Math.Min(m, k0 + Block), o = b * (n + 1);
            Array.Clear(fill);
            for (int q = start[k0]; q < start[k1]; q++)
            {
                fill[activeArray[q]]++;
            }

            blockStart[o] = start[k0];
            for (int j = 0; j < n; j++)
            {
                blockStart[o + j + 1] = blockStart[o + j] + fill[j];
                fill[j] = blockStart[o + j];
            }

            for (int k = k0; k < k1; k++)
            {
                for (int q = start[k]; q < start[k + 1]; q++)
                {
                    blockRows[fill[activeArray[q]]++] = k - k0;
                }
            }
        }

        return new Patterns(counts.ToArray(), start, activeArray, blockStart, blockRows, spins);
    }

    /// <summary>
    /// One chunk's share of an evaluation: Σ_k count_k Σ_r [log 2cosh H_kr − s_kr H_kr], its derivatives
    /// R_kr = count_k (tanh H_kr − s_kr) summed over k (RowSums) and Σ_k R_kr n_kj (Gradient, stored [j, r]).
    /// The features are 0/1, so the data × coupling product is a sum of selected rows: H_k = offset + Σ_{j active}
    /// Vt[j, ·], and the gradient row j is Σ_{k: j active} R_k; both sums run over index lists with the
    /// accumulators in registers, in single precision per block of patterns, accumulated in double across blocks.
    /// </summary>
    private sealed class ChunkSums(int n, int stride)
    {
        private readonly float[] _fields = new float[Block * stride];
        private readonly float[] _work = new float[Block * stride];
        private readonly float[] _temp = new float[Block * stride];
        private readonly double[] _logTerm = new double[Block * stride];
        private readonly double[] _signTerm = new double[Block * stride];
        private readonly float[] _blockGradient = new float[n * stride];
        private readonly float[] _blockRowSums = new float[stride];

        public double Value { get; private set; }

        public double[] RowSums { get; } = new double[n];

        public double[] Gradient { get; } = new double[n * stride];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Evaluate(Patterns data, float[] vt, float[] offset, int n, int stride, int k0, int k1)
        {
            Value = 0;
            Array.Clear(RowSums);
            Array.Clear(Gradient);
            for (int b0 = k0; b0 < k1; b0 += Block)
            {
                int b1 = Math.Min(k1, b0 + Block), rows = b1 - b0;
                Span<float> h = _fields.AsSpan(0, rows * stride);
                Span<float> w = _work.AsSpan(0, rows * stride);
                for (int k = b0; k < b1; k++)
                {
                    Span<float> hk = h.Slice((k - b0) * stride, stride);
                    offset.CopyTo(hk);
                    Kernels.AccumulateRows(hk, vt, data.Active.AsSpan(data.Start[k], data.Start[k + 1] - data.Start[k]));
                }

                // log 2cosh H − s H = (|H| − s H) + log(1 + e^{−2|H|}): the first term is exact in single precision
                // (0 or 2|H|), the second is taken in double; R = count (tanh H − s) overwrites h. Padding columns
                // have H = 0 and s = 0, so R = 0 there; the loss sums stop at n.
                ReadOnlySpan<float> spins = data.Spins.AsSpan(b0 * stride, rows * stride);
                Span<double> ld = _logTerm.AsSpan(0, rows * stride), sd = _signTerm.AsSpan(0, rows * stride);
                TensorPrimitives.Abs(h, w);
                TensorPrimitives.ConvertTruncating<float, double>(w, ld);
                TensorPrimitives.Multiply(ld, -2.0, ld);
                TensorPrimitives.Exp(ld, ld);
                TensorPrimitives.Add(ld, 1.0, ld);
                TensorPrimitives.Log(ld, ld);
                TensorPrimitives.Multiply(spins, h, _temp.AsSpan(0, w.Length));
                TensorPrimitives.Subtract(w, _temp.AsSpan(0, w.Length), w);
                TensorPrimitives.ConvertTruncating<float, double>(w, sd);
                TensorPrimitives.Add(ld, sd, ld);
                TensorPrimitives.Tanh(h, h);
                TensorPrimitives.Subtract(h, spins, h);
                double value = 0;
                for (int k = 0; k < rows; k++)
                {
                    float count = data.Counts[b0 + k];
                    value += count * TensorPrimitives.Sum(ld.Slice(k * stride, n));
                    TensorPrimitives.Multiply(h.Slice(k * stride, stride), count, h.Slice(k * stride, stride));
                }

                Value += value;

                // Row sums of R, and gradient rows j = Σ_{k in block: j active} R_k.
                Array.Clear(_blockRowSums);
                for (int k = 0; k < rows; k++)
                {
                    TensorPrimitives.Add(_blockRowSums, h.Slice(k * stride, stride), _blockRowSums);
                }

                int o = (b0 / Block) * (n + 1);
                for (int j = 0; j < n; j++)
                {
                    Span<float> gj = _blockGradient.AsSpan(j * stride, stride);
                    gj.Clear();
                    int q0 = data.BlockStart[o + j], q1 = data.BlockStart[o + j + 1];
                    Kernels.AccumulateRows(gj, _fields, data.BlockRows.AsSpan(q0, q1 - q0));
                }

                for (int r = 0; r < n; r++)
                {
                    RowSums[r] += _blockRowSums[r];
                }

                for (int q = 0; q < _blockGradient.Length; q++)
                {
                    Gradient[q] += _blockGradient[q];
                }
            }
        }
    }

    private static class Kernels
    {
        /// <summary>y ← y + Σ_q source[rows[q] · L .. + L], L = y.Length (a multiple of 16), accumulators in registers.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void AccumulateRows(Span<float> y, float[] source, ReadOnlySpan<int> rows)
        {
            int length = y.Length;
            ref float yr = ref MemoryMarshal.GetReference(y);
            ref float src = ref MemoryMarshal.GetArrayDataReference(source);
            ref int idx = ref MemoryMarshal.GetReference(rows);
            int count = rows.Length;
            if (Vector512.IsHardwareAccelerated)
            {
                for (int c = 0; c < length; c += 64)
                {
                    int vectors = Math.Min(4, (length - c) / 16);
                    ref float yc = ref Unsafe.Add(ref yr, c);
                    Vector512<float> a0 = Vector512.LoadUnsafe(ref yc), a1 = default, a2 = default, a3 = default;
                    if (vectors > 1) { a1 = Vector512.LoadUnsafe(ref yc, 16); }
                    if (vectors > 2) { a2 = Vector512.LoadUnsafe(ref yc, 32); }
                    if (vectors > 3) { a3 = Vector512.LoadUnsafe(ref yc, 48); }
                    for (int q = 0; q < count; q++)
                    {
                        ref float row = ref Unsafe.Add(ref src, (nint)Unsafe.Add(ref idx, q) * length + c);
                        a0 += Vector512.LoadUnsafe(ref row);
                        if (vectors > 1) { a1 += Vector512.LoadUnsafe(ref row, 16); }
                        if (vectors > 2) { a2 += Vector512.LoadUnsafe(ref row, 32); }
                        if (vectors > 3) { a3 += Vector512.LoadUnsafe(ref row, 48); }
                    }

                    a0.StoreUnsafe(ref yc);
                    if (vectors > 1) { a1.StoreUnsafe(ref yc, 16); }
                    if (vectors > 2) { a2.StoreUnsafe(ref yc, 32); }
                    if (vectors > 3) { a3.StoreUnsafe(ref yc, 48); }
                }
            }
            else
            {
                for (int c = 0; c < length; c += 32)
                {
                    int vectors = Math.Min(4, (length - c) / 8);
                    ref float yc = ref Unsafe.Add(ref yr, c);
                    Vector256<float> a0 = Vector256.LoadUnsafe(ref yc), a1 = default, a2 = default, a3 = default;
                    if (vectors > 1) { a1 = Vector256.LoadUnsafe(ref yc, 8); }
                    if (vectors > 2) { a2 = Vector256.LoadUnsafe(ref yc, 16); }
                    if (vectors > 3) { a3 = Vector256.LoadUnsafe(ref yc, 24); }
                    for (int q = 0; q < count; q++)
                    {
                        ref float row = ref Unsafe.Add(ref src, (nint)Unsafe.Add(ref idx, q) * length + c);
                        a0 += Vector256.LoadUnsafe(ref row);
                        if (vectors > 1) { a1 += Vector256.LoadUnsafe(ref row, 8); }
                        if (vectors > 2) { a2 += Vector256.LoadUnsafe(ref row, 16); }
                        if (vectors > 3) { a3 += Vector256.LoadUnsafe(ref row, 24); }
                    }

                    a0.StoreUnsafe(ref yc);
                    if (vectors > 1) { a1.StoreUnsafe(ref yc, 8); }
                    if (vectors > 2) { a2.StoreUnsafe(ref yc, 16); }
                    if (vectors > 3) { a3.StoreUnsafe(ref yc, 24); }
                }
            }
        }
    }
}
