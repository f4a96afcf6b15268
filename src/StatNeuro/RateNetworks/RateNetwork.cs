using StatNeuro.Numerics;

namespace StatNeuro.RateNetworks;

/// <summary>
/// A random rate network dx/dt = −x + J φ(x) with Gaussian couplings of variance [J_ij²] = g²/N and reciprocity
/// [J_ij J_ji] = γ g²/N.
/// </summary>
/// <remarks>
/// <para>Couplings (design note §8.1; same statistics as Qiu &amp; Huang's k-form, finite at γ = −1):
/// J = √((1+γ)/2) (A + Aᵀ)/√2 + √((1−γ)/2) (B − Bᵀ)/√2 with A_ij, B_ij i.i.d. N(0, g²/N), so for i ≠ j
/// [J_ij²] = g²/N and [J_ij J_ji] = γ g²/N. The diagonal is set to zero (self-couplings are O(1/√N) and absent in
/// the DMFT; Sompolinsky, Crisanti &amp; Sommers, PRL 61, 259, 1988). γ = 0 gives independent couplings (SCS).</para>
/// <para>J is stored row-major in single precision (4 bytes per synapse: 64 MB at N = 4000). The stored float
/// values <em>are</em> the couplings of the model: every product J·y accumulates in double precision, so energies
/// and gradients are exact for this J. Single-precision storage halves the memory traffic of the
/// bandwidth-bound mat-vec. The product (<see cref="MultiplyMany"/>) reads J once per call for all vectors — x and
/// the tangent vectors of the Lyapunov computation go through the same pass — with AVX-512 (or AVX2) FMA kernels
/// over register tiles of rows, parallel over row blocks (see <c>MatVecKernel</c>). The result of a row does not
/// depend on the thread count.</para>
/// <para>Row i of A, B is drawn from stream (seed, Connectivity, i), so J does not depend on the thread count.</para>
/// </remarks>
public sealed class RateNetwork
{
    private const int SerialBelow = 192;
    private float[]? _transpose;

    private RateNetwork(int n, double g, double gamma, RateActivation activation, float[] couplings)
    {
        N = n;
        G = g;
        Gamma = gamma;
        Activation = activation;
        Couplings = couplings;
    }

    /// <summary>Number of units.</summary>
    public int N { get; }

    /// <summary>Coupling gain g.</summary>
    public double G { get; }

    /// <summary>Reciprocity γ ∈ [−1, 1].</summary>
    public double Gamma { get; }

    /// <summary>The transfer function φ.</summary>
    public RateActivation Activation { get; }

    /// <summary>Row-major couplings J (N×N, single precision, zero diagonal).</summary>
    public float[] Couplings { get; }

    /// <summary>Worker threads used by the mat-vec (default: all cores).</summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>Inner kernel of the mat-vec (default: the best the hardware has; settable for benchmarks and tests).</summary>
    internal MatVecPath KernelPath { get; set; } = MatVecKernel.Best;

    /// <summary>Draws a network.</summary>
    /// <param name="n">Number of units (≥ 2).</param>
    /// <param name="g">Gain g ≥ 0.</param>
    /// <param name="gamma">Reciprocity, |γ| ≤ 1.</param>
    /// <param name="activation">Transfer function.</param>
    /// <param name="seed">Seed; row i uses stream (seed, Connectivity, i).</param>
    /// <returns>The network.</returns>
    public static RateNetwork Create(int n, double g, double gamma, RateActivation activation, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(g);
        if (!(Math.Abs(gamma) <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "reciprocity must lie in [-1, 1]");
        }

        // Upper triangle of A and B drawn row by row: a_ij, b_ij for j > i from stream i.
        double sd = g / Math.Sqrt(n);
        double cs = Math.Sqrt((1 + gamma) / 2), ca = Math.Sqrt((1 - gamma) / 2);
        var j = new float[(long)n * n];
        var streams = new RandomStreams(seed);
        for (int i = 0; i < n; i++)
        {
            RandomGenerator rng = streams.For(StreamPurpose.Connectivity, i);
            for (int k = i + 1; k < n; k++)
            {
                // (A + Aᵀ)/√2 off-diagonal: (a_ik + a_ki)/√2 ~ N(0, g²/N) symmetric part s_ik; likewise antisymmetric.
                double s = sd * rng.NextNormal();
                double a = sd * rng.NextNormal();
                j[(long)i * n + k] = (float)(cs * s + ca * a);
                j[(long)k * n + i] = (float)(cs * s - ca * a);
            }
        }

        return new RateNetwork(n, g, gamma, activation, j);
    }

