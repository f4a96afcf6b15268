namespace StatNeuro.Numerics;

/// <summary>Special functions used across the library.</summary>
public static class SpecialFunctions
{
    /// <summary>Natural logarithm of the gamma function, ln Γ(x), for x &gt; 0 (Lanczos via MathNet.Numerics).</summary>
    /// <param name="x">Argument, positive.</param>
    /// <returns>ln Γ(x).</returns>
    public static double LogGamma(double x) => MathNet.Numerics.SpecialFunctions.GammaLn(x);

    /// <summary>ln(2 cosh x) computed without overflow: |x| + ln(1 + e^(-2|x|)).</summary>
    /// <param name="x">Argument.</param>
    /// <returns>ln(2 cosh x).</returns>
    public static double LogTwoCosh(double x)
    {
        double a = Math.Abs(x);
        return a + Math.Log(1.0 + Math.Exp(-2.0 * a));
    }

    /// <summary>Softplus ln(1 + e^x) computed without overflow.</summary>
    /// <param name="x">Argument.</param>
    /// <returns>ln(1 + e^x).</returns>
    public static double Softplus(double x) => x > 0 ? x + Math.Log(1.0 + Math.Exp(-x)) : Math.Log(1.0 + Math.Exp(x));

    /// <summary>e^x − 1 accurate for small |x| (Kahan's trick: (u − 1)·x / ln u with u = e^x).</summary>
    /// <param name="x">Argument.</param>
    /// <returns>e^x − 1.</returns>
    public static double ExpM1(double x)
    {
        if (Math.Abs(x) < 1e-5)
        {
            return x + 0.5 * x * x + x * x * x / 6.0;
        }

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

        return double.IsInfinity(u) ? u : um1 * x / Math.Log(u);
    }
}
