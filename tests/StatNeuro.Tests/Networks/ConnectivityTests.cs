using StatNeuro.Networks;

namespace StatNeuro.Tests.Networks;

public class ConnectivityTests
{
    private static (Network Net, Projection P) Build(int pre, int post, ConnectionSpec spec, bool same = false, ulong seed = 3)
    {
        var net = new Network(0.1);
        var a = net.Add(new LifDeltaPopulation("a", pre));
        var b = same ? a : net.Add(new LifDeltaPopulation("b", post));
        var p = net.Connect(a, b, "v", spec);
        net.Build(seed);
        return (net, p);
    }

    [Fact]
    public void FixedProbability_CountIsBinomial_AndRowsSortedWithoutDuplicates()
    {
        // N_pre N_post = 4e6 pairs at p = 0.05: mean 2e5, sd sqrt(n p (1 - p)) = 436; allow 5 sd.
        var (_, p) = Build(2000, 2000, new ConnectionSpec(new ConnectionRule.FixedProbability(0.05), ValueSpec.Constant(1), ValueSpec.Constant(0)));
        double mean = 4e6 * 0.05, sd = Math.Sqrt(4e6 * 0.05 * 0.95);
        Assert.InRange(p.Matrix!.Count, mean - 5 * sd, mean + 5 * sd);
        for (int i = 0; i < 2000; i++)
        {
            ReadOnlySpan<int> row = p.Matrix.Row(i);
            for (int k = 1; k < row.Length; k++)
            {
                Assert.True(row[k] > row[k - 1]);
            }
        }

        // Memory design number: 4 bytes per synapse for constant weights, plus row pointers.
        Assert.True(p.Matrix.Bytes <= 4L * p.Matrix.Count + 4L * 2001);
    }

    [Fact]
    public void FixedProbability_InDegreeDistribution_HasBinomialVariance()
    {
        // In-degrees ~ Binomial(1000, 0.1): mean 100, variance 90. The sample variance over 2000 targets has relative
        // sd sqrt(2/1999) = 3.2 %; allow 5 sd (16 %).
        var (_, p) = Build(1000, 2000, new ConnectionSpec(new ConnectionRule.FixedProbability(0.1), ValueSpec.Constant(1), ValueSpec.Constant(0)));
        var inDegree = new double[2000];
        foreach (int t in p.Matrix!.Targets)
        {
            inDegree[t]++;
        }

        Assert.InRange(StatNeuro.Numerics.Statistics.Mean(inDegree), 100 - 5 * Math.Sqrt(90.0 / 2000), 100 + 5 * Math.Sqrt(90.0 / 2000));
        Assert.InRange(StatNeuro.Numerics.Statistics.Variance(inDegree), 90 * (1 - 0.16), 90 * (1 + 0.16));
    }

    [Fact]
    public void NoAutapses_RemovesTheDiagonal()
    {
        var (_, p) = Build(300, 300, new ConnectionSpec(new ConnectionRule.FixedProbability(1.0), ValueSpec.Constant(1), ValueSpec.Constant(0), Autapses: false), same: true);
        Assert.Equal(300 * 299, p.Matrix!.Count);
        for (int i = 0; i < 300; i++)
        {
            Assert.DoesNotContain(i, p.Matrix.Row(i).ToArray());
        }
    }

    [Fact]
    public void FixedInDegree_EveryTargetHasK_DistinctPartners_WithoutMultapses()
    {
        var (_, p) = Build(200, 150, new ConnectionSpec(new ConnectionRule.FixedInDegree(40), ValueSpec.Constant(1), ValueSpec.Constant(0), Multapses: false));
        var partners = new HashSet<(int, int)>();
        var inDegree = new int[150];
        for (int i = 0; i < 200; i++)
        {
            foreach (int t in p.Matrix!.Row(i))
            {
                Assert.True(partners.Add((i, t)));
                inDegree[t]++;
            }
        }

        Assert.All(inDegree, d => Assert.Equal(40, d));
    }

    [Fact]
    public void FixedOutDegree_AllToAll_OneToOne_HaveExactCounts()
    {
        Assert.Equal(100 * 7, Build(100, 50, new ConnectionSpec(new ConnectionRule.FixedOutDegree(7), ValueSpec.Constant(1), ValueSpec.Constant(0))).P.Matrix!.Count);
        Assert.Equal(100 * 50, Build(100, 50, new ConnectionSpec(new ConnectionRule.AllToAll(), ValueSpec.Constant(1), ValueSpec.Constant(0))).P.Matrix!.Count);
        var oneToOne = Build(60, 60, new ConnectionSpec(new ConnectionRule.OneToOne(), ValueSpec.Constant(1), ValueSpec.Constant(0))).P.Matrix!;
        Assert.Equal(60, oneToOne.Count);
        Assert.Equal(17, oneToOne.Row(17)[0]);
    }

