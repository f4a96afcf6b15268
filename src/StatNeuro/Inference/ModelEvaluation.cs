using MathNet.Numerics.Integration;
using StatNeuro.Data;
using StatNeuro.Ising;
using StatNeuro.Numerics;

namespace StatNeuro.Inference;

/// <summary>An estimate with its standard error.</summary>
/// <param name="Value">Estimate.</param>
/// <param name="StandardError">One standard error (0 for exact values).</param>
public sealed record Estimate(double Value, double StandardError);

/// <summary>
/// Model evaluation: log-likelihood per sample (exact for N ≤ 25, thermodynamic integration with an error bar
/// otherwise), the independent-model baseline, and statistics the pairwise model does not fit (connected triplets,
/// P(K)). All quantities are in ±1 units.
/// </summary>
public static class ModelEvaluation
{
    /// <summary>
    /// log Z: exact for N ≤ 22, else annealed importance sampling along the 0/1-convention path from the independent
    /// model (<see cref="PartitionFunctionEstimator.AnnealedImportanceSampling"/>; checked against exact enumeration at
    /// N = 20 in docs/inference.md). The ±1 thermodynamic integration <see cref="IntegrateLogPartition"/> is kept for
    /// comparison: for sparse data its path (h, λJ) can cross a high-activity transition.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="seed">Seed for the Monte Carlo part.</param>
    /// <param name="chains">AIS runs.</param>
    /// <param name="steps">AIS intermediate distributions.</param>
    /// <returns>log Z with its standard error.</returns>
    public static Estimate LogPartition(IsingModel model, ulong seed, int chains = 64, int steps = 2000)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Size <= 22
            ? new Estimate(ExactEnumeration.Compute(model).LogPartition, 0)
            : PartitionFunctionEstimator.AnnealedImportanceSampling(model, seed, chains, steps);
    }

    /// <summary>
    /// Held-out comparison with the independent model: per-bin log-likelihood of both on <paramref name="test"/> and the
    /// standard error of their difference over the test blocks (segments when there are at least 10, else 20 equal
    /// blocks), combined with the error of log Z.
    /// </summary>
    /// <param name="model">Pairwise model.</param>
    /// <param name="logPartition">Its log Z (±1 convention) with error.</param>
    /// <param name="trainingMeans">Training means of the independent model.</param>
    /// <param name="trainingSamples">Training M (clipping of the independent model).</param>
    /// <param name="test">Held-out data.</param>
    /// <returns>(pairwise, independent, difference, standard error of the difference), nats per bin.</returns>
    public static (double Pairwise, double Independent, double Difference, double StandardError) HeldOut(IsingModel model, Estimate logPartition, double[] trainingMeans, int trainingSamples, SpinRaster test)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(logPartition);
        ArgumentNullException.ThrowIfNull(trainingMeans);
        ArgumentNullException.ThrowIfNull(test);
        int n = model.Size;
        double eps = 1.0 / Math.Max(2, trainingSamples);
        var logP = new double[n];
        var logQ = new double[n];
        for (int i = 0; i < n; i++)
        {
            double p = Math.Clamp((1 + trainingMeans[i]) / 2, eps, 1 - eps);
            logP[i] = Math.Log(p);
            logQ[i] = Math.Log(1 - p);
        }

        var blocks = new List<(int Start, int Length)>();
        int nb = test.SegmentCount >= 10 ? test.SegmentCount : Math.Min(20, test.TimeBins);
        for (int b = 0; b < nb; b++)
        {
            if (test.SegmentCount >= 10)
            {
                blocks.Add(test.Segment(b));
            }
            else
            {
                int t0 = (int)((long)test.TimeBins * b / nb), t1 = (int)((long)test.TimeBins * (b + 1) / nb);
                blocks.Add((t0, t1 - t0));
            }
        }

        double sumPair = 0, sumInd = 0;
        var diffs = new double[nb];
        for (int b = 0; b < nb; b++)
        {
            double bp = 0, bi = 0;
            for (int t = blocks[b].Start; t < blocks[b].Start + blocks[b].Length; t++)
            {
                ReadOnlySpan<sbyte> row = test.Row(t);
                bp += model.LogWeight(row);
                for (int i = 0; i < n; i++)
                {
                    bi += row[i] > 0 ? logP[i] : logQ[i];
                }
            }

            sumPair += bp;
            sumInd += bi;
            diffs[b] = (bp - bi) / blocks[b].Length;
        }

        double pair = sumPair / test.TimeBins - logPartition.Value, ind = sumInd / test.TimeBins;
        double mean = diffs.Average(), v = 0;
        foreach (double d in diffs)
        {
            v += (d - mean) * (d - mean);
        }

        double se = Math.Sqrt(v / (nb - 1) / nb + logPartition.StandardError * logPartition.StandardError);
        return (pair, ind, pair - ind, se);
    }

    /// <summary>
    /// Thermodynamic integration from the independent model with the same fields: θ(λ) = (h, λJ),
    /// log Z = Σ_i log 2cosh h_i + ∫₀¹ ⟨Σ_{i&lt;j} J_ij s_i s_j⟩_λ dλ, with a Gauss–Legendre rule and heat-bath chains at
    /// every node; the error bar combines the between-chain standard errors of the nodes.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="nodes">Gauss–Legendre nodes.</param>
    /// <param name="chains">Chains per node.</param>
    /// <param name="samplesPerChain">Samples (one sweep apart) per chain after 500 sweeps of burn-in.</param>
    /// <returns>log Z and its standard error.</returns>
    /// <remarks>Kirkwood (1935) J. Chem. Phys. 3:300; valid when no phase transition is crossed along λ.</remarks>
    public static Estimate IntegrateLogPartition(IsingModel model, ulong seed, int nodes = 12, int chains = 8, int samplesPerChain = 4000)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = model.Size;
        var rule = new GaussLegendreRule(0, 1, nodes);
        double logZ0 = 0;
        for (int i = 0; i < n; i++)
        {
            logZ0 += SpecialFunctions.LogTwoCosh(model.Fields[i]);
        }

        double integral = 0, variance = 0;
        var zeroJ = new IsingModel(model.Fields, new double[n * n]);
        for (int q = 0; q < nodes; q++)
        {
            double lambda = rule.Abscissas[q];
            var jl = new double[n * n];
            for (int k = 0; k < jl.Length; k++)
            {
                jl[k] = lambda * model.Couplings[k];
            }

            var at = new IsingModel(model.Fields, jl);
            var set = IsingSampler.Sample(at, new SamplerSettings { Kind = SamplerKind.HeatBath, Chains = chains, BurnInSweeps = 500, SamplesPerChain = samplesPerChain }, seed + (ulong)q);
            var chainMeans = new double[chains];
            for (int c = 0; c < chains; c++)
            {
                double sum = 0;
                for (int k = 0; k < samplesPerChain; k++)
                {
                    ReadOnlySpan<sbyte> s = set.Samples.Row(c * samplesPerChain + k);
                    sum += model.LogWeight(s) - zeroJ.LogWeight(s);
                }

                chainMeans[c] = sum / samplesPerChain;
            }

            double mean = Statistics.Mean(chainMeans);
            double se2 = Statistics.Variance(chainMeans) / chains;
            integral += rule.Weights[q] * mean;
            variance += rule.Weights[q] * rule.Weights[q] * se2;
        }

        return new Estimate(logZ0 + integral, Math.Sqrt(variance));
    }

    /// <summary>Mean log-likelihood per sample, (1/M) Σ_t [−E(s_t)] − log Z (nats).</summary>
    /// <param name="model">The model.</param>
    /// <param name="logPartition">Its log Z.</param>
    /// <param name="data">Data.</param>
    /// <returns>Nats per sample.</returns>
    public static double LogLikelihood(IsingModel model, double logPartition, SpinRaster data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        double sum = 0;
        for (int t = 0; t < data.TimeBins; t++)
        {
            sum += model.LogWeight(data.Row(t));
        }

        return sum / data.TimeBins - logPartition;
    }

    /// <summary>Log-likelihood per sample of the independent model with means <paramref name="means"/> (clipped away from ±1 by 1/(2M_train)).</summary>
    /// <param name="means">Training means.</param>
    /// <param name="trainingSamples">Training M (for the clipping).</param>
    /// <param name="data">Evaluation data.</param>
    /// <returns>Nats per sample.</returns>
    public static double IndependentLogLikelihood(double[] means, int trainingSamples, SpinRaster data)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(data);
        double eps = 1.0 / Math.Max(2, trainingSamples);
        double[] test = data.Means();
        double sum = 0;
        for (int i = 0; i < means.Length; i++)
        {
            double p = Math.Clamp((1 + means[i]) / 2, eps, 1 - eps);
            double f = (1 + test[i]) / 2;
            sum += f * Math.Log(p) + (1 - f) * Math.Log(1 - p);
        }

        return sum;
    }

    /// <summary>Entropy of the independent model, Σ_i H₂((1 + m_i)/2) in nats.</summary>
    /// <param name="means">Means.</param>
    /// <returns>Entropy (nats).</returns>
    public static double IndependentEntropy(double[] means)
    {
        ArgumentNullException.ThrowIfNull(means);
        double s = 0;
        foreach (double m in means)
        {
            double p = (1 + m) / 2;
            if (p > 0 && p < 1)
            {
                s -= p * Math.Log(p) + (1 - p) * Math.Log(1 - p);
            }
        }

        return s;
    }

    /// <summary>Connected triplet correlations ⟨δs_i δs_j δs_k⟩ (δs = s − m) for all i &lt; j &lt; k of the given neurons.</summary>
    /// <param name="raster">Data or model samples.</param>
    /// <param name="neurons">Neuron indices (the triplets of these).</param>
    /// <returns>Values in lexicographic order of (i, j, k).</returns>
    public static double[] ConnectedTriplets(SpinRaster raster, IReadOnlyList<int> neurons)
    {
        ArgumentNullException.ThrowIfNull(raster);
        ArgumentNullException.ThrowIfNull(neurons);
        double[] m = raster.Means();
        int n = neurons.Count;
        int count = n * (n - 1) * (n - 2) / 6;
        var sums = new double[count];
        var d = new double[n];
        for (int t = 0; t < raster.TimeBins; t++)
        {
            ReadOnlySpan<sbyte> row = raster.Row(t);
            for (int a = 0; a < n; a++)
            {
                d[a] = row[neurons[a]] - m[neurons[a]];
            }

            int p = 0;
            for (int a = 0; a < n; a++)
            {
                for (int b = a + 1; b < n; b++)
                {
                    double ab = d[a] * d[b];
                    for (int c = b + 1; c < n; c++)
                    {
                        sums[p++] += ab * d[c];
                    }
                }
            }
        }

        for (int p = 0; p < count; p++)
        {
            sums[p] /= raster.TimeBins;
        }

        return sums;
    }
}
