using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using StatNeuro.Data;
using StatNeuro.Numerics;

namespace StatNeuro.Ising;

/// <summary>Single-spin update rule of the Markov chain.</summary>
public enum SamplerKind
{
    /// <summary>Metropolis: flip s_i with probability min(1, e^{−2 s_i H_i}) (Metropolis et al. 1953).</summary>
    Metropolis = 0,

    /// <summary>Heat bath (Gibbs): set s_i = +1 with probability 1/(1 + e^{−2 H_i}) (Glauber 1963).</summary>
    HeatBath = 1,
}

/// <summary>Settings of <see cref="IsingSampler.Sample"/>. A sweep is N single-spin updates in site order.</summary>
public sealed record SamplerSettings
{
    /// <summary>Update rule.</summary>
    public SamplerKind Kind { get; init; } = SamplerKind.Metropolis;

    /// <summary>Independent chains (each its own random stream: results do not depend on thread count).</summary>
    public int Chains { get; init; } = 8;

    /// <summary>Sweeps discarded at the start of every chain.</summary>
    public int BurnInSweeps { get; init; } = 1000;

    /// <summary>Sweeps between stored samples (thinning).</summary>
    public int SweepsPerSample { get; init; } = 1;

    /// <summary>Samples stored per chain.</summary>
    public int SamplesPerChain { get; init; } = 1000;

    /// <summary>Checks the settings.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Chains);
        ArgumentOutOfRangeException.ThrowIfNegative(BurnInSweeps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SweepsPerSample);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(SamplesPerChain);
    }
}

/// <summary>Convergence diagnostics of a multi-chain run, on the log-weight trace −E(s) and on every ⟨s_i⟩.</summary>
/// <param name="EnergyRHat">Split-R̂ of the energy (Gelman &amp; Rubin 1992; Vehtari et al. 2021); &lt; 1.01 is good.</param>
/// <param name="EnergyEffectiveSampleSize">Effective sample size of the energy over all chains (Geyer 1992 initial monotone sequence).</param>
/// <param name="MaxMeanRHat">Largest split-R̂ over the N spin means.</param>
/// <param name="EnergyAutocorrelationTime">Integrated autocorrelation time of the energy, in stored samples.</param>
public sealed record SamplingDiagnostics(double EnergyRHat, double EnergyEffectiveSampleSize, double MaxMeanRHat, double EnergyAutocorrelationTime);

/// <summary>Burn-in and thinning chosen by <see cref="IsingSampler.Tune"/>.</summary>
/// <param name="BurnInSweeps">Sweeps to discard.</param>
/// <param name="SweepsPerSample">Thinning, τ rounded (at least 1).</param>
/// <param name="AutocorrelationSweeps">Integrated autocorrelation time τ of the energy, in sweeps.</param>
/// <param name="PilotRHat">Split-R̂ of the pilot's energy (second half); above 1.05 the pilot had not converged.</param>
public sealed record SamplerTuning(int BurnInSweeps, int SweepsPerSample, double AutocorrelationSweeps, double PilotRHat);

/// <summary>Samples of a multi-chain run: chain c occupies segment c of <see cref="Samples"/>.</summary>
/// <param name="Samples">All stored configurations (chains × samples rows).</param>
/// <param name="LogWeights">−E(s) of every stored configuration.</param>
/// <param name="Diagnostics">R̂ and effective sample size.</param>
/// <param name="SpinUpdates">Single-spin updates performed (burn-in included).</param>
/// <param name="Seconds">Wall time.</param>
public sealed record SampleSet(SpinRaster Samples, double[] LogWeights, SamplingDiagnostics Diagnostics, long SpinUpdates, double Seconds);

