using System.Diagnostics;
using StatNeuro.Data;
using StatNeuro.Dynamics;
using StatNeuro.Ising;
using StatNeuro.Numerics;

namespace StatNeuro.Inference;

/// <summary>Settings of <see cref="KineticIsingLearning"/>.</summary>
public sealed record KineticLearningSettings
{
    /// <summary>L2 penalty λ on the couplings: the objective is L/M − (λ/2) Σ_ij J_ij² (L = log-likelihood, M = transitions).</summary>
    public double L2 { get; init; }

    /// <summary>L1 (lasso) penalty λ₁ on the couplings J only (fields unpenalised), in the same per-transition units as
    /// <see cref="L2"/>: the asymmetric ML fit maximises L/M − (λ₂/2) Σ_ij J_ij² − λ₁ Σ_ij |J_ij| by proximal Newton, and
    /// couplings with |∂(L/M)/∂J_ij| ≤ λ₁ at the optimum are exactly 0. Used by <see cref="KineticIsingLearning.MaximumLikelihood"/> only.</summary>
    public double L1 { get; init; }

    /// <summary>Use the proximal-Newton row solver even when <see cref="L1"/> = 0 (tests).</summary>
    internal bool ForceProximal { get; init; }

    /// <summary>Stop when the Euclidean norm of the gradient of the per-transition objective (all h and J) is below this.</summary>
    public double GradientTolerance { get; init; } = 1e-8;

    /// <summary>Iteration limit (Newton iterations per neuron; L-BFGS iterations for the symmetric fit).</summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>Worker threads (0 = all cores).</summary>
    public int MaxThreads { get; init; }

    /// <summary>Number of stimulus bins B of time-dependent fields h_i(b) shared across repeats (segments); 1 = constant fields.</summary>
    public int StimulusBins { get; init; } = 1;

    /// <summary>With B &gt; 1: Gaussian prior of precision κ (per repeat-independent bin, in log-likelihood units) pulling each
    /// a_i(b) toward the constant-field fit, so bins where a neuron never fires keep a finite field.</summary>
    public double FieldPrior { get; init; } = 1.0;

    /// <summary>Fit the self-couplings J_ii (true: they capture each neuron's own persistence or refractoriness).</summary>
    public bool SelfCouplings { get; init; } = true;
}

