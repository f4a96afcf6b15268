using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StatNeuro.Inference;

/// <summary>
/// Dense blocked accumulation of E = Σ_p w_p u_p u_pᵀ (the coupling block of a kinetic row's negative Hessian) over
/// the 0/1 pattern layout <see cref="KineticTransitions.DenseU"/>: per block of L patterns, Uᵀ (w ⊙ U) by 4×4 register
/// tiles of 8-lane single-precision multiply-adds, summed into double. Used when the patterns are dense (planted
/// models: about N/2 active entries each), where the sparse scatter costs Σ K²/2 indexed adds per Hessian.
/// </summary>
/// <remarks>Single precision only affects the Hessian (the Newton direction), never the gradient or the stopping
/// test, so the fixed point and the 1e-8 gradient tolerance are unchanged.</remarks>
internal static class KineticHessianKernel
{
    private static readonly bool s_hasFma = Fma.IsSupported;

    public static void Accumulate(KineticTransitions set, float[] weights, double[] e)
    {
        int n = set.N, np = set.PaddedN;
        const int L = KineticTransitions.ChunkLength;
        float[] u = set.DenseU!;
        int patterns = set.PatternCount;
        int chunks = (patterns + L - 1) / L;
        var wu = new float[np * L];
        var wc = new float[L];
        var acc = new double[np * np];
        for (int c = 0; c < chunks; c++)
        {
            int first = c * L;
            int len = Math.Min(L, patterns - first);
            Array.Clear(wc);
            Array.Copy(weights, first, wc, 0, len);
            ReadOnlySpan<float> block = u.AsSpan(c * np * L, np * L);
            for (int k = 0; k < np; k++)
            {
                TensorPrimitives.Multiply(block.Slice(k * L, L), wc, wu.AsSpan(k * L, L));
            }

            for (int jb = 0; jb < np; jb += 4)
            {
                for (int kb = 0; kb <= jb; kb += 4)
                {
                    Tile(block, wu, jb, kb, acc, np);
                }
            }
        }

        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k <= j; k++)
            {
                double v = acc[j * np + k];
                e[j * n + k] = v;
                e[k * n + j] = v;
            }
        }
    }

    private static Vector256<float> Mad(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        s_hasFma ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;

    private static void Tile(ReadOnlySpan<float> a, float[] b, int jb, int kb, double[] acc, int np)
    {
        const int L = KineticTransitions.ChunkLength;
        Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector256<float> s20 = default, s21 = default, s22 = default, s23 = default;
        Vector256<float> s30 = default, s31 = default, s32 = default, s33 = default;
        ReadOnlySpan<float> a0 = a.Slice(jb * L, L), a1 = a.Slice((jb + 1) * L, L), a2 = a.Slice((jb + 2) * L, L), a3 = a.Slice((jb + 3) * L, L);
        ReadOnlySpan<float> b0 = b.AsSpan(kb * L, L), b1 = b.AsSpan((kb + 1) * L, L), b2 = b.AsSpan((kb + 2) * L, L), b3 = b.AsSpan((kb + 3) * L, L);
        for (int t = 0; t < L; t += 8)
        {
            Vector256<float> x0 = Vector256.Create(a0.Slice(t, 8)), x1 = Vector256.Create(a1.Slice(t, 8));
            Vector256<float> x2 = Vector256.Create(a2.Slice(t, 8)), x3 = Vector256.Create(a3.Slice(t, 8));
            Vector256<float> y0 = Vector256.Create(b0.Slice(t, 8)), y1 = Vector256.Create(b1.Slice(t, 8));
            Vector256<float> y2 = Vector256.Create(b2.Slice(t, 8)), y3 = Vector256.Create(b3.Slice(t, 8));
            s00 = Mad(x0, y0, s00);
            s01 = Mad(x0, y1, s01);
            s02 = Mad(x0, y2, s02);
            s03 = Mad(x0, y3, s03);
            s10 = Mad(x1, y0, s10);
            s11 = Mad(x1, y1, s11);
            s12 = Mad(x1, y2, s12);
            s13 = Mad(x1, y3, s13);
            s20 = Mad(x2, y0, s20);
            s21 = Mad(x2, y1, s21);
            s22 = Mad(x2, y2, s22);
            s23 = Mad(x2, y3, s23);
            s30 = Mad(x3, y0, s30);
            s31 = Mad(x3, y1, s31);
            s32 = Mad(x3, y2, s32);
            s33 = Mad(x3, y3, s33);
        }

        int r0 = jb * np + kb, r1 = r0 + np, r2 = r1 + np, r3 = r2 + np;
        acc[r0] += Vector256.Sum(s00);
        acc[r0 + 1] += Vector256.Sum(s01);
        acc[r0 + 2] += Vector256.Sum(s02);
        acc[r0 + 3] += Vector256.Sum(s03);
        acc[r1] += Vector256.Sum(s10);
        acc[r1 + 1] += Vector256.Sum(s11);
        acc[r1 + 2] += Vector256.Sum(s12);
        acc[r1 + 3] += Vector256.Sum(s13);
        acc[r2] += Vector256.Sum(s20);
        acc[r2 + 1] += Vector256.Sum(s21);
        acc[r2 + 2] += Vector256.Sum(s22);
        acc[r2 + 3] += Vector256.Sum(s23);
        acc[r3] += Vector256.Sum(s30);
        acc[r3 + 1] += Vector256.Sum(s31);
        acc[r3 + 2] += Vector256.Sum(s32);
        acc[r3 + 3] += Vector256.Sum(s33);
    }
}
