using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StatNeuro.RateNetworks;

/// <summary>Which inner kernel the single-precision-matrix × double-vector product uses.</summary>
internal enum MatVecPath
{
    /// <summary>AVX-512: 8 doubles per register, float→double widening and fused multiply–add.</summary>
    Avx512,

    /// <summary>AVX2 + FMA: 4 doubles per register.</summary>
    Avx2,

    /// <summary><see cref="Vector{T}"/> without FMA (any hardware; the pre-2025 kernel, kept as the baseline).</summary>
    Portable,
}

/// <summary>
/// Row kernels for y = M x with M stored in single precision and x, y in double precision.
/// </summary>
/// <remarks>
/// <para>The product is memory-bandwidth bound (4 bytes of M per multiply–add), so the kernels (i) read every matrix
/// element exactly once per call — several vectors (x and the tangent vectors) are multiplied in the same pass over a
/// row — (ii) widen float to double in registers and accumulate with fused multiply–adds, and (iii) share the loads of
/// x between 2–4 rows (register tiles 4 rows × 1 vector or 2 rows × 2 vectors, 8 accumulators).</para>
/// <para>Every (row, vector) pair is accumulated in the same order whatever tile it falls in: two accumulators over
/// column chunks of 2W (W doubles per register), their lane sum, then the scalar tail in column order. So the result
/// does not depend on how rows are tiled or split among threads (bitwise reproducible for a given path).</para>
/// </remarks>
internal static unsafe class MatVecKernel
{
    /// <summary>The best path of this machine.</summary>
    internal static MatVecPath Best { get; } = Detect();

    /// <summary>Best path the hardware supports.</summary>
    /// <returns>The path.</returns>
    internal static MatVecPath Detect() =>
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? MatVecPath.Avx512
        : Avx2.IsSupported && Fma.IsSupported ? MatVecPath.Avx2
        : MatVecPath.Portable;

    /// <summary>y[m·n + i] = Σ_k M[i, k] x[m·n + k] for rows lo ≤ i &lt; hi and vectors 0 ≤ m &lt; count.</summary>
    /// <param name="m">Row-major n×n matrix.</param>
    /// <param name="n">Order.</param>
    /// <param name="x">count vectors of length n.</param>
    /// <param name="y">count outputs of length n.</param>
    /// <param name="count">Number of vectors.</param>
    /// <param name="lo">First row.</param>
    /// <param name="hi">One past the last row.</param>
    /// <param name="path">Kernel; falls back to the portable one when the hardware lacks it.</param>
    public static void Rows(float* m, int n, double* x, double* y, int count, int lo, int hi, MatVecPath path)
    {
        switch (path)
        {
            case MatVecPath.Avx512 when Avx512F.IsSupported:
                Rows512(m, n, x, y, count, lo, hi);
                break;
            case MatVecPath.Avx2 when Avx2.IsSupported && Fma.IsSupported:
                Rows256(m, n, x, y, count, lo, hi);
                break;
            default:
                for (int i = lo; i < hi; i++)
                {
                    float* row = m + (long)i * n;
                    for (int v = 0; v < count; v++)
                    {
                        y[(long)v * n + i] = PortableDot(row, x + (long)v * n, n);
                    }
                }

                break;
        }
    }

