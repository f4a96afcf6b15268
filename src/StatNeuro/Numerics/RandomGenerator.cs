using System.Numerics;
using System.Runtime.CompilerServices;

namespace StatNeuro.Numerics;

/// <summary>
/// Purposes for which independent random streams are derived from one user seed. The purpose is hashed together
/// with the seed and an index, so that (seed, purpose, index) names one stream and streams never overlap in use.
/// </summary>
public enum StreamPurpose
{
    /// <summary>Initial conditions of state variables.</summary>
    InitialState = 1,
    /// <summary>Connectivity and weight/delay draws.</summary>
    Connectivity = 2,
    /// <summary>Noise and external drive during integration.</summary>
    Noise = 3,
    /// <summary>Monte Carlo sampling (spin flips, chains).</summary>
    Sampling = 4,
    /// <summary>Data splitting, shuffling and resampling.</summary>
    Resampling = 5,
    /// <summary>Parameter draws of planted models.</summary>
    Model = 6,
    /// <summary>Anything else; use a distinct index per use.</summary>
    Other = 7,
}

/// <summary>
/// Factory for independent, reproducible random streams. A stream is identified by (seed, purpose, index), for
/// example one stream per neuron or per chain, so results do not depend on how work is split across threads.
/// </summary>
/// <remarks>
/// The key (seed, purpose, index) is mixed by SplitMix64 (Steele, Lea &amp; Flood 2014) into the 256-bit state of a
/// xoshiro256** generator (Blackman &amp; Vigna 2018). Distinct keys give statistically independent streams.
/// </remarks>
/// <param name="Seed">The user seed (the CLI's <c>--seed</c>).</param>
public readonly record struct RandomStreams(ulong Seed)
{
    /// <summary>Derives the stream for (seed, purpose, index).</summary>
    /// <param name="purpose">What the stream is used for.</param>
    /// <param name="index">Which one of many (neuron, chain, trial, ...).</param>
    /// <returns>A freshly seeded generator; pass it by <c>ref</c>.</returns>
    public RandomGenerator For(StreamPurpose purpose, long index = 0) =>
        RandomGenerator.FromKey(Seed, (ulong)purpose, unchecked((ulong)index));
}

