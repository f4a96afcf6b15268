using StatNeuro.Ising;

namespace StatNeuro.Inference;

/// <summary>
/// Estimates of log Z (±1 convention) for models too large to enumerate, each with a standard error:
/// annealed importance sampling along the 0/1-convention path from an independent model, and, for sparse models,
/// the low-activity estimator Z = Σ_{K ≤ k₀} w(σ) / P(K ≤ k₀).
/// </summary>
public static class PartitionFunctionEstimator
{
    /// <summary>
    /// Annealed importance sampling (Neal 2001, Stat. Comput. 11:125) along the path
    /// θ(β) = ((1 − β) b + β a, β W) in the 0/1 convention, from the independent model with biases b (sampled exactly)
    /// to the model (a, W); one heat-bath sweep per intermediate distribution, β on a uniform grid.
    /// log Z_01 = Σ_i log(1 + e^{b_i}) + log mean_c e^{w_c}; standard error by the delta method over the chains.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="chains">Independent annealing runs (a multiple of <paramref name="groups"/> is best).</param>
    /// <param name="steps">Intermediate distributions.</param>
    /// <param name="startBiases">b (null = the model's own a).</param>
    /// <param name="groups">Fixed number of chain groups run in parallel (results do not depend on the thread count).</param>
    /// <returns>log Z in the ±1 convention with its standard error.</returns>
    public static Estimate AnnealedImportanceSampling(IsingModel model, ulong seed, int chains = 64, int steps = 2000, double[]? startBiases = null, int groups = 8)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(chains, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        int n = model.Size;
        (double[] a, double[] w) = model.ToBinary();
        double[] b = startBiases ?? a;
        if (b.Length != n)
        {
            throw new ArgumentException("startBiases must have N values.", nameof(startBiases));
        }

        double logZ0 = 0;
        for (int i = 0; i < n; i++)
        {
            logZ0 += Math.Max(b[i], 0) + Math.Log(1 + Math.Exp(-Math.Abs(b[i])));
        }

        groups = Math.Min(groups, chains);
        var logWeights = new double[chains];
        Parallel.For(0, groups, g =>
        {
            int c0 = chains * g / groups, c1 = chains * (g + 1) / groups, count = c1 - c0;
            var set = new MarkovChains(ModelAt(0, a, b, w, n), count, seed + (ulong)g * 7919UL);
            for (int c = 0; c < count; c++)
            {
                set.Run(c, SamplerKind.HeatBath, 1); // exact sample of the independent start
            }

            var lw = new double[count];
            for (int k = 1; k <= steps; k++)
            {
                double dBeta = 1.0 / steps;
                for (int c = 0; c < count; c++)
                {
                    lw[c] += dBeta * PathDerivative(set.State(c), a, b, w, n);
                }

                set.SetModel(ModelAt((double)k / steps, a, b, w, n));
                for (int c = 0; c < count; c++)
                {
                    set.Run(c, SamplerKind.HeatBath, 1);
                }
            }

            Array.Copy(lw, 0, logWeights, c0, count);
        });

        double max = logWeights.Max(), s = 0, s2 = 0;
        foreach (double x in logWeights)
        {
            double e = Math.Exp(x - max);
            s += e;
            s2 += e * e;
        }

        double mean = s / chains, variance = Math.Max(s2 / chains - mean * mean, 0) * chains / (chains - 1);
        double logZ01 = logZ0 + max + Math.Log(mean);
        return new Estimate(logZ01 + model.BinaryLogPartitionShift(), Math.Sqrt(variance / chains) / mean);
    }

    /// <summary>(a − b)·σ + Σ_{i&lt;j} W_ij σ_i σ_j: the derivative of the 0/1 log-weight along the path.</summary>
    private static double PathDerivative(ReadOnlySpan<sbyte> spins, double[] a, double[] b, double[] w, int n)
    {
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            if (spins[i] > 0)
            {
                d += a[i] - b[i];
                for (int j = i + 1; j < n; j++)
                {
                    if (spins[j] > 0)
                    {
                        d += w[i * n + j];
                    }
                }
            }
        }

        return d;
    }

    private static IsingModel ModelAt(double beta, double[] a, double[] b, double[] w, int n)
    {
        var ab = new double[n];
        var wb = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            ab[i] = (1 - beta) * b[i] + beta * a[i];
        }

        for (int k = 0; k < wb.Length; k++)
        {
            wb[k] = beta * w[k];
        }

        return IsingModel.FromBinary(ab, wb);
    }

    /// <summary>
    /// Low-activity estimator for sparse models: Z_01 = Σ_{σ: K ≤ k₀} e^{a·σ + Σ W σσ} / P(K ≤ k₀), the numerator
    /// by enumeration of all patterns with at most k₀ active cells, the denominator from model samples (the all-silent
    /// pattern alone gives Z_01 = 1/P(0), the estimator of Tkačik et al. 2014). Standard error from the spread of
    /// P(K ≤ k₀) over independent chains.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="chainSamples">Samples of the model, one set per independent chain (at least 2).</param>
    /// <param name="maxActive">k₀ (0 to 3).</param>
    /// <returns>log Z in the ±1 convention with its standard error.</returns>
    public static Estimate LowActivity(IsingModel model, IReadOnlyList<BinaryPatterns> chainSamples, int maxActive = 3)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(chainSamples);
        ArgumentOutOfRangeException.ThrowIfLessThan(chainSamples.Count, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(maxActive);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxActive, 3);
        int n = model.Size;
        (double[] a, double[] w) = model.ToBinary();

        // log Σ_{K ≤ k0} w(σ), accumulated with a running maximum for safety.
        var terms = new List<double> { 0 };
        for (int i = 0; i < n && maxActive >= 1; i++)
        {
            terms.Add(a[i]);
            for (int j = i + 1; j < n && maxActive >= 2; j++)
            {
                double ij = a[i] + a[j] + w[i * n + j];
                terms.Add(ij);
                for (int k = j + 1; k < n && maxActive >= 3; k++)
                {
                    terms.Add(ij + a[k] + w[i * n + k] + w[j * n + k]);
                }
            }
        }

        double max = terms.Max(), sum = 0;
        foreach (double t in terms)
        {
            sum += Math.Exp(t - max);
        }

        double logNumerator = max + Math.Log(sum);
        int chains = chainSamples.Count;
        var fractions = new double[chains];
        double inA = 0, total = 0;
        for (int c = 0; c < chains; c++)
        {
            BinaryPatterns set = chainSamples[c];
            double hit = 0;
            for (int u = 0; u < set.Distinct; u++)
            {
                if (set.Active(u).Length <= maxActive)
                {
                    hit += set.Count(u);
                }
            }

            fractions[c] = hit / set.Total;
            inA += hit;
            total += set.Total;
        }

        double pA = inA / total;
        double mean = fractions.Average(), v = 0;
        foreach (double f in fractions)
        {
            v += (f - mean) * (f - mean);
        }

        double sePA = Math.Sqrt(v / (chains - 1) / chains);
        if (pA <= 0)
        {
            return new Estimate(double.NaN, double.PositiveInfinity);
        }

        return new Estimate(logNumerator - Math.Log(pA) + model.BinaryLogPartitionShift(), sePA / pA);
    }
}
