using StatNeuro.Data;
using StatNeuro.Ising;
using StatNeuro.Numerics;

namespace StatNeuro.Tests.Ising;

public sealed class IsingTests
{
    /// <summary>Independent reference: the plain sum over all 2^N states with <see cref="IsingModel.LogWeight"/>.</summary>
    internal static (double LogZ, double[] Means, double[] Second, double[] Pk) BruteForce(IsingModel model)
    {
        int n = model.Size;
        var s = new sbyte[n];
        double max = double.NegativeInfinity;
        var lw = new double[1 << n];
        for (int x = 0; x < lw.Length; x++)
        {
            for (int i = 0; i < n; i++)
            {
                s[i] = ((x >> i) & 1) == 1 ? (sbyte)1 : (sbyte)-1;
            }

            lw[x] = model.LogWeight(s);
            max = Math.Max(max, lw[x]);
        }

        double z = 0;
        var m = new double[n];
        var c = new double[n * n];
        var pk = new double[n + 1];
        for (int x = 0; x < lw.Length; x++)
        {
            double w = Math.Exp(lw[x] - max);
            z += w;
            pk[System.Numerics.BitOperations.PopCount((uint)x)] += w;
            for (int i = 0; i < n; i++)
            {
                double si = ((x >> i) & 1) == 1 ? 1 : -1;
                m[i] += w * si;
                for (int j = 0; j < n; j++)
                {
                    c[i * n + j] += w * si * (((x >> j) & 1) == 1 ? 1 : -1);
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            m[i] /= z;
        }

        for (int k = 0; k < c.Length; k++)
        {
            c[k] /= z;
        }

        for (int k = 0; k <= n; k++)
        {
            pk[k] /= z;
        }

        return (max + Math.Log(z), m, c, pk);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(11)]
    public void Exact_SplitEnumeration_MatchesBruteForce(int n)
    {
        IsingModel model = IsingModel.SherringtonKirkpatrick(n, 1.3, 0.5, 11);
        ExactStatistics e = ExactEnumeration.Compute(model);
        (double logZ, double[] m, double[] c, double[] pk) = BruteForce(model);
        // Both exact: only rounding differs (1e-12).
        Assert.Equal(logZ, e.LogPartition, 1e-12);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(m[i], e.Means[i], 1e-12);
            for (int j = 0; j < n; j++)
            {
                Assert.Equal(c[i * n + j], e.SecondMoments[i * n + j], 1e-12);
            }
        }

        for (int k = 0; k <= n; k++)
        {
            Assert.Equal(pk[k], e.UpCountDistribution[k], 1e-12);
        }
    }

    [Fact]
    public void Exact_IndependentSpins_MatchClosedForm()
    {
        // J = 0: log Z = Σ log 2cosh h_i, <s_i> = tanh h_i, entropy = Σ [log 2cosh h - h tanh h].
        double[] h = [0.3, -1.2, 0.0, 2.0, -0.1];
        var model = new IsingModel(h, new double[25]);
        ExactStatistics e = ExactEnumeration.Compute(model);
        double logZ = h.Sum(SpecialFunctions.LogTwoCosh);
        Assert.Equal(logZ, e.LogPartition, 1e-12);
        Assert.Equal(logZ - h.Sum(x => x * Math.Tanh(x)), e.Entropy(model), 1e-12);
        for (int i = 0; i < h.Length; i++)
        {
            Assert.Equal(Math.Tanh(h[i]), e.Means[i], 1e-12);
        }
    }

    [Fact]
    public void Conversion_ZeroOne_IsExactAndInvertible()
    {
        IsingModel model = IsingModel.SherringtonKirkpatrick(6, 1.0, 0.4, 5);
        (double[] a, double[] w) = model.ToBinary();
        IsingModel back = IsingModel.FromBinary(a, w);
        for (int k = 0; k < 36; k++)
        {
            Assert.Equal(model.Couplings[k], back.Couplings[k], 1e-14);
        }

        // log P must agree configuration by configuration: logweight_± − logweight_01 = −(shift) for every state.
        double shift = model.BinaryLogPartitionShift();
        var s = new sbyte[6];
        for (int x = 0; x < 64; x++)
        {
            double binary = 0;
            for (int i = 0; i < 6; i++)
            {
                s[i] = ((x >> i) & 1) == 1 ? (sbyte)1 : (sbyte)-1;
                double si = (x >> i) & 1;
                binary += a[i] * si;
                for (int j = i + 1; j < 6; j++)
                {
                    binary += w[i * 6 + j] * si * ((x >> j) & 1);
                }
            }

            Assert.Equal(binary + shift, model.LogWeight(s), 1e-12);
        }
    }

    [Theory]
    [InlineData(SamplerKind.Metropolis)]
    [InlineData(SamplerKind.HeatBath)]
    public void Sampler_SmallModel_MomentsWithinFiveSigmaOfExact(SamplerKind kind)
    {
        IsingModel model = IsingModel.SherringtonKirkpatrick(10, 0.8, 0.3, 3);
        var settings = new SamplerSettings { Kind = kind, Chains = 8, BurnInSweeps = 200, SamplesPerChain = 4000, SweepsPerSample = 1 };
        SampleSet set = IsingSampler.Sample(model, settings, 42);
        ExactStatistics exact = ExactEnumeration.Compute(model);
        double[] m = set.Samples.Means();
        double[] c = set.Samples.SecondMoments();
        var trace = new double[set.Samples.TimeBins];
        for (int i = 0; i < 10; i++)
        {
            for (int t = 0; t < trace.Length; t++)
            {
                trace[t] = set.Samples[t, i];
            }

            double ess = McmcDiagnostics.EffectiveSampleSize(trace, 8);
            double sigma = Math.Sqrt((1 - exact.Means[i] * exact.Means[i]) / ess);
            Assert.InRange(m[i] - exact.Means[i], -5 * sigma, 5 * sigma);
            int j = (i + 1) % 10;
            for (int t = 0; t < trace.Length; t++)
            {
                trace[t] = set.Samples[t, i] * set.Samples[t, j];
            }

            double q = exact.SecondMoments[i * 10 + j];
            double essPair = McmcDiagnostics.EffectiveSampleSize(trace, 8);
            double sigmaPair = Math.Sqrt((1 - q * q) / essPair);
            Assert.InRange(c[i * 10 + j] - q, -5 * sigmaPair, 5 * sigmaPair);
        }

        Assert.InRange(set.Diagnostics.EnergyRHat, 0.99, 1.01);
    }

    /// <summary>
    /// A coupled 10-spin SK cluster scattered over N = 100 (register kernel, 7 blocks of 16) or N = 140 (general
    /// kernel) spins, the others independent with fields: cluster moments against exact enumeration of the cluster,
    /// free spins against tanh h, all within 5 standard errors from the effective sample size.
    /// </summary>
    [Theory]
    [InlineData(100, SamplerKind.Metropolis)]
    [InlineData(100, SamplerKind.HeatBath)]
    [InlineData(140, SamplerKind.Metropolis)]
    [InlineData(140, SamplerKind.HeatBath)]
    public void Sampler_ScatteredClusterInLargeModel_MatchesExactCluster(int n, SamplerKind kind)
    {
        IsingModel cluster = IsingModel.SherringtonKirkpatrick(10, 0.8, 0.3, 3);
        int[] sites = [0, 15, 16, 31, 47, 63, 64, 80, 97, 99];
        if (n > 128)
        {
            sites = [0, 15, 16, 63, 64, 127, 128, 130, 137, 139];
        }

        var h = new double[n];
        var j = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            h[i] = 0.5 * Math.Sin(i);
        }

        for (int a = 0; a < 10; a++)
        {
            h[sites[a]] = cluster.Fields[a];
            for (int b = 0; b < 10; b++)
            {
                j[sites[a] * n + sites[b]] = cluster.Couplings[a * 10 + b];
            }
        }

        var model = new IsingModel(h, j);
        var settings = new SamplerSettings { Kind = kind, Chains = 4, BurnInSweeps = 200, SamplesPerChain = 4000, SweepsPerSample = 1 };
        SpinRaster samples = IsingSampler.Sample(model, settings, 11).Samples;
        ExactStatistics exact = ExactEnumeration.Compute(cluster);
        var trace = new double[samples.TimeBins];
        double Check(Func<int, double> value, double expected, double variance)
        {
            double mean = 0;
            for (int t = 0; t < trace.Length; t++)
            {
                trace[t] = value(t);
                mean += trace[t] / trace.Length;
            }

            double sigma = Math.Sqrt(variance / McmcDiagnostics.EffectiveSampleSize(trace, settings.Chains));
            Assert.InRange(mean - expected, -5 * sigma, 5 * sigma);
            return mean;
        }

        for (int a = 0; a < 10; a++)
        {
            int i = sites[a], k = sites[(a + 1) % 10];
            Check(t => samples[t, i], exact.Means[a], 1 - exact.Means[a] * exact.Means[a]);
            double q = exact.SecondMoments[a * 10 + (a + 1) % 10];
            Check(t => samples[t, i] * samples[t, k], q, 1 - q * q);
        }

        for (int i = 1; i < n; i += 7)
        {
            if (Array.IndexOf(sites, i) < 0)
            {
                double m = Math.Tanh(h[i]);
                Check(t => samples[t, i], m, 1 - m * m);
            }
        }
    }