/// <summary>
/// Inference of kinetic Ising models (<see cref="KineticIsingModel"/>) from time series: exact maximum likelihood
/// (per-neuron Newton, rows in parallel), the symmetric-coupling constrained maximum likelihood (L-BFGS), and the
/// kinetic naive mean-field and TAP inversions.
/// </summary>
/// <remarks>
/// The log-likelihood of parallel Glauber dynamics, L = Σ_t Σ_i [s_i(t+1) H_i(t) − ln 2cosh H_i(t)], factorises over
/// target neurons i into N concave logistic-regression problems in (h_i, J_i·) with gradient
/// ∂L/∂J_ij = Σ_t [s_i(t+1) − tanh H_i(t)] s_j(t) and Hessian −Σ_t sech² H_i(t) x x^T, x = (1, s(t)) (Roudi &amp; Hertz
/// 2011 PRL 106:048702; Zeng, Aurell, Alava &amp; Mahmoudi 2011). Transitions are taken only inside segments.
/// Mean-field inversions: nMF J = A⁻¹ D C⁻¹ with A = diag(1 − m²), C and D the equal-time and one-step connected
/// correlations; TAP rescales row i by 1/(1 − F_i), F_i (1 − F_i)² = (1 − m_i²) Σ_j (J^nMF_ij)² (1 − m_j²) (Roudi &amp;
/// Hertz 2011, J. Stat. Mech. P03031); with no root (right side &gt; 4/27) F_i = 1/3 is used and counted.
/// </remarks>
public static partial class KineticIsingLearning
{
    /// <summary>Exact maximum likelihood with asymmetric couplings (Newton per neuron, rows in parallel).</summary>
    /// <param name="data">Raster; its segments are never crossed (and are the stimulus repeats when B &gt; 1).</param>
    /// <param name="settings">Settings (null = defaults).</param>
    /// <returns>The fit; Notes hold log_likelihood (per transition), gradient_norm (with L1 &gt; 0: the norm of the
    /// minimum-norm subgradient of the penalised objective), transitions, patterns, and with L1 &gt; 0 also l1 and
    /// nonzero_couplings.</returns>
    public static FitResult<KineticIsingModel> MaximumLikelihood(SpinRaster data, KineticLearningSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        settings ??= new KineticLearningSettings();
        Validate(data, settings);
        var clock = Stopwatch.StartNew();
        int n = data.NeuronCount;
        int bins = settings.StimulusBins;
        double[]? prior = null;
        double[]? start = null;
        if (bins > 1)
        {
            FitResult<KineticIsingModel> constant = MaximumLikelihood(data, settings with { StimulusBins = 1 });
            KineticTransitions t1 = KineticTransitions.Build(data, 1);
            (double[] a0, double[] b0) = ToSparseBasis(constant.Model, t1.Flip);
            prior = a0;
            start = new double[n * (bins + n)];
            for (int i = 0; i < n; i++)
            {
                for (int b = 0; b < bins; b++)
                {
                    start[i * (bins + n) + b] = a0[i];
                }

                Array.Copy(b0, i * n, start, i * (bins + n) + bins, n);
            }
        }

        KineticTransitions set = KineticTransitions.Build(data, bins);
        set.PrepareHessianLayout();
        double[] binCounts = set.BinCounts();
        var rows = new RowResult[n];
        var options = new ParallelOptions { MaxDegreeOfParallelism = settings.MaxThreads > 0 ? settings.MaxThreads : Environment.ProcessorCount };
        double rowTolerance = settings.GradientTolerance / Math.Sqrt(n);
        Parallel.For(0, n, options, i =>
        {
            double[] theta = new double[bins + n];
            if (start is not null)
            {
                Array.Copy(start, i * (bins + n), theta, 0, bins + n);
            }

            double p = prior is null ? double.NaN : prior[i];
            rows[i] = settings.L1 > 0 || settings.ForceProximal
                ? ProximalNewtonRow(set, i, theta, settings, p, rowTolerance)
                : NewtonRow(set, i, theta, settings, p, binCounts, rowTolerance);
        });

        // Back to (h, J): J_ij = c_j B_ij / 2, h_i(b) = a_i(b) + Σ_j c_j J_ij.
        var h = new double[bins * n];
        var j = new double[n * n];
        double ll = 0, g2 = 0;
        int maxIter = 0;
        bool converged = true;
        for (int i = 0; i < n; i++)
        {
            double[] th = rows[i].Theta;
            double shift = 0;
            for (int k = 0; k < n; k++)
            {
                j[i * n + k] = set.Flip[k] * th[bins + k] / 2;
                shift += set.Flip[k] * j[i * n + k];
            }

            for (int b = 0; b < bins; b++)
            {
                h[b * n + i] = binCounts[b] > 0 || prior is not null ? th[b] + shift : 0;
            }

            ll += rows[i].LogLikelihood;
            g2 += rows[i].GradientNorm * rows[i].GradientNorm;
            maxIter = Math.Max(maxIter, rows[i].Iterations);
            converged &= rows[i].Converged;
        }

        double gnorm = Math.Sqrt(g2);
        converged |= gnorm <= settings.GradientTolerance;
        var model = new KineticIsingModel(h, j, bins);
        var notes = new Dictionary<string, double>
        {
            ["log_likelihood"] = ll,
            ["gradient_norm"] = gnorm,
            ["transitions"] = set.Transitions,
            ["patterns"] = set.PatternCount,
            ["seconds"] = clock.Elapsed.TotalSeconds,
        };
        if (settings.L1 > 0 || settings.ForceProximal)
        {
            notes["l1"] = settings.L1;
            notes["nonzero_couplings"] = j.Count(v => v != 0);
        }

        var trace = new List<FitTraceEntry> { new(maxIter, -ll, gnorm, clock.Elapsed.TotalSeconds) };
        return new FitResult<KineticIsingModel>(model, converged, maxIter, trace, "ml", notes);
    }