/// <summary>
/// Markov chain Monte Carlo for <see cref="IsingModel"/>: many independent chains in parallel, single-spin
/// Metropolis or heat-bath updates in site order, local fields H_i kept up to date on every flip
/// (H ← H + 2 s_i' J_{·i}, one vectorised row update), single-precision kernel, per-chain random streams.
/// </summary>
public static class IsingSampler
{
    /// <summary>Runs the chains and returns the stored samples with diagnostics.</summary>
    /// <param name="model">The model.</param>
    /// <param name="settings">Chains, burn-in, thinning and sample count.</param>
    /// <param name="seed">Seed; chain c uses stream (seed, Sampling, c).</param>
    /// <param name="maxThreads">Thread limit (−1 = all cores); results are identical for any value.</param>
    /// <returns>The samples.</returns>
    public static SampleSet Sample(IsingModel model, SamplerSettings settings, ulong seed, int maxThreads = -1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var clock = Stopwatch.StartNew();
        int n = model.Size, chains = settings.Chains, per = settings.SamplesPerChain;
        var chainSet = new MarkovChains(model, chains, seed);
        var spins = new sbyte[(long)chains * per * n];
        var logw = new double[chains * per];
        Parallel.For(0, chains, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, c =>
        {
            chainSet.Run(c, settings.Kind, settings.BurnInSweeps);
            for (int k = 0; k < per; k++)
            {
                chainSet.Run(c, settings.Kind, settings.SweepsPerSample);
                int row = c * per + k;
                chainSet.State(c).CopyTo(spins.AsSpan(row * n, n));
                logw[row] = model.LogWeight(spins.AsSpan(row * n, n));
            }
        });
        var raster = new SpinRaster(chains * per, n, spins, ChainStarts(chains, per));
        long updates = (long)chains * n * (settings.BurnInSweeps + (long)per * settings.SweepsPerSample);
        return new SampleSet(raster, logw, Diagnose(raster, logw), updates, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Chooses burn-in and thinning from a pilot run: <paramref name="chains"/> chains from random states run
    /// <paramref name="pilotSweeps"/> sweeps, recording the energy after every sweep; the second half gives the
    /// integrated autocorrelation time τ of the energy in sweeps (from the multi-chain effective sample size) and a
    /// split-R̂. Thinning = τ rounded (at least 1 sweep; stored samples then have an autocorrelation time of about one sample) and
    /// burn-in = max(⌈20 τ⌉, pilot / 2). When the pilot's R̂ exceeds 1.05 the chains have not forgotten their starts
    /// within the pilot: the burn-in is then the whole pilot length doubled, and the caller should consider parallel
    /// tempering (<see cref="ParallelTempering"/>).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="kind">Update rule.</param>
    /// <param name="chains">Pilot chains (at least 2).</param>
    /// <param name="seed">Seed of the pilot (use another than the production run's).</param>
    /// <param name="pilotSweeps">Pilot length in sweeps (at least 100).</param>
    /// <param name="maxThreads">Thread limit.</param>
    /// <returns>The chosen burn-in and thinning, τ in sweeps and the pilot's R̂.</returns>
    public static SamplerTuning Tune(IsingModel model, SamplerKind kind, int chains, ulong seed, int pilotSweeps = 2000, int maxThreads = -1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(chains, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(pilotSweeps, 100);
        var set = new MarkovChains(model, chains, seed);
        int kept = pilotSweeps / 2;
        var energy = new double[chains * kept];
        Parallel.For(0, chains, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, c =>
        {
            set.Run(c, kind, pilotSweeps - kept);
            for (int t = 0; t < kept; t++)
            {
                set.Run(c, kind, 1);
                energy[c * kept + t] = -set.CachedLogWeight(c);
            }
        });
        double ess = McmcDiagnostics.EffectiveSampleSize(energy, chains);
        double tau = Math.Max(1.0, (double)energy.Length / ess);
        double rHat = McmcDiagnostics.SplitRHat(energy, chains);
        int thin = Math.Max(1, (int)Math.Round(tau, MidpointRounding.AwayFromZero));
        int burn = Math.Max((int)Math.Ceiling(20 * tau), pilotSweeps / 2);
        if (!(rHat <= 1.05))
        {
            burn = Math.Max(burn, 2 * pilotSweeps);
        }

        return new SamplerTuning(burn, thin, tau, rHat);
    }

    /// <summary>Segment starts of <paramref name="chains"/> chains of <paramref name="per"/> stored samples each, stored one after the other.</summary>
    internal static int[] ChainStarts(int chains, int per)
    {
        var starts = new int[chains];
        for (int c = 0; c < chains; c++)
        {
            starts[c] = c * per;
        }

        return starts;
    }

    internal static SamplingDiagnostics Diagnose(SpinRaster raster, double[] logw)
    {
        int chains = raster.SegmentCount, per = raster.TimeBins / chains, n = raster.NeuronCount;
        double rHat = McmcDiagnostics.SplitRHat(logw, chains);
        double ess = McmcDiagnostics.EffectiveSampleSize(logw, chains);
        double maxR = 0;
        var trace = new double[logw.Length];
        for (int i = 0; i < n; i++)
        {
            for (int t = 0; t < trace.Length; t++)
            {
                trace[t] = raster[t, i];
            }

            double r = McmcDiagnostics.SplitRHat(trace, chains);
            if (double.IsFinite(r))
            {
                maxR = Math.Max(maxR, r);
            }
        }

        return new SamplingDiagnostics(rHat, ess, maxR, (double)chains * per / ess);
    }
}

/// <summary>
/// A set of persistent Markov chains for one model size: spin states, single-precision local fields and one random
/// stream per chain. Used by <see cref="IsingSampler"/> and by persistent-chain Boltzmann learning.
/// </summary>
/// <remarks>
/// Kernel (per sweep of N site-ordered updates): the N random numbers of the sweep are drawn first and turned, all
/// at once with vectorised logarithms, into thresholds t_i; spin i then flips iff x_i = 2 s_i H_i &lt; t_i, which is
/// exactly the Metropolis rule u &lt; e^{−x} for t = −ln u, and exactly the heat-bath rule u (1 + e^{x}) &lt; 1 for
/// t = ln((1 − u)/u), with u uniform on (0, 1) at 32-bit resolution (no exponential per update). The local fields
/// H are cached and changed only on an accepted flip, by one SIMD update H ← H − 2 s_i J_{·i} over the contiguous,
/// zero-padded coupling row (512-bit vectors where the CPU has them). Fields are recomputed from scratch in double
/// precision every 256 sweeps, so single-precision rounding never accumulates.
/// </remarks>
public sealed class MarkovChains
{
    private const int Pad = 16;
    private const int ThresholdBatch = 8;
    private readonly int _n;
    private readonly int _stride;
    private readonly sbyte[] _states;
    private readonly float[] _fields;
    private readonly RandomGenerator[] _rngs;
    private readonly int[] _sweepsSinceRefresh;
    private readonly double[][] _uniforms;
    private readonly float[][] _thresholds;
    private float[] _couplings;
    private float[] _h;

    /// <summary>Creates chains started from independent uniformly random states.</summary>
    /// <param name="model">The model (its parameters can be replaced later by <see cref="SetModel"/>).</param>
    /// <param name="chains">Number of chains.</param>
    /// <param name="seed">Seed; chain c uses stream (seed, Sampling, c).</param>
    public MarkovChains(IsingModel model, int chains, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chains);
        _n = model.Size;
        _stride = (_n + Pad - 1) / Pad * Pad;
        Chains = chains;
        _states = new sbyte[chains * _n];
        _fields = new float[chains * _stride];
        _rngs = new RandomGenerator[chains];
        _sweepsSinceRefresh = new int[chains];
        _uniforms = new double[chains][];
        _thresholds = new float[chains][];
        var streams = new RandomStreams(seed);
        for (int c = 0; c < chains; c++)
        {
            _rngs[c] = streams.For(StreamPurpose.Sampling, c);
            for (int i = 0; i < _n; i++)
            {
                _states[c * _n + i] = _rngs[c].NextSpin();
            }
        }

        _couplings = [];
        _h = [];
        SetModel(model);
    }

    /// <summary>Number of chains.</summary>
    public int Chains { get; }

    /// <summary>Replaces the model parameters, keeping the chain states (persistent chains).</summary>
    /// <param name="model">A model of the same size.</param>
    public void SetModel(IsingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Size != _n)
        {
            throw new ArgumentException("model size differs from the chains'.", nameof(model));
        }

        // Row i occupies 2 × stride floats: the zero-padded coupling row, twice (see RegisterKernel).
        var j = new float[_n * 2 * _stride];
        var h = new float[_n];
        for (int i = 0; i < _n; i++)
        {
            h[i] = (float)model.Fields[i];
            for (int k = 0; k < _n; k++)
            {
                j[i * 2 * _stride + k] = j[i * 2 * _stride + _stride + k] = (float)model.Couplings[i * _n + k];
            }
        }

        _couplings = j;
        _h = h;
        for (int c = 0; c < Chains; c++)
        {
            RefreshFields(c);
            _sweepsSinceRefresh[c] = 0;
        }
    }

    /// <summary>
    /// Log-weight −E(s) of chain <paramref name="chain"/>'s current state under the current model, from the cached
    /// single-precision local fields: −E = ½ Σ_i s_i (H_i + h_i), O(N) (relative rounding ~1e-7).
    /// </summary>
    /// <param name="chain">Chain index.</param>
    /// <returns>The log-weight.</returns>
    internal double CachedLogWeight(int chain)
    {
        ReadOnlySpan<sbyte> s = _states.AsSpan(chain * _n, _n);
        ReadOnlySpan<float> f = _fields.AsSpan(chain * _stride, _n);
        double sum = 0;
        for (int i = 0; i < _n; i++)
        {
            sum += s[i] * ((double)f[i] + _h[i]);
        }

        return 0.5 * sum;
    }

    /// <summary>
    /// Exchanges the states of chain <paramref name="chainA"/> of <paramref name="a"/> and chain
    /// <paramref name="chainB"/> of <paramref name="b"/>, whose models must be the same model scaled by inverse
    /// temperatures βa and βb (parallel tempering). The cached local fields move with the states and are rescaled by
    /// βa/βb (or βb/βa), O(N) instead of an O(N²) recomputation; the periodic refresh removes the rounding.
    /// </summary>
    internal static void ExchangeStates(MarkovChains a, int chainA, MarkovChains b, int chainB, double betaA, double betaB)
    {
        int n = a._n, stride = a._stride;
        Span<sbyte> sa = a._states.AsSpan(chainA * n, n), sb = b._states.AsSpan(chainB * n, n);
        Span<float> fa = a._fields.AsSpan(chainA * stride, n), fb = b._fields.AsSpan(chainB * stride, n);
        float toA = (float)(betaA / betaB), toB = (float)(betaB / betaA);
        for (int i = 0; i < n; i++)
        {
            (sa[i], sb[i]) = (sb[i], sa[i]);
            (fa[i], fb[i]) = (fb[i] * toA, fa[i] * toB);
        }
    }

    /// <summary>The current state of chain <paramref name="chain"/>.</summary>
    /// <param name="chain">Chain index.</param>
    /// <returns>N spins.</returns>
    public ReadOnlySpan<sbyte> State(int chain) => _states.AsSpan(chain * _n, _n);

    private void RefreshFields(int c)
    {
        Span<float> f = _fields.AsSpan(c * _stride, _stride);
        ReadOnlySpan<sbyte> s = _states.AsSpan(c * _n, _n);
        for (int i = 0; i < _n; i++)
        {
            double sum = _h[i];
            for (int k = 0; k < _n; k++)
            {
                sum += (double)_couplings[i * 2 * _stride + k] * s[k];
            }

            f[i] = (float)sum;
        }

        f[_n..].Clear();
    }

    /// <summary>Advances chain <paramref name="chain"/> by <paramref name="sweeps"/> sweeps (thread-safe across distinct chains).</summary>
    /// <param name="chain">Chain index.</param>
    /// <param name="kind">Update rule.</param>
    /// <param name="sweeps">Number of sweeps of N site-ordered updates.</param>
    public void Run(int chain, SamplerKind kind, int sweeps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chain);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(chain, Chains);
        const int RefreshEvery = 256;
        double[] uniforms = _uniforms[chain] ??= new double[ThresholdBatch * _n];
        float[] thresholds = _thresholds[chain] ??= new float[ThresholdBatch * _n];
        int done = 0;
        while (done < sweeps)
        {
            int block = Math.Min(RefreshEvery - _sweepsSinceRefresh[chain], sweeps - done);
            Kernel(kind, _n, _stride, _couplings, _states.AsSpan(chain * _n, _n), _fields.AsSpan(chain * _stride, _stride), ref _rngs[chain], block, uniforms, thresholds);

            // Every 256 sweeps the float local fields are recomputed from scratch so rounding never accumulates.
            _sweepsSinceRefresh[chain] += block;
            if (_sweepsSinceRefresh[chain] >= RefreshEvery)
            {
                RefreshFields(chain);
                _sweepsSinceRefresh[chain] = 0;
            }

            done += block;
        }
    }

