namespace StatNeuro.Numerics;

/// <summary>Outcome of a bracketed root search.</summary>
/// <param name="Root">Best estimate of the root.</param>
/// <param name="Iterations">Iterations used.</param>
/// <param name="Converged">True when the bracket shrank below the tolerance.</param>
public sealed record RootResult(double Root, int Iterations, bool Converged);

/// <summary>Bracketed scalar root finding.</summary>
public static class RootFinding
{
    /// <summary>
    /// Brent's method (Brent 1973, "Algorithms for Minimization without Derivatives", ch. 4): inverse quadratic
    /// interpolation and secant steps safeguarded by bisection. Requires f(a) and f(b) of opposite sign (or zero).
    /// </summary>
    /// <param name="f">The function.</param>
    /// <param name="a">One end of the bracket.</param>
    /// <param name="b">The other end.</param>
    /// <param name="absoluteTolerance">Absolute tolerance on the root.</param>
    /// <param name="maxIterations">Iteration limit.</param>
    /// <returns>The root, iterations and convergence flag.</returns>
    /// <exception cref="ArgumentException">When the interval does not bracket a root.</exception>
    public static RootResult Brent(Func<double, double> f, double a, double b, double absoluteTolerance = 1e-14, int maxIterations = 200)
    {
        ArgumentNullException.ThrowIfNull(f);
        double fa = f(a), fb = f(b);
        if (fa == 0)
        {
            return new RootResult(a, 0, true);
        }

        if (fb == 0)
        {
            return new RootResult(b, 0, true);
        }

        if (Math.Sign(fa) == Math.Sign(fb))
        {
            throw new ArgumentException($"Brent: f({a}) = {fa} and f({b}) = {fb} do not bracket a root.", nameof(b));
        }

        double c = a, fc = fa, d = b - a, e = d;
        for (int iter = 1; iter <= maxIterations; iter++)
        {
            if (Math.Sign(fb) == Math.Sign(fc))
            {
                c = a;
                fc = fa;
                d = b - a;
                e = d;
            }

            if (Math.Abs(fc) < Math.Abs(fb))
            {
                a = b;
                b = c;
                c = a;
                fa = fb;
                fb = fc;
                fc = fa;
            }

            double tol = 2 * double.Epsilon + 2 * 1.1102230246251565e-16 * Math.Abs(b) + 0.5 * absoluteTolerance;
            double m = 0.5 * (c - b);
            if (Math.Abs(m) <= tol || fb == 0)
            {
                return new RootResult(b, iter, true);
            }

            if (Math.Abs(e) >= tol && Math.Abs(fa) > Math.Abs(fb))
            {
                double s = fb / fa, p, q;
                if (a == c)
                {
                    p = 2 * m * s;
                    q = 1 - s;
                }
                else
                {
                    double qq = fa / fc, r = fb / fc;
                    p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
                    q = (qq - 1) * (r - 1) * (s - 1);
                }

                if (p > 0)
                {
                    q = -q;
                }
                else
                {
                    p = -p;
                }

                if (2 * p < Math.Min(3 * m * q - Math.Abs(tol * q), Math.Abs(e * q)))
                {
                    e = d;
                    d = p / q;
                }
                else
                {
                    d = m;
                    e = d;
                }
            }
            else
            {
                d = m;
                e = d;
            }

            a = b;
            fa = fb;
            b += Math.Abs(d) > tol ? d : (m > 0 ? tol : -tol);
            fb = f(b);
        }

        return new RootResult(b, maxIterations, false);
    }

    /// <summary>
    /// Finds every sign change of f on a uniform grid of <paramref name="gridPoints"/> points over [a, b] and refines
    /// each by Brent. Roots of even multiplicity (touching zero without a sign change) are not found.
    /// </summary>
    /// <param name="f">The function.</param>
    /// <param name="a">Left end.</param>
    /// <param name="b">Right end.</param>
    /// <param name="gridPoints">Scan resolution (≥ 2).</param>
    /// <param name="absoluteTolerance">Tolerance passed to Brent.</param>
    /// <returns>Roots in increasing order.</returns>
    public static IReadOnlyList<double> AllRoots(Func<double, double> f, double a, double b, int gridPoints = 1000, double absoluteTolerance = 1e-14)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentOutOfRangeException.ThrowIfLessThan(gridPoints, 2);
        var roots = new List<double>();
        double xPrev = a, fPrev = f(a);
        if (fPrev == 0)
        {
            roots.Add(a);
        }

        for (int k = 1; k < gridPoints; k++)
        {
            double x = a + (b - a) * k / (gridPoints - 1);
            double fx = f(x);
            if (fx == 0)
            {
                roots.Add(x);
            }
            else if (fPrev != 0 && Math.Sign(fx) != Math.Sign(fPrev))
            {
                roots.Add(Brent(f, xPrev, x, absoluteTolerance).Root);
            }

            xPrev = x;
            fPrev = fx;
        }

        return roots;
    }
}
