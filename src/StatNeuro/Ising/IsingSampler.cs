using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
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
        var starts = new int[chains];
        for (int c = 0; c < chains; c++)
        {
            starts[c] = c * per;
        }

        var raster = new SpinRaster(chains * per, n, spins, starts);
        long updates = (long)chains * n * (settings.BurnInSweeps + (long)per * settings.SweepsPerSample);
        return new SampleSet(raster, logw, Diagnose(raster, logw), updates, clock.Elapsed.TotalSeconds);
    }

    private static SamplingDiagnostics Diagnose(SpinRaster raster, double[] logw)
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
public sealed class MarkovChains
{
    private readonly int _n;
    private readonly int _stride;
    private readonly sbyte[] _states;
    private readonly float[] _fields;
    private readonly RandomGenerator[] _rngs;
    private readonly int[] _sweepsSinceRefresh;
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
        _stride = (_n + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;
        Chains = chains;
        _states = new sbyte[chains * _n];
        _fields = new float[chains * _stride];
        _rngs = new RandomGenerator[chains];
        _sweepsSinceRefresh = new int[chains];
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

        var j = new float[_n * _stride];
        var h = new float[_n];
        for (int i = 0; i < _n; i++)
        {
            h[i] = (float)model.Fields[i];
            for (int k = 0; k < _n; k++)
            {
                j[i * _stride + k] = (float)model.Couplings[i * _n + k];
            }
        }

        _couplings = j;
        _h = h;
        for (int c = 0; c < Chains; c++)
        {
            RefreshFields(c);
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
                sum += (double)_couplings[i * _stride + k] * s[k];
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
        const int RefreshEvery = 256;
        int done = 0;
        while (done < sweeps)
        {
            int block = Math.Min(RefreshEvery - _sweepsSinceRefresh[chain], sweeps - done);
            if (kind == SamplerKind.Metropolis)
            {
                Kernel<MetropolisRule>(_n, _stride, _couplings, _states.AsSpan(chain * _n, _n), _fields.AsSpan(chain * _stride, _stride), ref _rngs[chain], block);
            }
            else
            {
                Kernel<HeatBathRule>(_n, _stride, _couplings, _states.AsSpan(chain * _n, _n), _fields.AsSpan(chain * _stride, _stride), ref _rngs[chain], block);
            }

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

    private interface IRule
    {
        static abstract bool Flip(int spin, float field, float uniform);
    }

    private readonly struct MetropolisRule : IRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Flip(int spin, float field, float uniform)
        {
            float x = 2 * spin * field; // −Δ log-weight of the flip
            return x <= 0 || uniform < MathF.Exp(-x);
        }
    }

    private readonly struct HeatBathRule : IRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool Flip(int spin, float field, float uniform)
        {
            // P(new spin = -s) = 1 / (1 + e^{2 s H}).
            return uniform * (1 + MathF.Exp(2 * spin * field)) < 1;
        }
    }

    private static void Kernel<TRule>(int n, int stride, float[] couplings, Span<sbyte> s, Span<float> fields, ref RandomGenerator rng, int sweeps)
        where TRule : struct, IRule
    {
        int width = Vector<float>.Count;
        for (int sweep = 0; sweep < sweeps; sweep++)
        {
            for (int i = 0; i < n; i++)
            {
                int si = s[i];
                float u = (rng.NextUInt64() >> 40) * (1.0f / (1 << 24));
                if (!TRule.Flip(si, fields[i], u))
                {
                    continue;
                }

                s[i] = (sbyte)-si;
                var delta = new Vector<float>(-2f * si);
                ReadOnlySpan<float> row = couplings.AsSpan(i * stride, stride);
                for (int k = 0; k < stride; k += width)
                {
                    var f = new Vector<float>(fields[k..]);
                    (f + delta * new Vector<float>(row[k..])).CopyTo(fields[k..]);
                }
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
