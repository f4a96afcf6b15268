using StatNeuro.Numerics;

namespace StatNeuro.Tests.Numerics;

public class RootFindingTests
{
    [Fact]
    public void Brent_CubicRoot_MatchesClosedForm()
    {
        // x^3 - 2 = 0 has the root 2^(1/3).
        RootResult r = RootFinding.Brent(x => x * x * x - 2, 0, 3);
        Assert.True(r.Converged);
        Assert.Equal(Math.Cbrt(2), r.Root, 1e-14);
    }

    [Fact]
    public void Brent_TranscendentalRoot_MatchesDottieNumber()
    {
        // cos x = x: the Dottie number 0.739085133215160641655...
        RootResult r = RootFinding.Brent(x => Math.Cos(x) - x, 0, 1);
        Assert.Equal(0.7390851332151607, r.Root, 1e-15);
    }

    [Fact]
    public void Brent_NoBracket_Throws() =>
        Assert.Throws<ArgumentException>(() => RootFinding.Brent(x => x * x + 1, -1, 1));

    [Fact]
    public void AllRoots_FindsEveryRootOfSine()
    {
        IReadOnlyList<double> roots = RootFinding.AllRoots(Math.Sin, 0.5, 10, 500);
        Assert.Equal(3, roots.Count);
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal((k + 1) * Math.PI, roots[k], 1e-12);
        }
    }

    [Fact]
    public void IsiCv_RegularTrain_IsZero_AndPoissonTrain_IsNearOne()
    {
        Assert.Equal(0.0, Statistics.IsiCv([1.0, 2.0, 3.0, 4.0]), 1e-15);
        var g = new RandomStreams(2).For(StreamPurpose.Other);
        var t = new double[100_000];
        double now = 0;
        for (int k = 0; k < t.Length; k++)
        {
            now += g.NextExponential(1.0);
            t[k] = now;
        }

        // CV of exponential ISIs is 1; SE of the sd estimate ≈ 1/sqrt(n)·sqrt((κ−1)/4) with kurtosis κ = 9 → sqrt(2/n).
        Assert.InRange(Statistics.IsiCv(t), 1 - 5 * Math.Sqrt(2.0 / t.Length), 1 + 5 * Math.Sqrt(2.0 / t.Length));
    }
}
