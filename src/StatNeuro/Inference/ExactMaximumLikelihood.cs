using StatNeuro.Data;
using StatNeuro.Ising;

namespace StatNeuro.Inference;

/// <summary>Settings of <see cref="ExactMaximumLikelihood"/>.</summary>
public sealed record ExactLikelihoodSettings
{
    /// <summary>Stop when the Euclidean norm of the gradient of the per-sample log-likelihood is below this.</summary>
    public double GradientTolerance { get; init; } = 1e-8;

    /// <summary>Iteration limit.</summary>
    public int MaxIterations { get; init; } = 2000;

    /// <summary>L2 penalty λ/2 Σ_{i&lt;j} J_ij² added to the negative log-likelihood per sample (0 = plain ML).</summary>
    public double L2 { get; init; }
}

/// <summary>
/// Exact maximum-likelihood (Boltzmann learning with exact gradients) for N ≤ 25: L-BFGS on
/// f(h, J) = log Z − Σ h_i m_i − Σ_{i&lt;j} J_ij q_ij (the negative log-likelihood per sample), with ∇f = model
/// moments − data moments computed exactly by <see cref="ExactEnumeration"/>.
/// </summary>
/// <remarks>
/// f is convex (its Hessian is the covariance of the features s_i, s_i s_j), so the maximum-entropy /
/// maximum-likelihood point is unique when it exists (Ackley, Hinton &amp; Sejnowski 1985; Schneidman et al. 2006).
/// The start is the independent model h_i = atanh m_i, J = 0.
/// </remarks>
public static class ExactMaximumLikelihood
{
    /// <summary>Fits a raster.</summary>
    /// <param name="data">Training data (N ≤ 25).</param>
    /// <param name="settings">Tolerances.</param>
    /// <param name="start">Starting model (null = independent model).</param>
    /// <returns>The fit; its trace holds f and the gradient norm per iteration.</returns>
    public static FitResult<IsingModel> Fit(SpinRaster data, ExactLikelihoodSettings? settings = null, IsingModel? start = null) =>
        Fit(SpinMoments.FromRaster(data), settings, start);

    /// <summary>Fits given moments.</summary>
    /// <param name="moments">Data moments (N ≤ 25).</param>
    /// <param name="settings">Tolerances.</param>
    /// <param name="start">Starting model (null = independent model).</param>
    /// <returns>The fit.</returns>
    public static FitResult<IsingModel> Fit(SpinMoments moments, ExactLikelihoodSettings? settings = null, IsingModel? start = null)
    {
        ArgumentNullException.ThrowIfNull(moments);
        settings ??= new ExactLikelihoodSettings();
        int n = moments.Size;
        if (n > ExactEnumeration.MaxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(moments), $"exact maximum likelihood needs N <= {ExactEnumeration.MaxSize}, got {n}.");
        }

        double[] phi = IsingParameters.PackMoments(moments.Means, moments.SecondMoments);
        double lambda = settings.L2;
        double Objective(ReadOnlySpan<double> theta, Span<double> gradient)
        {
            IsingModel model = IsingParameters.Unpack(theta, n);
            ExactStatistics e = ExactEnumeration.Compute(model, -1, upCounts: false);
            double[] modelPhi = IsingParameters.PackMoments(e.Means, e.SecondMoments);
            double f = e.LogPartition;
            for (int k = 0; k < phi.Length; k++)
            {
                f -= theta[k] * phi[k];
                gradient[k] = modelPhi[k] - phi[k];
                if (k >= n)
                {
                    f += 0.5 * lambda * theta[k] * theta[k];
                    gradient[k] += lambda * theta[k];
                }
            }

            return f;
        }

        double[] x0 = IsingParameters.Pack(start ?? IsingParameters.IndependentStart(moments.Means));
        LbfgsResult r = Lbfgs.Minimize(Objective, x0, settings.GradientTolerance, settings.MaxIterations, memory: 20);
        var notes = new Dictionary<string, double>
        {
            ["log_likelihood"] = -r.Value,
            ["gradient_norm"] = r.GradientNorm,
            ["evaluations"] = r.Evaluations,
        };
        return new FitResult<IsingModel>(IsingParameters.Unpack(r.X, n), r.Converged, r.Iterations, r.Trace, "exact", notes);
    }
}