    /// <summary>
    /// Draws the thresholds of <paramref name="count"/> sweeps of n updates: t = −ln u (Metropolis) or
    /// ln((1 − u)/u) (heat bath), u = (k + ½)/2³² with k the low or high half of a 64-bit draw. Each sweep uses its
    /// own ⌈n/2⌉ draws, so the chain does not depend on how its sweeps are split into calls.
    /// </summary>
    private static void Thresholds(SamplerKind kind, ref RandomGenerator rng, double[] uniforms, float[] thresholds, int n, int count)
    {
        const double Scale = 1.0 / 4294967296.0;
        RandomGenerator local = rng;
        for (int sweep = 0; sweep < count; sweep++)
        {
            Span<double> u = uniforms.AsSpan(sweep * n, n);
            int i = 0;
            for (; i + 1 < n; i += 2)
            {
                ulong r = local.NextUInt64();
                u[i] = ((uint)r + 0.5) * Scale;
                u[i + 1] = ((uint)(r >> 32) + 0.5) * Scale;
            }

            if (i < n)
            {
                u[i] = ((uint)local.NextUInt64() + 0.5) * Scale;
            }
        }

        rng = local;
        Span<double> all = uniforms.AsSpan(0, count * n);
        if (kind == SamplerKind.Metropolis)
        {
            TensorPrimitives.Log(all, all);
            TensorPrimitives.Negate(all, all);
        }
        else
        {
            // (1 − u)/u: both exact in double for u = (k + ½)/2³².
            for (int k = 0; k < all.Length; k++)
            {
                all[k] = (1 - all[k]) / all[k];
            }

            TensorPrimitives.Log(all, all);
        }

        // Stored halved: the kernels test s_i H_i < t/2.
        TensorPrimitives.Multiply(all, 0.5, all);
        TensorPrimitives.ConvertTruncating<double, float>(all, thresholds.AsSpan(0, all.Length));
    }