    /// <summary>Maximum likelihood constrained to symmetric couplings J_ij = J_ji (constant fields), by damped Newton (exact Hessian, Cholesky) from the
    /// symmetrised asymmetric fit. The symmetric family is contained in the asymmetric one, so at convergence its
    /// log-likelihood is at most the asymmetric maximum.</summary>
    /// <param name="data">Raster.</param>
    /// <param name="settings">Settings (<see cref="KineticLearningSettings.StimulusBins"/> must be 1).</param>
    /// <returns>The fit; Notes as for <see cref="MaximumLikelihood"/>.</returns>
    public static FitResult<KineticIsingModel> SymmetricMaximumLikelihood(SpinRaster data, KineticLearningSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        settings ??= new KineticLearningSettings();
        Validate(data, settings);
        if (settings.StimulusBins != 1)
        {
            throw new ArgumentException("the symmetric fit supports constant fields only (StimulusBins = 1).", nameof(settings));
        }

        if (settings.L1 != 0)
        {
            throw new ArgumentException("the symmetric fit has no L1 penalty (L1 must be 0); use MaximumLikelihood.", nameof(settings));
        }

        var clock = Stopwatch.StartNew();
        int n = data.NeuronCount;
        KineticIsingModel asym = MaximumLikelihood(data, settings with { GradientTolerance = Math.Max(settings.GradientTolerance, 1e-6) }).Model;
        KineticTransitions set = KineticTransitions.Build(data, 1);
        set.PrepareHessianLayout();
        int pairs = n * (n + 1) / 2;
        var x0 = new double[n + pairs];
        for (int i = 0; i < n; i++)
        {
            x0[i] = asym.Fields[i];
        }

        int q = n;
        for (int i = 0; i < n; i++)
        {
            for (int k = i; k < n; k++)
            {
                x0[q++] = settings.SelfCouplings || i != k ? 0.5 * (asym.Coupling(i, k) + asym.Coupling(k, i)) : 0;
            }
        }

        int threads = settings.MaxThreads > 0 ? settings.MaxThreads : Environment.ProcessorCount;
        var evaluator = new SymmetricObjective(set, settings);
        (double[] xOpt, double llOpt, double gOpt, int iterations, bool converged) = SymmetricNewton(set, settings, x0, threads);
        (double[] h, double[] j) = evaluator.Unpack(xOpt);
        var model = new KineticIsingModel(h, j);
        var notes = new Dictionary<string, double>
        {
            ["log_likelihood"] = llOpt,
            ["gradient_norm"] = gOpt,
            ["transitions"] = set.Transitions,
            ["patterns"] = set.PatternCount,
            ["seconds"] = clock.Elapsed.TotalSeconds,
        };
        var trace = new List<FitTraceEntry> { new(iterations, -llOpt, gOpt, clock.Elapsed.TotalSeconds) };
        return new FitResult<KineticIsingModel>(model, converged, iterations, trace, "ml-symmetric", notes);
    }

    /// <summary>Kinetic naive mean-field inversion J = A⁻¹ D C⁻¹, h_i = atanh m_i − Σ_j J_ij m_j (Roudi &amp; Hertz 2011).</summary>
    /// <param name="data">Raster (at least two transitions; no constant neuron).</param>
    /// <returns>The fit (non-iterative: Converged = true).</returns>
    public static FitResult<KineticIsingModel> NaiveMeanField(SpinRaster data) => MeanField(data, tap: false);

    /// <summary>Kinetic TAP inversion (Roudi &amp; Hertz 2011): nMF rows rescaled by 1/(1 − F_i), fields with the Onsager term
    /// h_i = atanh m_i − Σ_j J_ij m_j + m_i Σ_j J_ij² (1 − m_j²).</summary>
    /// <param name="data">Raster.</param>
    /// <returns>The fit; Notes["tap_no_root"] counts the neurons where F_i = 1/3 had to be used.</returns>
    public static FitResult<KineticIsingModel> Tap(SpinRaster data) => MeanField(data, tap: true);

