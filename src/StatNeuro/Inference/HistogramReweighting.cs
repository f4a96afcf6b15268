using System.Diagnostics;
using StatNeuro.Data;
using StatNeuro.Ising;

namespace StatNeuro.Inference;

/// <summary>Settings of <see cref="HistogramReweighting"/>.</summary>
public sealed record HistogramReweightingSettings
{
    /// <summary>Persistent heat-bath chains (never restarted), sampled in parallel.</summary>
    public int Chains { get; init; } = 32;

    /// <summary>Samples per chain in the first round; doubled every round up to <see cref="MaxSamplesPerChain"/>.</summary>
    public int InitialSamplesPerChain { get; init; } = 1000;

    /// <summary>Samples per chain in the final rounds (convergence is only declared at this size).</summary>
    public int MaxSamplesPerChain { get; init; } = 40_000;

    /// <summary>Sweeps between samples.</summary>
    public int SweepsPerSample { get; init; } = 1;

    /// <summary>Sweeps of burn-in after every parameter update (the first round uses 10× as many).</summary>
    public int BurnInSweeps { get; init; } = 20;

    /// <summary>Round limit (one round = one Monte Carlo sample + one reweighted optimisation).</summary>
    public int MaxRounds { get; init; } = 40;

    /// <summary>L-BFGS iterations on the reweighted likelihood per round.</summary>
    public int InnerIterations { get; init; } = 40;

    /// <summary>Trust region: the Kish effective sample size of the importance weights may not fall below this fraction of the sample.</summary>
    public double MinEffectiveFraction { get; init; } = 0.5;

    /// <summary>Trust region: largest change of one 0/1-convention parameter (a_i or W_ij) per round.</summary>
    public double MaxStep { get; init; } = 1.0;

    /// <summary>
    /// Stop when, for the means and for the pair moments, the RMS z-score (model − data, in units of the data's block
    /// standard error) exceeds the Monte Carlo noise of the model moments by at most this: rms z² − rms z_MC² ≤ target².
    /// </summary>
    public double TargetRmsZ { get; init; } = 0.5;

    /// <summary>L2 penalty λ/2 Σ_{i&lt;j} J_ij² per sample, on the ±1 couplings (= λ/32 Σ W_ij²).</summary>
    public double L2 { get; init; }

    /// <summary>Thread limit (−1 = all cores).</summary>
    public int MaxThreads { get; init; } = -1;
}

/// <summary>Moment mismatch of a model sample against data, in units of the data's standard errors.</summary>
/// <param name="RmsMeans">RMS z over the N means.</param>
/// <param name="RmsPairs">RMS z over the N(N−1)/2 pair moments ⟨σ_i σ_j⟩ (equivalently connected correlations once the means match).</param>
/// <param name="MaxAbsMeans">Largest |z| of a mean.</param>
/// <param name="MaxAbsPairs">Largest |z| of a pair moment.</param>
/// <param name="Z">All z-scores in packed order (means, then pairs).</param>
public sealed record MomentZScores(double RmsMeans, double RmsPairs, double MaxAbsMeans, double MaxAbsPairs, double[] Z)
{
    /// <summary>z = (model − data) / SE for every feature.</summary>
    /// <param name="model">Model features (packed order).</param>
    /// <param name="data">Data features.</param>
    /// <param name="standardErrors">Standard errors.</param>
    /// <param name="n">N.</param>
    /// <returns>The summary.</returns>
    public static MomentZScores Compute(double[] model, double[] data, double[] standardErrors, int n)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(standardErrors);
        var z = new double[model.Length];
        double sm = 0, sp = 0, mm = 0, mp = 0;
        for (int k = 0; k < z.Length; k++)
        {
            z[k] = (model[k] - data[k]) / standardErrors[k];
            if (k < n)
            {
                sm += z[k] * z[k];
                mm = Math.Max(mm, Math.Abs(z[k]));
            }
            else
            {
                sp += z[k] * z[k];
                mp = Math.Max(mp, Math.Abs(z[k]));
            }
        }

