using StatNeuro.Data;
using StatNeuro.Ising;

namespace StatNeuro.Tests.Ising;

public sealed class ParallelTemperingTests
{
    /// <summary>A 14-spin SK model at β = 3 (deep in the glassy regime) with weak fields.</summary>
    private static IsingModel Glassy() => IsingModel.SherringtonKirkpatrick(14, 3.0, 0.1, 31);

    private static (double[] Mean, double[] Se) PerRunMoments(SpinRaster samples, int runs, Func<ReadOnlySpan<sbyte>, double[]> features)
    {
        int per = samples.TimeBins / runs;
        double[][] runMeans = new double[runs][];
        for (int r = 0; r < runs; r++)
        {
            double[]? acc = null;
            for (int t = 0; t < per; t++)
            {
                double[] f = features(samples.Row(r * per + t));
                acc ??= new double[f.Length];
                for (int k = 0; k < f.Length; k++)
                {
                    acc[k] += f[k] / per;
                }
            }

            runMeans[r] = acc!;
        }

        int p = runMeans[0].Length;
        var mean = new double[p];
        var se = new double[p];
        for (int k = 0; k < p; k++)
        {
            mean[k] = runMeans.Average(m => m[k]);
            double v = runMeans.Sum(m => (m[k] - mean[k]) * (m[k] - mean[k])) / (runs - 1);
            se[k] = Math.Sqrt(v / runs);
        }

        return (mean, se);
    }

    [Fact]
    public void GlassyModel_MomentsMatchExactEnumeration()
    {
        IsingModel model = Glassy();
        ExactStatistics exact = ExactEnumeration.Compute(model);
        const int Runs = 16;
        TemperedSampleSet set = ParallelTempering.Sample(
            model,
            new SamplerSettings { Chains = Runs, BurnInSweeps = 500, SweepsPerSample = 2, SamplesPerChain = 4000 },
            new TemperingSettings { Temperatures = 10, MinBeta = 0.15 },
            seed: 5,
            maxThreads: 2);
        (double[] mean, double[] se) = PerRunMoments(set.Samples.Samples, Runs, StatNeuro.Tests.Inference.FisherInformationTests.Features);
        int n = model.Size, p = mean.Length;
        double sumZ2 = 0, maxZ = 0;
        int k = n;
        for (int i = 0; i < n; i++)
        {
            double z = (mean[i] - exact.Means[i]) / se[i];
            sumZ2 += z * z;
            maxZ = Math.Max(maxZ, Math.Abs(z));
            for (int j = i + 1; j < n; j++, k++)
            {
                double zp = (mean[k] - exact.SecondMoments[i * n + j]) / se[k];
                sumZ2 += zp * zp;
                maxZ = Math.Max(maxZ, Math.Abs(zp));
            }
        }

        // 105 z-scores from 16 runs (t with 15 d.o.f.): RMS ≈ 1.07 expected; the max of 105 stays below ~4.5.
        double rmsZ = Math.Sqrt(sumZ2 / p);
        Assert.InRange(rmsZ, 0.6, 1.6);
        Assert.True(maxZ < 5, $"max |z| = {maxZ}");

        // Every neighbouring pair must exchange (a broken ladder would leave the cold replica stuck).
        Assert.Equal(9, set.ExchangeAcceptance.Length);
        Assert.All(set.ExchangeAcceptance, a => Assert.InRange(a, 0.05, 1.0));
        Assert.True(set.Samples.Diagnostics.EnergyRHat < 1.05);
    }

    [Fact]
    public void Results_DoNotDependOnThreadCount()
    {
        IsingModel model = Glassy();
        var settings = new SamplerSettings { Chains = 3, BurnInSweeps = 50, SweepsPerSample = 1, SamplesPerChain = 100 };
        var tempering = new TemperingSettings { Temperatures = 5, MinBeta = 0.3, SweepsPerExchange = 2 };
        TemperedSampleSet one = ParallelTempering.Sample(model, settings, tempering, 9, 1);
        TemperedSampleSet two = ParallelTempering.Sample(model, settings, tempering, 9, 2);
        Assert.True(one.Samples.Samples.Spins.SequenceEqual(two.Samples.Samples.Spins));
        Assert.Equal(one.ExchangeAcceptance, two.ExchangeAcceptance);
    }

    [Fact]
    public void Ladder_IsGeometricEndingAtOne()
    {
        double[] b = new TemperingSettings { Temperatures = 4, MinBeta = 0.125 }.Ladder();
        Assert.Equal(0.125, b[0], 1e-15);
        Assert.Equal(0.25, b[1], 1e-15);
        Assert.Equal(0.5, b[2], 1e-15);
        Assert.Equal(1.0, b[3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TemperingSettings { Temperatures = 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TemperingSettings { MinBeta = 1 }.Validate());
    }
}

public sealed class SamplerTuningTests
{
    [Fact]
    public void IndependentSpins_HeatBath_NeedNoThinning()
    {
        // J = 0 with heat-bath updates: every sweep draws a fresh independent configuration, τ = 1 sweep exactly.
        double[] means = Enumerable.Range(0, 30).Select(i => Math.Tanh(0.1 * (i - 15))).ToArray();
        IsingModel model = IsingModel.Independent(means);
        SamplerTuning t = IsingSampler.Tune(model, SamplerKind.HeatBath, 8, 3, 2000, 2);
        Assert.Equal(1, t.SweepsPerSample);
        Assert.InRange(t.AutocorrelationSweeps, 1.0, 1.15);
        Assert.InRange(t.PilotRHat, 0.99, 1.01);
    }

    [Fact]
    public void CoupledModel_ThinnedSamplesAreNearlyIndependent()
    {
        // An SK model with slow Metropolis dynamics: the tuned thinning must bring the energy autocorrelation of the
        // stored samples to about one sample (≤ 2 with estimation noise), and burn-in to at least 20 τ.
        IsingModel model = IsingModel.SherringtonKirkpatrick(60, 1.3, 0.1, 7);
        SamplerTuning t = IsingSampler.Tune(model, SamplerKind.Metropolis, 8, 4, 4000, 2);
        Assert.True(t.SweepsPerSample >= 3, $"tau {t.AutocorrelationSweeps}");
        Assert.True(t.BurnInSweeps >= 20 * t.AutocorrelationSweeps);
        SampleSet set = IsingSampler.Sample(model, new SamplerSettings { Chains = 8, BurnInSweeps = t.BurnInSweeps, SweepsPerSample = t.SweepsPerSample, SamplesPerChain = 1000 }, 5, 2);
        Assert.InRange(set.Diagnostics.EnergyAutocorrelationTime, 0.5, 2.0);
        Assert.True(set.Diagnostics.EnergyRHat < 1.02);
    }
}
