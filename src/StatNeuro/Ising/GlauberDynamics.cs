using System.Numerics;
using System.Runtime.InteropServices;
using StatNeuro.Data;
using StatNeuro.Numerics;

namespace StatNeuro.Ising;

/// <summary>
/// Generates time series of a <see cref="KineticIsingModel"/> by parallel (synchronous) or sequential (random-order)
/// Glauber dynamics, and measures equal-time and delayed connected correlations D_ij(τ).
/// </summary>
/// <remarks>
/// Parallel: all spins are drawn at once from the previous state, P(s_i(t+1) = +1 | s(t)) = 1 / (1 + e^{−2 H_i(t)}),
/// H_i(t) = h_i(b(t)) + Σ_j J_ij s_j(t). Sequential: in each sweep the neurons are visited in a fresh random order and
/// each is redrawn from the current state (heat bath); for symmetric J with zero diagonal this is the equilibrium
/// Glauber (1963) chain of the Ising model with the same h and J. One random stream (seed, <see cref="StreamPurpose.Sampling"/>,
/// index) drives a run, so a run is reproducible bit for bit.
/// </remarks>
public static class GlauberDynamics
{
    /// <summary>Parallel Glauber dynamics, one segment of <paramref name="steps"/> states.</summary>
    /// <param name="model">The model (with B &gt; 1, bin b(t) = t mod B).</param>
    /// <param name="steps">Number of recorded states (≥ 1).</param>
    /// <param name="streams">Random streams.</param>
    /// <param name="index">Stream index (one per independent run).</param>
    /// <param name="burnIn">Steps discarded before recording (from a random ±1 start).</param>
    /// <returns>The raster (steps × N, one segment).</returns>
    public static SpinRaster Parallel(KineticIsingModel model, int steps, RandomStreams streams, long index = 0, int burnIn = 0) =>
        Parallel(model, 1, steps, streams, index, burnIn);

    /// <summary>
    /// Parallel Glauber dynamics as <paramref name="segments"/> consecutive repeats of <paramref name="segmentLength"/>
    /// states; the chain runs on across repeats (as a recording does), the stimulus bin restarts at 0 in each repeat,
    /// and the raster marks the repeats as segments.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="segments">Number of repeats R ≥ 1.</param>
    /// <param name="segmentLength">States per repeat L ≥ 1 (usually B).</param>
    /// <param name="streams">Random streams.</param>
    /// <param name="index">Stream index.</param>
    /// <param name="burnIn">Steps discarded before recording, run with the fields of bin L − 1 → 0 cycle.</param>
    /// <param name="initial">Start state (±1, length N); empty = uniformly random.</param>
    /// <returns>The raster (R·L × N, R segments).</returns>
    public static SpinRaster Parallel(KineticIsingModel model, int segments, int segmentLength, RandomStreams streams, long index = 0, int burnIn = 0, ReadOnlySpan<sbyte> initial = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(segments);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(segmentLength);
        ArgumentOutOfRangeException.ThrowIfNegative(burnIn);
        long total = (long)segments * segmentLength;
        int n = model.Size;
        if (total * n > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(segments), "the raster would exceed the maximum array length.");
        }

        RandomGenerator rng = streams.For(StreamPurpose.Sampling, index);
        var state = new double[n];
        if (initial.IsEmpty)
        {
            for (int i = 0; i < n; i++)
            {
                state[i] = rng.NextSpin();
            }
        }
        else
        {
            if (initial.Length != n)
            {
                throw new ArgumentException($"initial state must have {n} spins.", nameof(initial));
            }

            for (int i = 0; i < n; i++)
            {
                state[i] = initial[i] >= 0 ? 1 : -1;
            }
        }

        var next = new double[n];
        var spins = new sbyte[total * n];
        ReadOnlySpan<double> j = model.Couplings;
        for (int t = 0; t < burnIn; t++)
        {
            Step(j, model.FieldsOfBin(t % segmentLength), state, next, ref rng);
            (state, next) = (next, state);
        }

        var starts = new int[segments];
        for (int r = 0; r < segments; r++)
        {
            starts[r] = r * segmentLength;
        }

        // Record state(t), then draw state(t+1) with the fields of bin b(t); the last draw is not needed.
        for (long t = 0; t < total; t++)
        {
            Span<sbyte> row = spins.AsSpan((int)(t * n), n);
            for (int i = 0; i < n; i++)
            {
                row[i] = (sbyte)state[i];
            }

            if (t + 1 < total)
            {
                Step(j, model.FieldsOfBin((int)(t % segmentLength)), state, next, ref rng);
                (state, next) = (next, state);
            }
        }

