using System.Numerics.Tensors;

namespace StatNeuro.Inference;

/// <summary>Newton solver of the symmetric-coupling kinetic maximum likelihood.</summary>
public static partial class KineticIsingLearning
{
    /// <summary>
    /// Damped Newton on x = (h_0..h_{N−1}, J_ik for i ≤ k) maximising Σ_i L_i(h_i, J_i·)/M − (λ/2) Σ_ik J_ik² with
    /// J_ki = J_ik. Each row's exact Hessian is accumulated in the sparse (a, B) basis, transformed to (h, J) and
    /// scattered into the dense symmetric Hessian (dimension N + N(N+1)/2), which is solved by Cholesky.
    /// </summary>
    private static (double[] X, double LogLikelihood, double GradientNorm, int Iterations, bool Converged) SymmetricNewton(
        KineticTransitions set, KineticLearningSettings s, double[] x0, int threads)
    {
        int n = set.N;
        int dim = n + n * (n + 1) / 2;
        var pIndex = new int[n * n];
        {
            int q = n;
            for (int i = 0; i < n; i++)
            {
                for (int k = i; k < n; k++)
                {
                    pIndex[i * n + k] = q;
                    pIndex[k * n + i] = q;
                    q++;
                }
            }
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        double m = set.Transitions;
        var works = new RowWork[n];
        var rowHess = new double[n][];
        var rowGrad = new double[n][];
        var rowLl = new double[n];
        for (int i = 0; i < n; i++)
        {
            works[i] = new RowWork(1, n);
            rowHess[i] = new double[(n + 1) * (n + 1)];
            rowGrad[i] = new double[n + 1];
        }

        double[] c = set.Flip;

        // Objective, gradient (and with hessian = true the negative Hessian, per transition) at x.
        (double Obj, double GNorm) Evaluate(double[] x, double[] grad, double[]? hess)
        {
            Parallel.For(0, n, options, i =>
            {
                var theta = new double[1 + n];
                double shift = 0;
                for (int k = 0; k < n; k++)
                {
                    double jik = !s.SelfCouplings && i == k ? 0 : x[pIndex[i * n + k]];
                    shift += c[k] * jik;
                    theta[1 + k] = 2 * c[k] * jik;
                }

                theta[0] = x[i] - shift;
                RowWork w = works[i];
                Accumulate(set, i, theta, w, hessian: hess is not null);
                rowLl[i] = w.LogLikelihood;
                double[] g = rowGrad[i];
                g[0] = w.GradA[0];
                for (int k = 0; k < n; k++)
                {
                    g[1 + k] = c[k] * (2 * w.GradB[k] - w.GradA[0]);
                }

                if (hess is not null)
                {
                    // −∇² in (h_i, J_i·): Aᵀ [[D, C], [Cᵀ, E]] A with a = h − Σ c_k J_ik, B_k = 2 c_k J_ik.
                    double[] hr = rowHess[i];
                    int d1 = n + 1;
                    double dd = w.D[0];
                    hr[0] = dd;
                    for (int k = 0; k < n; k++)
                    {
                        double v = c[k] * (2 * w.C[k] - dd);
                        hr[1 + k] = v;
                        hr[(1 + k) * d1] = v;
                        for (int l = 0; l <= k; l++)
                        {
                            double e = c[k] * c[l] * (dd - 2 * w.C[k] - 2 * w.C[l] + 4 * w.E[k * n + l]);
                            hr[(1 + k) * d1 + 1 + l] = e;
                            hr[(1 + l) * d1 + 1 + k] = e;
                        }
                    }
                }
            });

            Array.Clear(grad);
            if (hess is not null)
            {
                Array.Clear(hess);
            }

            double ll = 0;
            for (int i = 0; i < n; i++)
            {
                ll += rowLl[i];
                double[] g = rowGrad[i];
                grad[i] += g[0] / m;
                for (int k = 0; k < n; k++)
                {
                    grad[pIndex[i * n + k]] += g[1 + k] / m;
                }

                if (hess is not null)
                {
                    double[] hr = rowHess[i];
                    int d1 = n + 1;
                    for (int a = 0; a < d1; a++)
                    {
                        int pa = a == 0 ? i : pIndex[i * n + a - 1];
                        for (int b = 0; b < d1; b++)
                        {
                            int pb = b == 0 ? i : pIndex[i * n + b - 1];
                            hess[pa * dim + pb] += hr[a * d1 + b] / m;
                        }
                    }
                }
            }

            double obj = ll / m;
            for (int i = 0; i < n; i++)
            {
                for (int k = i; k < n; k++)
                {
                    int q = pIndex[i * n + k];
                    if (i == k && !s.SelfCouplings)
                    {
                        grad[q] = 0;
                        if (hess is not null)
                        {
                            for (int r = 0; r < dim; r++)
                            {
                                hess[q * dim + r] = 0;
                                hess[r * dim + q] = 0;
                            }

                            hess[q * dim + q] = 1;
                        }

                        continue;
                    }

                    double mult = i == k ? 1 : 2;
                    obj -= 0.5 * mult * s.L2 * x[q] * x[q];
                    grad[q] -= mult * s.L2 * x[q];
                    if (hess is not null)
                    {
                        hess[q * dim + q] += mult * s.L2;
                    }
                }
            }

            return (obj, Math.Sqrt(TensorPrimitives.Dot(grad, grad)));
        }

        var xCur = (double[])x0.Clone();
        var xTrial = new double[dim];
        var grad = new double[dim];
        var gradTrial = new double[dim];
        var hessian = new double[dim * dim];
        var step = new double[dim];
        (double obj, double gnorm) = Evaluate(xCur, grad, hessian);
        int iter = 0;
        while (gnorm > s.GradientTolerance && iter < s.MaxIterations)
        {
            iter++;
            if (!FactorWithRidge(hessian, dim))
            {
                break;
            }

            Array.Copy(grad, step, dim);
            CholeskySolve(hessian, dim, step);
            double decrement = TensorPrimitives.Dot(step, grad);
            if (!(decrement > 0) || !double.IsFinite(decrement))
            {
                break;
            }

            bool resolvable = decrement > 1e-9 * Math.Max(1, Math.Abs(obj));
            double scale = 1;
            bool accepted = false;
            double objTrial = obj, gTrial = gnorm;
            for (int tries = 0; tries < 50 && !accepted; tries++)
            {
                for (int k = 0; k < dim; k++)
                {
                    xTrial[k] = xCur[k] + scale * step[k];
                }

                (objTrial, gTrial) = Evaluate(xTrial, gradTrial, null);
                accepted = double.IsFinite(objTrial) && (resolvable ? objTrial >= obj + 1e-4 * scale * decrement : gTrial < gnorm);
                scale *= 0.5;
            }

            if (!accepted)
            {
                break;
            }

            (xCur, xTrial) = (xTrial, xCur);
            obj = objTrial;
            gnorm = gTrial;
            if (gnorm > s.GradientTolerance)
            {
                (obj, gnorm) = Evaluate(xCur, grad, hessian);
            }
        }

        // rowLl holds the last evaluated point, which is xCur unless the loop stopped on a rejected trial.
        (_, gnorm) = Evaluate(xCur, grad, null);
        double llOut = 0;
        foreach (double v in rowLl)
        {
            llOut += v;
        }

        return (xCur, llOut / m, gnorm, iter, gnorm <= s.GradientTolerance);
    }

    /// <summary>Cholesky of a negative Hessian; on a round-off failure retries with a growing ridge on the diagonal
    /// (the step stays an ascent direction).</summary>
    private static bool FactorWithRidge(double[] a, int n)
    {
        double[]? copy = null;
        double maxDiag = 0;
        for (int i = 0; i < n; i++)
        {
            maxDiag = Math.Max(maxDiag, a[i * n + i]);
        }

        for (double ridge = 0; ridge <= maxDiag; ridge = ridge == 0 ? 1e-12 * maxDiag : ridge * 100)
        {
            if (ridge > 0)
            {
                Array.Copy(copy!, a, a.Length);
                for (int i = 0; i < n; i++)
                {
                    a[i * n + i] += ridge;
                }
            }
            else
            {
                copy = (double[])a.Clone();
            }

            if (CholeskyFactor(a, n))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>In-place lower Cholesky factor of a symmetric positive-definite matrix (row-major, lower triangle used).</summary>
    private static bool CholeskyFactor(double[] a, int n)
    {
        for (int i = 0; i < n; i++)
        {
            Span<double> ri = a.AsSpan(i * n, n);
            for (int j = 0; j <= i; j++)
            {
                ReadOnlySpan<double> rj = a.AsSpan(j * n, j);
                double sum = ri[j] - TensorPrimitives.Dot(ri[..j], rj);
                if (j == i)
                {
                    if (!(sum > 0))
                    {
                        return false;
                    }

                    ri[i] = Math.Sqrt(sum);
                }
                else
                {
                    ri[j] = sum / a[j * n + j];
                }
            }
        }

        return true;
    }

    /// <summary>Solves L Lᵀ x = b in place with the factor of <see cref="CholeskyFactor"/>.</summary>
    private static void CholeskySolve(double[] l, int n, double[] b)
    {
        for (int i = 0; i < n; i++)
        {
            b[i] = (b[i] - TensorPrimitives.Dot(l.AsSpan(i * n, i), b.AsSpan(0, i))) / l[i * n + i];
        }

        for (int i = n - 1; i >= 0; i--)
        {
            double sum = b[i];
            for (int k = i + 1; k < n; k++)
            {
                sum -= l[k * n + i] * b[k];
            }

            b[i] = sum / l[i * n + i];
        }
    }
}
