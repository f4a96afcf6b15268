using StatNeuro.MeanField;
using StatNeuro.Numerics;

namespace StatNeuro.Tests.MeanField;

public class MeanFieldIsingTests
{
    [Fact]
    public void Naive_UniformCouplings_ReducesToCurieWeiss()
    {
        // J_ij = zJ/N (i != j), h_i = H: m = tanh(zJ (N-1)/N m + H), the Curie–Weiss equation at T = 1 (exact to 1e-12).
        const int N = 20;
        const double ZJ = 1.5, H = 0.05;
        var j = new double[N, N];
        var h = new double[N];
        for (int a = 0; a < N; a++)
        {
            h[a] = H;
            for (int b = 0; b < N; b++)
            {
                j[a, b] = a == b ? 0 : ZJ / N;
            }
        }

        MeanFieldIsingSolution s = MeanFieldIsing.SolveNaive(h, j, new MeanFieldSettings(Tolerance: 1e-15));
        double expected = CurieWeiss.Solutions(1, H, ZJ * (N - 1) / N)[^1].Magnetization;
        Assert.True(s.Converged);
        Assert.All(s.Magnetizations, m => Assert.Equal(expected, m, 1e-12));
        Assert.True(s.Residual < 1e-12);
    }

    [Fact]
    public void Tap_WeakRandomCouplings_BeatsNaiveAgainstExactEnumeration()
    {
        // N = 8 spins, J ~ 0.1 N(0,1): the exact magnetizations by enumeration of 256 states; TAP's error is O(J^3),
        // naive mean field's O(J^2), so TAP must be closer (and both within 0.05).
        const int N = 8;
        var rng = new RandomStreams(7).For(StreamPurpose.Noise, 0);
        var j = new double[N, N];
        var h = new double[N];
        for (int a = 0; a < N; a++)
        {
            h[a] = 0.2 * rng.NextNormal();
            for (int b = a + 1; b < N; b++)
            {
                j[a, b] = j[b, a] = 0.1 * rng.NextNormal();
            }
        }

        var exact = new double[N];
        double z = 0;
        for (int state = 0; state < 1 << N; state++)
        {
            double e = 0;
            for (int a = 0; a < N; a++)
            {
                double sa = ((state >> a) & 1) == 1 ? 1 : -1;
                e += h[a] * sa;
                for (int b = a + 1; b < N; b++)
                {
                    e += j[a, b] * sa * (((state >> b) & 1) == 1 ? 1 : -1);
                }
            }

            double w = Math.Exp(e);
            z += w;
            for (int a = 0; a < N; a++)
            {
                exact[a] += w * (((state >> a) & 1) == 1 ? 1 : -1);
            }
        }

        MeanFieldIsingSolution naive = MeanFieldIsing.SolveNaive(h, j);
        MeanFieldIsingSolution tap = MeanFieldIsing.SolveTap(h, j);
        Assert.True(naive.Converged, "naive");
        Assert.True(tap.Converged, $"tap {tap.Iterations} {tap.Residual}");
        Assert.True(tap.Residual < 1e-10, $"residual {tap.Residual}");
        double errNaive = 0, errTap = 0;
        for (int a = 0; a < N; a++)
        {
            errNaive = Math.Max(errNaive, Math.Abs(naive.Magnetizations[a] - (exact[a] / z)));
            errTap = Math.Max(errTap, Math.Abs(tap.Magnetizations[a] - (exact[a] / z)));
        }

        Assert.True(errTap < errNaive, $"TAP {errTap:E2} vs naive {errNaive:E2}");
        Assert.True(errNaive < 0.05, $"naive {errNaive}");
    }

    [Fact]
    public void Naive_IterationCap_ReportsNotConverged()
    {
        var j = new double[2, 2] { { 0, 3 }, { 3, 0 } };
        MeanFieldIsingSolution s = MeanFieldIsing.SolveNaive([0.0, 0.0], j, new MeanFieldSettings(Damping: 1, MaxIterations: 3), [0.5, -0.5]);
        Assert.False(s.Converged);
        Assert.Equal(3, s.Iterations);
    }
}
