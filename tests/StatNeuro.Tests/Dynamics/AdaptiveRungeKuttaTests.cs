using StatNeuro.Dynamics;

namespace StatNeuro.Tests.Dynamics;

public class AdaptiveRungeKuttaTests
{
    [Theory]
    [InlineData(1e-4)]
    [InlineData(1e-6)]
    [InlineData(1e-8)]
    [InlineData(1e-10)]
    public void DormandPrince_TenOscillatorPeriods_GlobalErrorWithinTenRtol(double rtol)
    {
        // Acceptance: global error ≤ 10·rtol over 10 periods of x'' = −x (exact cos t, −sin t). Relative error
        // control (atol = rtol/1000) gives 5.5–7.7·rtol; with atol = rtol the scale atol + rtol|y| doubles the
        // per-step tolerance and the error is ~20·rtol (docs/dynamics.md).
        double t1 = 20 * Math.PI;
        var problem = new OdeProblem<Oscillator>(new Oscillator(1), [1.0, 0.0], 0, t1);
        OdeSolution s = new AdaptiveRungeKutta().Solve(problem, new SolveOptions { RelativeTolerance = rtol, AbsoluteTolerance = 1e-3 * rtol });
        Assert.Equal(SolveStatus.Success, s.Status);
        double worst = 0;
        for (int r = 0; r < s.Times.Count; r++)
        {
            double t = s.Times[r];
            worst = Math.Max(worst, Math.Max(Math.Abs(s[r, 0] - Math.Cos(t)), Math.Abs(s[r, 1] + Math.Sin(t))));
        }

        Assert.True(worst <= 10 * rtol, $"rtol {rtol}: error {worst}");
        Assert.Equal(t1, s.Times[^1]);
    }

    [Fact]
    public void DormandPrince_TighterTolerance_TakesMoreStepsAndIsMoreAccurate()
    {
        var problem = new OdeProblem<Decay>(new Decay(1), [1.0], 0, 5);
        OdeSolution loose = new AdaptiveRungeKutta().Solve(problem, new SolveOptions { RelativeTolerance = 1e-5, AbsoluteTolerance = 1e-8, SaveEvery = 0 });
        OdeSolution tight = new AdaptiveRungeKutta().Solve(problem, new SolveOptions { RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-13, SaveEvery = 0 });
        Assert.True(tight.Statistics.AcceptedSteps > 4 * loose.Statistics.AcceptedSteps);
        Assert.True(Math.Abs(tight.FinalState()[0] - Math.Exp(-5)) < 1e-11);
        Assert.True(Math.Abs(tight.FinalState()[0] - Math.Exp(-5)) < Math.Abs(loose.FinalState()[0] - Math.Exp(-5)));
    }

    [Fact]
    public void DormandPrince_SaveAt_UsesDenseOutput()
    {
        // 4th-order free interpolant: at rtol 1e-8 the dense values are as accurate as the steps (~1e-8; bound 1e-7).
        double[] at = [.. Enumerable.Range(0, 101).Select(i => i * 0.05)];
        var problem = new OdeProblem<Oscillator>(new Oscillator(1), [1.0, 0.0], 0, 5);
        OdeSolution s = new AdaptiveRungeKutta().Solve(problem, new SolveOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-8, SaveAt = at });
        Assert.Equal(at.Length, s.Times.Count);
        Assert.True(s.Statistics.AcceptedSteps < at.Length, "steps should be longer than the save spacing");
        for (int r = 0; r < at.Length; r++)
        {
            Assert.Equal(at[r], s.Times[r]);
            Assert.Equal(Math.Cos(at[r]), s[r, 0], 1e-7);
            Assert.Equal(-Math.Sin(at[r]), s[r, 1], 1e-7);
        }
    }

    [Fact]
    public void DormandPrincePrecise_SlidesLif_SpikeTimesMatchClosedFormTo1em9()
    {
        // Tight tolerance: located on the DOPRI5 dense output; the closed form t_1 = τ ln 6, period τ ln 7.
        List<double> expected = SlidesLif.SpikeTimes(100);
        var problem = new OdeProblem<LifMembrane>(new LifMembrane(SlidesLif.TauMs, SlidesLif.VInfinityMv), [SlidesLif.RestMv], 0, 100);
        OdeSolution s = new AdaptiveRungeKutta().Solve(problem, new SolveOptions { RelativeTolerance = 1e-12, AbsoluteTolerance = 1e-12 }, new LifThreshold(SlidesLif.ThresholdMv, SlidesLif.ResetMv));
        Assert.Equal(SolveStatus.Success, s.Status);
        Assert.Equal(expected.Count, s.Events.Count);
        for (int k = 0; k < expected.Count; k++)
        {
            Assert.Equal(expected[k], s.Events[k].Time, 1e-9);
        }
    }

    [Fact]
    public void BogackiShampinePrecise_SlidesLif_HermiteDenseOutputLocatesSpikes()
    {
        // BS3 has no built-in interpolant: events are located on cubic Hermite (error O(h⁴)); rtol 1e-11 → ~1e-9 ms.
        List<double> expected = SlidesLif.SpikeTimes(100);
        var problem = new OdeProblem<LifMembrane>(new LifMembrane(SlidesLif.TauMs, SlidesLif.VInfinityMv), [SlidesLif.RestMv], 0, 100);
        OdeSolution s = new AdaptiveRungeKutta(ButcherTableaus.BogackiShampine32).Solve(problem, new SolveOptions { RelativeTolerance = 1e-11, AbsoluteTolerance = 1e-11 }, new LifThreshold(SlidesLif.ThresholdMv, SlidesLif.ResetMv));
        Assert.Equal(SolveStatus.Success, s.Status);
        Assert.Equal(expected.Count, s.Events.Count);
        for (int k = 0; k < expected.Count; k++)
        {
            Assert.Equal(expected[k], s.Events[k].Time, 1e-8);
        }
    }

    [Fact]
    public void DormandPrince_FiniteTimeBlowUp_ReturnsStatusNotThrow()
    {
        // y' = y², y(0) = 1 blows up at t = 1: the step shrinks below the minimum (or the state overflows).
        var problem = new OdeProblem<Square>(new Square(), [1.0], 0, 2);
        OdeSolution s = new AdaptiveRungeKutta().Solve(problem, new SolveOptions { MinimumStep = 1e-12 });
        Assert.Contains(s.Status, new[] { SolveStatus.StepSizeTooSmall, SolveStatus.NonFinite });
        Assert.InRange(s.Times[^1], 0.99, 1.001);
    }

    [Fact]
    public void DormandPrince_MaxSteps_ReturnsStatus()
    {
        var problem = new OdeProblem<Oscillator>(new Oscillator(1), [1.0, 0.0], 0, 100);
        OdeSolution s = new AdaptiveRungeKutta().Solve(problem, new SolveOptions { MaxSteps = 5 });
        Assert.Equal(SolveStatus.MaxStepsExceeded, s.Status);
        Assert.Equal(5, s.Statistics.AcceptedSteps);
    }

    [Fact]
    public void AdaptiveRungeKutta_TableauWithoutEmbeddedWeights_Throws() =>
        Assert.Throws<ArgumentException>(() => new AdaptiveRungeKutta(ButcherTableaus.RungeKutta4));

    private readonly struct Square : IOdeSystem
    {
        public int Dimension => 1;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = y[0] * y[0];
    }
}
