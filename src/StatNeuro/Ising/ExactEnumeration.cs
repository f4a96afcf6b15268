using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace StatNeuro.Ising;

/// <summary>Exact statistics of an Ising model from the sum over all 2^N configurations.</summary>
/// <param name="Size">N.</param>
/// <param name="LogPartition">log Z (±1 convention).</param>
/// <param name="Means">⟨s_i⟩.</param>
/// <param name="SecondMoments">⟨s_i s_j⟩, N × N row-major, diagonal 1.</param>
/// <param name="UpCountDistribution">P(K), K = number of up spins, length N + 1.</param>
public sealed record ExactStatistics(int Size, double LogPartition, double[] Means, double[] SecondMoments, double[] UpCountDistribution)
{
    /// <summary>Connected correlations C_ij = ⟨s_i s_j⟩ − ⟨s_i⟩⟨s_j⟩ (N × N row-major).</summary>
    /// <returns>A new array.</returns>
    public double[] ConnectedCorrelations()
    {
        var c = (double[])SecondMoments.Clone();
        for (int i = 0; i < Size; i++)
        {
            for (int j = 0; j < Size; j++)
            {
                c[i * Size + j] -= Means[i] * Means[j];
            }
        }

        return c;
    }

    /// <summary>Entropy S = log Z − Σ h_i ⟨s_i⟩ − Σ_{i&lt;j} J_ij ⟨s_i s_j⟩ (nats) of <paramref name="model"/>.</summary>
    /// <param name="model">The model these statistics belong to.</param>
    /// <returns>Entropy in nats.</returns>
    public double Entropy(IsingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return LogPartition - ExactEnumeration.MeanLogWeight(model, Means, SecondMoments);
    }
}

/// <summary>
/// Exact enumeration of an Ising model with N ≤ 25 spins: log Z, ⟨s_i⟩, ⟨s_i s_j⟩, P(K) and the entropy, with no
/// generated code. The spins are split into halves A (N/2) and B; for each of the 2^{N_A} states of A the weights
/// of all 2^{N_B} states of B are one vectorised multiply-add per spin of B plus one exponential, so a call costs
/// about 2^N (2 N_B + 1) flops (≈ 10 ms at N = 20). The half-states themselves are built in Gray-code order.
/// </summary>
/// <remarks>
/// Z = Σ_a e^{E_A(a)} Σ_b e^{E_B(b) + Σ_{j∈B} g_j(a) s_j(b)}, g_j(a) = Σ_{i∈A} J_ij s_i(a). The cross moments
/// ⟨s_i s_j⟩ (i ∈ A, j ∈ B) follow from u_j(a) = Σ_b w_ab s_j(b). All exponents are shifted by their global maximum.
/// Work is cut into a fixed number of chunks reduced in a fixed order, so results do not depend on thread count.
/// </remarks>
public static class ExactEnumeration
{
    /// <summary>Largest N accepted (2^25 states).</summary>
    public const int MaxSize = 25;

    /// <summary>Computes the exact statistics.</summary>
    /// <param name="model">The model, N ≤ <see cref="MaxSize"/>.</param>
    /// <param name="maxThreads">Thread limit (−1 = all cores); the result does not depend on it.</param>
    /// <returns>log Z, moments and P(K).</returns>
    public static ExactStatistics Compute(IsingModel model, int maxThreads = -1) => Compute(model, maxThreads, upCounts: true);

