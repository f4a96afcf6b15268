using StatNeuro.Dynamics;
using StatNeuro.Tests.Support;

namespace StatNeuro.Tests.Dynamics;

public class ExponentialEulerTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1e-12, 1.0000000000005)]
    [InlineData(-1e-8, 0.999999995)]
    [InlineData(1.0, 1.718281828459045)]
    [InlineData(-50.0, 0.02)]
    [InlineData(-1000.0, 0.001)]
    public void Phi1_MatchesClosedForm(double z, double expected)
    {
        // φ₁(z) = (e^z − 1)/z: values from the series (small z) and from e^z (|z| ≥ 1; e^-50 < 1e-21 is negligible).
        Assert.Equal(expected, ExponentialEuler.Phi1(z), 1e-15 * Math.Max(1, Math.Abs(expected)));
    }

    [Fact]
    public void ExpM1_SmallArgument_HasNoCancellation()
    {
        // e^x − 1 = x + x²/2 + ... : naive Math.Exp(x) − 1 loses all digits at x = 1e-17.
        Assert.Equal(1e-17, ExponentialEuler.ExpM1(1e-17), 1e-32);
        Assert.Equal(Math.E - 1, ExponentialEuler.ExpM1(1), 1e-15);
    }

    [Fact]
    public void ExponentialEuler_Lif_IsExactAtAnyStep()
    {
        // A, B constant: V(t) = V∞ + (V0 − V∞) e^{−t/τ} exactly, even at h = 1 ms = τ/10 (bound: rounding, 1e-12).
        var problem = new OdeProblem<LifMembrane>(new LifMembrane(SlidesLif.TauMs, SlidesLif.VInfinityMv), [SlidesLif.RestMv], 0, 15);
        OdeSolution s = new ExponentialEuler().Solve(problem, new SolveOptions { StepSize = 1.0 });
        for (int r = 0; r < s.Times.Count; r++)
        {
            double exact = SlidesLif.VInfinityMv + (SlidesLif.RestMv - SlidesLif.VInfinityMv) * Math.Exp(-s.Times[r] / SlidesLif.TauMs);
            Assert.Equal(exact, s[r, 0], 1e-12);
        }
    }

    [Fact]
    public void ExponentialEuler_NonlinearCoefficient_ConvergesAtOrderOne()
    {
        // y' = −y², written A = 0, B = −y (frozen over the step): exact y = 1/(1 + t).
        double[] steps = [0.1, 0.05, 0.025, 0.0125, 0.00625];
        double[] errors = [.. steps.Select(h => Math.Abs(new ExponentialEuler().Solve(
            new OdeProblem<Riccati>(new Riccati(), [1.0], 0, 2), new SolveOptions { StepSize = h, SaveEvery = 0 }).FinalState()[0] - 1.0 / 3))];
        Assert.InRange(ConvergenceOrder.Estimate(steps, errors), 0.8, 1.2);
    }

    [Fact]
    public void ExponentialEuler_VanishingB_ReducesToEuler()
    {
        // B = 1e-300: φ₁ → 1, so the step is y + h(A + B y); no 0/0.
        OdeSolution s = new ExponentialEuler().Solve(new OdeProblem<Affine>(new Affine(2.0, 1e-300), [1.0], 0, 1), new SolveOptions { StepSize = 0.25 });
        Assert.Equal(3.0, s.FinalState()[0], 1e-14);
    }

    [Fact]
    public void ExponentialEulerPrecise_SlidesLif_SpikeTimesTo1em9()
    {
        // Exact steps + cubic Hermite location (error ~h⁴|V''''|/384 ≈ 1e-13 mV at h = 0.01).
        List<double> expected = SlidesLif.SpikeTimes(100);
        OdeSolution s = new ExponentialEuler().Solve(
            new OdeProblem<LifMembrane>(new LifMembrane(SlidesLif.TauMs, SlidesLif.VInfinityMv), [SlidesLif.RestMv], 0, 100),
            new SolveOptions { StepSize = 0.01, SaveEvery = 0 },
            new LifThreshold(SlidesLif.ThresholdMv, SlidesLif.ResetMv));
        Assert.Equal(expected.Count, s.Events.Count);
        for (int k = 0; k < expected.Count; k++)
        {
            Assert.Equal(expected[k], s.Events[k].Time, 1e-9);
        }
    }

    [Fact]
    public void Stepper_Step_AllocatesZeroBytes()
    {
        var stepper = new ExponentialEulerStepper<LifMembrane>(new LifMembrane(10, -35));
        double[] y = [-65.0];
        for (int k = 0; k < 1000; k++)
        {
            stepper.Step(0, y, 0.1);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 10_000; k++)
        {
            stepper.Step(0, y, 0.1);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ExponentialEuler_SystemWithoutLinearParts_Throws() =>
        Assert.Throws<ArgumentException>(() => new ExponentialEuler().Solve(new OdeProblem<Oscillator>(new Oscillator(1), [1.0, 0.0], 0, 1), new SolveOptions { StepSize = 0.1 }));

    private readonly struct Riccati : IConditionallyLinearSystem
    {
        public int Dimension => 1;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = -y[0] * y[0];

        public void LinearParts(double t, ReadOnlySpan<double> y, Span<double> a, Span<double> b)
        {
            a[0] = 0;
            b[0] = -y[0];
        }
    }

    private readonly struct Affine(double a, double b) : IConditionallyLinearSystem
    {
        public int Dimension => 1;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt) => dydt[0] = a + b * y[0];

        public void LinearParts(double t, ReadOnlySpan<double> y, Span<double> aOut, Span<double> bOut)
        {
            aOut[0] = a;
            bOut[0] = b;
        }
    }
}
