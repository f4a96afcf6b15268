using StatNeuro.Dynamics;
using StatNeuro.Tests.Support;

namespace StatNeuro.Tests.Dynamics;

public class ExplicitRungeKuttaTests
{
    private static double FinalError<TSystem>(ButcherTableau tableau, TSystem system, double[] y0, double t1, double h, Func<double, double[]> exact)
        where TSystem : IOdeSystem
    {
        OdeSolution s = new ExplicitRungeKutta(tableau).Solve(new OdeProblem<TSystem>(system, y0, 0, t1), new SolveOptions { StepSize = h, SaveEvery = 0 });
        Assert.Equal(SolveStatus.Success, s.Status);
        Assert.Equal(t1, s.Times[^1], 1e-12);
        double[] y = s.FinalState();
        double[] e = exact(t1);
        double err = 0;
        for (int i = 0; i < y.Length; i++)
        {
            err = Math.Max(err, Math.Abs(y[i] - e[i]));
        }

        return err;
    }

    private static double Slope(Func<double, double> errorAt, double[] steps) =>
        ConvergenceOrder.Estimate(steps, steps.Select(errorAt).ToArray());

    [Fact]
    public void Euler_SlidesRamp_ConvergesAtOrderOne()
    {
        // dy/dx = x, y(0) = 0 on [0, 1]: Euler's error is exactly h/2 (Σ h·x_k = (1 − h)/2), slope 1.
        double[] steps = [1.0 / 16, 1.0 / 32, 1.0 / 64, 1.0 / 128, 1.0 / 256];
        double p = Slope(h => FinalError(ButcherTableaus.Euler, new Ramp(), [0.0], 1, h, x => [x * x / 2]), steps);
        Assert.InRange(p, 0.8, 1.2);
        Assert.Equal(1.0 / 32, FinalError(ButcherTableaus.Euler, new Ramp(), [0.0], 1, 1.0 / 16, x => [x * x / 2]), 1e-14);
    }

    [Theory]
    [InlineData("Midpoint")]
    [InlineData("Heun")]
    [InlineData("RK4")]
    [InlineData("DormandPrince54")]
    public void SecondOrderAndHigher_SlidesRamp_AreExact(string name)
    {
        // A quadratic solution is integrated exactly by every method of order ≥ 2 (the slides' "surprisingly good" midpoint).
        ButcherTableau tableau = ButcherTableaus.All.Single(t => t.Name == name);
        Assert.True(FinalError(tableau, new Ramp(), [0.0], 1, 0.1, x => [x * x / 2]) < 1e-14);
    }

    [Theory]
    [InlineData("Euler", 1, 1.0 / 16)]
    [InlineData("Midpoint", 2, 1.0 / 16)]
    [InlineData("Heun", 2, 1.0 / 16)]
    [InlineData("RK4", 4, 1.0 / 4)]
    [InlineData("DormandPrince54", 5, 1.0 / 4)]
    public void Method_ExponentialDecay_ConvergesAtItsOrder(string name, int order, double largestStep)
    {
        // y' = −y on [0, 2]; global error C h^p: the log-log slope over 5 halvings must be within 0.2 of p.
        ButcherTableau tableau = ButcherTableaus.All.Single(t => t.Name == name);
        double[] steps = [.. Enumerable.Range(0, 5).Select(k => largestStep / Math.Pow(2, k))];
        double p = Slope(h => FinalError(tableau, new Decay(1), [1.0], 2, h, t => [Math.Exp(-t)]), steps);
        Assert.InRange(p, order - 0.2, order + 0.2);
    }

    [Theory]
    [InlineData("Euler", 1, 1.0 / 64)]
    [InlineData("Midpoint", 2, 1.0 / 16)]
    [InlineData("Heun", 2, 1.0 / 16)]
    [InlineData("RK4", 4, 1.0 / 4)]
    [InlineData("DormandPrince54", 5, 1.0 / 2)]
    public void Method_HarmonicOscillator_ConvergesAtItsOrder(string name, int order, double largestStep)
    {
        // x'' = −x on [0, 5]: x = cos t, v = −sin t; slope over 5 halvings within 0.2 of p.
        ButcherTableau tableau = ButcherTableaus.All.Single(t => t.Name == name);
        double[] steps = [.. Enumerable.Range(0, 5).Select(k => largestStep / Math.Pow(2, k))];
        double p = Slope(h => FinalError(tableau, new Oscillator(1), [1.0, 0.0], 5, h, t => [Math.Cos(t), -Math.Sin(t)]), steps);
        Assert.InRange(p, order - 0.2, order + 0.2);
    }

    [Fact]
    public void Stepper_OneStepOfFixedSizeSystem_AllocatesZeroBytes()
    {
        var stepper = new ExplicitRungeKuttaStepper<Oscillator>(ButcherTableaus.RungeKutta4, new Oscillator(2));
        var dp = new ExplicitRungeKuttaStepper<Oscillator>(ButcherTableaus.DormandPrince54, new Oscillator(2));
        double[] y = [1.0, 0.0];
        for (int k = 0; k < 1000; k++)
        {
            stepper.Step(k * 1e-3, y, 1e-3); // warm-up (tiered JIT)
            dp.Step(k * 1e-3, y, 1e-3);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 10_000; k++)
        {
            stepper.Step(k * 1e-3, y, 1e-3);
            dp.Step(k * 1e-3, y, 1e-3);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(double.IsFinite(y[0]));
    }

    [Fact]
    public void Solve_SaveEveryAndSaveAt_StoreRequestedTimes()
    {
        var problem = new OdeProblem<Decay>(new Decay(1), [1.0], 0, 1);
        OdeSolution every = new ExplicitRungeKutta(ButcherTableaus.RungeKutta4).Solve(problem, new SolveOptions { StepSize = 0.1, SaveEvery = 2 });
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1.0], every.Times.Select(t => Math.Round(t, 12)).ToArray());

        // SaveAt between grid points: cubic Hermite from RK4 endpoints, error O(h^4) ≈ 1e-6 at h = 0.1 (bound 1e-5).
        double[] at = [0.05, 0.333, 0.9, 1.0];
        OdeSolution dense = new ExplicitRungeKutta(ButcherTableaus.RungeKutta4).Solve(problem, new SolveOptions { StepSize = 0.1, SaveAt = at });
        Assert.Equal(at, dense.Times);
        for (int i = 0; i < at.Length; i++)
        {
            Assert.Equal(Math.Exp(-at[i]), dense[i, 0], 1e-5);
        }
    }

    [Fact]
    public void Solve_BlowUp_ReturnsNonFiniteStatus()
    {
        // y' = −λ y with λ h = 100: Euler multiplies by −99 per step and overflows; a status, not a throw.
        OdeSolution s = new ExplicitRungeKutta(ButcherTableaus.Euler).Solve(new OdeProblem<Decay>(new Decay(1e4), [1.0], 0, 10), new SolveOptions { StepSize = 0.01 });
        Assert.Equal(SolveStatus.NonFinite, s.Status);
        Assert.False(s.Succeeded);
        Assert.True(double.IsFinite(s.FinalState()[0]));
    }

    [Fact]
    public void Solve_MaxSteps_ReturnsStatus()
    {
        OdeSolution s = new ExplicitRungeKutta(ButcherTableaus.Euler).Solve(new OdeProblem<Decay>(new Decay(1), [1.0], 0, 1), new SolveOptions { StepSize = 0.01, MaxSteps = 10 });
        Assert.Equal(SolveStatus.MaxStepsExceeded, s.Status);
        Assert.Equal(0.1, s.Times[^1], 1e-12);
    }
}
