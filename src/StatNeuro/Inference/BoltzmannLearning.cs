using StatNeuro.Data;
using StatNeuro.Ising;

namespace StatNeuro.Inference;

/// <summary>Settings of <see cref="BoltzmannLearning"/>.</summary>
public sealed record BoltzmannLearningSettings
{
    /// <summary>Up to this N the gradient is exact (enumeration) and L-BFGS is used (<see cref="ExactMaximumLikelihood"/>).</summary>
    public int ExactUpTo { get; init; } = 20;

    /// <summary>Persistent chains (Tieleman 2008), each with its own random stream.</summary>
    public int Chains { get; init; } = 16;

    /// <summary>Initial samples per chain per iteration (one heat-bath sweep apart); doubled whenever progress stalls.</summary>
    public int SamplesPerChain { get; init; } = 250;

    /// <summary>Upper bound for the adaptive samples per chain.</summary>
    public int MaxSamplesPerChain { get; init; } = 8000;

    /// <summary>Iteration limit.</summary>
    public int MaxIterations { get; init; } = 300;

    /// <summary>Step size η of the diagonally preconditioned ascent θ ← θ + η g / (1 − ⟨φ⟩²).</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Stop when the mean squared moment error in units of the data's sampling error is below this (χ² per observable).</summary>
    public double TargetChiSquare { get; init; } = 1.0;

    /// <summary>L2 penalty λ/2 Σ J_ij² (per sample).</summary>
    public double L2 { get; init; }
}

/// <summary>
/// Boltzmann-machine learning (gradient ascent on the log-likelihood, Ackley, Hinton &amp; Sejnowski 1985), done as
/// the seed repository should have: exact gradients and L-BFGS for N ≤ <see cref="BoltzmannLearningSettings.ExactUpTo"/>;
/// otherwise persistent Markov chains (never restarted, Tieleman 2008), a warm start from pseudo-likelihood,
/// per-parameter preconditioning by the feature variance 1 − ⟨φ⟩², an adaptive Monte Carlo sample size and a stop
/// when the moment errors reach the data's own sampling noise (χ² per observable ≤ 1).
/// </summary>
/// <remarks>
/// Gradient of the log-likelihood per sample: ∂L/∂h_i = ⟨s_i⟩_data − ⟨s_i⟩_model, ∂L/∂J_ij = ⟨s_i s_j⟩_data −
/// ⟨s_i s_j⟩_model (− λ J_ij). Data sampling error used for χ²: σ² = (1 − ⟨φ⟩²)/M.
/// </remarks>
public static class BoltzmannLearning
{
    /// <summary>Fits a raster.</summary>
    /// <param name="data">Training data.</param>
    /// <param name="settings">Settings.</param>
    /// <param name="seed">Seed of the chains.</param>
    /// <param name="start">Start (null = PLM fit for N above ExactUpTo, independent model otherwise).</param>
    /// <param name="progress">Optional callback (iteration, χ²).</param>
    /// <returns>The fit; Trace.Objective holds χ² per observable.</returns>
    public static FitResult<IsingModel> Fit(SpinRaster data, BoltzmannLearningSettings? settings, ulong seed, IsingModel? start = null, Action<int, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        settings ??= new BoltzmannLearningSettings();
        int n = data.NeuronCount;
        if (n <= settings.ExactUpTo)
        {
            FitResult<IsingModel> exact = ExactMaximumLikelihood.Fit(data, new ExactLikelihoodSettings { L2 = settings.L2 }, start);
            return exact with { Method = "bm" };
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var moments = SpinMoments.FromRaster(data);
        double[] phi = IsingParameters.PackMoments(moments.Means, moments.SecondMoments);
        int p = phi.Length;
        var sigma2 = new double[p];
        for (int k = 0; k < p; k++)
        {
            sigma2[k] = Math.Max(1 - phi[k] * phi[k], 1.0 / data.TimeBins) / data.TimeBins;
        }

        IsingModel model = start ?? PseudoLikelihood.Fit(data).Model;
        double[] theta = IsingParameters.Pack(model);
        var chains = new MarkovChains(model, settings.Chains, seed);
        Parallel.For(0, settings.Chains, c => chains.Run(c, SamplerKind.HeatBath, 200));
        int samples = settings.SamplesPerChain;
        double eta = settings.LearningRate, best = double.PositiveInfinity;
        int sinceBest = 0, iteration = 0;
        bool converged = false;
        var trace = new List<FitTraceEntry>();
        double[] modelPhi = new double[p];
        while (iteration < settings.MaxIterations)
        {
            iteration++;
            chains.SetModel(model);
            modelPhi = ChainMoments(chains, n, samples);
            double chi2 = 0, gnorm = 0;
            var g = new double[p];
            for (int k = 0; k < p; k++)
            {
                g[k] = phi[k] - modelPhi[k] - (k >= n ? settings.L2 * theta[k] : 0);
                chi2 += g[k] * g[k] / sigma2[k];
                gnorm += g[k] * g[k];
            }

            chi2 /= p;
            trace.Add(new FitTraceEntry(iteration, chi2, Math.Sqrt(gnorm), clock.Elapsed.TotalSeconds));
            progress?.Invoke(iteration, chi2);

            // Monte Carlo noise of the model moments adds about M / (chains × samples × efficiency) to χ².
            if (chi2 <= settings.TargetChiSquare)
            {
                converged = true;
                break;
            }

            if (chi2 < 0.9 * best)
            {
                best = chi2;
                sinceBest = 0;
            }
            else if (++sinceBest >= 3)
            {
                if (samples < settings.MaxSamplesPerChain)
                {
                    samples = Math.Min(2 * samples, settings.MaxSamplesPerChain);
                }
                else
                {
                    eta *= 0.7;
                }

                sinceBest = 0;
                best = chi2;
            }

            for (int k = 0; k < p; k++)
            {
                double variance = Math.Max(1 - modelPhi[k] * modelPhi[k], 1e-3);
                theta[k] += eta * g[k] / variance;
            }

            model = IsingParameters.Unpack(theta, n);
        }

        var notes = new Dictionary<string, double>
        {
            ["chi_square_per_observable"] = trace.Count > 0 ? trace[^1].Objective : double.NaN,
            ["samples_per_chain"] = samples,
        };
        return new FitResult<IsingModel>(model, converged, iteration, trace, "bm", notes);
    }

    private static double[] ChainMoments(MarkovChains chains, int n, int samples)
    {
        int p = IsingParameters.Count(n);
        var partial = new double[chains.Chains][];
        Parallel.For(0, chains.Chains, c =>
        {
            var sums = new long[p];
            for (int k = 0; k < samples; k++)
            {
                chains.Run(c, SamplerKind.HeatBath, 1);
                ReadOnlySpan<sbyte> s = chains.State(c);
                int q = n;
                for (int i = 0; i < n; i++)
                {
                    int si = s[i];
                    sums[i] += si;
                    for (int j = i + 1; j < n; j++)
                    {
                        sums[q++] += si * s[j];
                    }
                }
            }

            var r = new double[p];
            for (int k = 0; k < p; k++)
            {
                r[k] = (double)sums[k] / samples;
            }

            partial[c] = r;
        });
        var mean = new double[p];
        foreach (double[] r in partial)
        {
            for (int k = 0; k < p; k++)
            {
                mean[k] += r[k] / chains.Chains;
            }
        }

        return mean;
    }
}