        int pairs = Math.Max(1, z.Length - n);
        return new MomentZScores(Math.Sqrt(sm / n), Math.Sqrt(sp / pairs), mm, mp, z);
    }
}

/// <summary>
/// Maximum-entropy pairwise (Boltzmann-machine) fit by Monte Carlo histogram reweighting (Broderick, Dudík, Tkačik,
/// Schapire &amp; Bialek 2007, arXiv:0712.2437; Ferrenberg &amp; Swendsen 1988), done in the 0/1 convention where the
/// sparse retina features are well conditioned. Each round draws samples from the current model with persistent
/// heat-bath chains, then maximises the reweighted log-likelihood
/// L(θ + Δ) − L(θ) = Δ·φ̄_data − log ⟨e^{Δ·φ}⟩_samples (concave in Δ) by L-BFGS in coordinates scaled by the
/// data feature standard deviation (a diagonal natural gradient), inside a trust region: the importance weights
/// must keep a Kish effective sample size ≥ <see cref="HistogramReweightingSettings.MinEffectiveFraction"/> of the
/// sample and no parameter may move by more than <see cref="HistogramReweightingSettings.MaxStep"/>. The Monte Carlo
/// sample grows each round; the fit stops when the moments match the data within the data's own sampling error
/// (block/repeat standard errors, see <see cref="BinaryPatterns.BlockStandardErrors"/>).
/// </summary>
/// <remarks>
/// Parameters: P(σ) ∝ exp(Σ a_i σ_i + Σ_{i&lt;j} W_ij σ_i σ_j) with σ = (s + 1)/2; the result is returned in the ±1
/// convention (exact conversion <see cref="IsingModel.FromBinary"/>). Start: the independent model
/// a_i = logit p_i, W = 0 (or a given model). The gradient of the 0/1 likelihood is p_data − p_model for the
/// features σ_i, σ_i σ_j, i.e. the same moment-matching conditions as in ±1 units.
/// </remarks>
public static class HistogramReweighting
{
    /// <summary>Fits a raster.</summary>
    /// <param name="data">Training data.</param>
    /// <param name="settings">Settings (null = defaults).</param>
    /// <param name="seed">Seed of the chains.</param>
    /// <param name="start">Start model (null = independent model).</param>
    /// <param name="progress">Optional progress lines.</param>
    /// <returns>The fit; Trace.Objective holds the larger of the two RMS z-scores of each round, GradientNorm the RMS moment error.</returns>
    public static FitResult<IsingModel> Fit(SpinRaster data, HistogramReweightingSettings? settings, ulong seed, IsingModel? start = null, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        settings ??= new HistogramReweightingSettings();
        var clock = Stopwatch.StartNew();
        int n = data.NeuronCount, p = IsingParameters.Count(n), m = data.TimeBins;
        double[] phiData = BinaryPatterns.FromRaster(data).FeatureMeans();
        (double[] se, _) = BinaryPatterns.BlockStandardErrors(data);

        double[] theta = start is null ? IndependentBinary(phiData, n, m) : PackBinary(start);
        IsingModel model = UnpackBinary(theta, n);
        var chains = new MarkovChains(model, settings.Chains, seed);
        int samples = settings.InitialSamplesPerChain, burn = 10 * settings.BurnInSweeps, round = 0;
        bool converged = false;
        var trace = new List<FitTraceEntry>();
        MomentZScores? last = null;
        double noiseMeans = double.NaN, noisePairs = double.NaN;
        while (round < settings.MaxRounds)
        {
            round++;
            chains.SetModel(model);
            BinaryPatterns[] perChain = BinaryPatterns.SampleChains(chains, samples, burn, settings.SweepsPerSample, settings.MaxThreads);
            BinaryPatterns sample = BinaryPatterns.Merge(perChain);
            burn = settings.BurnInSweeps;
            double[] phiModel = sample.FeatureMeans();
            last = MomentZScores.Compute(phiModel, phiData, se, n);
            (noiseMeans, noisePairs) = MonteCarloNoise(perChain, phiModel, se, n);
            double rms = 0;
            for (int k = 0; k < p; k++)
            {
                rms += (phiModel[k] - phiData[k]) * (phiModel[k] - phiData[k]);
            }

            trace.Add(new FitTraceEntry(round, Math.Max(last.RmsMeans, last.RmsPairs), Math.Sqrt(rms / p), clock.Elapsed.TotalSeconds));
            progress?.Invoke($"  round {round}: {settings.Chains} x {samples} samples, rms z means {last.RmsMeans:F3}, pairs {last.RmsPairs:F3} (Monte Carlo noise alone {noiseMeans:F3}, {noisePairs:F3}), {sample.Distinct} distinct patterns, {clock.Elapsed.TotalSeconds:F1} s");
            // Converged when the mismatch beyond the Monte Carlo noise of the model moments is within the target:
            // rms z² − rms z_MC² ≤ target² for the means and for the pairs.
            double t2 = settings.TargetRmsZ * settings.TargetRmsZ;
            if (samples >= settings.MaxSamplesPerChain
                && last.RmsMeans * last.RmsMeans - noiseMeans * noiseMeans <= t2
                && last.RmsPairs * last.RmsPairs - noisePairs * noisePairs <= t2)
            {
                converged = true;
                break;
            }

            // Diagonal natural gradient: Δ_k = x_k / √Var_model(φ_k), the inverse square root of the Hessian's diagonal.
            var scale = new double[p];
            for (int k = 0; k < p; k++)
            {
                double v = Math.Max(phiModel[k] * (1 - phiModel[k]), 1.0 / sample.Total);
                scale[k] = 1 / Math.Sqrt(v);
            }

            double[] delta = ReweightedStep(sample, phiData, theta, scale, n, settings, m);
            for (int k = 0; k < p; k++)
            {
                theta[k] += delta[k];
            }

            model = UnpackBinary(theta, n);
            samples = Math.Min(2 * samples, settings.MaxSamplesPerChain);
        }

        var notes = new Dictionary<string, double>
        {
            ["rms_z_means"] = last?.RmsMeans ?? double.NaN,
            ["rms_z_pairs"] = last?.RmsPairs ?? double.NaN,
            ["max_abs_z_means"] = last?.MaxAbsMeans ?? double.NaN,
            ["max_abs_z_pairs"] = last?.MaxAbsPairs ?? double.NaN,
            ["rms_z_means_monte_carlo_noise"] = noiseMeans,
            ["rms_z_pairs_monte_carlo_noise"] = noisePairs,
            ["rounds"] = round,
            ["samples_per_round"] = (double)samples * settings.Chains,
            ["seconds"] = clock.Elapsed.TotalSeconds,
        };
        return new FitResult<IsingModel>(model, converged, round, trace, "mch", notes);
    }

