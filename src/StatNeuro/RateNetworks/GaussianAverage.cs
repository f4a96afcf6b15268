namespace StatNeuro.RateNetworks;

/// <summary>Gaussian averages ∫Dz f(z), Dz = e^{−z²/2}/√(2π) dz, by the trapezoid rule on |z| ≤ L.</summary>
/// <remarks>
/// For integrands analytic in a strip |Im z| &lt; a the trapezoid rule with spacing h converges like e^{−2πa/h}
/// (Trefethen &amp; Weideman, SIAM Rev. 56, 385, 2014); tanh(σz) has poles at Im z = π/(2σ), so h = 0.1 leaves an error
/// ~ e^{−π²/(σh)} (&lt; 1e-10 for σ ≤ 4). Gauss–Hermite converges much more slowly here (design note §6.1). The
/// weights are normalised to sum to 1, which removes the truncation of the tails (e^{−L²/2} ≈ 1e-14 at L = 8).
/// </remarks>
public sealed class GaussianAverage
{
    /// <summary>Creates the rule with spacing <paramref name="h"/> on [−<paramref name="limit"/>, <paramref name="limit"/>].</summary>
    /// <param name="h">Node spacing.</param>
    /// <param name="limit">Half-width L.</param>
    public GaussianAverage(double h = 0.1, double limit = 8.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(h);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        int half = (int)Math.Round(limit / h);
        int count = 2 * half + 1;
        Nodes = new double[count];
        Weights = new double[count];
        double sum = 0;
        for (int k = 0; k < count; k++)
        {
            double z = (k - half) * h;
            Nodes[k] = z;
            Weights[k] = Math.Exp(-0.5 * z * z);
            sum += Weights[k];
        }

        for (int k = 0; k < count; k++)
        {
            Weights[k] /= sum;
        }
    }

    /// <summary>The default rule (h = 0.1, L = 8, 161 nodes).</summary>
    public static GaussianAverage Default { get; } = new();

    /// <summary>Nodes z_k.</summary>
    public double[] Nodes { get; }

    /// <summary>Normalised weights.</summary>
    public double[] Weights { get; }

    /// <summary>∫Dz f(z).</summary>
    /// <param name="f">The integrand.</param>
    /// <returns>The average.</returns>
    public double Average(Func<double, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        double s = 0;
        for (int k = 0; k < Nodes.Length; k++)
        {
            s += Weights[k] * f(Nodes[k]);
        }

        return s;
    }
}
