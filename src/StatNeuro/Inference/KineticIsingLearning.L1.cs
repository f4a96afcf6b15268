namespace StatNeuro.Inference;

/// <summary>L1-penalised (lasso) asymmetric maximum likelihood: proximal Newton per row.</summary>
public static partial class KineticIsingLearning
{
    /// <summary>
    /// One row of the L1-penalised fit: minimise F(θ) = −[L_i/M − (λ₂/2) Σ_j J_ij² − prior] + λ₁ Σ_j |J_ij| by proximal
    /// Newton (glmnet-style). In the sparse basis |J_ij| = |B_ij|/2, so the penalty is (λ₁/2) Σ_j |B_j| and the fields a
    /// are unpenalised. Each outer step builds the exact quadratic model of the smooth part, eliminates the (diagonal)
    /// field block exactly (Schur complement S = E − Cᵀ D⁻¹ C, right side r = g_B − Cᵀ D⁻¹ g_a), minimises
    /// −rᵀδ + ½ δᵀ S δ + (λ₁/2) Σ |B_j + δ_j| by cyclic coordinate descent with soft thresholding, and takes a
    /// backtracking (Armijo, Tseng–Yun) step on the true penalised objective.
    /// </summary>
    private static RowResult ProximalNewtonRow(KineticTransitions set, int i, double[] theta, KineticLearningSettings s, double prior, double tolerance)
    {
        int n = set.N, bins = set.Bins;
        double m = set.Transitions;
        double mu = s.L1 / 2;
        var w = new RowWork(bins, n);
        var wTrial = new RowWork(bins, n);
        var gradA = new double[bins];
        var gradB = new double[n];
        var gradATrial = new double[bins];
        var gradBTrial = new double[n];
        var trial = new double[bins + n];
        var step = new double[bins + n];
        var schur = new double[n * n];
        var rhs = new double[n];
        var sd = new double[n];
        var dInv = new double[bins];
        var cm = new double[bins * n];
        double kappa = double.IsNaN(prior) ? 0 : s.FieldPrior / m;
        WarmStart(set, i, s, prior, m, theta);

        Accumulate(set, i, theta, w, hessian: true);
        (double obj, _) = Penalise(set, i, theta, w, s, prior, gradA, gradB);
        double f = -obj + mu * AbsSum(theta, bins, n);
        double gnorm = SubgradientNorm(set, i, theta, s, gradA, gradB);
        int iter = 0;
        while (gnorm > tolerance && iter < s.MaxIterations)
        {
            iter++;
            BuildSchur(w, i, s, m, kappa, dInv, cm, schur);
            for (int j = 0; j < n; j++)
            {
                rhs[j] = gradB[j];
            }

            for (int b = 0; b < bins; b++)
            {
                if (dInv[b] == 0)
                {
                    continue;
                }

                double fb = dInv[b] * gradA[b];
                for (int j = 0; j < n; j++)
                {
                    rhs[j] -= cm[b * n + j] * fb;
                }
            }

            // Coordinate descent on the reduced quadratic model; sd = S δ is kept up to date.
            Array.Clear(sd);
            Span<double> delta = step.AsSpan(bins, n);
            delta.Clear();
            for (int sweep = 0; sweep < 10000; sweep++)
            {
                double maxChange = 0, maxScale = 0;
                for (int j = 0; j < n; j++)
                {
                    if (!s.SelfCouplings && j == i)
                    {
                        continue;
                    }

                    double sjj = schur[j * n + j];
                    double bj = theta[bins + j];
                    double c = -rhs[j] + sd[j] - sjj * delta[j];
                    double u = SoftThreshold(sjj * bj - c, mu) / sjj;
                    double change = u - bj - delta[j];
                    if (change != 0)
                    {
                        delta[j] += change;
                        for (int k = 0; k < n; k++)
                        {
                            sd[k] += schur[k * n + j] * change;
                        }
                    }

                    maxChange = Math.Max(maxChange, Math.Abs(change) * Math.Sqrt(sjj));
                    maxScale = Math.Max(maxScale, Math.Abs(u) * Math.Sqrt(sjj));
                }

                if (maxChange <= 1e-13 * Math.Max(maxScale, 1e-3))
                {
                    break;
                }
            }

            // Fields from the eliminated block: δa_b = D_b⁻¹ (g_a,b − Σ_j C_bj δ_j).
            double descent = 0; // Δ = −gᵀδ + μ (‖B + δ‖₁ − ‖B‖₁) ≤ 0
            double newAbs = 0, oldAbs = 0;
            for (int j = 0; j < n; j++)
            {
                descent -= gradB[j] * delta[j];
                newAbs += Math.Abs(theta[bins + j] + delta[j]);
                oldAbs += Math.Abs(theta[bins + j]);
            }

            for (int b = 0; b < bins; b++)
            {
                double cs = 0;
                for (int j = 0; j < n; j++)
                {
                    cs += cm[b * n + j] * delta[j];
                }

                step[b] = dInv[b] == 0 ? 0 : dInv[b] * (gradA[b] - cs);
                descent -= gradA[b] * step[b];
            }

            descent += mu * (newAbs - oldAbs);
            if (!double.IsFinite(descent) || descent > 0)
            {
                break;
            }

            bool resolvable = -descent > 1e-9 * Math.Max(1, Math.Abs(f));
            double scale = 1;
            bool accepted = false;
            double fTrial = f, gTrial = gnorm;
            for (int tries = 0; tries < 50; tries++)
            {
                for (int k = 0; k < bins + n; k++)
                {
                    trial[k] = theta[k] + scale * step[k];
                }

                if (scale == 1)
                {
                    // Exact zeros of the full step (the soft threshold's output) stay exact.
                    for (int j = 0; j < n; j++)
                    {
                        if (theta[bins + j] + delta[j] == 0)
                        {
                            trial[bins + j] = 0;
                        }
                    }
                }

                Accumulate(set, i, trial, wTrial, hessian: true);
                (double objTrial, _) = Penalise(set, i, trial, wTrial, s, prior, gradATrial, gradBTrial);
                fTrial = -objTrial + mu * AbsSum(trial, bins, n);
                gTrial = SubgradientNorm(set, i, trial, s, gradATrial, gradBTrial);
                if (double.IsFinite(fTrial) && (resolvable ? fTrial <= f + 1e-4 * scale * descent : gTrial < gnorm))
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
            f = fTrial;
            gnorm = gTrial;
        }

        return new RowResult(theta, w.LogLikelihood / m, gnorm, iter, gnorm <= tolerance);
    }

    private static double SoftThreshold(double z, double t) => z > t ? z - t : z < -t ? z + t : 0;

    private static double AbsSum(double[] theta, int bins, int n)
    {
        double a = 0;
        for (int j = 0; j < n; j++)
        {
            a += Math.Abs(theta[bins + j]);
        }

        return a;
    }

    /// <summary>
    /// Norm of the minimum-norm subgradient of the penalised row objective in the (h, J) basis: g_h for the fields and,
    /// with g_j = ∂(L/M − penalties)/∂J_ij, |g_j − λ₁ sign J_ij| where J_ij ≠ 0 and max(|g_j| − λ₁, 0) where J_ij = 0.
    /// </summary>
    private static double SubgradientNorm(KineticTransitions set, int i, double[] theta, KineticLearningSettings s, double[] gradA, double[] gradB)
    {
        int n = set.N, bins = set.Bins;
        double sumA = 0, norm2 = 0;
        for (int b = 0; b < bins; b++)
        {
            sumA += gradA[b];
            norm2 += gradA[b] * gradA[b];
        }

        for (int j = 0; j < n; j++)
        {
            if (!s.SelfCouplings && j == i)
            {
                continue;
            }

            double g = set.Flip[j] * (2 * gradB[j] - sumA);
            double jj = set.Flip[j] * theta[bins + j];
            double r = jj != 0 ? g - s.L1 * Math.Sign(jj) : Math.Max(Math.Abs(g) - s.L1, 0);
            norm2 += r * r;
        }

        return Math.Sqrt(norm2);
    }

    /// <summary>The reduced (Schur-complement) Hessian of the smooth part of row i, unfactored: the field block is
    /// eliminated exactly (it is diagonal per stimulus bin), L2 added, the self-coupling pinned when excluded. Shared by
    /// the Newton solver (<see cref="FactorNewtonSystem"/>) and the proximal Newton solver of L1.</summary>
    private static void BuildSchur(RowWork w, int i, KineticLearningSettings s, double m, double kappa, double[] dInv, double[] cm, double[] schur)
    {
        int n = w.N, bins = w.Bins;
        for (int b = 0; b < bins; b++)
        {
            double d = w.D[b] / m + kappa;
            dInv[b] = d > 0 ? 1 / d : 0;
        }

        for (int q = 0; q < bins * n; q++)
        {
            cm[q] = w.C[q] / m;
        }

        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k < n; k++)
            {
                schur[j * n + k] = w.E[j * n + k] / m;
            }

            schur[j * n + j] += s.L2 / 4;
        }

        for (int b = 0; b < bins; b++)
        {
            if (dInv[b] == 0)
            {
                continue;
            }

            int cb = b * n;
            for (int j = 0; j < n; j++)
            {
                double cj = cm[cb + j];
                if (cj == 0)
                {
                    continue;
                }

                double fj = cj * dInv[b];
                for (int k = 0; k < n; k++)
                {
                    schur[j * n + k] -= fj * cm[cb + k];
                }
            }
        }

        for (int j = 0; j < n; j++)
        {
            if (!s.SelfCouplings && j == i)
            {
                for (int k = 0; k < n; k++)
                {
                    schur[j * n + k] = 0;
                    schur[k * n + j] = 0;
                }

                schur[j * n + j] = 1;
            }
            else if (schur[j * n + j] <= 0)
            {
                schur[j * n + j] = Math.Abs(schur[j * n + j]) + 1e-12;
            }
        }
    }
}