    [Theory]
    [InlineData(37)]
    [InlineData(150)]
    public void MarkovChains_SweepsSplitAcrossCalls_GiveTheSameChain(int n)
    {
        IsingModel model = IsingModel.SherringtonKirkpatrick(n, 1.0, 0.3, 9);
        var whole = new MarkovChains(model, 1, 5);
        var split = new MarkovChains(model, 1, 5);
        whole.Run(0, SamplerKind.HeatBath, 300);
        foreach (int part in new[] { 1, 7, 100, 192 })
        {
            split.Run(0, SamplerKind.HeatBath, part);
        }

        Assert.True(whole.State(0).SequenceEqual(split.State(0)));
    }

    [Fact]
    public void Sampler_ThreadCount_DoesNotChangeSamples()
    {
        IsingModel model = IsingModel.SherringtonKirkpatrick(37, 1.0, 0.3, 9);
        var settings = new SamplerSettings { Chains = 5, BurnInSweeps = 10, SamplesPerChain = 50 };
        SpinRaster one = IsingSampler.Sample(model, settings, 7, maxThreads: 1).Samples;
        SpinRaster two = IsingSampler.Sample(model, settings, 7, maxThreads: 2).Samples;
        Assert.True(one.Spins.SequenceEqual(two.Spins));
    }

    [Fact]
    public void Diagnostics_AutoregressiveTrace_AutocorrelationTimeMatchesClosedForm()
    {
        // AR(1) x_t = φ x_{t-1} + ε: τ = (1 + φ)/(1 − φ) = 3 for φ = 0.5. 4 chains × 50 000 samples:
        // the estimator's relative error is ~ sqrt(2(2K+1)/n) with window K ~ 10, i.e. ~3 %; allow 10 %.
        RandomGenerator rng = new RandomStreams(1).For(StreamPurpose.Other);
        var x = new double[200_000];
        for (int t = 1; t < x.Length; t++)
        {
            x[t] = t % 50_000 == 0 ? rng.NextNormal() / Math.Sqrt(0.75) : 0.5 * x[t - 1] + rng.NextNormal();
        }

        double ess = McmcDiagnostics.EffectiveSampleSize(x, 4);
        Assert.Equal(3.0, x.Length / ess, 0.3);
        Assert.InRange(McmcDiagnostics.SplitRHat(x, 4), 0.99, 1.01);
    }
}