    /// <summary>
    /// Asymptotic standard errors of the maximum-likelihood couplings, sqrt of the diagonal of the inverse Fisher
    /// information −∇²L evaluated at <paramref name="model"/> on the transitions of <paramref name="data"/> (no penalty).
    /// </summary>
    /// <param name="model">Model at which the Fisher information is evaluated (the planted or the fitted one).</param>
    /// <param name="data">Raster whose transitions define the information.</param>
    /// <returns>N×N standard errors of J_ij, row-major.</returns>
    /// <remarks>Cramér–Rao: for the asymptotically efficient ML estimator Cov(θ̂) → I(θ)⁻¹; the rows are independent.</remarks>
    public static double[] CouplingStandardErrors(KineticIsingModel model, SpinRaster data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        int n = data.NeuronCount;
        if (model.Size != n)
        {
            throw new ArgumentException("model and data sizes differ.", nameof(model));
        }

        KineticTransitions set = KineticTransitions.Build(data, model.StimulusBins);
        set.PrepareHessianLayout();
        (double[] a, double[] bm) = ToSparseBasis(model, set.Flip);
        var se = new double[n * n];
        int bins = model.StimulusBins;
        Parallel.For(0, n, i =>
        {
            var theta = new double[bins + n];
            for (int b = 0; b < bins; b++)
            {
                theta[b] = a[b * n + i];
            }

            Array.Copy(bm, i * n, theta, bins, n);
            var work = new RowWork(bins, n);
            Accumulate(set, i, theta, work, hessian: true);
            // Unnormalised Fisher information in the (a, B) basis; Var(J_ij) = Var(B_ij)/4.
            double[] full = work.DenseNegativeHessian();
            int dim = bins + n;
            var pivots = new int[dim];
            if (!DenseLu.Factor(full, dim, pivots))
            {
                for (int k = 0; k < n; k++)
                {
                    se[i * n + k] = double.NaN;
                }

                return;
            }

            var e = new double[dim];
            for (int k = 0; k < n; k++)
            {
                Array.Clear(e);
                e[bins + k] = 1;
                DenseLu.Solve(full, dim, pivots, e);
                se[i * n + k] = Math.Sqrt(Math.Max(e[bins + k], 0) / 4);
            }
        });
        return se;
    }

    /// <summary>Euclidean norm of the gradient of the per-transition log-likelihood (minus the L2 penalty) at a model.</summary>
    /// <param name="model">Model.</param>
    /// <param name="data">Raster.</param>
    /// <param name="l2">L2 penalty λ on J.</param>
    /// <param name="selfCouplings">False: leave the J_ii components out (fits with J_ii fixed at 0).</param>
    /// <returns>‖∇(L/M − λ/2 Σ J²)‖ over all fields and couplings.</returns>
    /// <remarks>A direct dense sum over the raster, independent of the sparse code used by the fits.</remarks>
    public static double GradientNorm(KineticIsingModel model, SpinRaster data, double l2 = 0, bool selfCouplings = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        int n = model.Size, bins = model.StimulusBins;
        var gh = new double[bins * n];
        var gj = new double[n * n];
        var local = new double[n];
        long m = 0;
        for (int k = 0; k < data.SegmentCount; k++)
        {
            (int start, int length) = data.Segment(k);
            for (int t = start; t < start + length - 1; t++)
            {
                int b = (t - start) % bins;
                ReadOnlySpan<sbyte> src = data.Row(t);
                model.LocalFields(src, b, local);
                ReadOnlySpan<sbyte> dst = data.Row(t + 1);
                for (int i = 0; i < n; i++)
                {
                    double r = dst[i] - Math.Tanh(local[i]);
                    gh[b * n + i] += r;
                    for (int q = 0; q < n; q++)
                    {
                        gj[i * n + q] += r * src[q];
                    }
                }

                m++;
            }
        }

        double sum = 0;
        foreach (double g in gh)
        {
            sum += g / m * (g / m);
        }

        for (int q = 0; q < n * n; q++)
        {
            if (!selfCouplings && q / n == q % n)
            {
                continue;
            }

            double g = gj[q] / m - l2 * model.Couplings[q];
            sum += g * g;
        }

        return Math.Sqrt(sum);
    }

    private static void Validate(SpinRaster data, KineticLearningSettings s)
    {
        if (s.StimulusBins < 1)
        {
            throw new ArgumentException("StimulusBins must be >= 1.", nameof(s));
        }

        if (!(s.L1 >= 0) || !double.IsFinite(s.L1))
        {
            throw new ArgumentException($"L1 = {s.L1}: must be finite and >= 0.", nameof(s));
        }

        if (!(s.L2 >= 0) || !double.IsFinite(s.L2) || !(s.GradientTolerance > 0) || !(s.FieldPrior >= 0))
        {
            throw new ArgumentException("L2 and FieldPrior must be finite and >= 0, GradientTolerance > 0.", nameof(s));
        }

        long transitions = 0;
        for (int k = 0; k < data.SegmentCount; k++)
        {
            transitions += Math.Max(data.Segment(k).Length - 1, 0);
        }

        if (transitions < 1)
        {
            throw new ArgumentException("the raster has no transition inside a segment (need at least 2 time steps).", nameof(data));
        }
    }