    private static void Kernel(SamplerKind kind, int n, int stride, float[] couplings, Span<sbyte> s, Span<float> fields, ref RandomGenerator rng, int sweeps, double[] uniforms, float[] thresholds)
    {
        if (Avx512F.IsSupported && stride <= 8 * Pad)
        {
            ref sbyte spin = ref MemoryMarshal.GetReference(s);
            ref float field = ref MemoryMarshal.GetReference(fields);
            ref float coupling = ref MemoryMarshal.GetArrayDataReference(couplings);
            ref float threshold = ref MemoryMarshal.GetArrayDataReference(thresholds);
            int batch = thresholds.Length / n;
            for (int done = 0; done < sweeps; done += batch)
            {
                int count = Math.Min(batch, sweeps - done);
                Thresholds(kind, ref rng, uniforms, thresholds, n, count);
                switch (stride / Pad)
                {
                    case 1: RegisterKernel<Width1>(n, ref coupling, ref spin, ref field, ref threshold, count); break;
                    case 2: RegisterKernel<Width2>(n, ref coupling, ref spin, ref field, ref threshold, count); break;
                    case 3: RegisterKernel<Width3>(n, ref coupling, ref spin, ref field, ref threshold, count); break;
                    case 4: RegisterKernel<Width4>(n, ref coupling, ref spin, ref field, ref threshold, count); break;
                    case 5: RegisterKernel<Width5>(n, ref coupling, ref spin, ref field, ref threshold, count); break;
                    case 6: RegisterKernel<Width6>(n, ref coupling, ref spin, ref field, ref threshold, count); break;
                    case 7: RegisterKernel<Width7>(n, ref coupling, ref spin, ref field, ref threshold, count); break;
                    default: RegisterKernel<Width8>(n, ref coupling, ref spin, ref field, ref threshold, count); break;
                }
            }

            return;
        }

        MemoryKernel(kind, n, stride, couplings, s, fields, ref rng, sweeps, uniforms, thresholds);
    }

