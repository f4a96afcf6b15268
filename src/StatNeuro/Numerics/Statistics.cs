namespace StatNeuro.Numerics;

/// <summary>Small descriptive statistics used by simulations and tests.</summary>
public static class Statistics
{
    /// <summary>Arithmetic mean; NaN for an empty span.</summary>
    /// <param name="values">Samples.</param>
    /// <returns>The mean.</returns>
    public static double Mean(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return double.NaN;
        }

        double s = 0;
        foreach (double v in values)
        {
            s += v;
        }

        return s / values.Length;
    }

    /// <summary>Unbiased sample variance (divisor n − 1), two-pass; NaN for fewer than 2 samples.</summary>
    /// <param name="values">Samples.</param>
    /// <returns>The variance.</returns>
    public static double Variance(ReadOnlySpan<double> values)
    {
        if (values.Length < 2)
        {
            return double.NaN;
        }

        double m = Mean(values);
        double s = 0, c = 0;
        foreach (double v in values)
        {
            double d = v - m;
            s += d * d;
            c += d;
        }

        return (s - c * c / values.Length) / (values.Length - 1);
    }

    /// <summary>Unbiased sample standard deviation.</summary>
    /// <param name="values">Samples.</param>
    /// <returns>The standard deviation.</returns>
    public static double StandardDeviation(ReadOnlySpan<double> values) => Math.Sqrt(Variance(values));

    /// <summary>Standard error of the mean, sd/√n.</summary>
    /// <param name="values">Samples.</param>
    /// <returns>The standard error.</returns>
    public static double StandardError(ReadOnlySpan<double> values) => StandardDeviation(values) / Math.Sqrt(values.Length);

    /// <summary>Inter-spike intervals of a sorted spike-time list.</summary>
    /// <param name="spikeTimes">Spike times, ascending.</param>
    /// <returns>The n − 1 intervals.</returns>
    public static double[] InterSpikeIntervals(ReadOnlySpan<double> spikeTimes)
    {
        if (spikeTimes.Length < 2)
        {
            return [];
        }

        var isi = new double[spikeTimes.Length - 1];
        for (int k = 1; k < spikeTimes.Length; k++)
        {
            isi[k - 1] = spikeTimes[k] - spikeTimes[k - 1];
        }

        return isi;
    }

    /// <summary>
    /// Coefficient of variation of the inter-spike intervals, sd(ISI)/mean(ISI) with the population (1/n) standard
    /// deviation as Brian2 and NEST analyses use; NaN with fewer than 3 spikes (fewer than 2 intervals).
    /// </summary>
    /// <param name="spikeTimes">Spike times, ascending.</param>
    /// <returns>The ISI CV.</returns>
    public static double IsiCv(ReadOnlySpan<double> spikeTimes)
    {
        if (spikeTimes.Length < 3)
        {
            return double.NaN;
        }

        double[] isi = InterSpikeIntervals(spikeTimes);
        double m = Mean(isi);
        double s = 0;
        foreach (double v in isi)
        {
            s += (v - m) * (v - m);
        }

        return Math.Sqrt(s / isi.Length) / m;
    }

    /// <summary>Least-squares slope and intercept of y on x.</summary>
    /// <param name="x">Abscissae.</param>
    /// <param name="y">Ordinates, same length.</param>
    /// <returns>(slope, intercept).</returns>
    public static (double Slope, double Intercept) LinearFit(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length || x.Length < 2)
        {
            throw new ArgumentException("LinearFit needs two spans of equal length >= 2.", nameof(y));
        }

        double mx = Mean(x), my = Mean(y), sxy = 0, sxx = 0;
        for (int k = 0; k < x.Length; k++)
        {
            sxy += (x[k] - mx) * (y[k] - my);
            sxx += (x[k] - mx) * (x[k] - mx);
        }

        double slope = sxy / sxx;
        return (slope, my - slope * mx);
    }
}
