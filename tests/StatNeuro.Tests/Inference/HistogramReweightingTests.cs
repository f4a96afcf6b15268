using StatNeuro.Data;
using StatNeuro.Inference;
using StatNeuro.Ising;

namespace StatNeuro.Tests.Inference;

public sealed class HistogramReweightingTests
{
    /// <summary>
    /// A sparse planted model in the 0/1 convention, retina-like: biases a_i ~ −3 ± 0.5 (≈ 5 % activity), a third of
    /// the pairs coupled with W ~ N(0.5, 1).
    /// </summary>
    internal static IsingModel SparsePlanted(int n, ulong seed)
    {
        var rng = new Random((int)seed);
        var a = new double[n];
        var w = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            a[i] = -3 + 0.5 * Normal(rng);
            for (int j = i + 1; j < n; j++)
            {
                if (rng.NextDouble() < 1.0 / 3)
                {
                    w[i * n + j] = w[j * n + i] = 0.5 + Normal(rng);
                }
            }
        }

        return IsingModel.FromBinary(a, w);
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Fact]
    public void SparsePatterns_StatisticsEqualDenseComputation()
    {
        IsingModel model = SparsePlanted(9, 3);
        SpinRaster data = ExactEnumeration.Sample(model, 20_000, 5);
        var set = BinaryPatterns.FromRaster(data);
        Assert.Equal(data.TimeBins, set.Total);
        double[] f = set.FeatureMeans();
        double[] m = data.Means(), q = data.SecondMoments();
        int n = 9;
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(m[i], 2 * f[i] - 1, 12);
            for (int j = i + 1; j < n; j++)
            {
                // ⟨s_i s_j⟩ = 4p_ij − 2p_i − 2p_j + 1.
                double pij = f[BinaryPatterns.PairIndex(n, i, j)];
                Assert.Equal(q[i * n + j], 4 * pij - 2 * f[i] - 2 * f[j] + 1, 12);
                Assert.Equal((i, j), BinaryPatterns.PairOf(n, BinaryPatterns.PairIndex(n, i, j)));
            }
        }

        double[] dense = ModelEvaluation.ConnectedTriplets(data, [.. Enumerable.Range(0, n)]);
        double[] sparse = set.ConnectedTriplets();
        Assert.Equal(dense.Length, sparse.Length);
        for (int k = 0; k < dense.Length; k++)
        {
            Assert.Equal(dense[k], sparse[k], 12);
        }

        double[] pk = data.UpCountDistribution(), pk2 = set.UpCountDistribution();
        for (int k = 0; k <= n; k++)
        {
            Assert.Equal(pk[k], pk2[k], 14);
        }

        IsingModel back = HistogramReweighting.UnpackBinary(HistogramReweighting.PackBinary(model), n);
        Assert.True(InferenceTests.RmsCouplingError(model, back) < 1e-14);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(model.Fields[i], back.Fields[i], 12);
        }
    }

    /// <summary>
    /// log Z estimators against exact enumeration on a sparse planted model (N = 14): AIS along the 0/1 path and the
    /// low-activity estimator agree with the exact value within 4 of their own standard errors (plus 1e-3 for the
    /// small downward bias of log of an unbiased Z estimate), and their errors are small.
    /// </summary>
    [Fact]
    public void LogPartitionEstimators_MatchExactEnumeration()
    {
        IsingModel model = SparsePlanted(14, 7);
        double exact = ExactEnumeration.Compute(model).LogPartition;
        Estimate ais = PartitionFunctionEstimator.AnnealedImportanceSampling(model, 11, chains: 64, steps: 500);
        Assert.InRange(ais.StandardError, 1e-6, 0.02);
        Assert.InRange(ais.Value - exact, -4 * ais.StandardError - 1e-3, 4 * ais.StandardError + 1e-3);

        var chains = new MarkovChains(model, 16, 13);
        BinaryPatterns[] perChain = BinaryPatterns.SampleChains(chains, 20_000, 100, 1);
        Estimate low = PartitionFunctionEstimator.LowActivity(model, perChain, 3);
        Assert.InRange(low.StandardError, 1e-6, 0.01);
        Assert.InRange(low.Value - exact, -4 * low.StandardError, 4 * low.StandardError);
    }

    /// <summary>
    /// Histogram reweighting on exact samples of a sparse planted model (N = 12, M = 50 000) reaches the maximum-
    /// likelihood point within the data's sampling noise: the exact moments of the fitted model match the data
    /// (RMS z ≤ 1 with binomial standard errors, the data being independent samples), and its exact log-likelihood is
    /// below the exact ML optimum by less than 1e-3 nats per sample (a parameter error at the noise level costs
    /// ≈ ½ z²·P/M ≈ 2e-4).
    /// </summary>
    [Fact]
    public void HistogramReweighting_SparsePlanted_ReachesExactMaximumLikelihood()
    {
        const int N = 12;
        IsingModel truth = SparsePlanted(N, 21);
        SpinRaster data = ExactEnumeration.Sample(truth, 50_000, 23);
        FitResult<IsingModel> ml = ExactMaximumLikelihood.Fit(data, new ExactLikelihoodSettings { GradientTolerance = 1e-7, MaxIterations = 3000 });
        var settings = new HistogramReweightingSettings { Chains = 16, InitialSamplesPerChain = 2000, MaxSamplesPerChain = 16_000, TargetRmsZ = 0.5, MaxRounds = 30 };
        FitResult<IsingModel> fit = HistogramReweighting.Fit(data, settings, 29);
        Assert.True(fit.Converged, $"not converged after {fit.Iterations} rounds");

        var set = BinaryPatterns.FromRaster(data);
        double[] fData = set.FeatureMeans();
        ExactStatistics stats = ExactEnumeration.Compute(fit.Model);
        double z2 = 0;
        int p = fData.Length;
        for (int k = 0; k < p; k++)
        {
            double model;
            if (k < N)
            {
                model = (1 + stats.Means[k]) / 2;
            }
            else
            {
                (int i, int j) = BinaryPatterns.PairOf(N, k);
                model = (1 + stats.Means[i] + stats.Means[j] + stats.SecondMoments[i * N + j]) / 4;
            }

            double se = Math.Sqrt(Math.Max(fData[k], 1.0 / data.TimeBins) / data.TimeBins);
            z2 += (model - fData[k]) * (model - fData[k]) / (se * se);
        }

        Assert.True(Math.Sqrt(z2 / p) <= 1.0, $"rms z {Math.Sqrt(z2 / p)}");
        double llMl = ModelEvaluation.LogLikelihood(ml.Model, ExactEnumeration.Compute(ml.Model).LogPartition, data);
        double llFit = ModelEvaluation.LogLikelihood(fit.Model, stats.LogPartition, data);
        Assert.InRange(llMl - llFit, -1e-9, 1e-3);
    }

    [Fact]
    public void HeldOut_AgreesWithSeparateLikelihoods()
    {
        IsingModel model = SparsePlanted(8, 31);
        SpinRaster data = ExactEnumeration.Sample(model, 4000, 33).WithSegmentLength(200);
        double logZ = ExactEnumeration.Compute(model).LogPartition;
        double[] means = data.Means();
        var held = ModelEvaluation.HeldOut(model, new Estimate(logZ, 0), means, data.TimeBins, data);
        Assert.Equal(ModelEvaluation.LogLikelihood(model, logZ, data), held.Pairwise, 10);
        Assert.Equal(ModelEvaluation.IndependentLogLikelihood(means, data.TimeBins, data), held.Independent, 10);
        Assert.True(held.StandardError > 0);
    }
}
