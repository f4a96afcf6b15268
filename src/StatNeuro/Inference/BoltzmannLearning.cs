using StatNeuro.Data;
using StatNeuro.Ising;

namespace StatNeuro.Inference;

/// <summary>Settings of <see cref="BoltzmannLearning"/>.</summary>
public sealed record BoltzmannLearningSettings
{
    /// <summary>Up to this N the gradient is exact (enumeration) and L-BFGS is used (<see cref="ExactMaximumLikelihood"/>).</summary>
    public int ExactUpTo { get; init; } = 20;

    /// <summary>L2 penalty λ/2 Σ J_ij² (per sample, ±1 couplings).</summary>
    public double L2 { get; init; }

    /// <summary>Settings of the Monte Carlo path (N above <see cref="ExactUpTo"/>); its L2 is replaced by <see cref="L2"/>.</summary>
    public HistogramReweightingSettings MonteCarlo { get; init; } = new();
}

/// <summary>
/// Boltzmann-machine learning (maximum likelihood of the pairwise maximum-entropy model, Ackley, Hinton &amp;
/// Sejnowski 1985), done as the seed repository should have: exact gradients and L-BFGS for
/// N ≤ <see cref="BoltzmannLearningSettings.ExactUpTo"/>; above, Monte Carlo histogram reweighting in the 0/1
/// convention with persistent chains, a trust region on the importance weights and a stop at the data's own sampling
/// noise (<see cref="HistogramReweighting"/>), started from the independent model.
/// </summary>
/// <remarks>
/// Gradient of the log-likelihood per sample: ∂L/∂h_i = ⟨s_i⟩_data − ⟨s_i⟩_model, ∂L/∂J_ij = ⟨s_i s_j⟩_data −
/// ⟨s_i s_j⟩_model (− λ J_ij). An earlier version ran plain persistent-chain ascent in ±1 units from the PLM
/// start; on the sparse retina data it diverged (features s_i, s_j, s_i s_j nearly collinear at ⟨s⟩ ≈ −0.93, and the
/// unregularised PLM start has a spurious high-activity mode), see docs/inference.md.
/// </remarks>
public static class BoltzmannLearning
{
    /// <summary>Fits a raster.</summary>
    /// <param name="data">Training data.</param>
    /// <param name="settings">Settings.</param>
    /// <param name="seed">Seed of the chains.</param>
    /// <param name="start">Start (null = independent model).</param>
    /// <param name="progress">Optional progress lines (Monte Carlo path).</param>
    /// <returns>The fit.</returns>
    public static FitResult<IsingModel> Fit(SpinRaster data, BoltzmannLearningSettings? settings, ulong seed, IsingModel? start = null, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        settings ??= new BoltzmannLearningSettings();
        if (data.NeuronCount <= settings.ExactUpTo)
        {
            FitResult<IsingModel> exact = ExactMaximumLikelihood.Fit(data, new ExactLikelihoodSettings { L2 = settings.L2 }, start);
            return exact with { Method = "bm" };
        }

        FitResult<IsingModel> mc = HistogramReweighting.Fit(data, settings.MonteCarlo with { L2 = settings.L2 }, seed, start, progress);
        return mc with { Method = "bm" };
    }
}