    /// <summary>
    /// One reweighting round: maximise Δ·φ̄_data − log Σ_u c_u e^{Δ·φ_u} − penalty over Δ = x ∘ scale
    /// inside the trust region; returns Δ in 0/1 units.
    /// </summary>
    private static double[] ReweightedStep(BinaryPatterns sample, double[] phiData, double[] theta, double[] scale, int n, HistogramReweightingSettings settings, int m)
    {
        int p = phiData.Length, u = sample.Distinct;
        var features = new int[u][];
        var logCounts = new double[u];
        for (int k = 0; k < u; k++)
        {
            features[k] = sample.Features(k);
            logCounts[k] = Math.Log(sample.Count(k));
        }

        double total = sample.Total, minEss = settings.MinEffectiveFraction * total, l2 = settings.L2 / 16;
        var delta = new double[p];
        var ell = new double[u];
        double Objective(ReadOnlySpan<double> x, Span<double> g)
        {
            for (int k = 0; k < p; k++)
            {
                delta[k] = x[k] * scale[k];
                if (Math.Abs(delta[k]) > settings.MaxStep)
                {
                    return double.PositiveInfinity;
                }
            }

            double max = double.NegativeInfinity;
            for (int q = 0; q < u; q++)
            {
                double s = 0;
                foreach (int f in features[q])
                {
                    s += delta[f];
                }

                ell[q] = s;
                max = Math.Max(max, s);
            }

            double sw = 0, sw2 = 0;
            g.Clear();
            for (int q = 0; q < u; q++)
            {
                double w = Math.Exp(ell[q] - max + logCounts[q]);
                double w1 = Math.Exp(ell[q] - max);
                sw += w;
                sw2 += w * w1;
                foreach (int f in features[q])
                {
                    g[f] += w;
                }
            }

            if (sw * sw / sw2 < minEss)
            {
                return double.PositiveInfinity;
            }

            double value = max + Math.Log(sw / total);
            for (int k = 0; k < p; k++)
            {
                value -= delta[k] * phiData[k];
                double grad = g[k] / sw - phiData[k];
                if (k >= n && l2 > 0)
                {
                    double w = theta[k] + delta[k];
                    value += l2 / 2 * w * w;
                    grad += l2 * w;
                }

                g[k] = grad * scale[k];
            }

            return value;
        }

        // In these coordinates the gradient is ≈ z/√M per feature; stop well inside the data noise.
        LbfgsResult result = Lbfgs.Minimize(Objective, new double[p], 0.05 * Math.Sqrt(p / (double)m), settings.InnerIterations);
        var step = new double[p];
        for (int k = 0; k < p; k++)
        {
            step[k] = result.X[k] * scale[k];
        }

        return step;
    }