    private static double PenaltyValue(double[] j, double l2)
    {
        double s = 0;
        foreach (double v in j)
        {
            s += v * v;
        }

        return 0.5 * l2 * s;
    }

    /// <summary>(a, B) of a model in the sparse basis: a[b·N + i] = h_i(b) − Σ_j c_j J_ij, B[i·N + j] = 2 c_j J_ij.</summary>
    private static (double[] A, double[] B) ToSparseBasis(KineticIsingModel model, double[] flip)
    {
        int n = model.Size, bins = model.StimulusBins;
        var a = new double[bins * n];
        var bm = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            double shift = 0;
            for (int j = 0; j < n; j++)
            {
                double jij = model.Coupling(i, j);
                shift += flip[j] * jij;
                bm[i * n + j] = 2 * flip[j] * jij;
            }

            for (int b = 0; b < bins; b++)
            {
                a[b * n + i] = model.Fields[b * n + i] - shift;
            }
        }

        return (a, bm);
    }

    private sealed record RowResult(double[] Theta, double LogLikelihood, double GradientNorm, int Iterations, bool Converged);

    /// <summary>Accumulators of one row problem in the (a, B) basis (unnormalised sums over transitions).</summary>
    private sealed class RowWork
    {
        public RowWork(int bins, int n)
        {
            Bins = bins;
            N = n;
            GradA = new double[bins];
            GradB = new double[n];
            D = new double[bins];
            C = new double[bins * n];
            E = new double[n * n];
        }

        public int Bins { get; }

        public int N { get; }

        public double LogLikelihood { get; set; }

        public double[] GradA { get; }

        public double[] GradB { get; }

        public double[] D { get; }

        public double[] C { get; }

        public double[] E { get; }

        /// <summary>Per-pattern Hessian weights c_p sech² H_p for the dense kernel (allocated on first use).</summary>
        public float[]? DenseWeights { get; set; }

        public void Clear()
        {
            LogLikelihood = 0;
            Array.Clear(GradA);
            Array.Clear(GradB);
            Array.Clear(D);
            Array.Clear(C);
            Array.Clear(E);
        }

        public double[] DenseNegativeHessian()
        {
            int dim = Bins + N;
            var full = new double[dim * dim];
            for (int b = 0; b < Bins; b++)
            {
                full[b * dim + b] = D[b];
                for (int j = 0; j < N; j++)
                {
                    full[b * dim + Bins + j] = C[b * N + j];
                    full[(Bins + j) * dim + b] = C[b * N + j];
                }
            }

            for (int j = 0; j < N; j++)
            {
                for (int k = 0; k < N; k++)
                {
                    full[(Bins + j) * dim + Bins + k] = E[j * N + k];
                }

                if (full[(Bins + j) * dim + Bins + j] == 0)
                {
                    full[(Bins + j) * dim + Bins + j] = 1;
                }
            }

            for (int b = 0; b < Bins; b++)
            {
                if (full[b * dim + b] == 0)
                {
                    full[b * dim + b] = 1;
                }
            }

            return full;
        }
    }

    /// <summary>Sums log-likelihood, gradient and (optionally) the negative Hessian of row i at theta = (a(0..B−1), B_i·).</summary>
    private static void Accumulate(KineticTransitions set, int i, double[] theta, RowWork w, bool hessian)
    {
        w.Clear();
        int n = set.N, bins = set.Bins;
        double ll = 0;
        float[]? dense = null;
        if (hessian && set.DenseU is not null)
        {
            w.DenseWeights ??= new float[set.PatternCount];
            dense = w.DenseWeights;
        }

        for (int p = 0; p < set.PatternCount; p++)
        {
            ReadOnlySpan<int> act = set.ActiveOf(p);
            int b = set.Bin[p];
            double field = theta[b];
            foreach (int j in act)
            {
                field += theta[bins + j];
            }

            double count = set.Count[p];
            double y = set.TargetSum[p * n + i];
            double abs = Math.Abs(field);
            double e = Math.Exp(-2 * abs);
            double tanh = Math.Sign(field) * (1 - e) / (1 + e);
            ll += y * field - count * (abs + Math.Log(1 + e));
            double r = y - count * tanh;
            w.GradA[b] += r;
            foreach (int j in act)
            {
                w.GradB[j] += r;
            }

            if (hessian)
            {
                double weight = count * (1 - tanh * tanh);
                w.D[b] += weight;
                int cb = b * n;
                if (dense is not null)
                {
                    dense[p] = (float)weight;
                    foreach (int j in act)
                    {
                        w.C[cb + j] += weight;
                    }

                    continue;
                }

                for (int u = 0; u < act.Length; u++)
                {
                    int j = act[u];
                    w.C[cb + j] += weight;
                    int row = j * n;
                    for (int v = 0; v <= u; v++)
                    {
                        w.E[row + act[v]] += weight;
                    }
                }
            }
        }

        w.LogLikelihood = ll;
        if (hessian && dense is not null)
        {
            KineticHessianKernel.Accumulate(set, dense, w.E);
        }
        else if (hessian)
        {
            // Active lists are ascending, so only E[j, k] with k ≤ j was filled: mirror it.
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < j; k++)
                {
                    w.E[k * n + j] = w.E[j * n + k];
                }
            }
        }
    }

    /// <summary>Row objective (per transition, penalised) and its gradient norm in the (h, J) basis.</summary>
    private static (double Objective, double HjNorm) Penalise(KineticTransitions set, int i, double[] theta, RowWork w, KineticLearningSettings s, double prior, double[] gradA, double[] gradB)
    {
        int n = set.N, bins = set.Bins;
        double m = set.Transitions;
        double obj = w.LogLikelihood / m;
        double kappa = double.IsNaN(prior) ? 0 : s.FieldPrior / m;
        for (int b = 0; b < bins; b++)
        {
            double dev = double.IsNaN(prior) ? 0 : theta[b] - prior;
            obj -= 0.5 * kappa * dev * dev;
            gradA[b] = w.GradA[b] / m - kappa * dev;
        }

        // λ/2 Σ J² = λ/8 Σ B².
        double sumA = 0;
        for (int b = 0; b < bins; b++)
        {
            sumA += gradA[b];
        }

        double norm2 = 0;
        for (int b = 0; b < bins; b++)
        {
            norm2 += gradA[b] * gradA[b];
        }

        for (int j = 0; j < n; j++)
        {
            double bj = theta[bins + j];
            obj -= s.L2 / 8 * bj * bj;
            gradB[j] = !s.SelfCouplings && j == i ? 0 : w.GradB[j] / m - s.L2 / 4 * bj;
            double gj = !s.SelfCouplings && j == i ? 0 : set.Flip[j] * (2 * gradB[j] - sumA);
            norm2 += gj * gj;
        }

        return (obj, Math.Sqrt(norm2));
    }

    private static RowResult NewtonRow(KineticTransitions set, int i, double[] theta, KineticLearningSettings s, double prior, double[] binCounts, double tolerance)
    {
        int n = set.N, bins = set.Bins;
        double m = set.Transitions;
        var w = new RowWork(bins, n);
        var gradA = new double[bins];
        var gradB = new double[n];
        var trial = new double[bins + n];
        var step = new double[bins + n];
        var schur = new double[n * n];
        var rhs = new double[n];
        var pivots = new int[n];
        double kappa = double.IsNaN(prior) ? 0 : s.FieldPrior / m;
        WarmStart(set, i, s, prior, m, theta);

        // Damped Newton with the exact Hessian at every iterate (it is accumulated together with the gradient, so an
        // accepted full step already carries the next Hessian). Far from the optimum: Armijo backtracking on the
        // objective. Near it the predicted gain (the Newton decrement gᵀδ) falls below what the objective can resolve
        // in double precision, so there a step is accepted when it reduces the gradient norm instead.
        var wTrial = new RowWork(bins, n);
        var gradATrial = new double[bins];
        var gradBTrial = new double[n];
        Accumulate(set, i, theta, w, hessian: true);
        (double obj, double gnorm) = Penalise(set, i, theta, w, s, prior, gradA, gradB);
        int iter = 0;
        var dInv = new double[bins];
        var cm = new double[bins * n];
        while (gnorm > tolerance && iter < s.MaxIterations)
        {
            iter++;
            if (!FactorNewtonSystem(w, i, s, m, kappa, dInv, cm, schur, pivots))
            {
                break;
            }

            // Newton system (−H) δ = g with −H = [[D, C], [Cᵀ, E]] / M + penalties; D diagonal, solved by the Schur
            // complement S = E − Cᵀ D⁻¹ C on the N coupling unknowns.
            for (int j = 0; j < n; j++)
            {
                rhs[j] = !s.SelfCouplings && j == i ? 0 : gradB[j];
            }

            for (int b = 0; b < bins; b++)
            {
                if (dInv[b] == 0)
                {
                    continue;
                }

                int cb = b * n;
                double f = dInv[b] * gradA[b];
                for (int j = 0; j < n; j++)
                {
                    rhs[j] -= cm[cb + j] * f;
                }
            }

            if (!s.SelfCouplings)
            {
                rhs[i] = 0;
            }

            DenseLu.Solve(schur, n, pivots, rhs);
            double decrement = 0;
            for (int j = 0; j < n; j++)
            {
                step[bins + j] = rhs[j];
                decrement += rhs[j] * gradB[j];
            }

            for (int b = 0; b < bins; b++)
            {
                double cs = 0;
                int cb = b * n;
                for (int j = 0; j < n; j++)
                {
                    cs += cm[cb + j] * rhs[j];
                }

                step[b] = dInv[b] * (gradA[b] - cs);
                decrement += step[b] * gradA[b];
            }

            if (!(decrement > 0) || !double.IsFinite(decrement))
            {
                break;
            }

            bool resolvable = decrement > 1e-9 * Math.Max(1, Math.Abs(obj));
            double scale = 1;
            bool accepted = false;
            double objTrial = obj, gTrial = gnorm;
            for (int tries = 0; tries < 50; tries++)
            {
                for (int k = 0; k < bins + n; k++)
                {
                    trial[k] = theta[k] + scale * step[k];
                }

                Accumulate(set, i, trial, wTrial, hessian: true);
                (objTrial, gTrial) = Penalise(set, i, trial, wTrial, s, prior, gradATrial, gradBTrial);
                if (double.IsFinite(objTrial) && (resolvable ? objTrial >= obj + 1e-4 * scale * decrement : gTrial < gnorm))
                {
                    accepted = true;
                    break;
                }

                scale *= 0.5;
            }

            if (!accepted)
            {
                break;
            }

            (theta, trial) = (trial, theta);
            (w, wTrial) = (wTrial, w);
            (gradA, gradATrial) = (gradATrial, gradA);
            (gradB, gradBTrial) = (gradBTrial, gradB);
            obj = objTrial;
            gnorm = gTrial;
        }

        _ = binCounts;
        return new RowResult(theta, w.LogLikelihood / m, gnorm, iter, gnorm <= tolerance);
    }

    /// <summary>Pins the excluded self-coupling to 0 and, for constant fields (no field prior), starts the fields at the
    /// independent (J = 0) solution a = atanh of the mean target. Shared by the Newton and proximal Newton row solvers.</summary>
    private static void WarmStart(KineticTransitions set, int i, KineticLearningSettings s, double prior, double m, double[] theta)
    {
        int n = set.N, bins = set.Bins;
        if (!s.SelfCouplings)
        {
            theta[bins + i] = 0;
        }

        if (double.IsNaN(prior))
        {
            double yMean = 0;
            for (int p = 0; p < set.PatternCount; p++)
            {
                yMean += set.TargetSum[p * n + i];
            }

            yMean = Math.Clamp(yMean / m, -0.999999, 0.999999);
            for (int b = 0; b < bins; b++)
            {
                theta[b] = Math.Atanh(yMean);
            }
        }
    }

    /// <summary>The reduced (Schur-complement) Newton system of row i, LU-factored in place.</summary>
    private static bool FactorNewtonSystem(RowWork w, int i, KineticLearningSettings s, double m, double kappa, double[] dInv, double[] cm, double[] schur, int[] pivots)
    {
        BuildSchur(w, i, s, m, kappa, dInv, cm, schur);
        return DenseLu.Factor(schur, w.N, pivots);
    }

    /// <summary>Parameter layout of the symmetric model: (h, J upper triangle including the diagonal).</summary>
    private sealed class SymmetricObjective
    {
        private readonly KineticTransitions _set;
        private readonly KineticLearningSettings _s;

        public SymmetricObjective(KineticTransitions set, KineticLearningSettings s)
        {
            _set = set;
            _s = s;
        }

        public (double[] H, double[] J) Unpack(ReadOnlySpan<double> x)
        {
            int n = _set.N;
            var h = x[..n].ToArray();
            var j = new double[n * n];
            int q = n;
            for (int i = 0; i < n; i++)
            {
                for (int k = i; k < n; k++)
                {
                    double v = !_s.SelfCouplings && i == k ? 0 : x[q];
                    j[i * n + k] = v;
                    j[k * n + i] = v;
                    q++;
                }
            }

            return (h, j);
        }
    }

    private static FitResult<KineticIsingModel> MeanField(SpinRaster data, bool tap)
    {
        ArgumentNullException.ThrowIfNull(data);
        Validate(data, new KineticLearningSettings());
        var clock = Stopwatch.StartNew();
        int n = data.NeuronCount;
        double[] m = data.Means();
        foreach (double v in m)
        {
            if (Math.Abs(v) >= 1)
            {
                throw new ArgumentException("a neuron is constant (m = ±1): mean-field inversion is undefined.", nameof(data));
            }
        }

        double[] c = GlauberDynamics.DelayedCorrelations(data, 0);
        double[] d = GlauberDynamics.DelayedCorrelations(data, 1);
        var pivots = new int[n];
        double[] lu = (double[])c.Clone();
        if (!DenseLu.Factor(lu, n, pivots))
        {
            throw new ArgumentException("the equal-time correlation matrix is singular: mean-field inversion is undefined.", nameof(data));
        }

        // J = A⁻¹ D C⁻¹: row i of D C⁻¹ solves C x = (row i of D) because C is symmetric.
        var j = new double[n * n];
        var row = new double[n];
        for (int i = 0; i < n; i++)
        {
            Array.Copy(d, i * n, row, 0, n);
            DenseLu.Solve(lu, n, pivots, row);
            for (int k = 0; k < n; k++)
            {
                j[i * n + k] = row[k] / (1 - m[i] * m[i]);
            }
        }

        int noRoot = 0;
        var h = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (tap)
            {
                double v = 0;
                for (int k = 0; k < n; k++)
                {
                    v += j[i * n + k] * j[i * n + k] * (1 - m[k] * m[k]);
                }

                v *= 1 - m[i] * m[i];
                double f;
                if (v > 4.0 / 27.0)
                {
                    f = 1.0 / 3.0;
                    noRoot++;
                }
                else
                {
                    // F (1 − F)² is increasing on [0, 1/3]: the smallest root by bisection.
                    double lo = 0, hi = 1.0 / 3.0;
                    for (int it = 0; it < 200 && hi - lo > 1e-15; it++)
                    {
                        double mid = 0.5 * (lo + hi);
                        if (mid * (1 - mid) * (1 - mid) < v)
                        {
                            lo = mid;
                        }
                        else
                        {
                            hi = mid;
                        }
                    }

                    f = 0.5 * (lo + hi);
                }

                for (int k = 0; k < n; k++)
                {
                    j[i * n + k] /= 1 - f;
                }
            }

            double field = Math.Atanh(m[i]);
            double onsager = 0;
            for (int k = 0; k < n; k++)
            {
                field -= j[i * n + k] * m[k];
                onsager += j[i * n + k] * j[i * n + k] * (1 - m[k] * m[k]);
            }

            h[i] = tap ? field + m[i] * onsager : field;
        }

        var model = new KineticIsingModel(h, j);
        var notes = new Dictionary<string, double>
        {
            ["log_likelihood"] = model.LogLikelihood(data),
            ["seconds"] = clock.Elapsed.TotalSeconds,
        };
        if (tap)
        {
            notes["tap_no_root"] = noRoot;
        }

        return new FitResult<KineticIsingModel>(model, true, 0, [], tap ? "tap" : "nmf", notes);
    }
}
