using System.Diagnostics;
using System.Numerics;
using System.Runtime.Intrinsics;
using StatNeuro.Data;

namespace StatNeuro.Inference;

/// <summary>
/// Cramér–Rao limit of a pairwise Ising fit: the RMS error that an efficient estimator (maximum likelihood, for
/// M → ∞) makes on the couplings and fields from M independent samples.
/// </summary>
/// <param name="CouplingRms">sqrt(tr[(I⁻¹)_JJ] / (pairs · M)) with the small-sample bias of the inverse removed (see <see cref="FisherInformation.Limit"/>).</param>
/// <param name="CouplingRmsUncorrected">The same without the bias correction.</param>
/// <param name="FieldRms">sqrt(tr[(I⁻¹)_hh] / (N · M)), bias-corrected.</param>
/// <param name="FisherSamples">Rows used to estimate the Fisher matrix.</param>
/// <param name="Parameters">Number of parameters p = N + N(N − 1)/2.</param>
/// <param name="DataSamples">M, the sample size the limit refers to.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record CramerRaoLimit(double CouplingRms, double CouplingRmsUncorrected, double FieldRms, int FisherSamples, int Parameters, int DataSamples, double Seconds);

/// <summary>
/// Fisher information of the pairwise maximum-entropy (Ising) model, I = Cov(φ) with the features
/// φ = (s_1 … s_N, s_1 s_2, s_1 s_3, …, s_{N−1} s_N), estimated from samples of the model, and the Cramér–Rao limit
/// of the coupling error it implies. Built for N up to a few hundred (p = 5050 parameters at N = 100).
/// </summary>
/// <remarks>
/// <para>Covariance in exact integer arithmetic: every feature is ±1, so each spin column is packed into a bit set
/// (bit = 1 for s = −1), a pair feature is the XOR of two spin bit sets, and Σ_t φ_a φ_b = S − 2·popcount(x_a ⊕ x_b).
/// Two pair features only enter through the four-spin moment ⟨s_i s_j s_k s_l⟩, which depends on the set {i, j, k, l}
/// alone: only the C(N, 4) canonical entries are counted, the others are read from them (or are pair means when two
/// features share a spin). The popcount sums are tiled so that a block of feature rows stays in the L2 cache (hardware
/// POPCNT, four feature rows per load). At N = 100, S = 10⁵ (idle, 2 threads): 2.5 s for the covariance (5.2 s before
/// the four-index symmetry) and 1.7 s for the Cholesky factor, where a double-precision Gram matrix would be 1.3·10¹²
/// multiply-adds.</para>
/// <para>Inverse: a blocked right-looking Cholesky factorisation I = L Lᵀ (block 64, packed panel, rows in parallel)
/// and (I⁻¹)_aa = ‖L⁻¹ e_a‖², the column norms of L⁻¹ found by forward substitution sixteen columns at a time.
/// MathNet.Numerics' managed Cholesky (0.84 s at p = 2000) had not finished after five minutes at p = 5050 on this
/// machine (under a load of about 10), so this one is hand-written (1.7 s idle at p = 5050).</para>
/// <para>Bias: the inverse of a covariance estimated from S rows overestimates the true inverse; for Gaussian
/// features E[Ŝ⁻¹] = Σ⁻¹ (S − 1)/(S − p − 2) (inverse Wishart mean). The corrected limits multiply the variance by
/// (S − p − 2)/(S − 1): 2.6 % in variance (1.3 % in RMS) for p = 5050 and S = 2·10⁵. Use S ≫ p.</para>
/// </remarks>
public static class FisherInformation
{
    private const int ChunkWords = 512;
    private const int RowTile = 32;
    private const int Block = 64;

    /// <summary>
    /// Largest N handled: the dense p × p Fisher matrix (p = N(N + 1)/2) must stay within 4 GiB of doubles
    /// (N = 214: p = 23 005, 3.9 GiB) and within .NET's array length limit.
    /// </summary>
    public const int MaxSpins = 214;

