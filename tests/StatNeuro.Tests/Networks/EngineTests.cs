using StatNeuro.Networks;

namespace StatNeuro.Tests.Networks;

public class EngineTests
{
    private static int[][] Spikes(Network net, int threads, double ms, ulong seed, bool general = false)
    {
        net.ParallelDeliveryThreshold = 0;
        net.ParallelUpdateThreshold = 0;
        net.Build(seed, threads);

        // A per-step callback forces the general loop (push delivery after each step) instead of the fused one.
        SimulationResult r = net.Run(ms, new RunOptions { Seed = seed, Threads = threads, AfterStep = general ? _ => { } : null });
        return [r.SpikeSteps.ToArray(), r.SpikeNeurons.ToArray()];
    }

    [Theory]
    [InlineData("cuba", 1)]
    [InlineData("cuba", 3)]
    [InlineData("brunel", 2)]
    [InlineData("cobahh", 2)]
    public void FusedLoop_GivesTheSameSpikesAsTheGeneralLoop(string model, int threads)
    {
        // The fused loop (pull delivery per thread part, one barrier per step) adds every jump in the same order as
        // the general loop, so the spikes must be bit-identical, for any thread count (3 threads: uneven parts).
        Func<Network> make = model switch
        {
            "cuba" => () => BuiltinModels.Cuba(2000, 0.04),
            "brunel" => () => BuiltinModels.Brunel(5, 2, 1000),
            _ => () => BuiltinModels.Cobahh(500, 0.1),
        };
        int[][] general = Spikes(make(), 1, 100, 3, general: true);
        int[][] fused = Spikes(make(), threads, 100, 3);
        Assert.True(general[0].Length > 200);
        Assert.Equal(general[0], fused[0]);
        Assert.Equal(general[1], fused[1]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void FusedLoop_WithDelayBucketsAndRandomWeights_GivesTheSameSpikesAsTheGeneralLoop(int threads)
    {
        // Uniform delays (one bucket per distinct delay and row) and per-synapse weights: the workers find their segment
        // of every bucket through precomputed split points; the sums must stay bit-identical to the push delivery.
        static Network Make()
        {
            Network net = new(0.1);
            var exc = net.Add(new LifExpPopulation("exc", 1600));
            var inh = net.Add(new LifExpPopulation("inh", 400));
            var delays = new ValueSpec(0.1, 2.0, ValueDistribution.Uniform);
            var we = new ConnectionSpec(new ConnectionRule.FixedProbability(0.04), new ValueSpec(1.2, 2.0, ValueDistribution.Uniform), delays);
            var wi = new ConnectionSpec(new ConnectionRule.FixedProbability(0.04), new ValueSpec(-10, -8, ValueDistribution.Uniform), delays);
            net.Connect(exc, exc, "e", we);
            net.Connect(exc, inh, "e", we);
            net.Connect(inh, exc, "i", wi);
            net.Connect(inh, inh, "i", wi);
            return net;
        }

        int[][] general = Spikes(Make(), 1, 100, 3, general: true);
        int[][] fused = Spikes(Make(), threads, 100, 3);
        Assert.True(general[0].Length > 200);
        Assert.Equal(general[0], fused[0]);
        Assert.Equal(general[1], fused[1]);
    }

    [Fact]
    public void Cuba_OneAndTwoThreads_GiveIdenticalSpikes()
    {
        int[][] one = Spikes(BuiltinModels.Cuba(4000, 0.02), 1, 200, 5);
        int[][] two = Spikes(BuiltinModels.Cuba(4000, 0.02), 2, 200, 5);
        Assert.True(one[0].Length > 1000);
        Assert.Equal(one[0], two[0]);
        Assert.Equal(one[1], two[1]);
    }

    [Fact]
    public void Brunel_WithDelaysAndDrive_OneAndTwoThreads_GiveIdenticalSpikes()
    {
        int[][] one = Spikes(BuiltinModels.Brunel(5, 2, 2000), 1, 100, 7);
        int[][] two = Spikes(BuiltinModels.Brunel(5, 2, 2000), 2, 100, 7);
        Assert.True(one[0].Length > 1000);
        Assert.Equal(one[0], two[0]);
        Assert.Equal(one[1], two[1]);
    }

    [Fact]
    public void BinomialDrive_CountsHaveBinomialMeanAndVariance()
    {
        // An unconnected LIF with τ -> huge and a very high threshold integrates the drive: after n steps
        // v = J·Σk with Σk ~ Binomial((n - 1)·C, p) at the start of step n (the drive of step m - 1 enters in the
        // update of step m). Over 2000 neurons: mean (n - 1) C p, variance (n - 1) C p (1 - p); 5-sigma bounds.
        const int n = 1000, sources = 1000, neurons = 2000;
        const double rate = 20, dt = 0.1;
        var net = new Network(dt);
        net.Add(new LifDeltaPopulation("a", neurons) { TauM = 1e300, Threshold = 1e9, RefractoryMs = 0, Drive = new BinomialDrive(sources, rate, 1.0) });
        SimulationResult r = net.Run((n + 1) * dt, new RunOptions { StateMonitors = [new StateMonitorSpec("a", "v", Enumerable.Range(0, neurons).ToArray(), n)] });
        double[] counts = r.States[0].Values[^1];
        double p = rate * dt * 1e-3, mean = (n - 1.0) * sources * p, variance = mean * (1 - p);
        Assert.Equal(n * dt, r.States[0].TimesMs[^1], 1e-9);
        Assert.InRange(StatNeuro.Numerics.Statistics.Mean(counts), mean - 5 * Math.Sqrt(variance / neurons), mean + 5 * Math.Sqrt(variance / neurons));
        Assert.InRange(StatNeuro.Numerics.Statistics.Variance(counts), variance * (1 - 5 * Math.Sqrt(2.0 / neurons)), variance * (1 + 5 * Math.Sqrt(2.0 / neurons)));
    }

    [Fact]
    public void Cuba_RateAndCv_AgreeWithBrian2()
    {
        // Brian2 2.5.1 cpp_standalone over 10 seeds (../shared/anchors/brian2/results/summary.md): 5.61 ± 0.21 Hz,
        // CV 0.524 ± 0.012. Mean of 3 seeds here must lie within 5 sd/sqrt(3) of Brian2's mean.
        double rate = 0, cv = 0;
        for (ulong seed = 1; seed <= 3; seed++)
        {
            Network net = BuiltinModels.Cuba();
            net.Build(seed);
            SimulationResult r = net.Run(1000, new RunOptions { Seed = seed });
            rate += r.MeanRateHz() / 3;
            cv += r.MeanIsiCv() / 3;
        }

        Assert.InRange(rate, 5.61 - 5 * 0.21 / Math.Sqrt(3), 5.61 + 5 * 0.21 / Math.Sqrt(3));
        Assert.InRange(cv, 0.524 - 5 * 0.012 / Math.Sqrt(3), 0.524 + 5 * 0.012 / Math.Sqrt(3));
    }

    [Fact]
    public void Result_Statistics_OnAKnownRaster()
    {
        // Two spike generators: neuron 0 fires every 10 ms (CV 0), neuron 1 at 5, 10, 30 ms (ISIs 5, 20 -> CV 0.6).
        var events = Enumerable.Range(0, 10).Select(k => (0, 10.0 * k)).Concat([(1, 5.0), (1, 10.0), (1, 30.0)]);
        var net = new Network(0.1);
        net.Add(new SpikeSourcePopulation("s", 2, events));
        SimulationResult r = net.Run(100);
        Assert.Equal(13, r.SpikeCount);
        Assert.Equal(13 / (2 * 0.1), r.MeanRateHz(), 1e-12);
        Assert.Equal((0 + 0.6) / 2, r.MeanIsiCv(), 1e-12);
        byte[][] raster = r.BinaryRaster(10);
        Assert.Equal(10, raster[0].Sum(b => b));
        Assert.Equal(3, raster[1].Sum(b => b));
    }
}
