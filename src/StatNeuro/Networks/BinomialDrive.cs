using System.Runtime.CompilerServices;
using StatNeuro.Numerics;

namespace StatNeuro.Networks;

/// <summary>
/// External drive as in Brunel (2000): every neuron receives, in every step, k jumps of size <see cref="Weight"/>
/// with k ~ Binomial(<see cref="Sources"/>, rate·dt), i.e. the superposition of <see cref="Sources"/> independent
/// Bernoulli spike trains (Brian2's <c>PoissonInput</c>). With <see cref="Sources"/> = 0 the count is Poisson(rate·dt).
/// </summary>
/// <remarks>
/// Sampling is by inversion of a cumulative table computed once (exact up to the 1e-16 tail, which is cut), so a
/// draw costs one uniform and a few comparisons. Each neuron has its own random stream
/// (<see cref="StreamPurpose.Noise"/>, global neuron index), which makes the drive independent of the thread count.
/// </remarks>
public sealed class BinomialDrive
{
    private double[] _cdf = [];

    /// <summary>Creates a drive.</summary>
    /// <param name="sources">Number of independent external sources per neuron (C_ext); 0 for a Poisson count.</param>
    /// <param name="rateHz">Rate of each source in Hz (or total rate when <paramref name="sources"/> = 0).</param>
    /// <param name="weight">Jump per event, in the unit of the receptor's variable.</param>
    /// <param name="receptor">Receptor index of the target population.</param>
    public BinomialDrive(int sources, double rateHz, double weight, int receptor = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sources);
        if (!(rateHz >= 0) || !double.IsFinite(rateHz))
        {
            throw new ArgumentOutOfRangeException(nameof(rateHz), rateHz, "Rate must be finite and >= 0.");
        }

        Sources = sources;
        RateHz = rateHz;
        Weight = weight;
        Receptor = receptor;
    }

    /// <summary>Number of sources (0: Poisson).</summary>
    public int Sources { get; }

    /// <summary>Rate per source in Hz.</summary>
    public double RateHz { get; }

    /// <summary>Jump per event.</summary>
    public double Weight { get; }

    /// <summary>Receptor index.</summary>
    public int Receptor { get; }

    /// <summary>Builds the inversion table for step <paramref name="dt"/> (ms).</summary>
    /// <param name="dt">Step in ms.</param>
    internal void Prepare(double dt)
    {
        double p = RateHz * dt * 1e-3;
        if (Sources > 0 && p > 1)
        {
            throw new ArgumentException($"Drive probability rate*dt = {p} exceeds 1.");
        }

        var cdf = new List<double>();
        double total = 0;
        if (Sources > 0)
        {
            double q = 1 - p;
            double pk = Math.Pow(q, Sources);
            for (int k = 0; k <= Sources; k++)
            {
                total += pk;
                cdf.Add(total);
                if (1 - total < 1e-16 && k > Sources * p)
                {
                    break;
                }

                pk *= (Sources - k) / (k + 1.0) * (p / q);
            }
        }
        else
        {
            double pk = Math.Exp(-p);
            for (int k = 0; k < 100_000; k++)
            {
                total += pk;
                cdf.Add(total);
                if (1 - total < 1e-16 && k > p)
                {
                    break;
                }

                pk *= p / (k + 1.0);
            }
        }

        cdf[^1] = double.PositiveInfinity;
        while (cdf.Count < 9)
        {
            cdf.Add(double.PositiveInfinity);
        }

        _cdf = [.. cdf];
    }

    /// <summary>Draws one count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int Sample(ref RandomGenerator rng)
    {
        double u = rng.NextDouble();
        double[] cdf = _cdf;

        // Branch-free count of the first 8 table entries below u (the table has at least 9 entries, the last +inf).
        int k = (u >= cdf[0] ? 1 : 0) + (u >= cdf[1] ? 1 : 0) + (u >= cdf[2] ? 1 : 0) + (u >= cdf[3] ? 1 : 0)
            + (u >= cdf[4] ? 1 : 0) + (u >= cdf[5] ? 1 : 0) + (u >= cdf[6] ? 1 : 0) + (u >= cdf[7] ? 1 : 0);
        if (k == 8)
        {
            while (u >= cdf[k])
            {
                k++;
            }
        }

        return k;
    }
}