    /// <summary>RMS over features of (Monte Carlo standard error / data standard error), the MC error from the spread over independent chains.</summary>
    /// <param name="perChain">Samples, one set per independent chain.</param>
    /// <param name="phiModel">Mean features of all chains together.</param>
    /// <param name="se">Data standard errors.</param>
    /// <param name="n">N.</param>
    /// <returns>RMS z of the Monte Carlo noise alone, for the means and for the pair moments.</returns>
    public static (double Means, double Pairs) MonteCarloNoise(BinaryPatterns[] perChain, double[] phiModel, double[] se, int n)
    {
        int c = perChain.Length, p = phiModel.Length;
        var v = new double[p];
        foreach (BinaryPatterns set in perChain)
        {
            double[] f = set.FeatureMeans();
            for (int k = 0; k < p; k++)
            {
                v[k] += (f[k] - phiModel[k]) * (f[k] - phiModel[k]);
            }
        }

        double sm = 0, sp = 0;
        for (int k = 0; k < p; k++)
        {
            double z2 = v[k] / (c - 1) / c / (se[k] * se[k]);
            if (k < n)
            {
                sm += z2;
            }
            else
            {
                sp += z2;
            }
        }

        return (Math.Sqrt(sm / n), Math.Sqrt(sp / Math.Max(1, p - n)));
    }

    private static double[] IndependentBinary(double[] phiData, int n, int m)
    {
        var theta = new double[IsingParameters.Count(n)];
        for (int i = 0; i < n; i++)
        {
            double q = Math.Clamp(phiData[i], 0.5 / m, 1 - 0.5 / m);
            theta[i] = Math.Log(q / (1 - q));
        }

        return theta;
    }

    /// <summary>Packs a model's 0/1-convention parameters (a, then W_ij for i &lt; j).</summary>
    internal static double[] PackBinary(IsingModel model)
    {
        int n = model.Size;
        (double[] a, double[] w) = model.ToBinary();
        var theta = new double[IsingParameters.Count(n)];
        a.CopyTo(theta, 0);
        int q = n;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                theta[q++] = w[i * n + j];
            }
        }

        return theta;
    }

    /// <summary>The ±1 model of packed 0/1-convention parameters.</summary>
    internal static IsingModel UnpackBinary(ReadOnlySpan<double> theta, int n)
    {
        var w = new double[n * n];
        int q = n;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                w[i * n + j] = w[j * n + i] = theta[q++];
            }
        }

        return IsingModel.FromBinary(theta[..n], w);
    }
}
