using StatNeuro.Data;
using StatNeuro.Ising;

namespace StatNeuro.Inference;

/// <summary>The sufficient statistics of the pairwise model: ⟨s_i⟩ and ⟨s_i s_j⟩ of M samples (±1 units).</summary>
/// <param name="Samples">M.</param>
/// <param name="Means">⟨s_i⟩.</param>
/// <param name="SecondMoments">⟨s_i s_j⟩, N × N row-major, diagonal 1.</param>
public sealed record SpinMoments(int Samples, double[] Means, double[] SecondMoments)
{
    /// <summary>N.</summary>
    public int Size => Means.Length;

    /// <summary>The moments of a raster.</summary>
    /// <param name="raster">Data.</param>
    /// <returns>Its moments.</returns>
    public static SpinMoments FromRaster(SpinRaster raster)
    {
        ArgumentNullException.ThrowIfNull(raster);
        return new SpinMoments(raster.TimeBins, raster.Means(), raster.SecondMoments());
    }

    /// <summary>Connected correlations C_ij = ⟨s_i s_j⟩ − m_i m_j.</summary>
    /// <returns>N × N row-major.</returns>
    public double[] ConnectedCorrelations()
    {
        int n = Size;
        var c = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                c[i * n + j] = SecondMoments[i * n + j] - Means[i] * Means[j];
            }
        }

        return c;
    }
}

/// <summary>Packing of (h, J) into one parameter vector: h_0..h_{N−1}, then J_ij for i &lt; j row by row.</summary>
internal static class IsingParameters
{
    public static int Count(int n) => n + n * (n - 1) / 2;

    public static double[] Pack(IsingModel model)
    {
        int n = model.Size;
        var theta = new double[Count(n)];
        model.Fields.CopyTo(theta);
        int p = n;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                theta[p++] = model.Couplings[i * n + j];
            }
        }

        return theta;
    }

    public static IsingModel Unpack(ReadOnlySpan<double> theta, int n)
    {
        var j = new double[n * n];
        int p = n;
        for (int a = 0; a < n; a++)
        {
            for (int b = a + 1; b < n; b++)
            {
                j[a * n + b] = j[b * n + a] = theta[p++];
            }
        }

        return new IsingModel(theta[..n], j);
    }

    public static double[] PackMoments(double[] means, double[] second)
    {
        int n = means.Length;
        var phi = new double[Count(n)];
        means.CopyTo(phi, 0);
        int p = n;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                phi[p++] = second[i * n + j];
            }
        }

        return phi;
    }

    /// <summary>The independent-model start h_i = atanh m_i (means clipped to ±(1 − 1e-6)).</summary>
    public static IsingModel IndependentStart(double[] means)
    {
        var m = new double[means.Length];
        for (int i = 0; i < m.Length; i++)
        {
            m[i] = Math.Clamp(means[i], -1 + 1e-6, 1 - 1e-6);
        }

        return IsingModel.Independent(m);
    }
}