    /// <summary>Number of parameters of the pairwise model of N spins.</summary>
    /// <param name="n">N.</param>
    /// <returns>N + N(N − 1)/2.</returns>
    public static int ParameterCount(int n) => n + n * (n - 1) / 2;

    /// <summary>
    /// Covariance of the features φ over the rows of <paramref name="samples"/> (1/S normalisation), as a dense
    /// p × p row-major matrix; feature order: the N spins, then the pairs (i &lt; j) row by row.
    /// </summary>
    /// <param name="samples">Samples (rows are configurations).</param>
    /// <param name="maxThreads">Thread limit (−1 = all cores); the result does not depend on it.</param>
    /// <returns>The p × p covariance, row-major.</returns>
    public static double[] FeatureCovariance(SpinRaster samples, int maxThreads = -1)
    {
        ArgumentNullException.ThrowIfNull(samples);
        int n = samples.NeuronCount, rows = samples.TimeBins, p = ParameterCount(n);
        if (n > MaxSpins)
        {
            throw new ArgumentException($"N = {n} is too large for a dense Fisher matrix (at most {MaxSpins} spins).", nameof(samples));
        }

        if ((long)p * ((rows + 63) / 64) > Array.MaxLength)
        {
            throw new ArgumentException($"{rows} samples of {p} features exceed the bit-packed feature table; use fewer samples.", nameof(samples));
        }

        if (rows < 2)
        {
            throw new ArgumentException("the Fisher matrix needs at least 2 samples.", nameof(samples));
        }

        int words = (rows + 63) / 64;
        ulong[] bits = PackFeatures(samples, n, p, words);
        var count = new double[(long)p * p];
        int tiles = (p + RowTile - 1) / RowTile;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads };

        // Pair features: (first, second) spin of feature n + k, and the index of the first pair whose first spin is i.
        int pairs = p - n;
        var first = new int[pairs];
        var second = new int[pairs];
        var pairStart = new int[n + 1];
        for (int i = 0, k = 0; i < n; i++)
        {
            pairStart[i] = k;
            for (int j = i + 1; j < n; j++, k++)
            {
                first[k] = i;
                second[k] = j;
            }
        }

        pairStart[n] = pairs;
        int Pair(int i, int j) => n + pairStart[i] + (j - i - 1);

        // Counts in the lower triangle (a ≥ b). Rows or columns of single spins: all entries. Two pair features:
        // ⟨s_i s_j s_k s_l⟩ depends only on the set {i, j, k, l}, so only the canonical entries — b = (i, j),
        // a = (k, l) with j < k — are counted (C(N, 4) instead of ~p²/2: 3.3× less work at N = 100); the others are
        // read from them below. Tiles are handed out from the bottom (most work) so the triangular load balances.
        Parallel.For(0, tiles, options, t =>
        {
            int tile = tiles - 1 - t;
            int a0 = tile * RowTile, a1 = Math.Min(p, a0 + RowTile);
            var acc = new long[RowTile * a1];
            for (int w0 = 0; w0 < words; w0 += ChunkWords)
            {
                int w1 = Math.Min(words, w0 + ChunkWords);
                for (int b = 0; b < a1; b++)
                {
                    ReadOnlySpan<ulong> xb = bits.AsSpan(b * words + w0, w1 - w0);
                    int a = b < n ? Math.Max(a0, b) : Math.Max(a0, n + pairStart[second[b - n] + 1]);
                    for (; a + 3 < a1; a += 4)
                    {
                        PopCount4(bits, words, w0, a, xb, out long c0, out long c1, out long c2, out long c3);
                        acc[((a - a0) * a1) + b] += c0;
                        acc[((a + 1 - a0) * a1) + b] += c1;
                        acc[((a + 2 - a0) * a1) + b] += c2;
                        acc[((a + 3 - a0) * a1) + b] += c3;
                    }

                    for (; a < a1; a++)
                    {
                        acc[((a - a0) * a1) + b] += PopCountXor(bits.AsSpan(a * words + w0, w1 - w0), xb);
                    }
                }
            }

            for (int a = a0; a < a1; a++)
            {
                for (int b = 0; b <= a; b++)
                {
                    count[(long)a * p + b] = acc[((a - a0) * a1) + b];
                }
            }
        });