    /// <summary>
    /// General kernel: local fields in memory, a branch on every update and a SIMD row update on accepted flips.
    /// </summary>
    private static void MemoryKernel(SamplerKind kind, int n, int stride, float[] couplings, Span<sbyte> s, Span<float> fields, ref RandomGenerator rng, int sweeps, double[] uniforms, float[] thresholds)
    {
        ref sbyte spin = ref MemoryMarshal.GetReference(s);
        ref float field = ref MemoryMarshal.GetReference(fields);
        ref float coupling = ref MemoryMarshal.GetArrayDataReference(couplings);
        ref float threshold = ref MemoryMarshal.GetArrayDataReference(thresholds);
        for (int sweep = 0; sweep < sweeps; sweep++)
        {
            Thresholds(kind, ref rng, uniforms, thresholds, n, 1);
            for (int i = 0; i < n; i++)
            {
                int si = Unsafe.Add(ref spin, i);
                if (si * Unsafe.Add(ref field, i) >= Unsafe.Add(ref threshold, i))
                {
                    continue;
                }

                Unsafe.Add(ref spin, i) = (sbyte)-si;
                UpdateFields(ref field, ref Unsafe.Add(ref coupling, (nint)i * 2 * stride), -2f * si, stride);
            }
        }
    }

    /// <summary>
    /// AVX-512 kernel for N ≤ 128: all local fields live in (at most eight) 512-bit registers for the whole call, so
    /// an update never waits on memory; it is branch-free (the row is added with coefficient 0 when the flip is
    /// rejected), so its cost does not depend on the acceptance rate. The register file is rotated by one block
    /// after every 16 spins, so the block holding the current spin is always f0; coupling rows are stored twice in
    /// a row (length 2 × stride), so the rotated offsets need no wrap-around.
    /// </summary>
    private static void RegisterKernel<TWidth>(int n, ref float coupling, ref sbyte spin, ref float field, ref float threshold, int sweeps)
        where TWidth : struct, IWidth
    {
        int vectors = TWidth.Vectors, rowStride = 2 * Pad * vectors;
        Vector512<float> f0 = Vector512.LoadUnsafe(ref field), f1 = default, f2 = default, f3 = default;
        Vector512<float> f4 = default, f5 = default, f6 = default, f7 = default;
        if (vectors > 1) { f1 = Vector512.LoadUnsafe(ref field, 16); }
        if (vectors > 2) { f2 = Vector512.LoadUnsafe(ref field, 32); }
        if (vectors > 3) { f3 = Vector512.LoadUnsafe(ref field, 48); }
        if (vectors > 4) { f4 = Vector512.LoadUnsafe(ref field, 64); }
        if (vectors > 5) { f5 = Vector512.LoadUnsafe(ref field, 80); }
        if (vectors > 6) { f6 = Vector512.LoadUnsafe(ref field, 96); }
        if (vectors > 7) { f7 = Vector512.LoadUnsafe(ref field, 112); }
        for (int sweep = 0; sweep < sweeps; sweep++)
        {
            for (int b = 0; b < vectors; b++)
            {
                int lanes = Math.Min(Pad, n - Pad * b);
                for (int l = 0; l < lanes; l++)
                {
                    int i = Pad * b + l;
                    int si = Unsafe.Add(ref spin, i);
                    // s_i H_i (sign flipped by XOR) against t/2; everything but the permute is off the
                    // dependency chain through f0.
                    Vector512<float> sh = Avx512F.PermuteVar16x32(f0, Vector512.Create(l)) ^ Vector512.Create(si & int.MinValue).AsSingle();
                    Vector512<float> accept = Vector512.LessThan(sh, Vector512.Create(Unsafe.Add(ref threshold, i)));
                    Vector512<float> d = Vector512.Create(-2f * si) & accept;
                    int flip = (int)(accept.ExtractMostSignificantBits() & 1);
                    Unsafe.Add(ref spin, i) = (sbyte)(si - 2 * si * flip);
                    ref float row = ref Unsafe.Add(ref coupling, (nint)i * rowStride + Pad * b);
                    f0 = Vector512.FusedMultiplyAdd(d, Vector512.LoadUnsafe(ref row), f0);
                    if (vectors > 1) { f1 = Vector512.FusedMultiplyAdd(d, Vector512.LoadUnsafe(ref row, 16), f1); }
                    if (vectors > 2) { f2 = Vector512.FusedMultiplyAdd(d, Vector512.LoadUnsafe(ref row, 32), f2); }
                    if (vectors > 3) { f3 = Vector512.FusedMultiplyAdd(d, Vector512.LoadUnsafe(ref row, 48), f3); }
                    if (vectors > 4) { f4 = Vector512.FusedMultiplyAdd(d, Vector512.LoadUnsafe(ref row, 64), f4); }
                    if (vectors > 5) { f5 = Vector512.FusedMultiplyAdd(d, Vector512.LoadUnsafe(ref row, 80), f5); }
                    if (vectors > 6) { f6 = Vector512.FusedMultiplyAdd(d, Vector512.LoadUnsafe(ref row, 96), f6); }
                    if (vectors > 7) { f7 = Vector512.FusedMultiplyAdd(d, Vector512.LoadUnsafe(ref row, 112), f7); }
                }

                // Rotate the register file: the next block moves into f0.
                Vector512<float> first = f0;
                if (vectors == 1) { f0 = first; }
                else if (vectors == 2) { f0 = f1; f1 = first; }
                else if (vectors == 3) { f0 = f1; f1 = f2; f2 = first; }
                else if (vectors == 4) { f0 = f1; f1 = f2; f2 = f3; f3 = first; }
                else if (vectors == 5) { f0 = f1; f1 = f2; f2 = f3; f3 = f4; f4 = first; }
                else if (vectors == 6) { f0 = f1; f1 = f2; f2 = f3; f3 = f4; f4 = f5; f5 = first; }
                else if (vectors == 7) { f0 = f1; f1 = f2; f2 = f3; f3 = f4; f4 = f5; f5 = f6; f6 = first; }
                else { f0 = f1; f1 = f2; f2 = f3; f3 = f4; f4 = f5; f5 = f6; f6 = f7; f7 = first; }
            }

            threshold = ref Unsafe.Add(ref threshold, n);
        }

        Vector512.StoreUnsafe(f0, ref field);
        if (vectors > 1) { Vector512.StoreUnsafe(f1, ref field, 16); }
        if (vectors > 2) { Vector512.StoreUnsafe(f2, ref field, 32); }
        if (vectors > 3) { Vector512.StoreUnsafe(f3, ref field, 48); }
        if (vectors > 4) { Vector512.StoreUnsafe(f4, ref field, 64); }
        if (vectors > 5) { Vector512.StoreUnsafe(f5, ref field, 80); }
        if (vectors > 6) { Vector512.StoreUnsafe(f6, ref field, 96); }
        if (vectors > 7) { Vector512.StoreUnsafe(f7, ref field, 112); }
    }