    private static void Rows512(float* m, int n, double* x, double* y, int count, int lo, int hi)
    {
        int i = lo;
        for (; i + 4 <= hi; i += 4)
        {
            float* r0 = m + (long)i * n;
            int v = 0;
            for (; v + 2 <= count; v += 2)
            {
                double* x0 = x + (long)v * n, x1 = x0 + n;
                double* y0 = y + (long)v * n + i, y1 = y0 + n;
                Tile2x2Avx512(r0, r0 + n, x0, x1, n, y0, y1);
                Tile2x2Avx512(r0 + 2L * n, r0 + 3L * n, x0, x1, n, y0 + 2, y1 + 2);
            }

            if (v < count)
            {
                Tile4x1Avx512(r0, n, x + (long)v * n, y + (long)v * n + i);
            }
        }

        for (; i < hi; i++)
        {
            for (int v = 0; v < count; v++)
            {
                y[(long)v * n + i] = Row1Avx512(m + (long)i * n, x + (long)v * n, n);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Widen512(float* p) => Avx512F.ConvertToVector512Double(Vector256.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x1Avx512(float* r0, int n, double* x, double* y)
    {
        float* r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
        Vector512<double> a0 = default, b0 = default, a1 = default, b1 = default;
        Vector512<double> a2 = default, b2 = default, a3 = default, b3 = default;
        int k = 0;
        for (; k <= n - 16; k += 16)
        {
            var xa = Vector512.Load(x + k);
            var xb = Vector512.Load(x + k + 8);
            a0 = Avx512F.FusedMultiplyAdd(Widen512(r0 + k), xa, a0);
            b0 = Avx512F.FusedMultiplyAdd(Widen512(r0 + k + 8), xb, b0);
            a1 = Avx512F.FusedMultiplyAdd(Widen512(r1 + k), xa, a1);
            b1 = Avx512F.FusedMultiplyAdd(Widen512(r1 + k + 8), xb, b1);
            a2 = Avx512F.FusedMultiplyAdd(Widen512(r2 + k), xa, a2);
            b2 = Avx512F.FusedMultiplyAdd(Widen512(r2 + k + 8), xb, b2);
            a3 = Avx512F.FusedMultiplyAdd(Widen512(r3 + k), xa, a3);
            b3 = Avx512F.FusedMultiplyAdd(Widen512(r3 + k + 8), xb, b3);
        }

        y[0] = Tail(r0, x, k, n, Vector512.Sum(a0 + b0));
        y[1] = Tail(r1, x, k, n, Vector512.Sum(a1 + b1));
        y[2] = Tail(r2, x, k, n, Vector512.Sum(a2 + b2));
        y[3] = Tail(r3, x, k, n, Vector512.Sum(a3 + b3));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2x2Avx512(float* r0, float* r1, double* x0, double* x1, int n, double* y0, double* y1)
    {
        Vector512<double> a00 = default, b00 = default, a01 = default, b01 = default;
        Vector512<double> a10 = default, b10 = default, a11 = default, b11 = default;
        int k = 0;
        for (; k <= n - 16; k += 16)
        {
            var p0 = Vector512.Load(x0 + k);
            var q0 = Vector512.Load(x0 + k + 8);
            var p1 = Vector512.Load(x1 + k);
            var q1 = Vector512.Load(x1 + k + 8);
            var ra = Widen512(r0 + k);
            var rb = Widen512(r0 + k + 8);
            var sa = Widen512(r1 + k);
            var sb = Widen512(r1 + k + 8);
            a00 = Avx512F.FusedMultiplyAdd(ra, p0, a00);
            b00 = Avx512F.FusedMultiplyAdd(rb, q0, b00);
            a01 = Avx512F.FusedMultiplyAdd(ra, p1, a01);
            b01 = Avx512F.FusedMultiplyAdd(rb, q1, b01);
            a10 = Avx512F.FusedMultiplyAdd(sa, p0, a10);
            b10 = Avx512F.FusedMultiplyAdd(sb, q0, b10);
            a11 = Avx512F.FusedMultiplyAdd(sa, p1, a11);
            b11 = Avx512F.FusedMultiplyAdd(sb, q1, b11);
        }

        y0[0] = Tail(r0, x0, k, n, Vector512.Sum(a00 + b00));
        y1[0] = Tail(r0, x1, k, n, Vector512.Sum(a01 + b01));
        y0[1] = Tail(r1, x0, k, n, Vector512.Sum(a10 + b10));
        y1[1] = Tail(r1, x1, k, n, Vector512.Sum(a11 + b11));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Row1Avx512(float* r, double* x, int n)
    {
        Vector512<double> a = default, b = default;
        int k = 0;
        for (; k <= n - 16; k += 16)
        {
            a = Avx512F.FusedMultiplyAdd(Widen512(r + k), Vector512.Load(x + k), a);
            b = Avx512F.FusedMultiplyAdd(Widen512(r + k + 8), Vector512.Load(x + k + 8), b);
        }

        return Tail(r, x, k, n, Vector512.Sum(a + b));
    }

    private static void Rows256(float* m, int n, double* x, double* y, int count, int lo, int hi)
    {
        int i = lo;
        for (; i + 4 <= hi; i += 4)
        {
            float* r0 = m + (long)i * n;
            int v = 0;
            for (; v + 2 <= count; v += 2)
            {
                double* x0 = x + (long)v * n, x1 = x0 + n;
                double* y0 = y + (long)v * n + i, y1 = y0 + n;
                Tile2x2Avx2(r0, r0 + n, x0, x1, n, y0, y1);
                Tile2x2Avx2(r0 + 2L * n, r0 + 3L * n, x0, x1, n, y0 + 2, y1 + 2);
            }

            if (v < count)
            {
                Tile4x1Avx2(r0, n, x + (long)v * n, y + (long)v * n + i);
            }
        }

        for (; i < hi; i++)
        {
            for (int v = 0; v < count; v++)
            {
                y[(long)v * n + i] = Row1Avx2(m + (long)i * n, x + (long)v * n, n);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Widen256(float* p) => Avx.ConvertToVector256Double(Vector128.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x1Avx2(float* r0, int n, double* x, double* y)
    {
        float* r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
        Vector256<double> a0 = default, b0 = default, a1 = default, b1 = default;
        Vector256<double> a2 = default, b2 = default, a3 = default, b3 = default;
        int k = 0;
        for (; k <= n - 8; k += 8)
        {
            var xa = Vector256.Load(x + k);
            var xb = Vector256.Load(x + k + 4);
            a0 = Fma.MultiplyAdd(Widen256(r0 + k), xa, a0);
            b0 = Fma.MultiplyAdd(Widen256(r0 + k + 4), xb, b0);
            a1 = Fma.MultiplyAdd(Widen256(r1 + k), xa, a1);
            b1 = Fma.MultiplyAdd(Widen256(r1 + k + 4), xb, b1);
            a2 = Fma.MultiplyAdd(Widen256(r2 + k), xa, a2);
            b2 = Fma.MultiplyAdd(Widen256(r2 + k + 4), xb, b2);
            a3 = Fma.MultiplyAdd(Widen256(r3 + k), xa, a3);
            b3 = Fma.MultiplyAdd(Widen256(r3 + k + 4), xb, b3);
        }

        y[0] = Tail(r0, x, k, n, Vector256.Sum(a0 + b0));
        y[1] = Tail(r1, x, k, n, Vector256.Sum(a1 + b1));
        y[2] = Tail(r2, x, k, n, Vector256.Sum(a2 + b2));
        y[3] = Tail(r3, x, k, n, Vector256.Sum(a3 + b3));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2x2Avx2(float* r0, float* r1, double* x0, double* x1, int n, double* y0, double* y1)
    {
        Vector256<double> a00 = default, b00 = default, a01 = default, b01 = default;
        Vector256<double> a10 = default, b10 = default, a11 = default, b11 = default;
        int k = 0;
        for (; k <= n - 8; k += 8)
        {
            var p0 = Vector256.Load(x0 + k);
            var q0 = Vector256.Load(x0 + k + 4);
            var p1 = Vector256.Load(x1 + k);
            var q1 = Vector256.Load(x1 + k + 4);
            var ra = Widen256(r0 + k);
            var rb = Widen256(r0 + k + 4);
            var sa = Widen256(r1 + k);
            var sb = Widen256(r1 + k + 4);
            a00 = Fma.MultiplyAdd(ra, p0, a00);
            b00 = Fma.MultiplyAdd(rb, q0, b00);
            a01 = Fma.MultiplyAdd(ra, p1, a01);
            b01 = Fma.MultiplyAdd(rb, q1, b01);
            a10 = Fma.MultiplyAdd(sa, p0, a10);
            b10 = Fma.MultiplyAdd(sb, q0, b10);
            a11 = Fma.MultiplyAdd(sa, p1, a11);
            b11 = Fma.MultiplyAdd(sb, q1, b11);
        }

        y0[0] = Tail(r0, x0, k, n, Vector256.Sum(a00 + b00));
        y1[0] = Tail(r0, x1, k, n, Vector256.Sum(a01 + b01));
        y0[1] = Tail(r1, x0, k, n, Vector256.Sum(a10 + b10));
        y1[1] = Tail(r1, x1, k, n, Vector256.Sum(a11 + b11));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Row1Avx2(float* r, double* x, int n)
    {
        Vector256<double> a = default, b = default;
        int k = 0;
        for (; k <= n - 8; k += 8)
        {
            a = Fma.MultiplyAdd(Widen256(r + k), Vector256.Load(x + k), a);
            b = Fma.MultiplyAdd(Widen256(r + k + 4), Vector256.Load(x + k + 4), b);
        }

        return Tail(r, x, k, n, Vector256.Sum(a + b));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Tail(float* r, double* x, int k, int n, double sum)
    {
        for (; k < n; k++)
        {
            sum = Math.FusedMultiplyAdd(r[k], x[k], sum);
        }

        return sum;
    }

    /// <summary>Σ row[k]·x[k] with float→double widening, four accumulators, no FMA (portable baseline).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double PortableDot(float* row, double* x, int n)
    {
        int k = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && n >= 2 * Vector<float>.Count)
        {
            int wf = Vector<float>.Count, wd = Vector<double>.Count;
            Vector<double> acc0 = Vector<double>.Zero, acc1 = Vector<double>.Zero, acc2 = Vector<double>.Zero, acc3 = Vector<double>.Zero;
            int last = n - 2 * wf;
            for (; k <= last; k += 2 * wf)
            {
                var f0 = Unsafe.ReadUnaligned<Vector<float>>(row + k);
                var f1 = Unsafe.ReadUnaligned<Vector<float>>(row + k + wf);
                Vector.Widen(f0, out Vector<double> a0, out Vector<double> a1);
                Vector.Widen(f1, out Vector<double> a2, out Vector<double> a3);
                acc0 += a0 * Unsafe.ReadUnaligned<Vector<double>>(x + k);
                acc1 += a1 * Unsafe.ReadUnaligned<Vector<double>>(x + k + wd);
                acc2 += a2 * Unsafe.ReadUnaligned<Vector<double>>(x + k + 2 * wd);
                acc3 += a3 * Unsafe.ReadUnaligned<Vector<double>>(x + k + 3 * wd);
            }

            sum = Vector.Sum((acc0 + acc1) + (acc2 + acc3));
        }

        for (; k < n; k++)
        {
            sum += row[k] * x[k];
        }

        return sum;
    }
}
