using StatNeuro.Numerics;

namespace StatNeuro.Ising;

/// <summary>
/// Equilibrium Ising model on N spins s_i = ±1: P(s) = exp(Σ_i h_i s_i + Σ_{i&lt;j} J_ij s_i s_j) / Z, with J
/// symmetric and zero on the diagonal, β absorbed into h and J. Couplings are stored row-major (N × N).
/// </summary>
/// <remarks>
/// Energy E(s) = −Σ_i h_i s_i − Σ_{i&lt;j} J_ij s_i s_j (ConIII convention; the seed repository writes the same with
/// ½ Σ_{i,j}). Local field H_i(s) = h_i + Σ_{j≠i} J_ij s_j, so that P(s_i = +1 | s_\i) = 1 / (1 + e^{−2 H_i}).
/// The 0/1 convention σ = (s + 1)/2, P(σ) ∝ exp(Σ a_i σ_i + Σ_{i&lt;j} W_ij σ_i σ_j), is related exactly by
/// W = 4J, a_i = 2h_i − 2 Σ_{j≠i} J_ij (and back h_i = a_i/2 + Σ_{j≠i} W_ij/4), log Z_± = log Z_01 − Σ h_i + Σ_{i&lt;j} J_ij.
/// </remarks>
public sealed class IsingModel
{
    private readonly double[] _fields;
    private readonly double[] _couplings;

    /// <summary>Creates a model; the arrays are copied.</summary>
    /// <param name="fields">h, length N.</param>
    /// <param name="couplings">J, N × N row-major, symmetric (to 1e-12 relative), zero diagonal.</param>
    public IsingModel(ReadOnlySpan<double> fields, ReadOnlySpan<double> couplings)
    {
        int n = fields.Length;
        ArgumentOutOfRangeException.ThrowIfZero(n);
        if (couplings.Length != n * n)
        {
            throw new ArgumentException($"couplings must hold N*N = {n * n} values, got {couplings.Length}.", nameof(couplings));
        }

        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(fields[i]))
            {
                throw new ArgumentException($"field {i} is not finite.", nameof(fields));
            }

            if (couplings[i * n + i] != 0)
            {
                throw new ArgumentException($"couplings[{i},{i}] must be 0.", nameof(couplings));
            }

