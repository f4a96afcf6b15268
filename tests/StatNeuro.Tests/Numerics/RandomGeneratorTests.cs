using StatNeuro.Numerics;

namespace StatNeuro.Tests.Numerics;

public class RandomGeneratorTests
{
    private const int Samples = 200_000;

    [Fact]
    public void Streams_SameKey_GiveIdenticalSequences()
    {
        var a = new RandomStreams(42).For(StreamPurpose.Noise, 7);
        var b = new RandomStreams(42).For(StreamPurpose.Noise, 7);
        for (int k = 0; k < 1000; k++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }
    }

    [Fact]
    public void Streams_DifferentIndex_AreUncorrelated()
    {
        // Pearson correlation of two streams' uniforms: sd of the estimate is 1/sqrt(n); allow 5 sigma.
        var a = new RandomStreams(42).For(StreamPurpose.Noise, 0);
        var b = new RandomStreams(42).For(StreamPurpose.Noise, 1);
        double sab = 0, sa = 0, sb = 0, saa = 0, sbb = 0;
        for (int k = 0; k < Samples; k++)
        {
            double x = a.NextDouble(), y = b.NextDouble();
            sab += x * y; sa += x; sb += y; saa += x * x; sbb += y * y;
        }

        double n = Samples;
        double r = (sab / n - sa / n * (sb / n)) / Math.Sqrt((saa / n - sa * sa / n / n) * (sbb / n - sb * sb / n / n));
        Assert.InRange(r, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));
    }

    [Fact]
    public void Normal_MomentsMatch_WithinFiveStandardErrors()
    {
        var g = new RandomStreams(1).For(StreamPurpose.Other);
        var x = new double[Samples];
        for (int k = 0; k < Samples; k++)
        {
            x[k] = g.NextNormal();
        }

        // SE of mean = 1/sqrt(n); SE of variance = sqrt(2/n) for a normal.
        Assert.InRange(Statistics.Mean(x), -5 / Math.Sqrt(Samples), 5 / Math.Sqrt(Samples));
        Assert.InRange(Statistics.Variance(x), 1 - 5 * Math.Sqrt(2.0 / Samples), 1 + 5 * Math.Sqrt(2.0 / Samples));
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(4.0)]
    [InlineData(25.0)]
    [InlineData(1000.0)]
    public void Poisson_MeanAndVarianceEqualLambda(double lambda)
    {
        var g = new RandomStreams(3).For(StreamPurpose.Other, (long)lambda);
        var x = new double[Samples];
        for (int k = 0; k < Samples; k++)
        {
            x[k] = g.NextPoisson(lambda);
        }

        // SE of the mean sqrt(λ/n); SE of the variance ≈ sqrt((2λ² + λ)/n) for a Poisson.
        double seMean = Math.Sqrt(lambda / Samples), seVar = Math.Sqrt((2 * lambda * lambda + lambda) / Samples);
        Assert.InRange(Statistics.Mean(x), lambda - 5 * seMean, lambda + 5 * seMean);
        Assert.InRange(Statistics.Variance(x), lambda - 5 * seVar, lambda + 5 * seVar);
    }

    [Theory]
    [InlineData(1000, 0.002)]
    [InlineData(50, 0.3)]
    [InlineData(1000, 0.5)]
    [InlineData(200, 0.9)]
    public void Binomial_MeanAndVarianceMatch(long n, double p)
    {
        var g = new RandomStreams(5).For(StreamPurpose.Other, n);
        var x = new double[Samples];
        for (int k = 0; k < Samples; k++)
        {
            x[k] = g.NextBinomial(n, p);
        }

        double mean = n * p, variance = n * p * (1 - p);
        double seMean = Math.Sqrt(variance / Samples), seVar = variance * Math.Sqrt(2.0 / Samples) * 1.2;
        Assert.InRange(Statistics.Mean(x), mean - 5 * seMean, mean + 5 * seMean);
        Assert.InRange(Statistics.Variance(x), variance - 5 * seVar, variance + 5 * seVar);
    }

    [Fact]
    public void Exponential_MeanIsInverseRate()
    {
        var g = new RandomStreams(9).For(StreamPurpose.Other);
        var x = new double[Samples];
        for (int k = 0; k < Samples; k++)
        {
            x[k] = g.NextExponential(2.0);
        }

        double se = 0.5 / Math.Sqrt(Samples);
        Assert.InRange(Statistics.Mean(x), 0.5 - 5 * se, 0.5 + 5 * se);
    }

    [Fact]
    public void NextInt_IsUniformOverRange()
    {
        var g = new RandomStreams(11).For(StreamPurpose.Other);
        var counts = new int[7];
        for (int k = 0; k < Samples; k++)
        {
            counts[g.NextInt(7)]++;
        }

        // Each count ~ Binomial(n, 1/7).
        double e = Samples / 7.0, sd = Math.Sqrt(Samples * (1 / 7.0) * (6 / 7.0));
        Assert.All(counts, c => Assert.InRange(c, e - 5 * sd, e + 5 * sd));
    }
}