    [Fact]
    public void RandomWeightsAndDelays_AreStoredInBuckets_WithinTwelveBytesPerSynapse()
    {
        var spec = new ConnectionSpec(new ConnectionRule.FixedProbability(0.2), new ValueSpec(0.5, 1.5, ValueDistribution.Uniform), new ValueSpec(0.1, 2.0, ValueDistribution.Uniform));
        var (_, p) = Build(400, 400, spec);
        SynapseMatrix m = p.Matrix!;
        for (int i = 0; i < 400; i++)
        {
            int start = i == 0 ? 0 : m.Row(0).Length * 0;
            int previousDelay = -1;
            ReadOnlySpan<int> row = m.Row(i);
            int first = RowStart(m, i);
            for (int k = 0; k < row.Length; k++)
            {
                int d = m.Delay(i, first + k);
                Assert.InRange(d, 1, 20);
                Assert.True(d >= previousDelay, "row sorted by delay");
                previousDelay = d;
                Assert.InRange(m.Weight(first + k), 0.5, 1.5);
            }

            Assert.Equal(0, start);
        }

        // Design number: 4 (target) + 8 (weight) bytes per synapse, plus buckets of 6 bytes per distinct delay per row.
        double perSynapse = (double)m.Bytes / m.Count;
        Assert.True(perSynapse <= 12 + 6.0 * 20 * 400 / m.Count + 8.0 * 401 / m.Count, $"{perSynapse} bytes per synapse");
    }

    private static int RowStart(SynapseMatrix m, int row)
    {
        int s = 0;
        for (int i = 0; i < row; i++)
        {
            s += m.Row(i).Length;
        }

        return s;
    }

    [Fact]
    public void ExplicitList_KeepsPairsAndWeights()
    {
        var pairs = new List<(int, int)> { (2, 1), (0, 3), (2, 0), (1, 1) };
        var (_, p) = Build(3, 4, new ConnectionSpec(new ConnectionRule.ExplicitList(pairs, [0.5, 1.5, 2.5, 3.5]), ValueSpec.Constant(0), ValueSpec.Constant(0)));
        SynapseMatrix m = p.Matrix!;
        Assert.Equal([3], m.Row(0).ToArray());
        Assert.Equal([1], m.Row(1).ToArray());
        Assert.Equal([0, 1], m.Row(2).ToArray());
        Assert.Equal(1.5, m.Weight(0));
        Assert.Equal(3.5, m.Weight(1));
        Assert.Equal(2.5, m.Weight(2));
        Assert.Equal(0.5, m.Weight(3));
    }

    [Fact]
    public void BadSpecs_AreRejected()
    {
        var net = new Network(0.1);
        var a = net.Add(new LifDeltaPopulation("a", 10));
        Assert.Throws<ArgumentException>(() => net.Connect(a, a, "v", new ConnectionSpec(new ConnectionRule.FixedProbability(1.5), ValueSpec.Constant(1), ValueSpec.Constant(0))));
        Assert.Throws<ArgumentException>(() => net.Connect(a, a, "v", new ConnectionSpec(new ConnectionRule.FixedProbability(0.5), ValueSpec.Constant(1), ValueSpec.Constant(-1))));
        Assert.Throws<ArgumentException>(() => net.Connect(a, a, "e", new ConnectionSpec(new ConnectionRule.FixedProbability(0.5), ValueSpec.Constant(1), ValueSpec.Constant(0))));
    }

    [Fact]
    public void HugeNetwork_IsRefusedBeforeAllocation()
    {
        // 100 000 neurons all-to-all would need 10^10 synapses (40 GB): refused with a clear message, quickly.
        var net = new Network(0.1) { };
        var a = net.Add(new LifDeltaPopulation("a", 100_000));
        net.Connect(a, a, "v", new ConnectionSpec(new ConnectionRule.AllToAll(), ValueSpec.Constant(1), ValueSpec.Constant(0)));
        net.MemoryLimitBytes = 24L << 30;
        long before = GC.GetTotalAllocatedBytes();
        var ex = Assert.Throws<NetworkTooLargeException>(() => net.Build(1));
        Assert.Contains("GiB", ex.Message, StringComparison.Ordinal);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 1_000_000);
    }
}