            for (int j = i + 1; j < n; j++)
            {
                double a = couplings[i * n + j], b = couplings[j * n + i];
                if (!double.IsFinite(a) || Math.Abs(a - b) > 1e-12 * Math.Max(1, Math.Abs(a)))
                {
                    throw new ArgumentException($"couplings[{i},{j}] = {a} and couplings[{j},{i}] = {b}: J must be finite and symmetric.", nameof(couplings));
                }
            }
        }

        _fields = fields.ToArray();
        _couplings = couplings.ToArray();
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                _couplings[j * n + i] = _couplings[i * n + j];
            }
        }
    }

    /// <summary>Number of spins N.</summary>
    public int Size => _fields.Length;

    /// <summary>Fields h_i.</summary>
    public ReadOnlySpan<double> Fields => _fields;

    /// <summary>Couplings J, N × N row-major.</summary>
    public ReadOnlySpan<double> Couplings => _couplings;

    /// <summary>The coupling J_ij.</summary>
    /// <param name="i">Spin i.</param>
    /// <param name="j">Spin j.</param>
    /// <returns>J_ij (0 for i = j).</returns>
    public double Coupling(int i, int j) => _couplings[i * Size + j];

    /// <summary>Log of the unnormalised probability, −E(s) = Σ h_i s_i + Σ_{i&lt;j} J_ij s_i s_j.</summary>
    /// <param name="spins">A configuration of ±1.</param>
    /// <returns>−E(s).</returns>
    public double LogWeight(ReadOnlySpan<sbyte> spins)
    {
        int n = Size;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double pair = 0;
            int off = i * n;
            for (int j = i + 1; j < n; j++)
            {
                pair += _couplings[off + j] * spins[j];
            }

            sum += spins[i] * (_fields[i] + pair);
        }

        return sum;
    }

    /// <summary>Energy E(s) = −Σ h_i s_i − Σ_{i&lt;j} J_ij s_i s_j.</summary>
    /// <param name="spins">A configuration of ±1.</param>
    /// <returns>E(s).</returns>
    public double Energy(ReadOnlySpan<sbyte> spins) => -LogWeight(spins);

    /// <summary>Local fields H_i = h_i + Σ_{j≠i} J_ij s_j.</summary>
    /// <param name="spins">A configuration of ±1.</param>
    /// <param name="destination">N values.</param>
    public void LocalFields(ReadOnlySpan<sbyte> spins, Span<double> destination)
    {
        int n = Size;
        for (int i = 0; i < n; i++)
        {
            double sum = _fields[i];
            int off = i * n;
            for (int j = 0; j < n; j++)
            {
                sum += _couplings[off + j] * spins[j];
            }

            destination[i] = sum;
        }
    }

    /// <summary>The same distribution in the 0/1 convention: P(σ) ∝ exp(Σ a_i σ_i + Σ_{i&lt;j} W_ij σ_i σ_j).</summary>
    /// <returns>(a, W) with W = 4J and a_i = 2h_i − 2Σ_{j≠i} J_ij.</returns>
    public (double[] Biases, double[] Weights) ToBinary()
    {
        int n = Size;
        var a = new double[n];
        var w = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            double rowSum = 0;
            for (int j = 0; j < n; j++)
            {
                rowSum += _couplings[i * n + j];
                w[i * n + j] = 4 * _couplings[i * n + j];
            }

            a[i] = 2 * _fields[i] - 2 * rowSum;
        }

        return (a, w);
    }

    /// <summary>Builds the ±1 model from 0/1-convention parameters: J = W/4, h_i = a_i/2 + Σ_{j≠i} W_ij/4.</summary>
    /// <param name="biases">a, length N.</param>
    /// <param name="weights">W, N × N row-major, symmetric, zero diagonal.</param>
    /// <returns>The equivalent model.</returns>
    public static IsingModel FromBinary(ReadOnlySpan<double> biases, ReadOnlySpan<double> weights)
    {
        int n = biases.Length;
        var h = new double[n];
        var j = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            double rowSum = 0;
            for (int k = 0; k < n; k++)
            {
                rowSum += weights[i * n + k];
                j[i * n + k] = weights[i * n + k] / 4;
            }

            h[i] = biases[i] / 2 + rowSum / 4;
        }

        return new IsingModel(h, j);
    }

    /// <summary>log Z in the ±1 convention minus log Z in the 0/1 convention: −Σ h_i + Σ_{i&lt;j} J_ij.</summary>
    /// <returns>The shift.</returns>
    public double BinaryLogPartitionShift()
    {
        int n = Size;
        double s = 0;
        for (int i = 0; i < n; i++)
        {
            s -= _fields[i];
            for (int j = i + 1; j < n; j++)
            {
                s += _couplings[i * n + j];
            }
        }

        return s;
    }

    /// <summary>The independent (maximum-entropy first-order) model with ⟨s_i⟩ = m_i: h_i = atanh m_i, J = 0.</summary>
    /// <param name="means">Means in (−1, 1).</param>
    /// <returns>The model.</returns>
    public static IsingModel Independent(ReadOnlySpan<double> means)
    {
        var h = new double[means.Length];
        for (int i = 0; i < h.Length; i++)
        {
            h[i] = Math.Atanh(means[i]);
        }

        return new IsingModel(h, new double[h.Length * h.Length]);
    }

    /// <summary>
    /// A planted Sherrington–Kirkpatrick model: h_i ~ N(0, σ_h²), J_ij = J_ji ~ N(0, β²/N) for i &lt; j.
    /// </summary>
    /// <param name="size">N.</param>
    /// <param name="beta">Coupling strength β (spin-glass transition at β = 1 for h = 0).</param>
    /// <param name="fieldStandardDeviation">σ_h.</param>
    /// <param name="seed">Seed (stream <see cref="StreamPurpose.Model"/>).</param>
    /// <returns>The model.</returns>
    /// <remarks>Sherrington &amp; Kirkpatrick (1975), Phys. Rev. Lett. 35:1792.</remarks>
    public static IsingModel SherringtonKirkpatrick(int size, double beta, double fieldStandardDeviation, ulong seed)
    {
        RandomGenerator rng = new RandomStreams(seed).For(StreamPurpose.Model, 0);
        var h = new double[size];
        var j = new double[size * size];
        double sd = beta / Math.Sqrt(size);
        for (int i = 0; i < size; i++)
        {
            h[i] = fieldStandardDeviation * rng.NextNormal();
        }

        for (int i = 0; i < size; i++)
        {
            for (int k = i + 1; k < size; k++)
            {
                j[i * size + k] = j[k * size + i] = sd * rng.NextNormal();
            }
        }

        return new IsingModel(h, j);
    }
}