        // ⟨φ_a⟩ = 1 − 2 popcount(x_a)/S; the diagonal count popcount(x_a ⊕ x_a) is 0, so ⟨φ_a²⟩ = 1 as it must.
        var mean = new double[p];
        for (int a = 0; a < p; a++)
        {
            long c = 0;
            foreach (ulong w in bits.AsSpan(a * words, words))
            {
                c += BitOperations.PopCount(w);
            }

            mean[a] = 1.0 - 2.0 * c / rows;
        }

        // Covariances into the upper triangle (reading only lower-triangle counts), then mirrored.
        Parallel.For(0, p, options, a =>
        {
            for (int b = 0; b <= a; b++)
            {
                double e;
                if (b < n || a == b)
                {
                    e = 1.0 - 2.0 * count[(long)a * p + b] / rows;
                }
                else
                {
                    int i = first[b - n], j = second[b - n], k = first[a - n], l = second[a - n];
                    if (j < k)
                    {
                        e = 1.0 - 2.0 * count[(long)a * p + b] / rows;
                    }
                    else if (k == i)
                    {
                        e = mean[Pair(Math.Min(j, l), Math.Max(j, l))];
                    }
                    else if (k == j)
                    {
                        e = mean[Pair(i, l)];
                    }
                    else if (l == j)
                    {
                        e = mean[Pair(i, k)];
                    }
                    else
                    {
                        // Disjoint and interleaved (i < k < j, l ≠ j): the canonical entry of the sorted four spins.
                        int q1 = k, q2 = Math.Min(j, l), q3 = Math.Max(j, l);
                        e = 1.0 - 2.0 * count[(long)Pair(q2, q3) * p + Pair(i, q1)] / rows;
                    }
                }

                count[(long)b * p + a] = e - mean[a] * mean[b];
            }
        });
        Parallel.For(0, p, options, a =>
        {
            for (int b = 0; b < a; b++)
            {
                count[(long)a * p + b] = count[(long)b * p + a];
            }
        });