    private interface IWidth
    {
        static abstract int Vectors { get; }
    }

    private readonly struct Width1 : IWidth { public static int Vectors => 1; }

    private readonly struct Width2 : IWidth { public static int Vectors => 2; }

    private readonly struct Width3 : IWidth { public static int Vectors => 3; }

    private readonly struct Width4 : IWidth { public static int Vectors => 4; }

    private readonly struct Width5 : IWidth { public static int Vectors => 5; }

    private readonly struct Width6 : IWidth { public static int Vectors => 6; }

    private readonly struct Width7 : IWidth { public static int Vectors => 7; }

    private readonly struct Width8 : IWidth { public static int Vectors => 8; }

    /// <summary>H ← H + delta · row over stride (a multiple of 16) floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UpdateFields(ref float field, ref float row, float delta, int stride)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var d = Vector512.Create(delta);
            for (nint k = 0; k < stride; k += 16)
            {
                Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref field, (nuint)k) + d * Vector512.LoadUnsafe(ref row, (nuint)k), ref field, (nuint)k);
            }
        }
        else
        {
            var d = Vector256.Create(delta);
            for (nint k = 0; k < stride; k += 8)
            {
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref field, (nuint)k) + d * Vector256.LoadUnsafe(ref row, (nuint)k), ref field, (nuint)k);
            }
        }
    }
}