        return new SpinRaster((int)total, n, spins, starts);
    }

    /// <summary>Sequential (random-order, heat-bath) Glauber dynamics; one state recorded after every sweep of N updates.</summary>
    /// <param name="model">The model (constant fields are used: bin 0).</param>
    /// <param name="sweeps">Recorded sweeps.</param>
    /// <param name="streams">Random streams.</param>
    /// <param name="index">Stream index.</param>
    /// <param name="burnIn">Sweeps discarded first.</param>
    /// <returns>The raster (sweeps × N, one segment).</returns>
    public static SpinRaster Sequential(KineticIsingModel model, int sweeps, RandomStreams streams, long index = 0, int burnIn = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sweeps);
        ArgumentOutOfRangeException.ThrowIfNegative(burnIn);
        int n = model.Size;
        RandomGenerator rng = streams.For(StreamPurpose.Sampling, index);
        var s = new sbyte[n];
        for (int i = 0; i < n; i++)
        {
            s[i] = rng.NextSpin();
        }

        // Column-major copy so that a flip of spin k updates every local field with one contiguous column.
        ReadOnlySpan<double> jRow = model.Couplings;
        var jCol = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                jCol[k * n + i] = jRow[i * n + k];
            }
        }

        var local = new double[n];
        model.LocalFields(s, 0, local);
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        var spins = new sbyte[(long)sweeps * n];
        for (int sweep = 0; sweep < burnIn + sweeps; sweep++)
        {
            for (int a = n - 1; a > 0; a--)
            {
                int b = rng.NextInt(a + 1);
                (order[a], order[b]) = (order[b], order[a]);
            }

            for (int a = 0; a < n; a++)
            {
                int k = order[a];
                double p = 1.0 / (1.0 + Math.Exp(-2.0 * local[k]));
                sbyte sNew = rng.NextDouble() < p ? (sbyte)1 : (sbyte)-1;
                if (sNew != s[k])
                {
                    double delta = 2.0 * sNew;
                    ReadOnlySpan<double> col = jCol.AsSpan(k * n, n);
                    for (int i = 0; i < n; i++)
                    {
                        local[i] += delta * col[i];
                    }

                    s[k] = sNew;
                }
            }

            if (sweep >= burnIn)
            {
                s.CopyTo(spins.AsSpan((sweep - burnIn) * n, n));
            }

            // Re-sum the fields every 256 sweeps so round-off of the incremental updates cannot accumulate.
            if ((sweep & 255) == 255)
            {
                model.LocalFields(s, 0, local);
            }
        }

        return new SpinRaster(sweeps, n, spins);
    }

    /// <summary>
    /// Connected delayed correlations D_ij(τ) = ⟨s_i(t+τ) s_j(t)⟩ − ⟨s_i(t+τ)⟩⟨s_j(t)⟩ over all pairs (t, t+τ) inside one
    /// segment (never across a boundary); τ = 0 gives the equal-time covariance C_ij.
    /// </summary>
    /// <param name="data">Raster.</param>
    /// <param name="tau">Lag τ ≥ 0.</param>
    /// <returns>N×N row-major (entry i·N + j), or all NaN when no pair exists.</returns>
    public static double[] DelayedCorrelations(SpinRaster data, int tau)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(tau);
        int n = data.NeuronCount;
        var sum = new double[n * n];
        var later = new double[n];
        var earlier = new double[n];
        long pairs = 0;
        var active = new int[n];
        for (int k = 0; k < data.SegmentCount; k++)
        {
            (int start, int length) = data.Segment(k);
            for (int t = start; t + tau < start + length; t++)
            {
                ReadOnlySpan<sbyte> a = data.Row(t + tau);
                ReadOnlySpan<sbyte> b = data.Row(t);
                int count = 0;
                for (int j = 0; j < n; j++)
                {
                    earlier[j] += b[j];
                    later[j] += a[j];
                    if (b[j] > 0)
                    {
                        active[count++] = j;
                    }
                }

                // Σ s_i s_j = 2 Σ_{j: s_j = +1} s_i − Σ_j s_i: accumulate only the +1 entries of s(t) (sparse rasters).
                for (int c = 0; c < count; c++)
                {
                    int j = active[c];
                    for (int i = 0; i < n; i++)
                    {
                        sum[i * n + j] += a[i];
                    }
                }

                pairs++;
            }
        }

        var d = new double[n * n];
        if (pairs == 0)
        {
            Array.Fill(d, double.NaN);
            return d;
        }

        for (int i = 0; i < n; i++)
        {
            double mi = later[i] / pairs;
            for (int j = 0; j < n; j++)
            {
                double raw = (2.0 * sum[i * n + j] - later[i]) / pairs;
                d[i * n + j] = raw - mi * (earlier[j] / pairs);
            }
        }

        return d;
    }

    private static void Step(ReadOnlySpan<double> couplings, ReadOnlySpan<double> fields, double[] state, double[] next, ref RandomGenerator rng)
    {
        int n = state.Length;
        ReadOnlySpan<Vector<double>> sv = MemoryMarshal.Cast<double, Vector<double>>(state);
        int vectorEnd = sv.Length * Vector<double>.Count;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> row = couplings.Slice(i * n, n);
            ReadOnlySpan<Vector<double>> rv = MemoryMarshal.Cast<double, Vector<double>>(row);
            var acc = Vector<double>.Zero;
            for (int v = 0; v < sv.Length; v++)
            {
                acc += rv[v] * sv[v];
            }

            double h = fields[i] + Vector.Sum(acc);
            for (int k = vectorEnd; k < n; k++)
            {
                h += row[k] * state[k];
            }

            double p = 1.0 / (1.0 + Math.Exp(-2.0 * h));
            next[i] = rng.NextDouble() < p ? 1.0 : -1.0;
        }
    }
}
