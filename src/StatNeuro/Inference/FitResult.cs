namespace StatNeuro.Inference;

/// <summary>One row of a fit's trace.</summary>
/// <param name="Iteration">Iteration number (0 = start).</param>
/// <param name="Objective">The minimised objective (e.g. negative log-likelihood per sample), NaN if not computed.</param>
/// <param name="GradientNorm">Euclidean norm of the gradient (or of the moment mismatch), NaN if not computed.</param>
/// <param name="Seconds">Wall time since the fit started.</param>
public sealed record FitTraceEntry(int Iteration, double Objective, double GradientNorm, double Seconds);

/// <summary>The result of every <c>Fit</c> verb: the model, whether the method's own stopping rule was met, the iterations used and a per-iteration trace.</summary>
/// <typeparam name="TModel">The fitted model type.</typeparam>
/// <param name="Model">Fitted model.</param>
/// <param name="Converged">True when the stopping criterion was reached (non-iterative methods: true).</param>
/// <param name="Iterations">Iterations performed.</param>
/// <param name="Trace">Per-iteration trace.</param>
/// <param name="Method">Short method name (exact, plm, bm, nmf, tap, ip, sm).</param>
/// <param name="Notes">Method-specific counts (e.g. TAP pairs without a real root), as name/value pairs.</param>
public sealed record FitResult<TModel>(TModel Model, bool Converged, int Iterations, IReadOnlyList<FitTraceEntry> Trace, string Method, IReadOnlyDictionary<string, double> Notes);