        return count;
    }

    /// <summary>
    /// Cramér–Rao limit for M data samples, with the Fisher matrix estimated from <paramref name="fisherSamples"/>
    /// (ideally independent samples of the true or fitted model, many more rows than parameters).
    /// </summary>
    /// <param name="fisherSamples">Samples used to estimate I.</param>
    /// <param name="dataSamples">M, the size of the data set the limit is for.</param>
    /// <param name="maxThreads">Thread limit (−1 = all cores).</param>
    /// <returns>The limits.</returns>
    /// <exception cref="ArgumentException">Fewer rows than parameters + 3, or a singular Fisher matrix (a constant feature).</exception>
    public static CramerRaoLimit Limit(SpinRaster fisherSamples, int dataSamples, int maxThreads = -1)
    {
        ArgumentNullException.ThrowIfNull(fisherSamples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dataSamples);
        var clock = Stopwatch.StartNew();
        int n = fisherSamples.NeuronCount, p = ParameterCount(n), s = fisherSamples.TimeBins;
        if (s < p + 3)
        {
            throw new ArgumentException($"the Fisher matrix of {p} parameters needs more than {p + 2} samples (got {s}).", nameof(fisherSamples));
        }

        double[] fisher = FeatureCovariance(fisherSamples, maxThreads);
        CholeskyInPlace(fisher, p, maxThreads);
        double fieldTrace = ColumnNormsSquared(fisher, p, 0, n, maxThreads);
        double traceJ = ColumnNormsSquared(fisher, p, n, p, maxThreads);
        double correction = (s - p - 2.0) / (s - 1.0);
        int pairs = p - n;
        double rawJ = Math.Sqrt(traceJ / pairs / dataSamples);
        return new CramerRaoLimit(
            rawJ * Math.Sqrt(correction),
            rawJ,
            Math.Sqrt(fieldTrace * correction / n / dataSamples),
            s,
            p,
            dataSamples,
            clock.Elapsed.TotalSeconds);
    }

    private static ulong[] PackFeatures(SpinRaster samples, int n, int p, int words)
    {
        var bits = new ulong[(long)p * words];
        PackSpins(samples, 0, samples.TimeBins, bits, words);

        int k = n;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++, k++)
            {
                Span<ulong> dst = bits.AsSpan(k * words, words);
                ReadOnlySpan<ulong> xi = bits.AsSpan(i * words, words);
                ReadOnlySpan<ulong> xj = bits.AsSpan(j * words, words);
                for (int w = 0; w < words; w++)
                {
                    dst[w] = xi[w] ^ xj[w];
                }
            }
        }

        return bits;
    }

    /// <summary>
    /// Packs rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="rows"/>) of
    /// <paramref name="samples"/> into one bit set per spin: bit t of spin i's <paramref name="words"/> words is set
    /// when s_i = −1 in row firstRow + t. The bit sets must be zero on entry.
    /// </summary>
    internal static void PackSpins(SpinRaster samples, int firstRow, int rows, ulong[] bits, int words)
    {
        int n = samples.NeuronCount;
        for (int t = 0; t < rows; t++)
        {
            ReadOnlySpan<sbyte> s = samples.Row(firstRow + t);
            ulong bit = 1UL << (t & 63);
            int w = t >> 6;
            for (int i = 0; i < n; i++)
            {
                if (s[i] < 0)
                {
                    bits[i * words + w] |= bit;
                }
            }
        }
    }

    private static long PopCountXor(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y)
    {
        long c = 0;
        for (int w = 0; w < x.Length; w++)
        {
            c += BitOperations.PopCount(x[w] ^ y[w]);
        }

        return c;
    }

    private static void PopCount4(ulong[] bits, int words, int w0, int a, ReadOnlySpan<ulong> xb, out long c0, out long c1, out long c2, out long c3)
    {
        int len = xb.Length;
        ReadOnlySpan<ulong> x0 = bits.AsSpan(a * words + w0, len);
        ReadOnlySpan<ulong> x1 = bits.AsSpan((a + 1) * words + w0, len);
        ReadOnlySpan<ulong> x2 = bits.AsSpan((a + 2) * words + w0, len);
        ReadOnlySpan<ulong> x3 = bits.AsSpan((a + 3) * words + w0, len);
        int w = 0;
        c0 = c1 = c2 = c3 = 0;
        for (; w < len; w++)
        {
            ulong b = xb[w];
            c0 += BitOperations.PopCount(x0[w] ^ b);
            c1 += BitOperations.PopCount(x1[w] ^ b);
            c2 += BitOperations.PopCount(x2[w] ^ b);
            c3 += BitOperations.PopCount(x3[w] ^ b);
        }
    }

    /// <summary>
    /// Overwrites the lower triangle of the symmetric positive-definite p × p row-major matrix <paramref name="a"/>
    /// with its Cholesky factor L (A = L Lᵀ). Blocked right-looking: factor a 64 × 64 diagonal block, solve the
    /// panel below it, update the trailing lower triangle from a packed copy of the panel (rows in parallel).
    /// </summary>
    /// <param name="a">Matrix, row-major; the strict upper triangle is left as it was.</param>
    /// <param name="p">Dimension.</param>
    /// <param name="maxThreads">Thread limit.</param>
    /// <exception cref="ArgumentException">The matrix is not positive definite.</exception>
    internal static void CholeskyInPlace(double[] a, int p, int maxThreads)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads };
        var panel = new double[(long)p * Block];
        for (int k0 = 0; k0 < p; k0 += Block)
        {
            int k1 = Math.Min(p, k0 + Block), nb = k1 - k0;

            // Diagonal block, unblocked.
            for (int j = k0; j < k1; j++)
            {
                double d = a[(long)j * p + j];
                for (int m = k0; m < j; m++)
                {
                    double l = a[(long)j * p + m];
                    d -= l * l;
                }

                if (!(d > 0))
                {
                    throw new ArgumentException($"the Fisher matrix is not positive definite (pivot {j} is {d:G3}): a feature is constant or the samples are too few.");
                }

                double ljj = Math.Sqrt(d);
                a[(long)j * p + j] = ljj;
                for (int i = j + 1; i < k1; i++)
                {
                    double v = a[(long)i * p + j];
                    for (int m = k0; m < j; m++)
                    {
                        v -= a[(long)i * p + m] * a[(long)j * p + m];
                    }

                    a[(long)i * p + j] = v / ljj;
                }
            }

            if (k1 == p)
            {
                break;
            }

            // Panel rows below: L[i, k0:k1] = A[i, k0:k1] L_kk⁻ᵀ, packed into panel[(i − k1) · nb ..].
            Parallel.For(k1, p, options, i =>
            {
                long row = (long)i * p;
                for (int j = k0; j < k1; j++)
                {
                    double v = a[row + j];
                    for (int m = k0; m < j; m++)
                    {
                        v -= a[row + m] * a[(long)j * p + m];
                    }

                    a[row + j] = v / a[(long)j * p + j];
                }

                a.AsSpan((int)(row + k0), nb).CopyTo(panel.AsSpan((i - k1) * nb, nb));
            });

            // Trailing update A[i, j] −= L[i, k0:k1] · L[j, k0:k1] for k1 ≤ j ≤ i.
            Parallel.For(k1, p, options, i =>
            {
                ReadOnlySpan<double> li = panel.AsSpan((i - k1) * nb, nb);
                Span<double> row = a.AsSpan((int)((long)i * p), p);
                int j = k1;
                for (; j + 3 <= i; j += 4)
                {
                    Dot4(li, panel, (j - k1) * nb, nb, out double d0, out double d1, out double d2, out double d3);
                    row[j] -= d0;
                    row[j + 1] -= d1;
                    row[j + 2] -= d2;
                    row[j + 3] -= d3;
                }

                for (; j <= i; j++)
                {
                    row[j] -= System.Numerics.Tensors.TensorPrimitives.Dot(li, panel.AsSpan((j - k1) * nb, nb));
                }
            });
        }
    }

    /// <summary>Solves A x = b given the Cholesky factor of A from <see cref="CholeskyInPlace"/> (lower triangle of <paramref name="l"/>).</summary>
    /// <param name="l">Factor, row-major p × p (lower triangle used).</param>
    /// <param name="p">Dimension.</param>
    /// <param name="b">Right-hand side.</param>
    /// <returns>x.</returns>
    internal static double[] CholeskySolve(double[] l, int p, ReadOnlySpan<double> b)
    {
        var y = b.ToArray();

        // L y' = b (rows are contiguous: a dot product per row).
        for (int i = 0; i < p; i++)
        {
            ReadOnlySpan<double> row = l.AsSpan(i * p, i);
            y[i] = (y[i] - System.Numerics.Tensors.TensorPrimitives.Dot(row, y.AsSpan(0, i))) / l[i * p + i];
        }

        // Lᵀ x = y': x_i = y_i / L_ii, then y_k −= L_ik x_i for k < i (row i again contiguous).
        for (int i = p - 1; i >= 0; i--)
        {
            double xi = y[i] / l[i * p + i];
            y[i] = xi;
            ReadOnlySpan<double> row = l.AsSpan(i * p, i);
            Span<double> head = y.AsSpan(0, i);
            for (int k = 0; k < i; k++)
            {
                head[k] -= row[k] * xi;
            }
        }

        return y;
    }

    private static void Dot4(ReadOnlySpan<double> x, double[] panel, int offset, int nb, out double d0, out double d1, out double d2, out double d3)
    {
        ReadOnlySpan<double> y0 = panel.AsSpan(offset, nb);
        ReadOnlySpan<double> y1 = panel.AsSpan(offset + nb, nb);
        ReadOnlySpan<double> y2 = panel.AsSpan(offset + 2 * nb, nb);
        ReadOnlySpan<double> y3 = panel.AsSpan(offset + 3 * nb, nb);
        int m = 0;
        int width = Vector<double>.Count;
        Vector<double> s0 = Vector<double>.Zero, s1 = s0, s2 = s0, s3 = s0;
        for (; m + width <= nb; m += width)
        {
            var xv = new Vector<double>(x.Slice(m, width));
            s0 += xv * new Vector<double>(y0.Slice(m, width));
            s1 += xv * new Vector<double>(y1.Slice(m, width));
            s2 += xv * new Vector<double>(y2.Slice(m, width));
            s3 += xv * new Vector<double>(y3.Slice(m, width));
        }

        d0 = Vector.Sum(s0);
        d1 = Vector.Sum(s1);
        d2 = Vector.Sum(s2);
        d3 = Vector.Sum(s3);
        for (; m < nb; m++)
        {
            d0 += x[m] * y0[m];
            d1 += x[m] * y1[m];
            d2 += x[m] * y2[m];
            d3 += x[m] * y3[m];
        }
    }

    /// <summary>
    /// Σ over columns c in [from, to) of ‖L⁻¹ e_c‖², i.e. Σ_c (A⁻¹)_cc since A⁻¹ = L⁻ᵀ L⁻¹. L⁻¹ e_c vanishes above row c
    /// and is found by forward substitution, sixteen columns at a time (one 512-bit FMA pair per L_ik).
    /// </summary>
    private static double ColumnNormsSquared(double[] l, int p, int from, int to, int maxThreads)
    {
        const int Cols = 16;
        int blocks = (to - from + Cols - 1) / Cols;
        var partial = new double[blocks];
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, blk =>
        {
            int c0 = from + blk * Cols, c1 = Math.Min(to, c0 + Cols), width = c1 - c0;

            // x[(i − c0) · Cols + col] = (L⁻¹)_{i, c0 + col} for every row i ≥ c0 (zero above column c0 + col).
            var x = new double[(long)(p - c0) * Cols];
            Span<double> tmp = stackalloc double[Cols];
            double sum = 0;
            for (int i = c0; i < p; i++)
            {
                long row = (long)i * p;
                Span<double> xi = x.AsSpan((i - c0) * Cols, Cols);
                var acc0 = Vector512<double>.Zero;
                var acc1 = Vector512<double>.Zero;
                for (int k = c0; k < i; k++)
                {
                    var lik = Vector512.Create(l[row + k]);
                    ReadOnlySpan<double> xk = x.AsSpan((k - c0) * Cols, Cols);
                    acc0 += lik * Vector512.Create(xk[..8]);
                    acc1 += lik * Vector512.Create(xk[8..]);
                }

                // x_i = (e_i − Σ_{k<i} L_ik x_k) / L_ii, for the block's columns (e_i has a 1 in column i only).
                double inv = 1.0 / l[row + i];
                acc0.CopyTo(tmp[..8]);
                acc1.CopyTo(tmp[8..]);
                for (int col = 0; col < Cols; col++)
                {
                    double e = col < width && c0 + col == i ? 1.0 : 0.0;
                    double v = col < width ? (e - tmp[col]) * inv : 0.0;
                    xi[col] = v;
                    sum += v * v;
                }
            }

            partial[blk] = sum;
        });

        double total = 0;
        foreach (double v in partial)
        {
            total += v;
        }

        return total;
    }
}