/// <summary>Convergence diagnostics for multi-chain Monte Carlo traces stored chain after chain.</summary>
public static class McmcDiagnostics
{
    /// <summary>Split-R̂: each chain is halved, R̂ = sqrt(((n−1)/n W + B/n) / W) over the 2m half-chains.</summary>
    /// <param name="trace">Values, chain-major (chains × length).</param>
    /// <param name="chains">Number of chains.</param>
    /// <returns>R̂ (NaN if every half-chain is constant).</returns>
    /// <remarks>Gelman &amp; Rubin (1992) Stat. Sci. 7:457; split version: Vehtari et al. (2021) Bayesian Anal. 16:667.</remarks>
    public static double SplitRHat(ReadOnlySpan<double> trace, int chains)
    {
        int per = trace.Length / chains, half = per / 2;
        if (half < 2)
        {
            return double.NaN;
        }

        int m = 2 * chains;
        var means = new double[m];
        double w = 0;
        for (int c = 0; c < m; c++)
        {
            ReadOnlySpan<double> x = trace.Slice((c / 2) * per + (c % 2) * half, half);
            means[c] = Statistics.Mean(x);
            w += Statistics.Variance(x);
        }

        w /= m;
        double b = half * Statistics.Variance(means);
        if (w == 0)
        {
            return b == 0 ? double.NaN : double.PositiveInfinity;
        }

        return Math.Sqrt(((half - 1.0) / half * w + b / half) / w);
    }