    /// <summary>Computes the exact statistics; <paramref name="upCounts"/> = false skips P(K) (left all zero).</summary>
    internal static ExactStatistics Compute(IsingModel model, int maxThreads, bool upCounts)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = model.Size;
        if (n > MaxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(model), $"exact enumeration needs N <= {MaxSize}, got {n}.");
        }

        int nA = n / 2, nB = n - nA;
        int statesA = 1 << nA, statesB = 1 << nB;
        ReadOnlySpan<double> jm = model.Couplings;
        ReadOnlySpan<double> hm = model.Fields;
        double[] hA = hm[..nA].ToArray(), hB = hm[nA..].ToArray();
        double[] jA = Block(jm, n, 0, nA), jB = Block(jm, n, nA, nB);

        // Half-state tables built in Gray-code order: spins (±1 as double), log-weights, up counts. The B states are
        // then sorted by up count, so the B-sum of every up count is a sum over one contiguous range.
        (double[] spinsA, double[] logA, int[] upA) = HalfStates(nA, hA, jA);
        (double[] spinsB, double[] logB, int[] upB) = HalfStates(nB, hB, jB);
        var upStart = new int[nB + 2];
        (spinsB, logB, upB) = SortByUpCount(nB, spinsB, logB, upB, upStart);
        var columnsB = new double[nB][];
        for (int j = 0; j < nB; j++)
        {
            columnsB[j] = new double[statesB];
            for (int b = 0; b < statesB; b++)
            {
                columnsB[j][b] = spinsB[b * nB + j];
            }
        }

        // Cross couplings J_AB (nA x nB).
        var jAB = new double[nA * nB];
        for (int i = 0; i < nA; i++)
        {
            for (int j = 0; j < nB; j++)
            {
                jAB[i * nB + j] = jm[i * n + nA + j];
            }
        }

        // One pass: row a's exponents are shifted by their own maximum rowLog[a]; the per-chunk sums over a
        // (weights of the B states, P(K) table) are kept relative to a running maximum and rescaled when it grows.
        int chunks = Math.Min(statesA, 64);
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads };
        var weightA = new double[statesA];
        var rowLog = new double[statesA];
        var cross = new double[statesA * nB];
        var chunkMax = new double[chunks];
        var weightBParts = new double[chunks][];
        var upTables = new double[chunks][];
        var half = new HalfTables(nA, nB, spinsA, logA, upA, logB, upStart, columnsB, jAB);
        Parallel.For(0, chunks, options, c =>
        {
            var wB = new double[statesB];
            var upTable = upCounts ? new double[(nA + 1) * (nB + 1)] : [];
            chunkMax[c] = Chunk(half, statesA * c / chunks, statesA * (c + 1) / chunks, weightA, rowLog, cross, wB, upTable);
            weightBParts[c] = wB;
            upTables[c] = upTable;
        });
        double shift = TensorPrimitives.Max(chunkMax);
        for (int a = 0; a < statesA; a++)
        {
            double f = Math.Exp(rowLog[a] - shift);
            weightA[a] *= f;
            TensorPrimitives.Multiply(cross.AsSpan(a * nB, nB), f, cross.AsSpan(a * nB, nB));
        }

        var weightB = new double[statesB];
        var up = new double[(nA + 1) * (nB + 1)];
        for (int c = 0; c < chunks; c++)
        {
            double f = Math.Exp(chunkMax[c] - shift);
            TensorPrimitives.MultiplyAdd(weightBParts[c], f, weightB, weightB);
            if (upCounts)
            {
                TensorPrimitives.MultiplyAdd(upTables[c], f, up, up);
            }
        }

        double z = TensorPrimitives.Sum(weightA);
        var means = new double[n];
        var second = new double[n * n];
        for (int a = 0; a < statesA; a++)
        {
            double w = weightA[a];
            for (int i = 0; i < nA; i++)
            {
                double si = spinsA[a * nA + i];
                means[i] += w * si;
                for (int k = i + 1; k < nA; k++)
                {
                    second[i * n + k] += w * si * spinsA[a * nA + k];
                }

                for (int j = 0; j < nB; j++)
                {
                    second[i * n + nA + j] += si * cross[a * nB + j];
                }
            }
        }

        for (int b = 0; b < statesB; b++)
        {
            double w = weightB[b];
            for (int j = 0; j < nB; j++)
            {
                double sj = spinsB[b * nB + j];
                means[nA + j] += w * sj;
                for (int k = j + 1; k < nB; k++)
                {
                    second[(nA + j) * n + nA + k] += w * sj * spinsB[b * nB + k];
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            means[i] /= z;
            second[i * n + i] = 1;
            for (int k = i + 1; k < n; k++)
            {
                second[i * n + k] /= z;
                second[k * n + i] = second[i * n + k];
            }
        }

        var pk = new double[n + 1];
        for (int ka = 0; ka <= nA; ka++)
        {
            for (int kb = 0; kb <= nB; kb++)
            {
                pk[ka + kb] += up[ka * (nB + 1) + kb] / z;
            }
        }

        return new ExactStatistics(n, shift + Math.Log(z), means, second, pk);
    }

    private sealed record HalfTables(int NA, int NB, double[] SpinsA, double[] LogA, int[] UpA, double[] LogB, int[] UpStart, double[][] ColumnsB, double[] JAB);

    /// <summary>Rows a0..a1 of the A × B weight table; returns the chunk's running maximum exponent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Chunk(HalfTables t, int a0, int a1, double[] weightA, double[] rowLog, double[] cross, double[] wB, double[] upTable)
    {
        int nA = t.NA, nB = t.NB;
        var e = new double[wB.Length];
        var g = new double[nB];
        double runningMax = double.NegativeInfinity;
        for (int a = a0; a < a1; a++)
        {
            Exponents(a, nA, nB, t.SpinsA, t.LogA, t.LogB, t.ColumnsB, t.JAB, g, e);
            double m = TensorPrimitives.Max(e);
            TensorPrimitives.Add(e, -m, e);
            TensorPrimitives.Exp(e, e);
            weightA[a] = TensorPrimitives.Sum(e);
            rowLog[a] = m;
            for (int j = 0; j < nB; j++)
            {
                cross[a * nB + j] = TensorPrimitives.Dot(e, t.ColumnsB[j]);
            }

            if (m > runningMax)
            {
                if (runningMax > double.NegativeInfinity)
                {
                    double down = Math.Exp(runningMax - m);
                    TensorPrimitives.Multiply(wB, down, wB);
                    TensorPrimitives.Multiply(upTable, down, upTable);
                }

                runningMax = m;
            }

            double f = Math.Exp(m - runningMax);
            TensorPrimitives.MultiplyAdd(e, f, wB, wB);
            if (upTable.Length > 0)
            {
                int ka = t.UpA[a];
                for (int kb = 0; kb <= nB; kb++)
                {
                    upTable[ka * (nB + 1) + kb] += f * TensorPrimitives.Sum(e.AsSpan(t.UpStart[kb], t.UpStart[kb + 1] - t.UpStart[kb]));
                }
            }
        }

        return runningMax;
    }

    /// <summary>Reorders half-states by up count (stable); upStart[k] is the first state with k up spins.</summary>
    private static (double[] Spins, double[] LogWeight, int[] Up) SortByUpCount(int m, double[] spins, double[] logw, int[] up, int[] upStart)
    {
        int states = logw.Length;
        foreach (int k in up)
        {
            upStart[k + 1]++;
        }

        for (int k = 0; k <= m; k++)
        {
            upStart[k + 1] += upStart[k];
        }

        var next = (int[])upStart.Clone();
        var s2 = new double[spins.Length];
        var l2 = new double[states];
        var u2 = new int[states];
        for (int b = 0; b < states; b++)
        {
            int slot = next[up[b]]++;
            Array.Copy(spins, b * m, s2, slot * m, m);
            l2[slot] = logw[b];
            u2[slot] = up[b];
        }

        return (s2, l2, u2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Exponents(int a, int nA, int nB, double[] spinsA, double[] logA, double[] logB, double[][] columnsB, double[] jAB, double[] g, double[] e)
    {
        Array.Clear(g);
        for (int i = 0; i < nA; i++)
        {
            double si = spinsA[a * nA + i];
            for (int j = 0; j < nB; j++)
            {
                g[j] += si * jAB[i * nB + j];
            }
        }

        TensorPrimitives.Add(logB, logA[a], e);
        for (int j = 0; j < nB; j++)
        {
            TensorPrimitives.MultiplyAdd(columnsB[j], g[j], e, e);
        }
    }

    private static double[] Block(ReadOnlySpan<double> j, int n, int start, int size)
    {
        var r = new double[size * size];
        for (int a = 0; a < size; a++)
        {
            for (int b = 0; b < size; b++)
            {
                r[a * size + b] = j[(start + a) * n + start + b];
            }
        }

        return r;
    }

    /// <summary>
    /// All 2^m states of m spins with their log-weights, visited in Gray-code order (one spin flips per step, the
    /// log-weight changes by 2 s_k H_k with the local fields updated in O(m)); stored by binary index (bit k set =
    /// spin k up).
    /// </summary>
    private static (double[] Spins, double[] LogWeight, int[] Up) HalfStates(int m, double[] h, double[] j)
    {
        int states = 1 << m;
        var spins = new double[states * m];
        var logw = new double[states];
        var up = new int[states];
        var s = new double[m];
        var field = new double[m];
        double current = 0;
        for (int i = 0; i < m; i++)
        {
            s[i] = -1;
        }

        for (int i = 0; i < m; i++)
        {
            field[i] = h[i];
            for (int k = 0; k < m; k++)
            {
                field[i] += j[i * m + k] * s[k];
            }

            current += s[i] * h[i];
            for (int k = i + 1; k < m; k++)
            {
                current += j[i * m + k] * s[i] * s[k];
            }
        }

        int code = 0;
        for (int step = 0; step < states; step++)
        {
            if (step > 0)
            {
                int flip = System.Numerics.BitOperations.TrailingZeroCount(step);
                code ^= 1 << flip;
                current -= 2 * s[flip] * field[flip];
                s[flip] = -s[flip];
                for (int k = 0; k < m; k++)
                {
                    field[k] += 2 * j[k * m + flip] * s[flip];
                }
            }

            logw[code] = current;
            up[code] = System.Numerics.BitOperations.PopCount((uint)code);
            for (int k = 0; k < m; k++)
            {
                spins[code * m + k] = s[k];
            }
        }

        return (spins, logw, up);
    }

    /// <summary>
    /// Draws independent configurations exactly from P(s) (N ≤ 25): the A-half from its marginal, then the B-half
    /// from its conditional given A; rows are shuffled so that their order carries no information.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="count">Number of samples M.</param>
    /// <param name="seed">Seed (streams Sampling and Resampling).</param>
    /// <returns>An M × N raster of independent samples.</returns>
    public static StatNeuro.Data.SpinRaster Sample(IsingModel model, int count, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        int n = model.Size;
        if (n > MaxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(model), $"exact sampling needs N <= {MaxSize}, got {n}.");
        }

        int nA = n / 2, nB = n - nA;
        int statesA = 1 << nA, statesB = 1 << nB;
        ReadOnlySpan<double> jm = model.Couplings;
        (double[] spinsA, double[] logA, _) = HalfStates(nA, model.Fields[..nA].ToArray(), Block(jm, n, 0, nA));
        (double[] spinsB, double[] logB, _) = HalfStates(nB, model.Fields[nA..].ToArray(), Block(jm, n, nA, nB));
        var columnsB = new double[nB][];
        for (int j = 0; j < nB; j++)
        {
            columnsB[j] = new double[statesB];
            for (int b = 0; b < statesB; b++)
            {
                columnsB[j][b] = spinsB[b * nB + j];
            }
        }

        var jAB = new double[nA * nB];
        for (int i = 0; i < nA; i++)
        {
            for (int j = 0; j < nB; j++)
            {
                jAB[i * nB + j] = jm[i * n + nA + j];
            }
        }

        // Log-marginal of every A-state.
        var logMarginal = new double[statesA];
        Parallel.For(0, Math.Min(statesA, 64), c =>
        {
            int chunks = Math.Min(statesA, 64);
            var e = new double[statesB];
            var g = new double[nB];
            for (int a = statesA * c / chunks; a < statesA * (c + 1) / chunks; a++)
            {
                Exponents(a, nA, nB, spinsA, logA, logB, columnsB, jAB, g, e);
                double max = TensorPrimitives.Max(e);
                TensorPrimitives.Add(e, -max, e);
                TensorPrimitives.Exp(e, e);
                logMarginal[a] = max + Math.Log(TensorPrimitives.Sum(e));
            }
        });
        double top = TensorPrimitives.Max(logMarginal);
        var cumulative = new double[statesA];
        double acc = 0;
        for (int a = 0; a < statesA; a++)
        {
            acc += Math.Exp(logMarginal[a] - top);
            cumulative[a] = acc;
        }

        var streams = new StatNeuro.Numerics.RandomStreams(seed);
        StatNeuro.Numerics.RandomGenerator rng = streams.For(StatNeuro.Numerics.StreamPurpose.Sampling, 0);
        var counts = new int[statesA];
        for (int k = 0; k < count; k++)
        {
            counts[Search(cumulative, rng.NextDouble() * acc)]++;
        }

        var offsets = new int[statesA + 1];
        for (int a = 0; a < statesA; a++)
        {
            offsets[a + 1] = offsets[a] + counts[a];
        }

        var spins = new sbyte[(long)count * n];
        Parallel.For(0, Math.Min(statesA, 64), c =>
        {
            int chunks = Math.Min(statesA, 64);
            var e = new double[statesB];
            var g = new double[nB];
            for (int a = statesA * c / chunks; a < statesA * (c + 1) / chunks; a++)
            {
                if (counts[a] == 0)
                {
                    continue;
                }

                StatNeuro.Numerics.RandomGenerator local = streams.For(StatNeuro.Numerics.StreamPurpose.Sampling, a + 1L);
                Exponents(a, nA, nB, spinsA, logA, logB, columnsB, jAB, g, e);
                double max = TensorPrimitives.Max(e);
                double run = 0;
                for (int b = 0; b < statesB; b++)
                {
                    run += Math.Exp(e[b] - max);
                    e[b] = run;
                }

                for (int k = offsets[a]; k < offsets[a + 1]; k++)
                {
                    int b = Search(e, local.NextDouble() * run);
                    for (int i = 0; i < nA; i++)
                    {
                        spins[(long)k * n + i] = (sbyte)spinsA[a * nA + i];
                    }

                    for (int j = 0; j < nB; j++)
                    {
                        spins[(long)k * n + nA + j] = (sbyte)spinsB[b * nB + j];
                    }
                }
            }
        });

        // Fisher–Yates shuffle of the rows.
        StatNeuro.Numerics.RandomGenerator shuffle = streams.For(StatNeuro.Numerics.StreamPurpose.Resampling, 0);
        var tmp = new sbyte[n];
        for (int k = count - 1; k > 0; k--)
        {
            int r = shuffle.NextInt(k + 1);
            if (r != k)
            {
                Span<sbyte> rowK = spins.AsSpan(k * n, n), rowR = spins.AsSpan(r * n, n);
                rowK.CopyTo(tmp);
                rowR.CopyTo(rowK);
                tmp.CopyTo(rowR);
            }
        }

        return new StatNeuro.Data.SpinRaster(count, n, spins);
    }

    private static int Search(double[] cumulative, double u)
    {
        int lo = 0, hi = cumulative.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (cumulative[mid] > u)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    internal static double MeanLogWeight(IsingModel model, double[] means, double[] second)
    {
        int n = model.Size;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += model.Fields[i] * means[i];
            for (int k = i + 1; k < n; k++)
            {
                sum += model.Couplings[i * n + k] * second[i * n + k];
            }
        }

        return sum;
    }

    /// <summary>Log-probability of every row of a raster under the model, averaged: (1/M) Σ_t log P(s_t).</summary>
    /// <param name="model">The model.</param>
    /// <param name="logPartition">Its log Z.</param>
    /// <param name="raster">Data (time × N).</param>
    /// <returns>Mean log-likelihood per sample (nats).</returns>
    public static double MeanLogLikelihood(IsingModel model, double logPartition, StatNeuro.Data.SpinRaster raster)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(raster);
        double[] m = raster.Means();
        double[] c = raster.SecondMoments();
        return MeanLogWeight(model, m, c) - logPartition;
    }
}
