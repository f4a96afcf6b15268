namespace StatNeuro.Numerics;

/// <summary>
/// The scaled complementary error function erfcx, the Dawson function and the integral of erfcx, accurate to a
/// few ulps over the whole real line (the building blocks of a Siegert rate that never under- or overflows).
/// </summary>
/// <remarks>
/// <para>erfcx(x) = e^(x^2) erfc(x); Dawson D(x) = e^(-x^2) ∫_0^x e^(t^2) dt = (√π/2) e^(-x^2) erfi(x).</para>
/// <para>Method (written here): on 0.2 ≤ x ≤ 50 (Dawson) and 0 ≤ x ≤ 50 (erfcx) a piecewise Chebyshev interpolant
/// of degree 12 on pieces of width 1/4 (x &lt; 16) and 2 (16 ≤ x ≤ 50); the piece ends are powers of two apart so
/// that the local variable carries no rounding (a mapping such as Johnson's y = 400/(4 + x) costs ~1e-15). The
/// coefficients (a compensated discrete cosine transform at the 13 Chebyshev nodes) are
/// generated once, at type initialisation, from slow but accurate evaluations: erfcx from the Taylor series of erf
/// (x &lt; 0.5) and the Laplace continued fraction erfc(x) = e^(-x^2)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
/// with 3000 terms (x ≥ 0.5); Dawson from Rybicki's sum D(x) = (1/√π) Σ_(n odd) e^(-(x - nh)^2)/n with h = 0.2
/// (G. B. Rybicki, Computers in Physics 3, 85 (1989); truncation error e^(-(π/2h)^2) ≈ 1e-27), with the ±n terms
/// paired so that nothing cancels. Beyond x = 50 a short continued fraction (erfcx) or the asymptotic series
/// D(x) = (1/2x) Σ (2n-1)!!/(2x^2)^n (Dawson); below |x| = 0.2 the Taylor series of Dawson. erfcx(x) for x &lt; 0
/// is 2 e^(x^2) - erfcx(-x) with x^2 split exactly by a fused multiply-add.</para>
/// </remarks>
public static class ErrorFunctions
{
    private const int Degree = 12;
    private const int Pieces = 81;
    private const double OneOverSqrtPi = 0.56418958354775628694807945156077;
    private static readonly double[] s_erfcxTable = BuildTable(SlowErfcx);
    private static readonly double[] s_dawsonTable = BuildTable(SlowDawson);
    private static readonly (double[] Nodes, double[] Weights) s_gauss = GaussLegendre(20);
    private static readonly (double[] Nodes, double[] Weights) s_gaussShort = GaussLegendre(12);

    /// <summary>Scaled complementary error function erfcx(x) = e^(x^2) erfc(x).</summary>
    /// <param name="x">Argument (any real; +∞ for x &lt; -26.64 where the result overflows).</param>
    /// <returns>erfcx(x); NaN for NaN.</returns>
    /// <remarks>For x → +∞, erfcx(x) ~ 1/(x √π); erfcx(0) = 1. Accuracy about 2e-16 relative (see class remarks).</remarks>
    public static double Erfcx(double x)
    {
        if (x >= 0)
        {
            return ErfcxNonNegative(x);
        }

        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x < -26.7)
        {
            return double.PositiveInfinity;
        }