    /// <summary>
    /// Effective sample size over all chains: Σ_c n / τ_c, τ = 1 + 2 Σ ρ_k with Geyer's initial monotone
    /// sequence (pairs of autocorrelations summed while positive and decreasing).
    /// </summary>
    /// <param name="trace">Values, chain-major.</param>
    /// <param name="chains">Number of chains.</param>
    /// <returns>The effective number of independent samples.</returns>
    /// <remarks>Geyer (1992) Stat. Sci. 7:473.</remarks>
    public static double EffectiveSampleSize(ReadOnlySpan<double> trace, int chains)
    {
        int per = trace.Length / chains;
        double total = 0;
        for (int c = 0; c < chains; c++)
        {
            total += per / AutocorrelationTime(trace.Slice(c * per, per));
        }

        return total;
    }

    /// <summary>Integrated autocorrelation time τ = 1 + 2 Σ_k ρ_k (Geyer initial monotone sequence).</summary>
    /// <param name="x">One chain's trace.</param>
    /// <returns>τ ≥ 1 (1 for a constant trace).</returns>
    public static double AutocorrelationTime(ReadOnlySpan<double> x)
    {
        int n = x.Length;
        double mean = Statistics.Mean(x);
        double c0 = 0;
        for (int t = 0; t < n; t++)
        {
            c0 += (x[t] - mean) * (x[t] - mean);
        }

        if (c0 == 0 || n < 4)
        {
            return 1;
        }

        double tau = 1;
        double previousPair = double.PositiveInfinity;
        for (int k = 1; k + 1 < n; k += 2)
        {
            double pair = Rho(x, mean, c0, k) + Rho(x, mean, c0, k + 1);
            if (pair <= 0)
            {
                break;
            }

            pair = Math.Min(pair, previousPair);
            tau += 2 * pair;
            previousPair = pair;
        }

        return Math.Max(tau, 1.0 / n);
    }

    private static double Rho(ReadOnlySpan<double> x, double mean, double c0, int lag)
    {
        double s = 0;
        for (int t = 0; t + lag < x.Length; t++)
        {
            s += (x[t] - mean) * (x[t + lag] - mean);
        }

        return s / c0;
    }
}
