namespace StatNeuro.Inference;

/// <summary>Objective for <see cref="Lbfgs"/>: returns f(x) and writes ∇f(x) into gradient.</summary>
/// <param name="x">Point.</param>
/// <param name="gradient">Gradient output (same length).</param>
/// <returns>f(x).</returns>
internal delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

/// <summary>Outcome of an L-BFGS minimisation.</summary>
internal sealed record LbfgsResult(double[] X, double Value, double GradientNorm, int Iterations, int Evaluations, bool Converged, List<FitTraceEntry> Trace);

/// <summary>
/// Limited-memory BFGS (Nocedal 1980; Liu &amp; Nocedal 1989) with a backtracking Armijo line search that, where the
/// objective cannot resolve the predicted decrease, prefers steps that lower the gradient norm; stops on the
/// Euclidean gradient norm.
/// </summary>
internal static class Lbfgs
{
    public static LbfgsResult Minimize(Objective f, double[] x0, double gradientTolerance, int maxIterations, int memory = 10, Action<int, double, double>? progress = null)
    {
        int n = x0.Length;
        var x = (double[])x0.Clone();
        var g = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        var d = new double[n];
        var s = new double[memory][];
        var y = new double[memory][];
        var rho = new double[memory];
        var alpha = new double[memory];
        int stored = 0, head = 0, evaluations = 1;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double fx = f(x, g);
        double gnorm = Norm(g);
        var trace = new List<FitTraceEntry> { new(0, fx, gnorm, clock.Elapsed.TotalSeconds) };
        int iter = 0, stalls = 0;
        double fNewShared = 0;
        void Trial(double t)
        {
            for (int k = 0; k < n; k++)
            {
                xNew[k] = x[k] + (t * d[k]);
            }

            fNewShared = f(xNew, gNew);
            evaluations++;
        }

        while (gnorm > gradientTolerance && iter < maxIterations)
        {
            iter++;

            // Two-loop recursion: d = −H g.
            Array.Copy(g, d, n);
            for (int k = 0; k < stored; k++)
            {
                int idx = (head - 1 - k + memory) % memory;
                alpha[idx] = rho[idx] * Dot(s[idx], d);
                Axpy(-alpha[idx], y[idx], d);
            }

            double gamma = 1;
            if (stored > 0)
            {
                int last = (head - 1 + memory) % memory;
                gamma = Dot(s[last], y[last]) / Dot(y[last], y[last]);
            }
            else
            {
                gamma = Math.Min(1, 1 / Math.Max(gnorm, 1e-300));
            }

            for (int k = 0; k < n; k++)
            {
                d[k] *= gamma;
            }

            for (int k = stored - 1; k >= 0; k--)
            {
                int idx = (head - 1 - k + memory) % memory;
                double beta = rho[idx] * Dot(y[idx], d);
                Axpy(alpha[idx] - beta, s[idx], d);
            }

            for (int k = 0; k < n; k++)
            {
                d[k] = -d[k];
            }

            double slope = Dot(g, d);
            if (slope >= 0)
            {
                // Not a descent direction: reset memory, steepest descent.
                stored = 0;
                for (int k = 0; k < n; k++)
                {
                    d[k] = -g[k] * Math.Min(1, 1 / gnorm);
                }

                slope = Dot(g, d);
            }

            double step = 1, fNew = 0, fallback = 0;
            bool accepted = false;
            for (int ls = 0; ls < 25; ls++)
            {
                Trial(step);
                fNew = fNewShared;
                double slack = 1e-13 * Math.Abs(fx);
                if (!double.IsFinite(fNew) || fNew > fx + (1e-4 * step * slope) + slack)
                {
                    step *= 0.5;
                    continue;
                }

                // Near the optimum the predicted decrease -step*slope falls below the resolution of f, and the Armijo
                // test above only sees round-off: it accepts steps that make the gradient larger, which stalled exact
                // ML at ||g|| ~ 2e-8. There, prefer a (shorter) step that lowers the gradient norm; keep the Armijo
                // step as the fallback.
                bool resolvable = -step * slope > 1e-13 * Math.Max(1, Math.Abs(fx));
                if (resolvable || Norm(gNew) < gnorm)
                {
                    accepted = true;
                    break;
                }

                if (fallback == 0)
                {
                    fallback = step;
                }

                step *= 0.5;
            }

            if (!accepted && fallback > 0)
            {
                step = fallback;
                Trial(step);
                fNew = fNewShared;
                accepted = true;
            }

            if (!accepted)
            {
                break;
            }

            // Stalled at the round-off floor: stop after three iterations that lower neither f nor |g|.
            double newNorm = Math.Sqrt(Dot(gNew, gNew));
            stalls = fNew < fx || newNorm < gnorm ? 0 : stalls + 1;
            if (stalls >= 3)
            {
                break;
            }

            int slot = head;
            s[slot] ??= new double[n];
            y[slot] ??= new double[n];
            double sy = 0;
            for (int k = 0; k < n; k++)
            {
                s[slot][k] = xNew[k] - x[k];
                y[slot][k] = gNew[k] - g[k];
                sy += s[slot][k] * y[slot][k];
            }

            if (sy > 1e-300)
            {
                rho[slot] = 1 / sy;
                head = (head + 1) % memory;
                stored = Math.Min(stored + 1, memory);
            }

            Array.Copy(xNew, x, n);
            Array.Copy(gNew, g, n);
            fx = fNew;
            gnorm = Norm(g);
            trace.Add(new FitTraceEntry(iter, fx, gnorm, clock.Elapsed.TotalSeconds));
            progress?.Invoke(iter, fx, gnorm);
        }

        return new LbfgsResult(x, fx, gnorm, iter, evaluations, gnorm <= gradientTolerance, trace);
    }

    private static double Dot(double[] a, double[] b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    private static void Axpy(double a, double[] x, double[] y) => System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(x, a, y, y);
}