        return (2.0 * ExpSquare(x)) - ErfcxNonNegative(-x);
    }

    /// <summary>Dawson's integral D(x) = e^(-x^2) ∫_0^x e^(t^2) dt.</summary>
    /// <param name="x">Argument.</param>
    /// <returns>D(x) (odd in x; maximum 0.5410442246 at x = 0.9241388730; ~ 1/(2x) for large x).</returns>
    /// <remarks>√π erfi(x) = 2 e^(x^2) D(x). Accuracy about 3e-16 relative (see class remarks).</remarks>
    public static double Dawson(double x)
    {
        double a = Math.Abs(x);
        double r;
        if (a < 0.2)
        {
            // Taylor: D(x) = Σ (-1)^n 2^n x^(2n+1)/(2n+1)!!, 10 terms give < 1e-20 relative at |x| = 0.2.
            double x2 = a * a, term = a, sum = a;
            for (int n = 1; n <= 10; n++)
            {
                term *= -2.0 * x2 / ((2 * n) + 1);
                sum += term;
            }

            r = sum;
        }
        else if (a <= 50)
        {
            r = EvaluateTable(s_dawsonTable, a);
        }
        else if (double.IsPositiveInfinity(a))
        {
            r = 0;
        }
        else
        {
            // Asymptotic: D(x) = (1/2x) Σ (2n-1)!!/(2x^2)^n; 7 terms: next term < 1e-20 relative at x = 50.
            double t = 1.0 / (2.0 * a * a), term = 1.0, sum = 1.0;
            for (int n = 1; n <= 7; n++)
            {
                term *= ((2 * n) - 1) * t;
                sum += term;
            }

            r = sum / (2.0 * a);
        }

        return x < 0 ? -r : (double.IsNaN(x) ? double.NaN : r);
    }

    /// <summary>The definite integral ∫_a^b erfcx(s) ds for 0 ≤ a, b (signed: negative when b &lt; a).</summary>
    /// <param name="a">Lower limit, ≥ 0.</param>
    /// <param name="b">Upper limit, ≥ 0 and finite.</param>
    /// <returns>The integral, relative accuracy about 1e-15.</returns>
    /// <remarks>
    /// Graded panels [x, max(2x, x + 1)] with Gauss–Legendre rules (erfcx is analytic and bounded in the right half
    /// plane; on [x, 2x], x ≥ 1, it behaves like 1/s, whose pole at 0 lies on the Bernstein ellipse ρ = 3 + √8, so
    /// 12 points leave ρ^(-24) ≈ 4e-19; the width-1 panels below x = 1 get 20 points); beyond s = 1000 the integral of the asymptotic series
    /// (1/√π)(1/s - 1/(2s^3) + 3/(4s^5) - 15/(8s^7)) in closed form (next term &lt; 1e-25 relative).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">For a negative or non-finite limit.</exception>
    public static double ErfcxIntegral(double a, double b)
    {
        if (!(a >= 0) || !(b >= 0) || double.IsInfinity(a) || double.IsInfinity(b))
        {
            throw new ArgumentOutOfRangeException(nameof(a), $"ErfcxIntegral needs finite limits >= 0, got [{a}, {b}].");
        }

        if (b < a)
        {
            return -ErfcxIntegral(b, a);
        }

        const double AsymptoticStart = 1000;
        double sum = 0;
        double x0 = a;
        double top = Math.Min(b, AsymptoticStart);
        while (x0 < top)
        {
            double x1 = Math.Min(top, Math.Max(2 * x0, x0 + 1));
            sum += GaussPanel(x0, x1);
            x0 = x1;
        }

        if (b > AsymptoticStart)
        {
            double lo = Math.Max(a, AsymptoticStart);
            double ia2 = 1.0 / (lo * lo), ib2 = 1.0 / (b * b);
            double tail = Math.Log(b / lo)
                + (0.25 * (ib2 - ia2))
                - (0.1875 * ((ib2 * ib2) - (ia2 * ia2)))
                + (0.3125 * ((ib2 * ib2 * ib2) - (ia2 * ia2 * ia2)));
            sum += OneOverSqrtPi * tail;
        }

        return sum;
    }

    /// <summary>e^(x^2) with x^2 split exactly (x^2 = s + e by FMA), so the result is accurate to a few ulps.</summary>
    /// <param name="x">Argument.</param>
    /// <returns>e^(x^2).</returns>
    public static double ExpSquare(double x)
    {
        double s = x * x;
        double e = Math.FusedMultiplyAdd(x, x, -s);
        return Math.Exp(s) * (1.0 + e);
    }

    /// <summary>e^(-x^2) with x^2 split exactly (see <see cref="ExpSquare"/>).</summary>
    /// <param name="x">Argument.</param>
    /// <returns>e^(-x^2).</returns>
    public static double ExpMinusSquare(double x)
    {
        double s = x * x;
        double e = Math.FusedMultiplyAdd(x, x, -s);
        return Math.Exp(-s) * (1.0 - e);
    }

    /// <summary>e^x - 1 accurate to a few ulps also for tiny |x| (Kahan's trick: (u - 1) x / ln u with u = e^x).</summary>
    /// <param name="x">Argument.</param>
    /// <returns>e^x - 1.</returns>
    /// <remarks>.NET's double.ExpM1 is Exp(x) - 1, which loses all digits for |x| &lt; 1e-16.</remarks>
    public static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        double um1 = u - 1.0;
        if (um1 == -1.0)
        {
            return -1.0;
        }

        return double.IsPositiveInfinity(u) ? u : um1 * x / Math.Log(u);
    }

    /// <summary>Slow reference erfcx for x ≥ 0 (used to build the table; exposed to tests).</summary>
    internal static double SlowErfcx(double x)
    {
        if (x < 0.5)
        {
            // erf(x) = (2/√π) Σ (-1)^n x^(2n+1)/(n!(2n+1)); 25 terms: < 1e-30 at x = 0.5.
            double x2 = x * x, power = x, sum = x;
            for (int n = 1; n <= 25; n++)
            {
                power *= -x2 / n;
                sum += power / ((2 * n) + 1);
            }

            return ExpSquare(x) * (1.0 - (2.0 * OneOverSqrtPi * sum));
        }

        double r = x;
        for (int n = 3000; n >= 1; n--)
        {
            r = x + (0.5 * n / r);
        }

        return OneOverSqrtPi / r;
    }

    /// <summary>Slow reference Dawson for x ≥ 0 by Rybicki's sum with paired terms (used to build the table).</summary>
    internal static double SlowDawson(double x)
    {
        const double H = 0.2;
        int nmax = (int)((x + 9.0) / H) + 2;
        double sum = 0, compensation = 0;
        for (int n = nmax | 1; n >= 1; n -= 2)
        {
            double nh = n * H;
            double d = x - nh;
            double term = Math.Exp(-d * d) * -ExpM1(-4.0 * x * nh) / n;
            double t = sum + term;
            compensation += Math.Abs(sum) >= Math.Abs(term) ? (sum - t) + term : (term - t) + sum;
            sum = t;
        }

        return (sum + compensation) * OneOverSqrtPi;
    }

    /// <summary>Gauss–Legendre nodes and weights on [-1, 1] by Newton iteration on P_n.</summary>
    internal static (double[] Nodes, double[] Weights) GaussLegendre(int n)
    {
        var nodes = new double[n];
        var weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            double z = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int iter = 0; iter < 100; iter++)
            {
                double p0 = 1, p1 = z;
                for (int k = 2; k <= n; k++)
                {
                    double p2 = (((2 * k) - 1) * z * p1 - ((k - 1) * p0)) / k;
                    p0 = p1;
                    p1 = p2;
                }

                dp = n * ((z * p1) - p0) / ((z * z) - 1);
                double dz = p1 / dp;
                z -= dz;
                if (Math.Abs(dz) < 1e-16)
                {
                    break;
                }
            }

            nodes[i] = z;
            weights[i] = 2.0 / ((1 - (z * z)) * dp * dp);
        }

        return (nodes, weights);
    }

    private static double ErfcxNonNegative(double x)
    {
        if (x <= 50)
        {
            return EvaluateTable(s_erfcxTable, x);
        }

        if (x > 5e7)
        {
            return OneOverSqrtPi / x;
        }

        // Laplace continued fraction, 10 terms: error < 1e-20 relative for x > 50.
        double r = x;
        for (int n = 10; n >= 1; n--)
        {
            r = x + (0.5 * n / r);
        }

        return OneOverSqrtPi / r;
    }

    private static double GaussPanel(double a, double b)
    {
        // [x, 2x] with x >= 1: Bernstein ellipse ρ = 3 + √8 (pole of 1/s at 0), 12 points give ρ^(-24) ≈ 4e-19;
        // panels of width 1 near 0 need 20 points (ρ ≈ 3: 3^(-40) ≈ 1e-19).
        double half = 0.5 * (b - a), mid = 0.5 * (a + b);
        (double[] nodes, double[] weights) = a >= 1 ? s_gaussShort : s_gauss;
        double sum = 0;
        for (int i = 0; i < nodes.Length; i++)
        {
            sum += weights[i] * ErfcxNonNegative(mid + (half * nodes[i]));
        }

        return sum * half;
    }

    private static double EvaluateTable(double[] table, double x)
    {
        // Pieces: width 1/4 on [0, 16) (k = 0..63), width 2 on [16, 50] (k = 64..80). The local variable
        // t = (x - start)/half - 1 is exact up to one rounding (powers of two), so the table adds no input error.
        int k;
        double t;
        if (x < 16)
        {
            k = (int)(x * 4);
            t = ((x - (k * 0.25)) * 8) - 1;
        }
        else
        {
            k = 64 + (int)((x - 16) * 0.5);
            if (k > Pieces - 1)
            {
                k = Pieces - 1;
            }

            t = x - (16 + (2 * (k - 64))) - 1;
        }

        int offset = k * (Degree + 1);

        // Clenshaw recurrence for Σ c_m T_m(t).
        double b1 = 0, b2 = 0, t2 = 2.0 * t;
        for (int m = Degree; m >= 1; m--)
        {
            double b0 = (t2 * b1) - b2 + table[offset + m];
            b2 = b1;
            b1 = b0;
        }

        return (t * b1) - b2 + table[offset];
    }

    private static double[] BuildTable(Func<double, double> f)
    {
        const int n = Degree + 1;
        var table = new double[Pieces * n];
        var values = new double[n];
        for (int k = 0; k < Pieces; k++)
        {
            double start = k < 64 ? k * 0.25 : 16 + (2 * (k - 64));
            double half = k < 64 ? 0.125 : 1.0;
            for (int j = 0; j < n; j++)
            {
                double t = Math.Cos(Math.PI * (j + 0.5) / n);
                values[j] = f(start + (half * (1 + t)));
            }

            for (int m = 0; m < n; m++)
            {
                // Compensated sum of exact products (TwoProduct by FMA, TwoSum): plain summation leaves ~1e-16
                // per coefficient, and the 13 errors add up to ~1e-15 at the ends of each piece.
                double c = 0, compensation = 0;
                for (int j = 0; j < n; j++)
                {
                    // cos(π m (j + 1/2)/n) with the angle reduced exactly in integers (an unreduced angle of up
                    // to 36 rad carries ~1e-14 of rounding into the coefficients).
                    int q = m * ((2 * j) + 1) % (4 * n);
                    double cs = Math.Cos(Math.PI * q / (2 * n));
                    double p = values[j] * cs;
                    double pe = Math.FusedMultiplyAdd(values[j], cs, -p);
                    double sum = c + p;
                    double bp = sum - c;
                    compensation += (c - (sum - bp)) + (p - bp) + pe;
                    c = sum;
                }

                table[(k * n) + m] = (m == 0 ? 1.0 : 2.0) * (c + compensation) / n;
            }
        }

        return table;
    }
}