    /// <summary>Wraps given couplings (row-major N×N) as a network.</summary>
    /// <param name="couplings">The matrix (copied).</param>
    /// <param name="activation">Transfer function.</param>
    /// <returns>The network (g and γ are reported as NaN).</returns>
    public static RateNetwork FromCouplings(double[,] couplings, RateActivation activation)
    {
        ArgumentNullException.ThrowIfNull(couplings);
        int n = couplings.GetLength(0);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        if (couplings.GetLength(1) != n)
        {
            throw new ArgumentException("coupling matrix must be square", nameof(couplings));
        }

        var j = new float[(long)n * n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                j[(long)i * n + k] = (float)couplings[i, k];
            }
        }

        return new RateNetwork(n, double.NaN, double.NaN, activation, j);
    }

    /// <summary>J_ij as stored.</summary>
    /// <param name="i">Row.</param>
    /// <param name="k">Column.</param>
    /// <returns>The coupling.</returns>
    public double this[int i, int k] => Couplings[(long)i * N + k];

    /// <summary>y = J x (double accumulation), parallel over row blocks.</summary>
    /// <param name="x">Input of length N.</param>
    /// <param name="y">Output of length N.</param>
    public void Multiply(ReadOnlySpan<double> x, Span<double> y) => MultiplyMany(x, y, 1);

    /// <summary>yₘ = J xₘ for <paramref name="count"/> vectors stored one after another (m-th at m·N).</summary>
    /// <param name="x">count·N inputs.</param>
    /// <param name="y">count·N outputs.</param>
    /// <param name="count">Number of vectors.</param>
    public void MultiplyMany(ReadOnlySpan<double> x, Span<double> y, int count) => Apply(Couplings, x, y, count);

    /// <summary>y = Jᵀ x (the transpose is built on first use and kept: another 4N² bytes).</summary>
    /// <param name="x">Input of length N.</param>
    /// <param name="y">Output of length N.</param>
    public void MultiplyTransposed(ReadOnlySpan<double> x, Span<double> y)
    {
        _transpose ??= BuildTranspose();
        Apply(_transpose, x, y, 1);
    }

    private float[] BuildTranspose()
    {
        int n = N;
        var t = new float[(long)n * n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                t[(long)k * n + i] = Couplings[(long)i * n + k];
            }
        }

        return t;
    }

    private unsafe void Apply(float[] matrix, ReadOnlySpan<double> x, Span<double> y, int count)
    {
        int n = N;
        if (x.Length < (long)count * n || y.Length < (long)count * n)
        {
            throw new ArgumentException("vectors too short for the requested count");
        }

        fixed (double* px = x)
        fixed (double* py = y)
        {
            var job = new MatVecJob(matrix, (nint)px, (nint)py, n, count, KernelPath);
            int threads = Math.Max(1, Threads);
            if (threads == 1 || n < SerialBelow)
            {
                job.Rows(0, n);
                return;
            }

            // Row blocks: a few per thread to balance, each at least 64 rows, boundaries on multiples of 4 (the
            // register tile); results do not depend on the split (MatVecKernel remarks).
            int blocks = Math.Min(n / 64, threads * 4);
            blocks = Math.Max(blocks, 1);
            var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
            Parallel.For(0, blocks, options, b =>
            {
                int lo = Boundary(n, b, blocks), hi = Boundary(n, b + 1, blocks);
                job.Rows(lo, hi);
            });
        }
    }

    private static int Boundary(int n, int b, int blocks) => b >= blocks ? n : (int)((long)n * b / blocks) & ~3;

    private readonly struct MatVecJob(float[] matrix, nint x, nint y, int n, int count, MatVecPath path)
    {
        public unsafe void Rows(int lo, int hi)
        {
            fixed (float* pm = matrix)
            {
                MatVecKernel.Rows(pm, n, (double*)x, (double*)y, count, lo, hi, path);
            }
        }
    }
}