/// <summary>
/// A xoshiro256** pseudo-random generator with the draws StatNeuro needs. It is a mutable struct by design (no
/// virtual call or allocation per draw): always pass it by <c>ref</c>, never copy it while drawing.
/// </summary>
public struct RandomGenerator
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpare;

    /// <summary>Creates a stream from a single 64-bit seed (equivalent to key (seed, 0, 0)).</summary>
    /// <param name="seed">Seed value.</param>
    public RandomGenerator(ulong seed)
        : this() => this = FromKey(seed, 0, 0);

    internal static RandomGenerator FromKey(ulong seed, ulong purpose, ulong index)
    {
        ulong x = SplitMix(seed ^ 0x5DEECE66DUL);
        x = SplitMix(x ^ (purpose * 0x9E3779B97F4A7C15UL));
        x = SplitMix(x ^ (index * 0xD1B54A32D192ED03UL + 0x2545F4914F6CDD1DUL));
        var r = default(RandomGenerator);
        r._s0 = SplitMixNext(ref x);
        r._s1 = SplitMixNext(ref x);
        r._s2 = SplitMixNext(ref x);
        r._s3 = SplitMixNext(ref x);
        if ((r._s0 | r._s1 | r._s2 | r._s3) == 0)
        {
            r._s0 = 1;
        }

        return r;
    }

    private static ulong SplitMix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong SplitMixNext(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Next raw 64-bit output.</summary>
    /// <returns>Uniform on [0, 2^64).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform double on [0, 1) with 53 random bits.</summary>
    /// <returns>A value in [0, 1).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform double on (0, 1): never 0, safe for logarithms.</summary>
    /// <returns>A value in (0, 1).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextOpenDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>Uniform double on [low, high).</summary>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound.</param>
    /// <returns>A value in [low, high).</returns>
    public double NextUniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer on [0, n) without modulo bias (Lemire 2019).</summary>
    /// <param name="n">Exclusive upper bound, positive.</param>
    /// <returns>An integer in [0, n).</returns>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ulong m = (ulong)(uint)NextUInt64() * (uint)n;
        uint l = (uint)m;
        if (l < (uint)n)
        {
            uint threshold = (uint)(-n) % (uint)n;
            while (l < threshold)
            {
                m = (ulong)(uint)NextUInt64() * (uint)n;
                l = (uint)m;
            }
        }

        return (int)(m >> 32);
    }

    /// <summary>Random spin: +1 or -1 with probability 1/2 each.</summary>
    /// <returns>+1 or -1.</returns>
    public sbyte NextSpin() => (NextUInt64() >> 63) == 0 ? (sbyte)-1 : (sbyte)1;

    /// <summary>Standard normal N(0, 1) by the Marsaglia polar method (pairs cached).</summary>
    /// <returns>A normal deviate.</returns>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }

        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        }
        while (s >= 1.0 || s == 0.0);

        double f = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spareNormal = v * f;
        _hasSpare = true;
        return u * f;
    }

    /// <summary>Normal N(mean, sd²).</summary>
    /// <param name="mean">Mean.</param>
    /// <param name="standardDeviation">Standard deviation (≥ 0).</param>
    /// <returns>A normal deviate.</returns>
    public double NextNormal(double mean, double standardDeviation) => mean + standardDeviation * NextNormal();

    /// <summary>Exponential with the given rate (mean 1/rate), by inversion.</summary>
    /// <param name="rate">Rate λ &gt; 0.</param>
    /// <returns>An exponential deviate.</returns>
    public double NextExponential(double rate = 1.0) => -Math.Log(NextOpenDouble()) / rate;

    /// <summary>Poisson deviate with mean λ ≥ 0: inversion for λ &lt; 10, Hörmann's PTRS (1993) otherwise.</summary>
    /// <param name="mean">The mean λ.</param>
    /// <returns>A Poisson count.</returns>
    public long NextPoisson(double mean)
    {
        if (!(mean >= 0) || double.IsInfinity(mean))
        {
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "Poisson mean must be finite and >= 0.");
        }

        if (mean == 0)
        {
            return 0;
        }

        if (mean < 10)
        {
            // Sequential inversion: P(0) = e^-λ, P(k) = P(k-1) λ / k.
            double u = NextDouble();
            double p = Math.Exp(-mean);
            double cdf = p;
            long k = 0;
            while (u > cdf && k < 1000)
            {
                k++;
                p *= mean / k;
                cdf += p;
            }

            return k;
        }

        // PTRS: transformed rejection with squeeze (Hörmann 1993).
        double slam = Math.Sqrt(mean);
        double loglam = Math.Log(mean);
        double b = 0.931 + 2.53 * slam;
        double a = -0.059 + 0.02483 * b;
        double invalpha = 1.1239 + 1.1328 / (b - 3.4);
        double vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            double u = NextDouble() - 0.5;
            double v = NextOpenDouble();
            double us = 0.5 - Math.Abs(u);
            long k = (long)Math.Floor((2 * a / us + b) * u + mean + 0.43);
            if (us >= 0.07 && v <= vr)
            {
                return k;
            }

            if (k < 0 || (us < 0.013 && v > us))
            {
                continue;
            }

            if (Math.Log(v) + Math.Log(invalpha) - Math.Log(a / (us * us) + b)
                <= -mean + k * loglam - SpecialFunctions.LogGamma(k + 1.0))
            {
                return k;
            }
        }
    }

    /// <summary>Binomial deviate B(n, p): inversion when n·min(p,1-p) &lt; 10, otherwise BTRS (Hörmann 1993).</summary>
    /// <param name="trials">Number of trials n ≥ 0.</param>
    /// <param name="probability">Success probability p in [0, 1].</param>
    /// <returns>Number of successes.</returns>
    public long NextBinomial(long trials, double probability)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trials);
        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "Probability must be in [0, 1].");
        }

        if (trials == 0 || probability == 0)
        {
            return 0;
        }

        if (probability == 1)
        {
            return trials;
        }

        bool flip = probability > 0.5;
        double p = flip ? 1 - probability : probability;
        long k;
        if (trials * p < 10)
        {
            // Inversion by the recurrence P(k+1) = P(k) (n-k)/(k+1) p/q.
            double q = 1 - p;
            double s = p / q;
            double a = (trials + 1) * s;
            double r = Math.Exp(trials * Math.Log(q));
            double u = NextDouble();
            k = 0;
            while (u > r)
            {
                u -= r;
                k++;
                if (k > trials)
                {
                    k = trials;
                    break;
                }

                r *= a / k - s;
            }
        }
        else
        {
            k = Btrs(trials, p);
        }

        return flip ? trials - k : k;
    }

    private long Btrs(long n, double p)
    {
        double spq = Math.Sqrt(n * p * (1 - p));
        double b = 1.15 + 2.53 * spq;
        double a = -0.0873 + 0.0248 * b + 0.01 * p;
        double c = n * p + 0.5;
        double vr = 0.92 - 4.2 / b;
        double alpha = (2.83 + 5.1 / b) * spq;
        double lpq = Math.Log(p / (1 - p));
        long m = (long)Math.Floor((n + 1) * p);
        double h = SpecialFunctions.LogGamma(m + 1.0) + SpecialFunctions.LogGamma(n - m + 1.0);
        while (true)
        {
            double u = NextDouble() - 0.5;
            double v = NextOpenDouble();
            double us = 0.5 - Math.Abs(u);
            long k = (long)Math.Floor((2 * a / us + b) * u + c);
            if (k < 0 || k > n)
            {
                continue;
            }

            if (us >= 0.07 && v <= vr)
            {
                return k;
            }

            double lv = Math.Log(v * alpha / (a / (us * us) + b));
            double bound = h - SpecialFunctions.LogGamma(k + 1.0) - SpecialFunctions.LogGamma(n - k + 1.0) + (k - m) * lpq;
            if (lv <= bound)
            {
                return k;
            }
        }
    }
}
